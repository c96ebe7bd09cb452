// The network side: one io_context thread serving HTTP (static files, /healthz) and WebSocket (/ws) on one
// port, until SIGINT or SIGTERM. The only header of net/ that the rest of the server includes (no Beast).
#pragma once
#include "server/admin_api.h"
#include "server/file_retention.h"
#include "server/files.h"
#include "server/session_hub.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sb::server {

struct ServerOptions {
    std::string host;
    int port = 0; // 0: the system picks a free port
    std::filesystem::path web_root;
    std::size_t max_frame_bytes = 65536;
    std::vector<std::string> trusted_proxies; // validated by the config: addresses or networks
    AdminApi* admin = nullptr;                 // the admin REST API under /admin/api (admin_api.h)
    Files* files = nullptr;                    // uploads and downloads under /files (files.h)
    FileRetention* retention = nullptr;        // swept at start, then every hour (file_retention.h); none: never
    // Called once before serving with a function that, from any thread, runs work on the io thread (and does
    // nothing once the server stopped): how worker threads (the translator) hand their results back.
    std::function<void(std::function<void(std::function<void()>)> post)> on_io;
};

// Listens, calls on_listening with the bound port, then serves until a signal. Returns nullopt after a clean
// shutdown, or a one-line reason when it cannot listen ("cannot listen on 127.0.0.1:8080: address already in use").
std::optional<std::string> run_server(const ServerOptions& options, SessionHub& hub,
                                      const std::function<void(unsigned short port)>& on_listening);

} // namespace sb::server
