// File retention (server/file_retention.h, docs/admin.md "files"), on both Store backends: files of contacts
// closed longer ago than files.retention_days lose their bytes and answer 410 file_expired, while files of
// contacts closed more recently, or not closed at all, stay whatever their age; 0 keeps everything. The hubs and
// Files run as in the server, with a FakeClock; test names start with the backend ("Sqlite/...", "Postgres/...")
// so CMake gives the PostgreSQL ones the ctest fixture "pg".
#include "server/file_retention.h"

#include "protocol/codec.h"
#include "server/files.h"
#include "server/password.h"
#include "server/session_hub.h"
#include "server/store/postgres_store.h"
#include "server/store/sqlite_store.h"

#include "pg_test_db.h"
#include "received.h"
#include "temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

using namespace sb::server;
namespace protocol = sb::protocol;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// libpqxx 6.4 leaks the PGresult of a BEGIN that fails on a dead connection (store_backends_test.cpp).
extern "C" const char* __lsan_default_suppressions() { return "leak:pqxx::dbtransaction::do_begin\nleak:libpqxx\n"; }

namespace {

enum class Backend { sqlite, postgres };

std::string backend_name(const testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "sqlite" : "postgres";
}

void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::sqlite ? "sqlite" : "postgres"); }

constexpr auto day = std::chrono::hours(24);

const char* config_text = R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://shop.example/"}],
  "services": [{"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "site": "demo"}],
  "agents": [
    {"login": "alice", "name": "Alice Rossi", "password": "x", "tags": ["sales"], "capacity": 3},
    {"login": "carla", "name": "Carla Verdi", "password": "x", "tags": ["sales"], "capacity": 3}],
  "contacts": {"grace_seconds": 30},
  "files": {"max_bytes": 1000, "types": ["text/plain"], "retention_days": 30}
})";

struct Conn : sb::test::Received {
    ConnectionId id = 0;
};

// A file sent on a contact: its link (the visitor's) and where its bytes are.
struct Sent {
    std::string contact;
    std::string id;
    std::string key;
    fs::path path;
};

class FileRetentionTest : public testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        auto parsed = parse_config(config_text, "test");
        ASSERT_TRUE(parsed) << parsed.error().message;
        config = *parsed;
        config.files.dir = (dir / "files").string();
        for (auto& a : config.agents) { // no argon2 here: agents come with tokens
            a.password.clear();
            a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        }
        if (GetParam() == Backend::postgres) {
            try {
                pg = std::make_unique<sb::test::PgTestDatabase>();
            } catch (const std::exception& e) {
                FAIL() << "PostgreSQL test database: " << e.what();
            }
        }
        open();
    }

    // (Re)creates everything on the same database and folder, as a restart does.
    void open() {
        retention.reset();
        files.reset();
        conns.clear();
        hub.reset();
        contacts.reset();
        directory.reset();
        store.reset();
        store = GetParam() == Backend::postgres ? open_postgres_store(pg->url()) : open_sqlite_store(dir / "db.sqlite");
        directory = std::make_unique<AgentDirectory>(*store);
        directory->sync(config.agents);
        HubOptions options;
        options.messages_per_second = 1000;
        options.now = [this] { return std::chrono::system_clock::time_point(clock.now().time_since_epoch()); };
        hub = std::make_unique<SessionHub>(*directory, options);
        contacts = std::make_unique<ContactHub>(*store, clock, config, contact_hub_options(config.contacts),
                                                [this](ConnectionId id, const protocol::ServerMessage& m) { hub->send_to(id, m); });
        contacts->start();
        hub->attach(*contacts);
        files = std::make_unique<Files>(*store, *directory, *contacts, config.files);
        files->prepare();
        retention = std::make_unique<FileRetention>(*store, clock, config.files);
    }

    Conn& connect() {
        auto c = std::make_unique<Conn>();
        Conn* raw = c.get();
        c->id = hub->open(Peer{[raw](std::string frame) {
                                   auto m = protocol::decode_server(frame);
                                   EXPECT_TRUE(m) << frame;
                                   if (m) raw->got.push_back(std::move(*m));
                               },
                               [] {}, "203.0.113.7"});
        conns.push_back(std::move(c));
        return *raw;
    }
    void send(Conn& c, const protocol::ClientMessage& m) { hub->receive_text(c.id, protocol::encode(m)); }

    // An agent's connection, ready.
    Conn& agent(const std::string& login) {
        const auto token = directory->open_session(login, sb::to_epoch_ms(clock.now()) / 1000);
        Conn& c = connect();
        send(c, protocol::AgentResume{"r", token});
        send(c, protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
        EXPECT_FALSE(c.all<protocol::Welcome>().empty());
        return c;
    }

    // A new visitor asks for help, agent `a` takes the contact, and the visitor sends a file on it.
    Sent sent_on_new_contact(Conn& a, const std::string& bytes) {
        Conn& v = connect();
        protocol::VisitorHello h;
        h.cid = "h";
        h.name = "Maria";
        send(v, h);
        const auto who = v.last<protocol::VisitorWelcome>().visitor;
        protocol::ContactRequestMsg r;
        r.cid = "q";
        r.service = "sales";
        send(v, r);
        Sent s;
        s.contact = v.last<protocol::ContactSnapshot>().contact.id;
        send(a, protocol::ContactClaim{"k", s.contact});
        EXPECT_EQ(a.last<protocol::ContactSnapshot>().contact.state, sb::ContactState::assigned);
        auto u = files->begin("Visitor " + who.id + ":" + who.secret, s.contact, "note.txt", "text/plain", bytes.size());
        EXPECT_TRUE(u) << (u ? "" : u.error().message);
        if (!u) return s;
        std::ofstream(u->part, std::ios::binary) << bytes;
        auto answer = files->finish(*u, bytes.size());
        EXPECT_TRUE(answer) << (answer ? "" : answer.error().message);
        if (!answer) return s;
        const auto j = nlohmann::json::parse(*answer);
        s.id = j["file"]["id"];
        const std::string url = j["file"]["url"];
        s.key = url.substr(url.find("?key=") + 5);
        s.path = fs::path(config.files.dir) / s.id;
        EXPECT_TRUE(fs::exists(s.path));
        return s;
    }
    void close(Conn& a, const Sent& s) {
        send(a, protocol::ContactStop{"st", s.contact, sb::Outcome::successful});
        EXPECT_EQ(store->find_contact(s.contact)->state, "closed");
    }
    // The download's refusal code, or "ok".
    std::string download(const Sent& s) {
        auto d = files->download(s.id, s.key);
        return d ? std::string("ok") : std::to_string(d.error().status) + " " + d.error().code;
    }

    sb::test::TempDir dir;
    std::unique_ptr<sb::test::PgTestDatabase> pg;
    Config config;
    sb::FakeClock clock;
    std::unique_ptr<Store> store;
    std::unique_ptr<AgentDirectory> directory;
    std::unique_ptr<SessionHub> hub;
    std::unique_ptr<ContactHub> contacts;
    std::unique_ptr<Files> files;
    std::unique_ptr<FileRetention> retention;
    std::vector<std::unique_ptr<Conn>> conns;
};

} // namespace

TEST_P(FileRetentionTest, AContactClosedLongerThanTheRetentionLosesItsFilesBytes) {
    Conn& a = agent("alice");
    const Sent f = sent_on_new_contact(a, "old bytes");
    close(a, f);

    clock.advance(30 * day); // closed exactly 30 days ago: not more than the retention yet
    EXPECT_EQ(retention->sweep().expired, 0u);
    EXPECT_TRUE(fs::exists(f.path));
    EXPECT_EQ(download(f), "ok");

    clock.advance(1s);
    const auto swept = retention->sweep();
    EXPECT_EQ(swept.expired, 1u);
    EXPECT_EQ(swept.failed, 0u);
    EXPECT_FALSE(swept.more);
    EXPECT_FALSE(fs::exists(f.path)) << "the bytes are deleted";
    EXPECT_EQ(store->find_file(f.id)->expired_at, sb::to_epoch_ms(clock.now()));
    EXPECT_EQ(download(f), "410 file_expired");
    const auto refused = files->download(f.id, f.key).error();
    EXPECT_EQ(nlohmann::json::parse(refusal_json(refused, config.files)),
              (nlohmann::json{{"code", "file_expired"}, {"message", refused.message}}));
    std::string forged = f.key;
    forged.back() = forged.back() == '0' ? '1' : '0';
    EXPECT_EQ(files->download(f.id, forged).error().status, 403u) << "a wrong key learns nothing more";

    // The transcript keeps the file event, name and size.
    bool in_transcript = false;
    for (const auto& e : store->events_after(f.contact, 0, 100))
        if (e.kind == "file") in_transcript = e.payload.find("note.txt") != std::string::npos;
    EXPECT_TRUE(in_transcript);
    EXPECT_EQ(store->find_file(f.id)->name, "note.txt");
    EXPECT_EQ(store->find_file(f.id)->size, 9u);

    EXPECT_EQ(retention->sweep().expired, 0u) << "nothing left to do";
    open(); // a restart
    EXPECT_EQ(download(f), "410 file_expired");
}

TEST_P(FileRetentionTest, AContactClosedMoreRecentlyKeepsItsFiles) {
    Conn& a = agent("alice");
    const Sent older = sent_on_new_contact(a, "older");
    close(a, older);
    clock.advance(10 * day);
    const Sent newer = sent_on_new_contact(a, "newer");
    close(a, newer);

    clock.advance(20 * day + 1s); // older closed 30 days and 1 s ago, newer 20 days and 1 s ago
    EXPECT_EQ(retention->sweep().expired, 1u);
    EXPECT_EQ(download(older), "410 file_expired");
    EXPECT_EQ(download(newer), "ok");
    EXPECT_TRUE(fs::exists(newer.path));
    EXPECT_EQ(store->find_file(newer.id)->expired_at, 0);

    clock.advance(10 * day);
    EXPECT_EQ(retention->sweep().expired, 1u);
    EXPECT_EQ(download(newer), "410 file_expired");
}

TEST_P(FileRetentionTest, FilesOfContactsNotClosedStayWhateverTheirAge) {
    Conn& alice = agent("alice");
    Conn& carla = agent("carla");
    const Sent held = sent_on_new_contact(alice, "held");       // stays assigned to Alice
    const Sent returned = sent_on_new_contact(carla, "returned"); // back in the queue: pending
    const Sent closed = sent_on_new_contact(alice, "closed");
    close(alice, closed);
    hub->closed(carla.id); // Carla goes away for longer than the grace period
    clock.advance(31s);
    contacts->tick();
    ASSERT_EQ(store->find_contact(returned.contact)->state, "pending");
    ASSERT_EQ(store->find_contact(held.contact)->state, "assigned");

    clock.advance(3650 * day);
    EXPECT_EQ(retention->sweep().expired, 1u) << "only the closed contact's file";
    EXPECT_EQ(download(closed), "410 file_expired");
    for (const Sent* s : {&held, &returned}) {
        EXPECT_TRUE(fs::exists(s->path)) << s->contact;
        EXPECT_EQ(store->find_file(s->id)->expired_at, 0) << s->contact;
    }
    EXPECT_EQ(download(held), "ok");
    EXPECT_EQ(retention->sweep().expired, 0u);
}

TEST_P(FileRetentionTest, RetentionZeroKeepsEveryFile) {
    config.files.retention_days = 0;
    open();
    EXPECT_FALSE(retention->enabled());
    Conn& a = agent("alice");
    const Sent f = sent_on_new_contact(a, "forever");
    close(a, f);
    clock.advance(36500 * day);
    EXPECT_EQ(retention->sweep().expired, 0u);
    EXPECT_TRUE(fs::exists(f.path));
    EXPECT_EQ(store->find_file(f.id)->expired_at, 0);
    EXPECT_EQ(download(f), "ok");
}

TEST_P(FileRetentionTest, MissingBytesAreFineAndUndeletableOnesAreTriedAgain) {
    Conn& a = agent("alice");
    const Sent missing = sent_on_new_contact(a, "missing");
    const Sent stuck = sent_on_new_contact(a, "stuck");
    close(a, missing);
    close(a, stuck);
    fs::remove(missing.path);
    // Something the sweep cannot delete where the bytes were: a folder that is not empty.
    fs::remove(stuck.path);
    fs::create_directories(stuck.path / "inside");

    clock.advance(31 * day);
    auto swept = retention->sweep();
    EXPECT_EQ(swept.expired, 1u);
    EXPECT_EQ(swept.failed, 1u);
    EXPECT_EQ(download(missing), "410 file_expired") << "bytes already gone: expired all the same";
    EXPECT_EQ(store->find_file(stuck.id)->expired_at, 0) << "not marked while something is left on disk";

    fs::remove_all(stuck.path);
    swept = retention->sweep();
    EXPECT_EQ(swept.expired, 1u);
    EXPECT_EQ(swept.failed, 0u);
    EXPECT_EQ(download(stuck), "410 file_expired");
}

TEST_P(FileRetentionTest, ABacklogGoesInBatches) {
    Conn& a = agent("alice");
    std::vector<Sent> sent;
    for (int i = 0; i < 3; ++i) {
        sent.push_back(sent_on_new_contact(a, "file " + std::to_string(i)));
        close(a, sent.back());
    }
    clock.advance(31 * day);
    auto first = retention->sweep(2);
    EXPECT_EQ(first.expired, 2u);
    EXPECT_TRUE(first.more);
    auto second = retention->sweep(2);
    EXPECT_EQ(second.expired, 1u);
    EXPECT_FALSE(second.more);
    for (const auto& s : sent) EXPECT_EQ(download(s), "410 file_expired");
}

TEST_P(FileRetentionTest, TheStoreListsOnlyKeptFilesOfContactsClosedBeforeTheTime) {
    // Rows written straight: a contact's state decides, whatever its record says.
    auto row = [](const std::string& id, const std::string& state, const char* closed_at) {
        ContactWrite w{StoredContact{id, "v-" + id, state, "alice", 1, 1,
                                     std::string(R"({"id":")") + id + R"(","closed_at":)" + closed_at + "}"},
                       {StoredEvent{id, 1, 1, "file", "visitor:v-" + id, "", "{}"}}};
        w.files.push_back(StoredFile{"f-" + id, id, "visitor:v-" + id, "a.txt", "text/plain", 1, 1, "00"});
        return w;
    };
    store->write_contacts({row("closed", "closed", "1000"), row("late", "closed", "5000"), row("none", "closed", "null"),
                           row("assigned", "assigned", "1000"), row("pending", "pending", "1000")});
    auto ids = [this](std::int64_t before, std::size_t limit = 100) {
        std::vector<std::string> out;
        for (const auto& f : store->files_to_expire(before, limit)) out.push_back(f.id);
        return out;
    };
    EXPECT_EQ(ids(1000), std::vector<std::string>{});
    EXPECT_EQ(ids(1001), std::vector<std::string>{"f-closed"});
    EXPECT_EQ(ids(9999), (std::vector<std::string>{"f-closed", "f-late"}));
    EXPECT_EQ(ids(9999, 1), std::vector<std::string>{"f-closed"});
    store->expire_files({"f-closed", "f-unknown"}, 7000);
    store->expire_files({"f-closed"}, 8000);
    EXPECT_EQ(store->find_file("f-closed")->expired_at, 7000) << "the first time stays";
    EXPECT_EQ(ids(9999), std::vector<std::string>{"f-late"});
}

INSTANTIATE_TEST_SUITE_P(Sqlite, FileRetentionTest, testing::Values(Backend::sqlite), backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, FileRetentionTest, testing::Values(Backend::postgres), backend_name);
