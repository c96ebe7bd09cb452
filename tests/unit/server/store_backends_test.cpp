// One suite, every Store backend: SQLite (a temp file) and PostgreSQL (a fresh database on the private server the
// ctest fixture "pg" starts). Test names start with the backend ("Sqlite/...", "Postgres/...", "PostgresStore.")
// so CMake gives the PostgreSQL ones the fixture. Backend-specific checks follow the shared suite.
#include "server/config.h"
#include "server/store/open_store.h"
#include "server/store/postgres_store.h"
#include "server/store/sqlite_store.h"

#include "pg_test_db.h"
#include "temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

using namespace sb::server;

// libpqxx 6.4 leaks the PGresult of a BEGIN that fails on a dead connection (about 2 KB per lost connection,
// seen in ReconnectsAfterTheConnectionIsKilled); keep LeakSanitizer (preset native-asan) quiet about it.
extern "C" const char* __lsan_default_suppressions() { return "leak:pqxx::dbtransaction::do_begin\nleak:libpqxx\n"; }

namespace {

enum class Backend { sqlite, postgres };

std::string backend_name(const testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "sqlite" : "postgres";
}

void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::sqlite ? "sqlite" : "postgres"); }

class StoreBackend : public testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == Backend::postgres) {
            try {
                pg_ = std::make_unique<sb::test::PgTestDatabase>();
            } catch (const std::exception& e) {
                FAIL() << "PostgreSQL test database: " << e.what();
            }
        } else {
            dir_ = std::make_unique<sb::test::TempDir>();
        }
    }

    // A new store on this test's database: call it again to "restart the server" on the same data.
    std::unique_ptr<Store> open() {
        return GetParam() == Backend::postgres ? open_postgres_store(pg_->url()) : open_sqlite_store(*dir_ / "db.sqlite");
    }

    // Raw SQL on the same database, behind the store's back.
    void raw(const std::string& sql) {
        if (GetParam() == Backend::postgres) return pg_->exec(sql);
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((*dir_ / "db.sqlite").c_str(), &db), SQLITE_OK);
        char* err = nullptr;
        int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        std::string why = err ? err : "";
        sqlite3_free(err);
        sqlite3_close(db);
        ASSERT_EQ(rc, SQLITE_OK) << why;
    }

    std::unique_ptr<sb::test::TempDir> dir_;
    std::unique_ptr<sb::test::PgTestDatabase> pg_;
};

StoredContact contact(const std::string& id, std::int64_t created_at, std::string state = "pending",
                      std::uint64_t seq = 1) {
    return StoredContact{id, "v-" + id, std::move(state), "", created_at, seq, R"({"id":")" + id + R"("})"};
}

StoredEvent event(const std::string& contact_id, std::uint64_t seq, std::string cid = "",
                  std::string party = "visitor:v-1") {
    return StoredEvent{contact_id, seq, 1000 + static_cast<std::int64_t>(seq), "message", std::move(party),
                       std::move(cid), R"({"type":"message","seq":)" + std::to_string(seq) + "}"};
}

// --- schema --------------------------------------------------------------------------------------------------

TEST_P(StoreBackend, CreatesTheSchemaAtOpenAndKeepsItsVersionOnReopen) {
    int version = 0;
    {
        auto store = open();
        version = store->schema_version();
        EXPECT_GE(version, 2);
        EXPECT_TRUE(store->agents().empty());
        EXPECT_TRUE(store->open_contacts().empty());
    }
    auto store = open();
    EXPECT_EQ(store->schema_version(), version);
}

TEST_P(StoreBackend, RefusesADatabaseWithANewerSchema) {
    open().reset();
    raw("UPDATE schema_version SET version = 999");
    try {
        open();
        FAIL() << "opened a database of schema version 999";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    }
}

// --- agents and sessions -------------------------------------------------------------------------------------

TEST_P(StoreBackend, UpsertsAndFindsAgents) {
    auto store = open();
    StoredAgent alice{"alice", "Alice Rossi", "$argon2id$x", {"sales", "support"}, {"en", "it"}, 3};
    store->upsert_agent(alice);
    EXPECT_EQ(store->find_agent("alice"), alice);
    alice.name = "Alice R.";
    alice.capacity = 4;
    alice.tags = {"support"};
    store->upsert_agent(alice);
    EXPECT_EQ(store->find_agent("alice"), alice);
    store->upsert_agent(StoredAgent{"bruno", "Bruno", "h", {}, {}, 1});
    auto all = store->agents();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0], alice);
    EXPECT_EQ(all[1].login, "bruno");
    EXPECT_FALSE(store->find_agent("carla"));
}

TEST_P(StoreBackend, ListsAgentsInByteOrderOfLogin) {
    auto store = open();
    // A locale-aware collation would ignore punctuation ("a.z" between "a_b" and "ab"); both backends use bytes.
    for (const char* login : {"b", "ab", "a_b", "a.z", "a-y", "a@x", "a9"})
        store->upsert_agent(StoredAgent{login, login, "h", {}, {}, 1});
    std::vector<std::string> logins;
    for (const auto& a : store->agents()) logins.push_back(a.login);
    EXPECT_EQ(logins, (std::vector<std::string>{"a-y", "a.z", "a9", "a@x", "a_b", "ab", "b"}));
}

TEST_P(StoreBackend, KeepsTextExactly) {
    auto store = open();
    StoredAgent a{"zoe", "Zoë \"Z\" O'Brien — 張偉 🎧 \\ %s", "$argon2id$v=19$m=65536,t=2,p=1$abc$def",
                  {"ünïcode", "with \"quotes\"", "[]", ""}, {"zh-Hant", "pt-BR"}, 1000};
    store->upsert_agent(a);
    EXPECT_EQ(store->find_agent("zoe"), a);
    EXPECT_EQ(open()->find_agent("zoe"), a);
}

TEST_P(StoreBackend, KeepsSessionsAcrossReopen) {
    {
        auto store = open();
        store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
        store->create_session(StoredSession{"tok", "alice", 10, 10});
        store->touch_session("tok", 25);
    }
    auto store = open();
    EXPECT_EQ(store->find_session("tok"), (StoredSession{"tok", "alice", 10, 25}));
    store->delete_session("tok");
    EXPECT_FALSE(store->find_session("tok"));
}

TEST_P(StoreBackend, TouchingOrDeletingAnUnknownSessionChangesNothing) {
    auto store = open();
    EXPECT_NO_THROW(store->touch_session("nope", 5));
    EXPECT_NO_THROW(store->delete_session("nope"));
    EXPECT_NO_THROW(store->delete_agent("nobody"));
    EXPECT_FALSE(store->find_session("nope"));
}

TEST_P(StoreBackend, DeletingAnAgentDeletesItsSessions) {
    auto store = open();
    store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
    store->upsert_agent(StoredAgent{"bruno", "Bruno", "h", {}, {}, 1});
    store->create_session(StoredSession{"tok", "alice", 1, 1});
    store->create_session(StoredSession{"tok2", "bruno", 1, 1});
    store->delete_agent("alice");
    EXPECT_FALSE(store->find_agent("alice"));
    EXPECT_FALSE(store->find_session("tok"));
    EXPECT_TRUE(store->find_session("tok2"));
}

TEST_P(StoreBackend, RefusesSessionOfUnknownAgentOrDuplicateToken) {
    auto store = open();
    EXPECT_THROW(store->create_session(StoredSession{"tok", "ghost", 1, 1}), StoreError);
    store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
    store->create_session(StoredSession{"tok", "alice", 1, 1});
    EXPECT_THROW(store->create_session(StoredSession{"tok", "alice", 2, 2}), StoreError);
    EXPECT_EQ(store->find_session("tok"), (StoredSession{"tok", "alice", 1, 1}));
}

TEST_P(StoreBackend, StaysUsableAfterARefusedWrite) {
    auto store = open();
    EXPECT_THROW(store->create_session(StoredSession{"tok", "ghost", 1, 1}), StoreError);
    store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
    store->create_session(StoredSession{"tok", "alice", 1, 1});
    EXPECT_TRUE(store->find_session("tok"));
}

// --- visitors ------------------------------------------------------------------------------------------------

TEST_P(StoreBackend, CreatesAndFindsVisitorsRefusingADuplicateId) {
    auto store = open();
    StoredVisitor v{"v-0123abcd", "5f1e9a", 1732480000123};
    store->create_visitor(v);
    EXPECT_EQ(store->find_visitor("v-0123abcd"), v);
    EXPECT_FALSE(store->find_visitor("v-other"));
    EXPECT_THROW(store->create_visitor(StoredVisitor{"v-0123abcd", "other", 1}), StoreError);
    EXPECT_EQ(store->find_visitor("v-0123abcd"), v);
    EXPECT_EQ(open()->find_visitor("v-0123abcd"), v);
}

// --- contacts and events -------------------------------------------------------------------------------------

TEST_P(StoreBackend, WritesAContactWithItsEventsAndReadsThemBack) {
    auto store = open();
    auto c = contact("c1", 1000, "pending", 2);
    store->write_contacts({ContactWrite{c, {event("c1", 1, "cmd-1"), event("c1", 2)}}});
    EXPECT_EQ(store->find_contact("c1"), c);
    EXPECT_FALSE(store->find_contact("c2"));
    auto events = store->events_after("c1", 0, 100);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0], event("c1", 1, "cmd-1"));
    EXPECT_EQ(events[1], event("c1", 2));
}

TEST_P(StoreBackend, UpdatesAContactAndAppendsEvents) {
    auto store = open();
    store->write_contacts({ContactWrite{contact("c1", 1000, "pending", 1), {event("c1", 1)}}});
    StoredContact assigned{"c1", "v-c1", "assigned", "alice", 1000, 3, R"({"id":"c1","agent":"alice"})"};
    store->write_contacts({ContactWrite{assigned, {event("c1", 2), event("c1", 3, "x", "agent:alice")}}});
    EXPECT_EQ(store->find_contact("c1"), assigned);
    EXPECT_EQ(store->events_after("c1", 0, 100).size(), 3u);
    // A contact written again without events (e.g. only its data changed).
    assigned.data = R"({"id":"c1","agent":"alice","idle":true})";
    store->write_contacts({ContactWrite{assigned, {}}});
    EXPECT_EQ(store->find_contact("c1"), assigned);
    EXPECT_EQ(store->events_after("c1", 0, 100).size(), 3u);
}

TEST_P(StoreBackend, WritingNothingIsANoOp) {
    auto store = open();
    EXPECT_NO_THROW(store->write_contacts({}));
    EXPECT_TRUE(store->open_contacts().empty());
}

TEST_P(StoreBackend, ReadsEventsAfterASequenceNumberWithALimit) {
    auto store = open();
    std::vector<StoredEvent> events;
    for (std::uint64_t s = 1; s <= 10; ++s) events.push_back(event("c1", s));
    store->write_contacts({ContactWrite{contact("c1", 1, "assigned", 10), events}});
    store->write_contacts({ContactWrite{contact("c2", 2, "assigned", 1), {event("c2", 1)}}});

    auto some = store->events_after("c1", 4, 3);
    ASSERT_EQ(some.size(), 3u);
    EXPECT_EQ(some[0].seq, 5u);
    EXPECT_EQ(some[2].seq, 7u);
    EXPECT_EQ(store->events_after("c1", 7, 100).size(), 3u);
    EXPECT_TRUE(store->events_after("c1", 10, 100).empty());
    EXPECT_TRUE(store->events_after("c1", 0, 0).empty());
    EXPECT_EQ(store->events_after("c1", 0, std::numeric_limits<std::size_t>::max()).size(), 10u);
    EXPECT_EQ(store->events_after("c2", 0, 100).size(), 1u);
    EXPECT_TRUE(store->events_after("nope", 0, 100).empty());
}

TEST_P(StoreBackend, ListsOpenContactsOldestFirst) {
    auto store = open();
    store->write_contacts({
        ContactWrite{contact("c-late", 3000), {}},
        ContactWrite{contact("c-closed", 500, "closed"), {}},
        ContactWrite{contact("c-b", 1000, "assigned"), {}},
        ContactWrite{contact("c-a", 1000), {}},
        ContactWrite{contact("c-early", 10), {}},
    });
    std::vector<std::string> ids;
    for (const auto& c : store->open_contacts()) ids.push_back(c.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"c-early", "c-a", "c-b", "c-late"}));
    store->write_contacts({ContactWrite{contact("c-a", 1000, "closed"), {}}});
    EXPECT_EQ(store->open_contacts().size(), 3u);
    ASSERT_TRUE(store->find_contact("c-a"));
    EXPECT_EQ(store->find_contact("c-a")->state, "closed");
}

TEST_P(StoreBackend, ListsTheCommandsAppliedOnAContact) {
    auto store = open();
    store->write_contacts({ContactWrite{contact("c1", 1, "assigned", 4),
                                        {event("c1", 1), event("c1", 2, "cmd-7", "agent:alice"),
                                         event("c1", 3, "cmd-7", "visitor:v-1"), event("c1", 4, "", "agent:alice")}},
                           ContactWrite{contact("c2", 1, "assigned", 1), {event("c2", 1, "cmd-9", "agent:alice")}}});
    EXPECT_EQ(store->commands("c1"), (std::vector<StoredCommand>{{"agent:alice", "cmd-7", 2}, {"visitor:v-1", "cmd-7", 3}}));
    EXPECT_EQ(store->commands("c2"), (std::vector<StoredCommand>{{"agent:alice", "cmd-9", 1}}));
    EXPECT_TRUE(store->commands("c3").empty());
}

TEST_P(StoreBackend, ABatchIsAllOrNothing) {
    auto store = open();
    store->write_contacts({ContactWrite{contact("c1", 1, "assigned", 1), {event("c1", 1, "cmd-1", "agent:alice")}}});
    // The second write repeats c1's seq 1: the whole batch, c2 included, is refused.
    std::vector<ContactWrite> batch{
        ContactWrite{contact("c2", 2, "pending", 1), {event("c2", 1)}},
        ContactWrite{contact("c1", 1, "closed", 2), {event("c1", 1, "cmd-2", "agent:alice")}},
    };
    EXPECT_THROW(store->write_contacts(batch), StoreError);
    EXPECT_FALSE(store->find_contact("c2"));
    EXPECT_TRUE(store->events_after("c2", 0, 10).empty());
    EXPECT_EQ(store->find_contact("c1"), contact("c1", 1, "assigned", 1));
    EXPECT_EQ(store->events_after("c1", 0, 10).size(), 1u);
    // ...and the store goes on working.
    batch[1].events[0].seq = 2;
    store->write_contacts(batch);
    EXPECT_TRUE(store->find_contact("c2"));
    EXPECT_EQ(store->commands("c1"), (std::vector<StoredCommand>{{"agent:alice", "cmd-1", 1}, {"agent:alice", "cmd-2", 2}}));
}

TEST_P(StoreBackend, RefusesARepeatedSequenceNumberOrAnEventOfNoContact) {
    auto store = open();
    store->write_contacts({ContactWrite{contact("c1", 1, "pending", 1), {event("c1", 1)}}});
    EXPECT_THROW(store->write_contacts({ContactWrite{contact("c1", 1, "assigned", 1), {event("c1", 1)}}}),
                 StoreError);
    EXPECT_EQ(store->find_contact("c1")->state, "pending");
    EXPECT_THROW(store->write_contacts({ContactWrite{contact("c3", 1), {event("ghost", 1)}}}), StoreError);
    EXPECT_FALSE(store->find_contact("c3"));
}

TEST_P(StoreBackend, AnEmptyCommandIdIsNeverUnique) {
    auto store = open();
    store->write_contacts({ContactWrite{contact("c1", 1, "assigned", 3),
                                        {event("c1", 1, "", ""), event("c1", 2, "", ""), event("c1", 3, "", "")}}});
    EXPECT_EQ(store->events_after("c1", 0, 10).size(), 3u);
}

TEST_P(StoreBackend, KeepsExtremeNumbersAndLargeDocuments) {
    auto store = open();
    const std::uint64_t big = std::numeric_limits<std::int64_t>::max();
    std::string doc = R"({"text":")" + std::string(1 << 20, 'x') + R"(","emoji":"😀","nl":"a\nb"})";
    StoredContact c{"c1", "v-1", "assigned", "alice", -5, big, doc};
    StoredEvent e{"c1", big, std::numeric_limits<std::int64_t>::min(), "message", "agent:alice", "cid", doc};
    store->write_contacts({ContactWrite{c, {e}}});
    EXPECT_EQ(open()->find_contact("c1"), c);
    auto events = store->events_after("c1", big - 1, 1);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], e);
    EXPECT_EQ(store->commands("c1"), (std::vector<StoredCommand>{{"agent:alice", "cid", big}}));
}

TEST_P(StoreBackend, KeepsContactsAndEventsAcrossReopen) {
    {
        auto store = open();
        store->create_visitor(StoredVisitor{"v-1", "hash", 5});
        store->write_contacts({ContactWrite{contact("c1", 1, "pending", 1), {event("c1", 1)}},
                               ContactWrite{contact("c2", 2, "assigned", 2), {event("c2", 1), event("c2", 2, "k")}}});
    }
    auto store = open();
    EXPECT_EQ(store->open_contacts().size(), 2u);
    EXPECT_EQ(store->events_after("c2", 0, 10).size(), 2u);
    EXPECT_EQ(store->commands("c2"), (std::vector<StoredCommand>{{"visitor:v-1", "k", 2}}));
    EXPECT_TRUE(store->find_visitor("v-1"));
}

// --- files ---------------------------------------------------------------------------------------------------

StoredFile file_row(const std::string& id, const std::string& contact_id) {
    return StoredFile{id, contact_id, "visitor:v-1", "fattura n°3 😀.pdf", "application/pdf",
                      std::numeric_limits<std::uint32_t>::max() + 7ull, 1764000000123, std::string(64, 'a')};
}

TEST_P(StoreBackend, WritesAFileWithItsEventAndKeepsItAcrossReopen) {
    {
        auto store = open();
        ContactWrite w{contact("c1", 1, "assigned", 1), {event("c1", 1)}};
        w.files.push_back(file_row("f-1", "c1"));
        store->write_contacts({w});
        EXPECT_EQ(store->find_file("f-1"), file_row("f-1", "c1"));
        EXPECT_FALSE(store->find_file("f-2"));
    }
    EXPECT_EQ(open()->find_file("f-1"), file_row("f-1", "c1"));
}

TEST_P(StoreBackend, AFileGoesOnlyWithItsBatch) {
    auto store = open();
    store->write_contacts({ContactWrite{contact("c1", 1, "assigned", 1), {event("c1", 1, "cmd-1", "agent:alice")}}});
    // The event repeats a sequence number: the batch is refused, and its file with it.
    ContactWrite w{contact("c1", 1, "assigned", 2), {event("c1", 1, "cmd-2", "agent:alice")}};
    w.files.push_back(file_row("f-1", "c1"));
    EXPECT_THROW(store->write_contacts({w}), StoreError);
    EXPECT_FALSE(store->find_file("f-1"));
    // A file of no contact, or a repeated id, is refused too.
    ContactWrite ghost{contact("c2", 1, "assigned", 1), {event("c2", 1)}};
    ghost.files.push_back(file_row("f-2", "nobody"));
    EXPECT_THROW(store->write_contacts({ghost}), StoreError);
    EXPECT_FALSE(store->find_contact("c2"));
    w.events[0].seq = 2;
    store->write_contacts({w});
    EXPECT_TRUE(store->find_file("f-1"));
    w.events[0].seq = 3;
    w.events[0].cid = "cmd-3";
    EXPECT_THROW(store->write_contacts({w}), StoreError);
}

// --- configuration: sites, services, admin changes -------------------------------------------------------------

StoredService service_row(const std::string& id, const std::string& site = "shop") {
    return StoredService{id,  "Service " + id, "pt-BR", {"sales", "vip"}, 45, "#c0392b",
                         {{"#2e86de", "General inquiry"}, {"#c0392b", "Complaint \"quoted\" ✓"}}, {"chat", "weblead"}, site};
}

TEST_P(StoreBackend, WritesAndReadsSitesAndServices) {
    auto store = open();
    EXPECT_TRUE(store->sites().empty());
    EXPECT_TRUE(store->services().empty());
    ConfigWrite w;
    w.sites = {StoredSite{"shop", "Shop", "https://shop.example/"}, StoredSite{"blog", "Blog", "http://blog.example/"}};
    w.services = {service_row("sales"), service_row("after_sales", "blog")};
    w.services[1].colors.clear();
    w.services[1].tags.clear();
    store->write_config(w);
    auto sites = store->sites();
    ASSERT_EQ(sites.size(), 2u);
    EXPECT_EQ(sites[0], w.sites[1]); // by id
    EXPECT_EQ(sites[1], w.sites[0]);
    auto services = store->services();
    ASSERT_EQ(services.size(), 2u);
    EXPECT_EQ(services[0], w.services[1]);
    EXPECT_EQ(services[1], w.services[0]);

    ConfigWrite change; // replace one, delete the other
    change.services = {service_row("sales")};
    change.services[0].dissuasion_seconds = 86400;
    change.services[0].media = {"video"};
    change.deleted_services = {"after_sales"};
    change.deleted_sites = {"blog"};
    store->write_config(change);
    store.reset();
    store = open();
    EXPECT_EQ(store->services(), change.services);
    EXPECT_EQ(store->sites(), std::vector<StoredSite>{w.sites[0]});
}

TEST_P(StoreBackend, RecordsAdminChangesAndForgetsThemOnRequest) {
    auto store = open();
    ConfigWrite w;
    w.agents = {StoredAgent{"bob", "Bob", "$argon2id$x", {"sales"}, {"en"}, 2}};
    w.admin_changes = {AdminChange{"agent", "bob", false, 1700000000000}, AdminChange{"service", "sales", true, 1}};
    store->write_config(w);
    EXPECT_EQ(store->find_agent("bob"), w.agents[0]);
    EXPECT_EQ(store->admin_changes(), (std::vector<AdminChange>{w.admin_changes[0], w.admin_changes[1]}));

    ConfigWrite again; // the same (kind, id) again: replaced, not repeated
    again.admin_changes = {AdminChange{"agent", "bob", true, 1700000000001}};
    again.deleted_agents = {"bob"};
    store->write_config(again);
    EXPECT_FALSE(store->find_agent("bob"));
    auto changes = store->admin_changes();
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0], again.admin_changes[0]);

    ConfigWrite forget;
    forget.forget_admin_changes = true;
    forget.admin_changes = {AdminChange{"site", "shop", false, 5}}; // written after the forgetting
    store->write_config(forget);
    EXPECT_EQ(store->admin_changes(), forget.admin_changes);
}

TEST_P(StoreBackend, DeletingAnAgentThroughAConfigWriteDeletesItsSessions) {
    auto store = open();
    ConfigWrite w;
    w.agents = {StoredAgent{"bob", "Bob", "h", {}, {}, 1}};
    store->write_config(w);
    store->create_session(StoredSession{"tok", "bob", 1, 2});
    ConfigWrite del;
    del.deleted_agents = {"bob"};
    store->write_config(del);
    EXPECT_FALSE(store->find_session("tok"));
}

TEST_P(StoreBackend, AConfigWriteIsAllOrNothing) {
    auto store = open();
    store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
    store->create_session(StoredSession{"tok", "alice", 1, 2});
    ConfigWrite w;
    w.sites = {StoredSite{"shop", "Shop", "https://shop.example/"}};
    w.admin_changes = {AdminChange{"site", "shop", false, 1}};
    w.agents = {StoredAgent{"bob", "Bob", "h", {}, {}, 1}};
    w.deleted_agents = {"alice"};
    // The last step (deleting alice) fails: nothing of the write stays.
    if (GetParam() == Backend::sqlite) {
        raw("CREATE TRIGGER no_deletes BEFORE DELETE ON agents BEGIN SELECT RAISE(ABORT, 'refused'); END");
    } else {
        raw("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql");
        raw("CREATE TRIGGER no_deletes BEFORE DELETE ON agents FOR EACH ROW EXECUTE FUNCTION refuse()");
    }
    EXPECT_THROW(store->write_config(w), StoreError);
    EXPECT_TRUE(store->sites().empty());
    EXPECT_TRUE(store->admin_changes().empty());
    EXPECT_FALSE(store->find_agent("bob"));
    EXPECT_TRUE(store->find_agent("alice"));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreBackend, testing::Values(Backend::sqlite), backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreBackend, testing::Values(Backend::postgres), backend_name);

// --- PostgreSQL only -----------------------------------------------------------------------------------------

class PostgresStore : public testing::Test {
  protected:
    void SetUp() override {
        try {
            db_ = std::make_unique<sb::test::PgTestDatabase>();
        } catch (const std::exception& e) {
            FAIL() << "PostgreSQL test database: " << e.what();
        }
    }
    std::unique_ptr<sb::test::PgTestDatabase> db_;
};

TEST_F(PostgresStore, HasTheSameSchemaVersionAsSqlite) {
    sb::test::TempDir dir;
    EXPECT_EQ(open_postgres_store(db_->url())->schema_version(), open_sqlite_store(dir / "db.sqlite")->schema_version());
}

TEST_F(PostgresStore, RefusesAServerThatDoesNotAnswerInOneLine) {
    // Port 1 on loopback: nothing listens there.
    try {
        open_postgres_store("postgresql://switchboard:s3cret@127.0.0.1:1/x");
        FAIL() << "connected to port 1";
    } catch (const StoreError& e) {
        std::string what = e.what();
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
        EXPECT_NE(what.find("127.0.0.1"), std::string::npos) << what;
    }
}

TEST_F(PostgresStore, RefusesAMissingDatabase) {
    EXPECT_THROW(open_postgres_store(sb::test::pg_url_with_database(db_->url(), "no_such_db")), StoreError);
}

TEST_F(PostgresStore, ReconnectsAfterTheConnectionIsKilled) {
    auto store = open_postgres_store(db_->url());
    store->upsert_agent(StoredAgent{"alice", "Alice", "h", {}, {}, 1});
    db_->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
              "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    // The call that finds the connection dead may fail (it is not retried: a write may have committed); the
    // next one reconnects.
    try {
        store->agents();
    } catch (const StoreError&) {
    }
    ASSERT_EQ(store->agents().size(), 1u);
    store->upsert_agent(StoredAgent{"bruno", "Bruno", "h", {}, {}, 1});
    EXPECT_EQ(store->agents().size(), 2u);
}

TEST_F(PostgresStore, TwoServersOpeningAFreshDatabaseAtOnceBothSucceed) {
    auto a = std::async(std::launch::async, [&] { return open_postgres_store(db_->url())->schema_version(); });
    auto b = std::async(std::launch::async, [&] { return open_postgres_store(db_->url())->schema_version(); });
    int va = a.get(), vb = b.get();
    EXPECT_EQ(va, vb);
    EXPECT_GE(va, 2);
}

TEST_F(PostgresStore, CreatesItsTablesInTheDatabaseOfTheUrl) {
    open_postgres_store(db_->url()).reset();
    pqxx::connection c(db_->url());
    pqxx::nontransaction tx(c);
    auto r = tx.exec("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN "
                     "('schema_version', 'agents', 'sessions', 'visitors', 'contacts', 'contact_events')");
    EXPECT_EQ(r[0][0].as<int>(), 6);
}

TEST_F(PostgresStore, OpensThroughTheFactory) {
    StorageConfig config;
    config.kind = "postgres";
    config.url = db_->url();
    auto store = open_store(config);
    EXPECT_GE(store->schema_version(), 2);
    config.url = "postgresql://switchboard:pw@127.0.0.1:1/x";
    EXPECT_THROW(open_store(config), StoreError);
    EXPECT_EQ(describe_store(config), "postgresql://switchboard:***@127.0.0.1:1/x");
}

TEST(PostgresUrl, RedactsPasswords) {
    EXPECT_EQ(redact_postgres_url("postgresql://sb@db:5432/sb"), "postgresql://sb@db:5432/sb");
    EXPECT_EQ(redact_postgres_url("postgresql://sb:pa:ss@db/sb"), "postgresql://sb:***@db/sb");
    EXPECT_EQ(redact_postgres_url("postgres://sb:p%40ss@db/sb?sslmode=require"), "postgres://sb:***@db/sb?sslmode=require");
    EXPECT_EQ(redact_postgres_url("postgresql://db/sb?user=sb&password=x&sslmode=require"),
              "postgresql://db/sb?user=sb&password=***&sslmode=require");
    EXPECT_EQ(redact_postgres_url("host=db dbname=sb password=secret user=sb"), "host=db dbname=sb password=*** user=sb");
    EXPECT_EQ(redact_postgres_url("host=db password = 'it\\'s x' user=sb"), "host=db password = *** user=sb");
    EXPECT_EQ(redact_postgres_url("postgresql://[::1]:5432/sb"), "postgresql://[::1]:5432/sb");
}

} // namespace
