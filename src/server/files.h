// Files sent on contacts (docs/protocol.md "Files", docs/admin.md "files"): who may upload one, the limits,
// where the bytes go, and the download links, which only the contact's two parties get. No sockets here:
// net/file_http.cpp drives it from HTTP requests, on the io thread (as ContactHub, which it calls).
//
// [SECTION] Links
// Each file has its own random secret (StoredFile::secret). A party's link carries
// key = HMAC(secret, "<file id>\n<party>") (libsodium crypto_auth), party being "agent:<login>" or
// "visitor:<id>". A download is allowed when the key is the one of the contact's visitor or of its agent
// (the holder, or the last holder once closed): a link stops working for an agent the contact was taken from.
// Stored events carry no link; ContactHub adds each recipient's own when it sends them (live or in snapshots).
#pragma once
#include "core/expected.h"
#include "protocol/contact_view.h"
#include "server/agent_directory.h"
#include "server/config.h"
#include "server/contact_hub.h"
#include "server/store/store.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sb::server {

// A refused file request: its HTTP status and the JSON body's code and message (docs/protocol.md, "Files").
struct FileRefusal {
    unsigned status = 400;
    std::string code;
    std::string message;
};

class Files {
  public:
    // session_idle_seconds: as SessionHub's (a token unused this long no longer authorises anything).
    Files(Store& store, AgentDirectory& directory, ContactHub& contacts, FilesConfig config,
          std::int64_t session_idle_seconds = 7 * 24 * 3600);

    // Creates the folder and removes the partial uploads a crash left behind. Throws std::runtime_error.
    void prepare();
    const FilesConfig& config() const { return config_; }

    // An upload between its request's headers and the end of its body.
    struct Upload {
        std::string contact;
        bool agent = false;
        std::string sender;          // agent login or visitor id
        std::string name;            // the file's name, decoded and cleaned
        std::string type;            // MIME type, lower case, without parameters
        std::string id;              // the file's id, also its name on disk
        std::filesystem::path part;  // where the body goes until it is complete
    };
    // Checks a request before reading its body: Authorization ("Bearer <token>" or "Visitor <id>:<secret>"),
    // the contact, X-File-Name (percent-encoded UTF-8), Content-Type and Content-Length (nullopt: chunked).
    Expected<Upload, FileRefusal> begin(std::string_view authorization, std::string_view contact,
                                        std::string_view file_name, std::string_view content_type,
                                        std::optional<std::uint64_t> content_length);
    // The body is complete and flushed in u.part (`size` bytes): keeps the file, stores it and announces it on
    // the contact. Returns the 201 answer, {"file":{id,name,size,type,url},"seq":N}.
    Expected<std::string, FileRefusal> finish(const Upload& u, std::uint64_t size);
    // The upload ended without its whole body: the partial file goes.
    void abandon(const Upload& u);

    struct Download {
        std::filesystem::path path;
        std::string name;
        std::string type;
        std::uint64_t size = 0;
    };
    // GET /files/<id>/<name>?key=<key>: 404 for an unknown file, 403 for a key that is not a party's, 410 for a
    // file whose bytes the retention deleted (file_retention.h).
    Expected<Download, FileRefusal> download(std::string_view id, std::string_view key);

    // A party's download link: "/files/<id>/<percent-encoded name>?key=<64 hex digits>" ("" if unknown).
    std::string link(const protocol::FileInfo& f, const std::string& party);

  private:
    std::optional<std::string> secret_of(const std::string& id);

    Store& store_;
    AgentDirectory& directory_;
    ContactHub& contacts_;
    FilesConfig config_;
    std::int64_t session_idle_seconds_;
    std::map<std::string, std::string> secrets_; // file id -> secret, as links are made for every delivery
};

// The JSON body of a refusal: {"code","message"}, with "max_bytes" for too_large and "types" for
// type_not_allowed.
std::string refusal_json(const FileRefusal& r, const FilesConfig& config);
// Content-Disposition of a download: attachment; filename="<ASCII fallback>"; filename*=UTF-8''<encoded>.
std::string content_disposition(std::string_view name);
// %XX decoding ('+' stays '+'); nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);
// Every byte but A-Z a-z 0-9 - . _ ~ as %XX.
std::string percent_encode(std::string_view s);
// A sender's file name made safe to show: the part after the last '/' or '\', trimmed; nullopt when it is not
// valid UTF-8, has control characters, is longer than 255 bytes, or nothing is left.
std::optional<std::string> clean_file_name(std::string_view raw);
// Whether a MIME type (lower case, no parameters) is one of `types` ("type/subtype", or "type/*").
bool mime_type_allowed(const std::vector<std::string>& types, std::string_view type);

} // namespace sb::server
