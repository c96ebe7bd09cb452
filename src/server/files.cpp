#include "server/files.h"

#include "server/log.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace sb::server {
namespace {

std::string hex(const unsigned char* data, std::size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, n);
    out.pop_back();
    return out;
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    randombytes_buf(buf.data(), buf.size());
    return hex(buf.data(), buf.size());
}

bool is_hex(std::string_view s, std::size_t len) {
    return s.size() == len &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Same hash as contact_hub.cpp's for visitor secrets (only the hash is stored).
std::string secret_hash(std::string_view secret) {
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr, 0);
    return hex(out, sizeof out);
}

bool same(const std::string& a, const std::string& b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The link key of a file for a party (see "Links" in files.h); nullopt for an unreadable secret.
std::optional<std::string> link_key(const std::string& secret, const std::string& id, const std::string& party) {
    unsigned char key[crypto_auth_KEYBYTES];
    std::size_t len = 0;
    if (sodium_hex2bin(key, sizeof key, secret.data(), secret.size(), nullptr, &len, nullptr) != 0 || len != sizeof key)
        return std::nullopt;
    const std::string message = id + "\n" + party;
    unsigned char mac[crypto_auth_BYTES];
    crypto_auth(mac, reinterpret_cast<const unsigned char*>(message.data()), message.size(), key);
    sodium_memzero(key, sizeof key);
    return hex(mac, sizeof mac);
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if ((c >> 5) == 0x6) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c >> 4) == 0xe) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c >> 3) == 0x1e) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // no overlong forms, no surrogates, nothing past U+10FFFF
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

void sync_dir(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

FileRefusal refusal(unsigned status, std::string code, std::string message) {
    return FileRefusal{status, std::move(code), std::move(message)};
}

} // namespace

// [SECTION] Helpers ------------------------------------------------------------------------------------------

std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        const int hi = digit(s[i + 1]), lo = digit(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out;
}

std::optional<std::string> clean_file_name(std::string_view raw) {
    if (!valid_utf8(raw)) return std::nullopt;
    if (std::any_of(raw.begin(), raw.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        return std::nullopt;
    const auto slash = raw.find_last_of("/\\");
    std::string name = trim(slash == std::string_view::npos ? raw : raw.substr(slash + 1));
    if (name.empty() || name == "." || name == ".." || name.size() > 255) return std::nullopt;
    return name;
}

bool mime_type_allowed(const std::vector<std::string>& types, std::string_view type) {
    const auto slash = type.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size()) return false;
    for (const auto& t : types) {
        if (t == type) return true;
        if (t.size() == slash + 2 && t.back() == '*' && t.compare(0, slash + 1, type.substr(0, slash + 1)) == 0) return true;
    }
    return false;
}

std::string content_disposition(std::string_view name) {
    std::string ascii; // for old browsers: one '_' per character that is not plain ASCII, or a quote
    for (char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 && c < 0xc0) continue; // the rest of a UTF-8 sequence
        ascii += (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '%') ? '_' : ch;
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + percent_encode(name);
}

std::string refusal_json(const FileRefusal& r, const FilesConfig& config) {
    nlohmann::json j{{"code", r.code}, {"message", r.message}};
    if (r.code == "too_large") j["max_bytes"] = config.max_bytes;
    if (r.code == "type_not_allowed") j["types"] = config.types;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// [SECTION] Files --------------------------------------------------------------------------------------------

Files::Files(Store& store, AgentDirectory& directory, ContactHub& contacts, FilesConfig config,
             std::int64_t session_idle_seconds)
    : store_(store), directory_(directory), contacts_(contacts), config_(std::move(config)),
      session_idle_seconds_(session_idle_seconds) {
    contacts_.on_file_link([this](const protocol::FileInfo& f, const std::string& party) { return link(f, party); });
}

void Files::prepare() {
    std::error_code ec;
    const std::filesystem::path dir = config_.dir;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec))
        throw std::runtime_error("cannot create the files folder " + config_.dir + ": " +
                                 (ec ? ec.message() : std::string("not a folder")));
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".part") std::filesystem::remove(entry.path(), ec);
    // Writable? A probe now beats a failed upload later.
    const auto probe = dir / ".probe.part";
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write in the files folder " + config_.dir);
    ::close(fd);
    std::filesystem::remove(probe, ec);
}

Expected<Files::Upload, FileRefusal> Files::begin(std::string_view authorization, std::string_view contact,
                                                  std::string_view file_name, std::string_view content_type,
                                                  std::optional<std::uint64_t> content_length) {
    Upload u;
    // Who: an agent's session token or a visitor's identity.
    const std::string auth = trim(authorization);
    if (auth.rfind("Bearer ", 0) == 0) {
        const std::string token = trim(std::string_view(auth).substr(7));
        auto login = token.empty() || token.size() > 128
                         ? std::nullopt
                         : directory_.resume_session(token, contacts_.now_ms() / 1000, session_idle_seconds_);
        if (!login) return unexpected(refusal(401, "not_logged_in", "the session token is unknown or expired"));
        u.agent = true;
        u.sender = *login;
    } else if (auth.rfind("Visitor ", 0) == 0) {
        const std::string cred = trim(std::string_view(auth).substr(8));
        const auto colon = cred.find(':');
        std::optional<StoredVisitor> known;
        if (colon != std::string::npos && colon > 0 && colon <= 64 && cred.size() - colon - 1 <= 128)
            known = store_.find_visitor(cred.substr(0, colon));
        if (!known || !same(known->secret_hash, secret_hash(std::string_view(cred).substr(colon + 1))))
            return unexpected(refusal(401, "not_logged_in", "unknown visitor or wrong secret"));
        u.agent = false;
        u.sender = known->id;
    } else {
        return unexpected(refusal(401, "not_logged_in",
                                  "header Authorization must be \"Bearer <token>\" or \"Visitor <id>:<secret>\""));
    }

    // Where: an assigned contact of theirs.
    if (contact.empty() || contact.size() > 64)
        return unexpected(refusal(400, "bad_request", "query parameter \"contact\" is required"));
    u.contact = std::string(contact);
    if (const char* why = contacts_.file_refusal(u.contact, u.agent, u.sender)) {
        const std::string code = why;
        if (code == "closed") return unexpected(refusal(409, code, "the contact is closed"));
        if (code == "not_assigned") return unexpected(refusal(409, code, "no agent holds the contact yet"));
        return unexpected(refusal(404, "not_found", "no such contact"));
    }

    // What: its name, type and size.
    auto decoded = percent_decode(file_name);
    auto name = decoded ? clean_file_name(*decoded) : std::nullopt;
    if (!name)
        return unexpected(refusal(400, "bad_request",
                                  "header X-File-Name must be the file's name: percent-encoded UTF-8, 1 to 255 bytes, "
                                  "no control characters"));
    u.name = *name;
    u.type = lower(trim(content_type.substr(0, content_type.find(';'))));
    if (!mime_type_allowed(config_.types, u.type))
        return unexpected(refusal(415, "type_not_allowed",
                                  "files of type \"" + (u.type.empty() ? std::string("(none)") : u.type.substr(0, 100)) +
                                      "\" are not accepted"));
    if (content_length && *content_length > config_.max_bytes)
        return unexpected(refusal(413, "too_large", "the file is larger than " + std::to_string(config_.max_bytes) + " bytes"));
    if (content_length && *content_length == 0) return unexpected(refusal(400, "bad_request", "the file is empty"));

    u.id = "f-" + random_hex(16);
    u.part = std::filesystem::path(config_.dir) / (u.id + ".part");
    return u;
}

void Files::abandon(const Upload& u) {
    std::error_code ec;
    std::filesystem::remove(u.part, ec);
}

Expected<std::string, FileRefusal> Files::finish(const Upload& u, std::uint64_t size) {
    if (size == 0) {
        abandon(u);
        return unexpected(refusal(400, "bad_request", "the file is empty"));
    }
    if (size > config_.max_bytes) {
        abandon(u);
        return unexpected(refusal(413, "too_large", "the file is larger than " + std::to_string(config_.max_bytes) + " bytes"));
    }
    // The contact may have closed while the bytes came.
    if (const char* why = contacts_.file_refusal(u.contact, u.agent, u.sender)) {
        abandon(u);
        const std::string code = why;
        if (code == "closed") return unexpected(refusal(409, code, "the contact is closed"));
        if (code == "not_assigned") return unexpected(refusal(409, code, "no agent holds the contact any more"));
        return unexpected(refusal(404, "not_found", "no such contact"));
    }
    const auto final_path = std::filesystem::path(config_.dir) / u.id;
    std::error_code ec;
    std::filesystem::rename(u.part, final_path, ec);
    if (ec) {
        abandon(u);
        log_line("cannot keep uploaded file " + u.id + ": " + ec.message());
        return unexpected(refusal(500, "internal", "the server could not keep the file"));
    }
    sync_dir(config_.dir);

    StoredFile row{u.id, u.contact, (u.agent ? "agent:" : "visitor:") + u.sender, u.name, u.type, size,
                   contacts_.now_ms(), random_hex(crypto_auth_KEYBYTES)};
    secrets_[row.id] = row.secret;
    protocol::ContactEvent event;
    try {
        event = contacts_.share_file(row, u.agent, u.sender);
    } catch (const std::exception& e) {
        secrets_.erase(row.id);
        std::filesystem::remove(final_path, ec);
        log_line("cannot store file " + u.id + ": " + e.what());
        return unexpected(refusal(500, "internal", "the server failed; the file was not sent"));
    }
    const auto& f = std::get<protocol::ev::File>(event.body).file;
    nlohmann::json j{{"file", {{"id", f.id}, {"name", f.name}, {"size", f.size}, {"type", f.type}, {"url", f.url}}},
                     {"seq", event.seq}};
    log_line("file " + u.id + " (" + std::to_string(size) + " bytes) sent on contact " + u.contact + " by " +
             (u.agent ? "agent " : "visitor ") + u.sender);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> Files::secret_of(const std::string& id) {
    if (auto it = secrets_.find(id); it != secrets_.end()) return it->second;
    auto row = store_.find_file(id);
    if (!row) return std::nullopt;
    if (secrets_.size() >= 10000) secrets_.clear(); // a cache, not a record
    secrets_[id] = row->secret;
    return row->secret;
}

std::string Files::link(const protocol::FileInfo& f, const std::string& party) {
    std::optional<std::string> secret;
    try {
        secret = secret_of(f.id);
    } catch (const std::exception& e) {
        log_line("cannot sign a link of file " + f.id + ": " + e.what());
    }
    auto key = secret ? link_key(*secret, f.id, party) : std::nullopt;
    if (!key) return {};
    return "/files/" + f.id + "/" + percent_encode(f.name) + "?key=" + *key;
}

Expected<Files::Download, FileRefusal> Files::download(std::string_view id, std::string_view key) {
    const auto not_found = refusal(404, "not_found", "no such file");
    if (id.size() != 34 || id.substr(0, 2) != "f-" || !is_hex(id.substr(2), 32)) return unexpected(not_found);
    auto row = store_.find_file(std::string(id));
    if (!row) return unexpected(not_found);
    const auto forbidden = refusal(403, "forbidden", "this link is not valid for this file");
    if (!is_hex(key, crypto_auth_BYTES * 2)) return unexpected(forbidden);
    auto contact = store_.find_contact(row->contact_id);
    if (!contact) return unexpected(not_found);
    std::vector<std::string> parties{"visitor:" + contact->visitor_id};
    if (!contact->agent_id.empty()) parties.push_back("agent:" + contact->agent_id);
    bool allowed = false;
    for (const auto& party : parties)
        if (auto expected = link_key(row->secret, row->id, party); expected && same(*expected, std::string(key)))
            allowed = true;
    if (!allowed) return unexpected(forbidden);
    if (row->expired_at != 0) // files.retention_days: the bytes went, the row and the transcript's event stay
        return unexpected(refusal(410, "file_expired", "the file was deleted: files are kept for a limited time "
                                                       "after their contact closes"));
    Download d{std::filesystem::path(config_.dir) / row->id, row->name, row->type, row->size};
    std::error_code ec;
    if (!std::filesystem::is_regular_file(d.path, ec)) return unexpected(refusal(404, "not_found", "the file is gone"));
    return d;
}

} // namespace sb::server
