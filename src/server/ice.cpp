#include "server/ice.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <chrono>
#include <stdexcept>

namespace sb::server {

std::string turn_credential(const std::string& secret, const std::string& username) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
              reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac, &mac_len))
        throw std::runtime_error("HMAC-SHA1 failed");
    std::string out(sodium_base64_encoded_len(mac_len, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), mac, mac_len, sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
    return out;
}

std::vector<protocol::IceServer> ice_servers_for(const MediaConfig& media, const std::string& party, TimePoint now) {
    std::vector<protocol::IceServer> out;
    for (const auto& s : media.ice_servers) out.push_back({s.urls, s.username, s.credential});
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    for (const auto& t : media.turn) {
        std::string username = std::to_string(seconds + t.ttl_seconds) + ":" + party;
        out.push_back({t.urls, username, turn_credential(t.secret, username)});
    }
    return out;
}

} // namespace sb::server
