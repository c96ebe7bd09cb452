// What every connection of the net layer shares; owned by run_server, outlives all sessions.
#pragma once
#include "server/admin_api.h"
#include "server/files.h"
#include "server/session_hub.h"

#include "server/geo/geoip.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <set>
#include <vector>

namespace sb::server::net_detail {

class WebsocketSession;

struct NetContext {
    SessionHub& hub;
    std::filesystem::path web_root;
    std::size_t max_frame_bytes;
    std::vector<geo::Network> trusted_proxies; // whose X-Forwarded-For is believed
    AdminApi* admin = nullptr;                 // serves /admin/api; none: those paths are static files
    Files* files = nullptr;                    // serves /files (net/file_http.cpp); none: 404 there
    // Open WebSocket sessions (each adds and removes itself), so that a shutdown can close them cleanly.
    std::set<WebsocketSession*> sessions;
    bool shutting_down = false;
    std::function<void()> on_all_closed; // called when the last session goes while shutting down
};

} // namespace sb::server::net_detail
