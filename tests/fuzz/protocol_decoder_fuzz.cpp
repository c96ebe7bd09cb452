// libFuzzer target for the protocol decoder: any bytes must decode or be refused cleanly, and whatever
// decodes must survive an encode/decode round trip unchanged.
#include "protocol/codec.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace sb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);

    if (auto m = decode_client(frame)) {
        const std::string once = encode(*m);
        auto again = decode_client(once);
        if (!again || encode(*again) != once) std::abort();
    } else if (m.error().code.empty()) {
        std::abort();
    }

    if (auto m = decode_server(frame)) {
        const std::string once = encode(*m);
        auto again = decode_server(once);
        if (!again || encode(*again) != once) std::abort();
    } else if (m.error().code.empty()) {
        std::abort();
    }

    if (auto e = event_from_json(frame)) {
        auto again = event_from_json(event_to_json(*e));
        if (!again || !(*again == *e)) std::abort();
    }
    return 0;
}
