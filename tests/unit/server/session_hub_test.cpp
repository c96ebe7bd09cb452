#include "server/session_hub.h"

#include "protocol/codec.h"
#include "server/password.h"
#include "server/store/sqlite_store.h"

#include "temp_dir.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

using namespace sb::server;
namespace protocol = sb::protocol;
using sb::AgentStatus;

namespace {

// Hashing costs ~0.1 s: hash each demo password once per test binary.
const std::string& hash_of(const std::string& password) {
    static std::map<std::string, std::string> cache;
    auto it = cache.find(password);
    if (it == cache.end()) it = cache.emplace(password, hash_password(password)).first;
    return it->second;
}

// One fake connection: what the hub sent it, and whether it asked to close.
struct FakePeer {
    std::vector<std::string> sent;
    bool close_requested = false;
    std::string address = "203.0.113.7";
    Peer peer() {
        return Peer{[this](std::string s) { sent.push_back(std::move(s)); }, [this] { close_requested = true; }, address};
    }
    protocol::ServerMessage last() const {
        auto m = protocol::decode_server(sent.back());
        EXPECT_TRUE(m) << sent.back();
        return *m;
    }
    template <class T> T last_as() const {
        auto m = last();
        EXPECT_TRUE(std::holds_alternative<T>(m)) << sent.back();
        return std::holds_alternative<T>(m) ? std::get<T>(m) : T{};
    }
};

class SessionHubTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        store = open_sqlite_store(dir / "db.sqlite");
        directory = std::make_unique<AgentDirectory>(*store);
        directory->sync({AgentConfig{"alice", "Alice Rossi", "", hash_of("alice-demo"), {"sales", "support"}, {"en", "it"}, 3},
                         AgentConfig{"bruno", "Bruno Bianchi", "", hash_of("bruno-demo"), {"support"}, {"it"}, 2}});
        HubOptions options;
        options.messages_per_second = 5;
        options.now = [this] { return now; };
        hub = std::make_unique<SessionHub>(*directory, options);
    }

    ConnectionId connect(FakePeer& p) { return hub->open(p.peer()); }
    void send(ConnectionId id, const protocol::ClientMessage& m) { hub->receive_text(id, protocol::encode(m)); }
    void tick(int ms) { now += std::chrono::milliseconds(ms); }

    sb::test::TempDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<AgentDirectory> directory;
    std::unique_ptr<SessionHub> hub;
    std::chrono::system_clock::time_point now = std::chrono::system_clock::time_point(std::chrono::hours(24 * 20000));
};

} // namespace

TEST_F(SessionHubTest, LoginWithRightPasswordWelcomesPaused) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentLogin{"c1", "alice", "alice-demo"});
    auto w = p.last_as<protocol::Welcome>();
    EXPECT_EQ(w.cid, "c1");
    EXPECT_EQ(w.token.size(), 64u);
    EXPECT_EQ(w.agent.login, "alice");
    EXPECT_EQ(w.agent.name, "Alice Rossi");
    EXPECT_EQ(w.agent.status, AgentStatus::paused);
    EXPECT_EQ(w.agent.capacity, 3);
    EXPECT_TRUE(store->find_session(w.token));
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::paused);
}

TEST_F(SessionHubTest, WrongPasswordThenRetryOnTheSameConnection) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentLogin{"c1", "alice", "nope"});
    auto e = p.last_as<protocol::Error>();
    EXPECT_EQ(e.cid, "c1");
    EXPECT_EQ(e.code, protocol::code::bad_credentials);
    EXPECT_EQ(e.message, "wrong login or password");
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline);

    send(id, protocol::AgentLogin{"c2", "ghost", "alice-demo"});
    auto unknown = p.last_as<protocol::Error>();
    EXPECT_EQ(unknown.code, protocol::code::bad_credentials);
    EXPECT_EQ(unknown.message, e.message); // unknown logins look like wrong passwords

    send(id, protocol::AgentLogin{"c3", "alice", "alice-demo"});
    EXPECT_EQ(p.last_as<protocol::Welcome>().cid, "c3");
    EXPECT_FALSE(p.close_requested);
}

TEST_F(SessionHubTest, BadFramesGetErrorsAndTheConnectionStaysUsable) {
    FakePeer p;
    auto id = connect(p);
    hub->receive_text(id, "{not json");
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::bad_json);
    hub->receive_text(id, R"({"v":1,"type":"agent.fly","cid":"x9"})");
    auto unknown = p.last_as<protocol::Error>();
    EXPECT_EQ(unknown.code, protocol::code::unknown_type);
    EXPECT_EQ(unknown.cid, "x9");
    hub->receive_text(id, R"({"v":2,"type":"ping"})");
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::bad_version);
    hub->receive_text(id, R"({"v":1,"type":"agent.login","cid":"c1","login":"alice"})");
    auto missing = p.last_as<protocol::Error>();
    EXPECT_EQ(missing.code, protocol::code::bad_field);
    EXPECT_EQ(missing.cid, "c1");
    hub->receive_binary(id);
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::bad_json);

    tick(1000); // five frames were the limit for this second
    send(id, protocol::AgentLogin{"c2", "alice", "alice-demo"});
    EXPECT_EQ(p.last_as<protocol::Welcome>().cid, "c2");
    EXPECT_FALSE(p.close_requested);
}

TEST_F(SessionHubTest, StatusNeedsLogin) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentSetStatus{"s1", AgentStatus::ready});
    auto e = p.last_as<protocol::Error>();
    EXPECT_EQ(e.code, protocol::code::not_logged_in);
    EXPECT_EQ(e.cid, "s1");
}

TEST_F(SessionHubTest, StatusUpdateReachesEveryConnectionOfTheAgent) {
    FakePeer tab1, tab2, other;
    auto id1 = connect(tab1), id2 = connect(tab2), id3 = connect(other);
    send(id1, protocol::AgentLogin{"a", "alice", "alice-demo"});
    send(id2, protocol::AgentLogin{"b", "alice", "alice-demo"});
    send(id3, protocol::AgentLogin{"c", "bruno", "bruno-demo"});
    send(id1, protocol::AgentSetStatus{"s1", AgentStatus::ready});

    auto mine = tab1.last_as<protocol::AgentUpdate>();
    EXPECT_EQ(mine.cid, "s1");
    EXPECT_EQ(mine.agent.status, AgentStatus::ready);
    auto theirs = tab2.last_as<protocol::AgentUpdate>();
    EXPECT_EQ(theirs.cid, "");
    EXPECT_EQ(theirs.agent.status, AgentStatus::ready);
    EXPECT_TRUE(std::holds_alternative<protocol::Welcome>(other.last())); // bruno is not told
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::ready);
    EXPECT_EQ(hub->status_of("bruno"), AgentStatus::paused);

    FakePeer tab3; // a new tab sees the shared status
    auto id4 = connect(tab3);
    send(id4, protocol::AgentLogin{"d", "alice", "alice-demo"});
    EXPECT_EQ(tab3.last_as<protocol::Welcome>().agent.status, AgentStatus::ready);

    hub->closed(id1);
    hub->closed(id2);
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::ready);
    hub->closed(id4);
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline); // last connection gone
}

TEST_F(SessionHubTest, OfflineIsNotAStatusToSet) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentLogin{"a", "alice", "alice-demo"});
    send(id, protocol::AgentSetStatus{"s", AgentStatus::offline});
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::bad_field);
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::paused);
}

TEST_F(SessionHubTest, ResumeWithTokenAfterReconnect) {
    FakePeer first;
    auto id1 = connect(first);
    send(id1, protocol::AgentLogin{"a", "alice", "alice-demo"});
    auto token = first.last_as<protocol::Welcome>().token;
    hub->closed(id1);
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline);

    tick(5000);
    FakePeer second;
    auto id2 = connect(second);
    send(id2, protocol::AgentResume{"r", token});
    auto w = second.last_as<protocol::Welcome>();
    EXPECT_EQ(w.cid, "r");
    EXPECT_EQ(w.token, token);
    EXPECT_EQ(w.agent.login, "alice");
    send(id2, protocol::AgentSetStatus{"s", AgentStatus::ready});
    EXPECT_EQ(second.last_as<protocol::AgentUpdate>().agent.status, AgentStatus::ready);
}

TEST_F(SessionHubTest, UnknownTokenIsRefused) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentResume{"r", "deadbeef"});
    auto e = p.last_as<protocol::Error>();
    EXPECT_EQ(e.code, protocol::code::bad_token);
    EXPECT_EQ(e.cid, "r");
    send(id, protocol::AgentSetStatus{"s", AgentStatus::ready});
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::not_logged_in);
}

TEST_F(SessionHubTest, LogoutEndsTheSessionToken) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentLogin{"a", "alice", "alice-demo"});
    auto token = p.last_as<protocol::Welcome>().token;
    auto replies = p.sent.size();
    send(id, protocol::AgentLogout{"o"});
    EXPECT_EQ(p.sent.size(), replies); // no reply
    EXPECT_FALSE(store->find_session(token));
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline);
    send(id, protocol::AgentSetStatus{"s", AgentStatus::ready});
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::not_logged_in);
    send(id, protocol::AgentResume{"r", token});
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::bad_token);
}

TEST_F(SessionHubTest, PingGetsPongWithCid) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::Ping{"p1"});
    EXPECT_EQ(p.last_as<protocol::Pong>().cid, "p1");
}

TEST_F(SessionHubTest, TooManyFramesAreDroppedWithOneNotice) {
    FakePeer p;
    auto id = connect(p);
    for (int i = 0; i < 5; ++i) send(id, protocol::Ping{"p" + std::to_string(i)});
    EXPECT_EQ(p.sent.size(), 5u);
    for (int i = 0; i < 10; ++i) send(id, protocol::Ping{"x"});
    ASSERT_EQ(p.sent.size(), 6u); // one rate_limited, the rest dropped silently
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::rate_limited);
    EXPECT_FALSE(p.close_requested);

    tick(1000); // a new second
    send(id, protocol::Ping{"again"});
    EXPECT_EQ(p.last_as<protocol::Pong>().cid, "again");
}

TEST_F(SessionHubTest, TooLargeFrameGetsAnErrorThenClose) {
    FakePeer p;
    auto id = connect(p);
    hub->frame_too_large(id);
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::too_large);
    EXPECT_TRUE(p.close_requested);
}

TEST_F(SessionHubTest, ClosedConnectionsAreForgotten) {
    FakePeer p;
    auto id = connect(p);
    EXPECT_EQ(hub->connections(), 1u);
    hub->closed(id);
    EXPECT_EQ(hub->connections(), 0u);
    send(id, protocol::Ping{"late"});
    EXPECT_TRUE(p.sent.empty());
}

TEST_F(SessionHubTest, TooManyFailedLoginsAreRefusedUncheckedForAMinute) {
    FakePeer p;
    auto id = connect(p);
    for (int i = 0; i < 5; ++i) {
        send(id, protocol::AgentLogin{"w" + std::to_string(i), "alice", "guess" + std::to_string(i)});
        EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::bad_credentials);
        tick(250);
    }
    send(id, protocol::AgentLogin{"r1", "alice", "alice-demo"}); // even the right password waits
    auto e = p.last_as<protocol::Error>();
    EXPECT_EQ(e.cid, "r1");
    EXPECT_EQ(e.code, protocol::code::rate_limited);
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline);
    EXPECT_FALSE(p.close_requested);

    tick(60'000);
    send(id, protocol::AgentLogin{"r2", "alice", "alice-demo"});
    EXPECT_EQ(p.last_as<protocol::Welcome>().cid, "r2");
}

// [SECTION] Password checks off the io thread, per-address limit -------------------------------------------------

namespace {

// Password checks that run only when the test says so, as a worker pool would run them later.
struct ManualExecutor final : Executor {
    std::deque<std::pair<Task, Task>> jobs;
    std::size_t max_jobs = 100;
    bool submit(Task work, Task done) override {
        if (jobs.size() >= max_jobs) return false;
        jobs.emplace_back(std::move(work), std::move(done));
        return true;
    }
    void run_next() { // the work (a worker thread), then its answer (back on the io thread)
        ASSERT_FALSE(jobs.empty());
        auto job = std::move(jobs.front());
        jobs.pop_front();
        job.first();
        job.second();
    }
};

class SessionHubChecksTest : public SessionHubTest {
  protected:
    void SetUp() override {
        SessionHubTest::SetUp();
        HubOptions options;
        options.messages_per_second = 5;
        options.now = [this] { return now; };
        options.failed_logins_per_address_minute = 3;
        options.password_checks = &checks;
        hub = std::make_unique<SessionHub>(*directory, options);
    }
    ManualExecutor checks;
};

protocol::ServerMessage decoded(const std::string& frame) {
    auto m = protocol::decode_server(frame);
    EXPECT_TRUE(m) << frame;
    return m ? *m : protocol::ServerMessage{protocol::Error{}};
}

} // namespace

TEST_F(SessionHubChecksTest, SlowPasswordCheckDoesNotHoldUpOtherConnections) {
    FakePeer a, b;
    auto ida = connect(a), idb = connect(b);
    send(ida, protocol::AgentLogin{"l", "alice", "alice-demo"});
    ASSERT_EQ(checks.jobs.size(), 1u);
    send(ida, protocol::Ping{"after"}); // waits behind the login on its connection
    EXPECT_TRUE(a.sent.empty());

    send(idb, protocol::Ping{"b1"}); // another connection is answered at once
    EXPECT_EQ(b.last_as<protocol::Pong>().cid, "b1");
    send(idb, protocol::AgentLogin{"m", "bruno", "bruno-demo"});
    EXPECT_EQ(checks.jobs.size(), 2u);

    checks.run_next();
    ASSERT_EQ(a.sent.size(), 2u); // the answers in the order of the frames
    EXPECT_EQ(std::get<protocol::Welcome>(decoded(a.sent[0])).cid, "l");
    EXPECT_EQ(std::get<protocol::Pong>(decoded(a.sent[1])).cid, "after");
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::paused);
    checks.run_next();
    EXPECT_EQ(b.last_as<protocol::Welcome>().cid, "m");
}

TEST_F(SessionHubChecksTest, ResultOfACheckAfterTheConnectionClosedIsDropped) {
    FakePeer a;
    auto ida = connect(a);
    send(ida, protocol::AgentLogin{"l", "alice", "alice-demo"});
    send(ida, protocol::AgentSetStatus{"s", AgentStatus::ready});
    hub->closed(ida);
    checks.run_next();
    EXPECT_TRUE(a.sent.empty());
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline); // not logged in by the stale result
    EXPECT_EQ(hub->connections(), 0u);

    FakePeer again; // the next connection logs in as usual
    auto id = connect(again);
    send(id, protocol::AgentLogin{"l2", "alice", "alice-demo"});
    checks.run_next();
    EXPECT_EQ(again.last_as<protocol::Welcome>().agent.status, AgentStatus::paused);
}

TEST_F(SessionHubChecksTest, ASecondLoginWaitsForTheFirstOnesAnswer) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentLogin{"w", "alice", "wrong"});
    send(id, protocol::AgentLogin{"r", "alice", "alice-demo"});
    ASSERT_EQ(checks.jobs.size(), 1u); // one check at a time per connection
    checks.run_next();
    auto refused = p.last_as<protocol::Error>();
    EXPECT_EQ(refused.cid, "w");
    EXPECT_EQ(refused.code, protocol::code::bad_credentials);
    ASSERT_EQ(checks.jobs.size(), 1u); // the second login's check starts after the first answer
    checks.run_next();
    EXPECT_EQ(p.last_as<protocol::Welcome>().cid, "r");
    EXPECT_EQ(p.sent.size(), 2u);
}

TEST_F(SessionHubChecksTest, APasswordChangedDuringTheCheckFailsIt) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentLogin{"l", "alice", "alice-demo"});
    directory->sync({AgentConfig{"alice", "Alice Rossi", "", hash_of("new-secret"), {"sales"}, {"en"}, 3}});
    checks.run_next();
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::bad_credentials);
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline);
}

TEST_F(SessionHubChecksTest, FullCheckQueueAnswersRateLimited) {
    checks.max_jobs = 1;
    FakePeer a, b;
    b.address = "198.51.100.9";
    auto ida = connect(a), idb = connect(b);
    send(ida, protocol::AgentLogin{"l", "alice", "alice-demo"});
    send(idb, protocol::AgentLogin{"m", "bruno", "bruno-demo"});
    auto refused = b.last_as<protocol::Error>();
    EXPECT_EQ(refused.cid, "m");
    EXPECT_EQ(refused.code, protocol::code::rate_limited);
    EXPECT_EQ(checks.jobs.size(), 1u);

    checks.run_next();
    EXPECT_EQ(a.last_as<protocol::Welcome>().cid, "l");
    send(idb, protocol::AgentLogin{"m2", "bruno", "bruno-demo"}); // room again
    checks.run_next();
    EXPECT_EQ(b.last_as<protocol::Welcome>().cid, "m2");
}

TEST_F(SessionHubChecksTest, FramesBeyondWhatWaitsBehindACheckAreDropped) {
    FakePeer p;
    auto id = connect(p);
    send(id, protocol::AgentLogin{"l", "alice", "alice-demo"});
    for (int i = 0; i < 9; ++i) {
        tick(250); // within the messages-per-second limit
        send(id, protocol::Ping{"p" + std::to_string(i)});
    }
    ASSERT_EQ(p.sent.size(), 1u); // the ninth waiting frame is refused at once
    EXPECT_EQ(p.last_as<protocol::Error>().code, protocol::code::rate_limited);
    checks.run_next();
    ASSERT_EQ(p.sent.size(), 10u);
    EXPECT_EQ(std::get<protocol::Welcome>(decoded(p.sent[1])).cid, "l");
    EXPECT_EQ(std::get<protocol::Pong>(decoded(p.sent[2])).cid, "p0");
    EXPECT_EQ(p.last_as<protocol::Pong>().cid, "p7");
}

TEST_F(SessionHubChecksTest, FailedLoginsAreLimitedPerAddressAcrossConnections) {
    FakePeer c1, c2, c3, c4, elsewhere;
    for (auto* p : {&c1, &c2, &c3, &c4}) p->address = "198.51.100.1";
    elsewhere.address = "198.51.100.2";
    std::vector<ConnectionId> ids;
    for (auto* p : {&c1, &c2, &c3}) {
        ids.push_back(connect(*p));
        send(ids.back(), protocol::AgentLogin{"w", "alice", "guess"});
        checks.run_next();
        EXPECT_EQ(p->last_as<protocol::Error>().code, protocol::code::bad_credentials);
    }
    auto id4 = connect(c4); // a new connection from the same address: refused unchecked, right password or not
    send(id4, protocol::AgentLogin{"r", "alice", "alice-demo"});
    auto e = c4.last_as<protocol::Error>();
    EXPECT_EQ(e.cid, "r");
    EXPECT_EQ(e.code, protocol::code::rate_limited);
    EXPECT_NE(e.message.find("address"), std::string::npos) << e.message;
    EXPECT_TRUE(checks.jobs.empty());
    tick(59'000);
    send(ids[0], protocol::AgentLogin{"r", "alice", "alice-demo"}); // one failure on this connection, still refused
    EXPECT_EQ(c1.last_as<protocol::Error>().code, protocol::code::rate_limited);

    auto other = connect(elsewhere); // another address is not concerned
    send(other, protocol::AgentLogin{"o", "alice", "alice-demo"});
    checks.run_next();
    EXPECT_EQ(elsewhere.last_as<protocol::Welcome>().cid, "o");

    tick(1000); // the address's minute is over
    send(id4, protocol::AgentLogin{"r2", "alice", "alice-demo"});
    checks.run_next();
    EXPECT_EQ(c4.last_as<protocol::Welcome>().cid, "r2");
}

TEST_F(SessionHubChecksTest, AgentsBehindOneAddressLogInTogether) {
    // An office behind one NAT: more logins at once than the address limit, all right, all checked. Only
    // failures count against the address (the worker queue bounds how many checks run at once).
    FakePeer c1, c2, c3, c4;
    std::vector<ConnectionId> ids;
    for (auto* p : {&c1, &c2, &c3, &c4}) {
        ids.push_back(connect(*p));
        send(ids.back(), protocol::AgentLogin{"l", p == &c4 ? "bruno" : "alice", p == &c4 ? "bruno-demo" : "alice-demo"});
    }
    ASSERT_EQ(checks.jobs.size(), 4u);
    while (!checks.jobs.empty()) checks.run_next();
    for (auto* p : {&c1, &c2, &c3}) EXPECT_EQ(p->last_as<protocol::Welcome>().agent.login, "alice");
    EXPECT_EQ(c4.last_as<protocol::Welcome>().agent.login, "bruno");
}
