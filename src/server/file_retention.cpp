#include "server/file_retention.h"

#include "server/log.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace sb::server {
namespace {

constexpr std::int64_t day_ms = 24 * 3600 * 1000LL;

// "f-" + 32 lower-case hex digits, as Files makes them: nothing else is ever turned into a path.
bool is_file_id(const std::string& id) {
    return id.size() == 34 && id.rfind("f-", 0) == 0 &&
           std::all_of(id.begin() + 2, id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The deletions reach the disk before the store says the files are gone.
void sync_dir(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace

FileRetention::FileRetention(Store& store, const Clock& clock, FilesConfig config)
    : store_(store), clock_(clock), config_(std::move(config)) {}

FileRetention::Sweep FileRetention::sweep(std::size_t batch) {
    Sweep s;
    if (!enabled() || batch == 0) return s;
    const std::int64_t now = to_epoch_ms(clock_.now());
    const std::int64_t closed_before = now - config_.retention_days * day_ms;
    std::vector<StoredFile> due;
    try {
        due = store_.files_to_expire(closed_before, batch);
    } catch (const std::exception& e) {
        log_line(std::string("file retention: cannot list the files due: ") + e.what());
        return s;
    }
    if (due.empty()) return s;

    const std::filesystem::path dir = config_.dir;
    std::vector<std::string> gone;
    for (const auto& f : due) {
        if (!is_file_id(f.id)) { // not a name of ours: there are no bytes of it to delete
            log_line("file retention: file " + f.id.substr(0, 64) + " has no valid id; marked expired, nothing deleted");
            gone.push_back(f.id);
            continue;
        }
        std::error_code ec;
        std::filesystem::remove(dir / f.id, ec); // a file already missing is no error
        if (ec) {
            log_line("file retention: cannot delete " + (dir / f.id).string() + ": " + ec.message() +
                     " (tried again at the next sweep)");
            ++s.failed;
            continue;
        }
        gone.push_back(f.id);
    }
    if (gone.empty()) return s;
    sync_dir(dir);
    try {
        store_.expire_files(gone, now);
    } catch (const std::exception& e) {
        // The bytes are gone (downloads answer 404 meanwhile); the next sweep marks them again.
        log_line(std::string("file retention: cannot mark deleted files expired: ") + e.what());
        s.failed += gone.size();
        return s;
    }
    s.expired = gone.size();
    s.more = due.size() == batch;
    log_line("file retention: deleted " + (s.expired == 1 ? std::string("1 file") : std::to_string(s.expired) + " files") +
             " of contacts closed more than files.retention_days (" + std::to_string(config_.retention_days) + ") ago");
    return s;
}

} // namespace sb::server
