// JSON codec for protocol v1. Decoding validates everything: a frame from outside is never trusted.
#pragma once
#include "core/expected.h"
#include "protocol/messages.h"

#include <string>
#include <string_view>

namespace sb::protocol {

// Field length limits (bytes of UTF-8). Longer values are refused with code bad_field.
inline constexpr std::size_t max_cid = 64;
inline constexpr std::size_t max_login = 64;
inline constexpr std::size_t max_password = 256;
inline constexpr std::size_t max_token = 128;
inline constexpr std::size_t max_name = 128;

struct DecodeError {
    std::string cid; // the frame's cid, when it could be read
    std::string code;
    std::string message;
};

std::string encode(const ClientMessage& m);
std::string encode(const ServerMessage& m);

Expected<ClientMessage, DecodeError> decode_client(std::string_view frame);
Expected<ServerMessage, DecodeError> decode_server(std::string_view frame);

// The error message a server sends for a frame it could not decode.
inline Error to_error(const DecodeError& e) { return Error{e.cid, e.code, e.message}; }

} // namespace sb::protocol
