#include "server/static_files.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>
#include <vector>

namespace sb::server {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

StaticAnswer refused(StaticAnswer::Kind kind) {
    StaticAnswer a;
    a.kind = kind;
    return a;
}

StaticAnswer serve(std::filesystem::path file) {
    StaticAnswer a;
    a.kind = StaticAnswer::Kind::file;
    a.mime = mime_type(file);
    a.file = std::move(file);
    return a;
}

} // namespace

std::string_view mime_type(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::pair<std::string_view, std::string_view> types[] = {
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript"},
        {".mjs", "text/javascript"},
        {".wasm", "application/wasm"},
        {".css", "text/css"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".ttf", "font/ttf"},
        {".otf", "font/otf"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},
        {".webp", "image/webp"},
        {".txt", "text/plain; charset=utf-8"},
        {".wav", "audio/wav"},
        {".mp3", "audio/mpeg"},
        {".ogg", "audio/ogg"},
    };
    for (const auto& [e, type] : types)
        if (e == ext) return type;
    return "application/octet-stream";
}

StaticAnswer resolve_static(const std::filesystem::path& web_root, std::string_view target) {
    using Kind = StaticAnswer::Kind;
    std::string_view path = target.substr(0, target.find_first_of("?#"));
    if (path.empty() || path[0] != '/') return refused(Kind::bad_request);
    auto decoded = percent_decode(path);
    if (!decoded) return refused(Kind::bad_request);

    // Split into segments; only plain names are allowed, so the result stays inside web_root.
    std::vector<std::string> segments;
    std::size_t start = 1;
    bool trailing_slash = decoded->back() == '/';
    while (start < decoded->size()) {
        auto end = decoded->find('/', start);
        if (end == std::string::npos) end = decoded->size();
        std::string seg = decoded->substr(start, end - start);
        if (seg.empty() || seg == "." || seg == ".." || seg.find('\\') != std::string::npos ||
            seg.find('\0') != std::string::npos)
            return refused(Kind::bad_request);
        segments.push_back(std::move(seg));
        start = end + 1;
    }

    std::filesystem::path file = web_root;
    for (const auto& seg : segments) file /= seg;

    std::error_code ec;
    auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) return refused(Kind::not_found);
    if (std::filesystem::is_directory(status)) {
        if (!trailing_slash) {
            StaticAnswer a;
            a.kind = Kind::redirect;
            a.location = std::string(path) + "/";
            return a;
        }
        if (std::filesystem::is_regular_file(file / "index.html", ec)) return serve(file / "index.html");
        if (!segments.empty()) {
            auto named = file / (segments.back() + ".html");
            if (std::filesystem::is_regular_file(named, ec)) return serve(named);
        }
        return refused(Kind::not_found);
    }
    if (!std::filesystem::is_regular_file(status)) return refused(Kind::not_found);
    if (trailing_slash) return refused(Kind::not_found);
    return serve(file);
}

} // namespace sb::server
