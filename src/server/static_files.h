// Static files from the web root: request target -> file on disk, or why not. Pure (no sockets), so the
// path-traversal rules are unit tested; net/http_session.cpp only carries out the answer.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace sb::server {

struct StaticAnswer {
    enum class Kind { file, redirect, not_found, bad_request };
    Kind kind = Kind::not_found;
    std::filesystem::path file; // Kind::file
    std::string location;       // Kind::redirect: where to
    std::string_view mime;      // Kind::file
};

// The Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string_view mime_type(const std::filesystem::path& file);

// Resolves a request target ("/console/app.js?v=2") inside `web_root`. Refuses "..", "." and empty
// segments, backslashes and NUL, also when percent-encoded. A directory serves its index.html, or else the
// page named after it (console/ -> console/console.html); a directory without a trailing slash redirects.
StaticAnswer resolve_static(const std::filesystem::path& web_root, std::string_view target);

} // namespace sb::server
