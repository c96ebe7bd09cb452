// What every connection of the net layer shares; owned by run_server, outlives all sessions.
#pragma once
#include "server/session_hub.h"

#include <cstddef>
#include <filesystem>

namespace sb::server::net_detail {

struct NetContext {
    SessionHub& hub;
    std::filesystem::path web_root;
    std::size_t max_frame_bytes;
};

} // namespace sb::server::net_detail
