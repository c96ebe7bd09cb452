// PostgreSQL for tests: the private server that ctest's fixture "pg" starts (scripts/pg-test-server), and a
// fresh database on it per test, dropped at the end. Without a server the test FAILS: CI must prove both backends.
//
// The server's URL comes from SB_TEST_PG_URL, or else from the file named by SB_TEST_PG_URL_FILE (ctest sets
// it). To run the binary by hand: `scripts/pg-test-server start /tmp/pg` then SB_TEST_PG_URL=<printed URL>.
#pragma once
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace sb::test {

// The maintenance URL ("postgresql://user@127.0.0.1:PORT/switchboard_test"); throws with a clear message.
inline std::string pg_test_server_url() {
    if (const char* url = std::getenv("SB_TEST_PG_URL"); url && *url) return url;
    const char* file = std::getenv("SB_TEST_PG_URL_FILE");
    if (!file || !*file)
        throw std::runtime_error("no PostgreSQL test server: run through ctest (fixture \"pg\", scripts/pg-test-server) "
                                 "or set SB_TEST_PG_URL");
    std::ifstream in(file);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty())
        throw std::runtime_error(std::string("no PostgreSQL test server: cannot read its URL from ") + file +
                                 " (did the pg_test_server_start test fail? see its output)");
    return url;
}

// `url` (a postgresql:// URI) naming database `db` instead.
inline std::string pg_url_with_database(const std::string& url, const std::string& db) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) throw std::runtime_error("SB_TEST_PG_URL must be a postgresql:// URI: " + url);
    auto path = url.find('/', scheme + 3);
    auto query = url.find('?', scheme + 3);
    auto host_end = std::min(path, query);
    std::string rest = query == std::string::npos ? "" : url.substr(query);
    return url.substr(0, host_end) + "/" + db + rest;
}

// A database of its own for one test: created empty, dropped (with its connections) on destruction.
class PgTestDatabase {
  public:
    PgTestDatabase() : server_(pg_test_server_url()) {
        static std::atomic<int> counter{0};
        name_ = "sbt_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
        pqxx::connection admin(server_);
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
        tx.exec("CREATE DATABASE " + tx.quote_name(name_));
        url_ = pg_url_with_database(server_, name_);
    }
    ~PgTestDatabase() {
        try {
            pqxx::connection admin(server_);
            pqxx::nontransaction tx(admin);
            tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
        } catch (...) {
            // the server is gone: nothing left to clean
        }
    }
    PgTestDatabase(const PgTestDatabase&) = delete;
    PgTestDatabase& operator=(const PgTestDatabase&) = delete;

    const std::string& url() const { return url_; }
    const std::string& name() const { return name_; }

    // Runs SQL on the test database from a connection of its own (to inspect or damage what the store wrote).
    void exec(const std::string& sql) const {
        pqxx::connection c(url_);
        pqxx::nontransaction tx(c);
        tx.exec(sql);
    }

  private:
    std::string server_, name_, url_;
};

} // namespace sb::test
