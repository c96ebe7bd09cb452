// The bytes of one unmasked, unfragmented WebSocket text frame as a server sends it (RFC 6455 section 5.2).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace sb::server::net_detail {

// Appends FIN + opcode 1 (text), the payload length in its shortest form (7 bits, 16 or 64 bits big-endian),
// then the payload. Server frames carry no mask.
inline void append_text_frame(std::string& out, std::string_view payload) {
    const std::uint64_t n = payload.size();
    out += static_cast<char>(0x81);
    if (n < 126) {
        out += static_cast<char>(n);
    } else if (n <= 0xffff) {
        out += static_cast<char>(126);
        out += static_cast<char>((n >> 8) & 0xff);
        out += static_cast<char>(n & 0xff);
    } else {
        out += static_cast<char>(127);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
    }
    out.append(payload);
}

} // namespace sb::server::net_detail
