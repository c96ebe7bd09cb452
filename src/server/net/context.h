// What every connection of the net layer shares; owned by run_server, outlives all sessions.
#pragma once
#include "server/admin_api.h"
#include "server/files.h"
#include "server/session_hub.h"

#include "server/geo/geoip.h"

#include <cstddef>
#include <filesystem>
#include <vector>

namespace sb::server::net_detail {

struct NetContext {
    SessionHub& hub;
    std::filesystem::path web_root;
    std::size_t max_frame_bytes;
    std::vector<geo::Network> trusted_proxies; // whose X-Forwarded-For is believed
    AdminApi* admin = nullptr;                 // serves /admin/api; none: those paths are static files
    Files* files = nullptr;                    // serves /files (net/file_http.cpp); none: 404 there
};

} // namespace sb::server::net_detail
