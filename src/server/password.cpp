#include "server/password.h"

#include <sodium.h>

#include <stdexcept>

namespace sb::server {

bool init_crypto() { return sodium_init() >= 0; }

std::string hash_password(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw std::runtime_error("password hashing failed (out of memory)");
    return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
    // libsodium wants a NUL-terminated string within crypto_pwhash_STRBYTES.
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    std::string h(hash);
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string random_token() {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

} // namespace sb::server
