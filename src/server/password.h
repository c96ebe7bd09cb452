// Password hashing (argon2id via libsodium) and random session tokens.
#pragma once
#include <string>
#include <string_view>

namespace sb::server {

// Initialises libsodium; call once before anything below (safe to call again). False if it failed.
bool init_crypto();

// An argon2id hash string ("$argon2id$v=19$...") with libsodium's interactive costs (~50-100 ms, 64 MiB).
// Throws std::runtime_error when memory is short.
std::string hash_password(std::string_view password);

// True when `hash` is a valid hash string of `password`. Costs as much as hash_password.
bool verify_password(std::string_view hash, std::string_view password);

// 32 random bytes as 64 lowercase hex characters.
std::string random_token();

} // namespace sb::server
