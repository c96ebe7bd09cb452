#include "server/store/open_store.h"

#include "server/store/postgres_store.h"
#include "server/store/sqlite_store.h"

namespace sb::server {

std::unique_ptr<Store> open_store(const StorageConfig& storage) {
    if (storage.kind == "sqlite") return open_sqlite_store(storage.path);
    if (storage.kind == "postgres") return open_postgres_store(storage.url);
    throw StoreError("unknown storage kind \"" + storage.kind + "\"");
}

std::string describe_store(const StorageConfig& storage) {
    return storage.kind == "postgres" ? redact_postgres_url(storage.url) : storage.path;
}

} // namespace sb::server
