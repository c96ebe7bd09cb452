// Files kept for a limited time (docs/admin.md, "files": files.retention_days). A sweep deletes the bytes
// (files.dir/<id>) of the files of contacts closed for longer than the retention and marks them expired in the
// store: their links then answer 410 file_expired (files.h), while their `file` events stay in the transcripts
// with name and size. Files of contacts that are not closed (pending, assigned) are never touched, however old.
// No sockets here: net/retention_timer.cpp runs sweep() at start and then every hour on the io thread (the
// store is the io thread's); tests drive it with a FakeClock.
#pragma once
#include "core/clock.h"
#include "server/config.h"
#include "server/store/store.h"

#include <cstddef>

namespace sb::server {

class FileRetention {
  public:
    FileRetention(Store& store, const Clock& clock, FilesConfig config);

    // Whether anything is ever deleted (retention_days 0 keeps files forever).
    bool enabled() const { return config_.retention_days > 0; }

    struct Sweep {
        std::size_t expired = 0; // files marked expired, their bytes deleted (or already missing)
        std::size_t failed = 0;  // files whose bytes could not be deleted: left as they are, tried again next sweep
        bool more = false;       // a full batch went: more files may be due, sweep again soon
    };
    // Expires at most `batch` of the files due now: those of contacts closed more than retention_days ago.
    // Never throws: a store failure or a file that cannot be deleted is logged, and the next sweep tries again.
    Sweep sweep(std::size_t batch = 500);

  private:
    Store& store_;
    const Clock& clock_;
    FilesConfig config_;
};

} // namespace sb::server
