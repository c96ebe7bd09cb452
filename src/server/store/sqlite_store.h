// The embedded store: one SQLite file in WAL mode with synchronous=FULL (a committed write survives a crash);
// a thread of its own copies the WAL back into the database file (checkpoints), off the event loop.
#pragma once
#include "server/store/store.h"

#include <filesystem>
#include <memory>

namespace sb::server {

// Opens (creating it and its parent directories if needed) and migrates the database. Throws StoreError.
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& file);

} // namespace sb::server
