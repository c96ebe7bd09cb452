// Opens the store that the configuration selects: SQLite (storage.path) or PostgreSQL (storage.url).
#pragma once
#include "server/config.h"
#include "server/store/store.h"

#include <memory>
#include <string>

namespace sb::server {

// Throws StoreError (one line) when the database cannot be opened, created or migrated.
std::unique_ptr<Store> open_store(const StorageConfig& storage);

// What the store is, for messages and logs: the SQLite path, or the PostgreSQL URL without its password.
std::string describe_store(const StorageConfig& storage);

} // namespace sb::server
