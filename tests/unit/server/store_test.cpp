#include "server/store/sqlite_store.h"

#include "temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

using namespace sb::server;

TEST(SqliteStore, CreatesTheSchemaAndItsParentFolder) {
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "var/nested/db.sqlite");
    EXPECT_GE(store->schema_version(), 3); // 3: sites, services, admin_changes
    EXPECT_TRUE(std::filesystem::exists(dir / "var/nested/db.sqlite"));
    EXPECT_TRUE(store->agents().empty());
}

TEST(SqliteStore, UsesWriteAheadLog) {
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "db.sqlite");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "db.sqlite").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST(SqliteStore, UpsertsAndFindsAgents) {
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "db.sqlite");
    StoredAgent alice{"alice", "Alice Rossi", "$argon2id$x", {"sales", "support"}, {"en", "it"}, 3};
    store->upsert_agent(alice);
    EXPECT_EQ(store->find_agent("alice"), alice);
    alice.name = "Alice R.";
    alice.capacity = 4;
    store->upsert_agent(alice);
    EXPECT_EQ(store->find_agent("alice"), alice);
    store->upsert_agent(StoredAgent{"bruno", "Bruno", "h", {}, {}, 1});
    auto all = store->agents();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].login, "alice");
    EXPECT_EQ(all[1].login, "bruno");
    EXPECT_FALSE(store->find_agent("carla"));
}

TEST(SqliteStore, KeepsSessionsAcrossReopen) {
    sb::test::TempDir dir;
    {
        auto store = open_sqlite_store(dir / "db.sqlite");
        store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
        store->create_session(StoredSession{"tok", "alice", 10, 10});
        store->touch_session("tok", 25);
    }
    auto store = open_sqlite_store(dir / "db.sqlite");
    EXPECT_GE(store->schema_version(), 3); // 3: sites, services, admin_changes
    EXPECT_EQ(store->find_session("tok"), (StoredSession{"tok", "alice", 10, 25}));
    store->delete_session("tok");
    EXPECT_FALSE(store->find_session("tok"));
}

TEST(SqliteStore, DeletingAnAgentDeletesItsSessions) {
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "db.sqlite");
    store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
    store->create_session(StoredSession{"tok", "alice", 1, 1});
    store->delete_agent("alice");
    EXPECT_FALSE(store->find_agent("alice"));
    EXPECT_FALSE(store->find_session("tok"));
}

TEST(SqliteStore, RefusesSessionOfUnknownAgent) {
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "db.sqlite");
    EXPECT_THROW(store->create_session(StoredSession{"tok", "ghost", 1, 1}), StoreError);
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabase) {
    sb::test::TempDir dir;
    std::ofstream(dir / "junk.db") << "this is not sqlite, just some text long enough to look like a header.....";
    EXPECT_THROW(open_sqlite_store(dir / "junk.db"), StoreError);
}

TEST(SqliteStore, RefusesAPathItCannotOpen) {
    sb::test::TempDir dir;
    std::filesystem::create_directory(dir / "adir");
    EXPECT_THROW(open_sqlite_store(dir / "adir"), StoreError);
}
