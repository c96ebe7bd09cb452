// The production store: PostgreSQL 15 through libpqxx, one connection, prepared statements, one transaction per
// call. Commits wait for the WAL flush (synchronous_commit is raised to "on" when the server says "off"), so a
// call that returned is durable. The schema is created or migrated at open, like the SQLite store.
#pragma once
#include "server/store/store.h"

#include <memory>
#include <string>

namespace sb::server {

// Connects to `url` (a libpq URI "postgresql://user@host:5432/db" or "host=... dbname=..." string), then creates
// or migrates the schema; refuses a database whose schema is newer than this server's. A URL without
// connect_timeout gets connect_timeout=10. After a lost connection the call that noticed throws and the next
// call reconnects. Throws StoreError (one line, never the password).
std::unique_ptr<Store> open_postgres_store(const std::string& url);

// The URL with any password replaced by "***", for logs and error messages.
std::string redact_postgres_url(const std::string& url);

} // namespace sb::server
