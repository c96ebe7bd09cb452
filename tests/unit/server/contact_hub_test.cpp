// Contacts through the session hub, without sockets: fake connections, a fake clock, a real SQLite store.
#include "server/contact_hub.h"
#include "server/geo/geoip.h"
#include "server/ice.h"

#include "core/console_state.h"
#include "protocol/codec.h"
#include "server/password.h"
#include "server/session_hub.h"
#include "server/store/sqlite_store.h"

#include "temp_dir.h"
#include "received.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <memory>
#include <random>
#include <set>
#include <vector>

using namespace sb::server;
namespace protocol = sb::protocol;
namespace ev = sb::protocol::ev;
using sb::AgentStatus;
using sb::ContactState;
using sb::ContactType;
using sb::Outcome;
using namespace std::chrono_literals;

namespace {

// The protocol's waiting-list order: created_at, then id.
bool waits_before(const protocol::ContactView& a, const protocol::ContactView& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
}

// One fake connection: everything the hub sent it, decoded, and the waiting list as a client keeps it (the last
// queue.waiting with every later queue.changed applied), which clear() keeps.
struct Conn : sb::test::Received {
    ConnectionId id = 0;
    std::vector<protocol::ContactView> list;

    void receive(protocol::ServerMessage m) {
        if (auto* q = std::get_if<protocol::QueueWaiting>(&m)) {
            EXPECT_TRUE(std::is_sorted(q->contacts.begin(), q->contacts.end(), waits_before)) << "queue.waiting order";
            list = q->contacts;
        } else if (auto* d = std::get_if<protocol::QueueChanged>(&m)) {
            EXPECT_FALSE(d->added.empty() && d->removed.empty()) << "an empty queue.changed";
            for (const auto& id : d->removed) {
                EXPECT_TRUE(std::none_of(d->added.begin(), d->added.end(), [&](const auto& c) { return c.id == id; }))
                    << id << " both added and removed";
                std::erase_if(list, [&](const protocol::ContactView& c) { return c.id == id; });
            }
            for (const auto& c : d->added) {
                std::erase_if(list, [&](const protocol::ContactView& x) { return x.id == c.id; });
                list.insert(std::upper_bound(list.begin(), list.end(), c, waits_before), c);
            }
            EXPECT_EQ(d->count, list.size()) << "queue.changed count";
        }
        got.push_back(std::move(m));
    }

    std::vector<std::string> waiting_ids() const { // the list as the client has it now
        std::vector<std::string> ids;
        for (const auto& c : list) ids.push_back(c.id);
        return ids;
    }
    // Whether a queue.waiting or queue.changed came (since the last clear()).
    bool has_queue() const { return has<protocol::QueueWaiting>() || has<protocol::QueueChanged>(); }
    std::size_t full_lists() const { return all<protocol::QueueWaiting>().size(); }
};

template <class T> bool is(const protocol::ContactEvent& e) { return std::holds_alternative<T>(e.body); }

// The SQLite store, whose contact writes fail on demand (a full disk, a lost database).
class FlakyStore final : public Store {
  public:
    explicit FlakyStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
    bool fail_writes = false;

    int schema_version() override { return inner_->schema_version(); }
    std::optional<StoredAgent> find_agent(const std::string& login) override { return inner_->find_agent(login); }
    std::vector<StoredAgent> agents() override { return inner_->agents(); }
    void upsert_agent(const StoredAgent& agent) override { inner_->upsert_agent(agent); }
    void delete_agent(const std::string& login) override { inner_->delete_agent(login); }
    void create_session(const StoredSession& session) override { inner_->create_session(session); }
    std::optional<StoredSession> find_session(const std::string& token) override { return inner_->find_session(token); }
    void touch_session(const std::string& token, std::int64_t last_seen) override { inner_->touch_session(token, last_seen); }
    void delete_session(const std::string& token) override { inner_->delete_session(token); }
    std::vector<StoredSite> sites() override { return inner_->sites(); }
    std::vector<StoredService> services() override { return inner_->services(); }
    std::vector<AdminChange> admin_changes() override { return inner_->admin_changes(); }
    void write_config(const ConfigWrite& write) override { inner_->write_config(write); }
    void create_visitor(const StoredVisitor& visitor) override { inner_->create_visitor(visitor); }
    std::optional<StoredVisitor> find_visitor(const std::string& id) override { return inner_->find_visitor(id); }
    int transactions = 0; // write_contacts calls
    void write_contacts(const std::vector<ContactWrite>& writes) override {
        ++transactions;
        if (fail_writes) throw StoreError("disk full (test)");
        inner_->write_contacts(writes);
    }
    std::optional<StoredContact> find_contact(const std::string& id) override { return inner_->find_contact(id); }
    std::vector<StoredContact> open_contacts() override { return inner_->open_contacts(); }
    std::vector<StoredEvent> events_after(const std::string& contact_id, std::uint64_t after, std::size_t limit) override {
        return inner_->events_after(contact_id, after, limit);
    }
    int cid_reads = 0; // commands calls
    std::vector<StoredCommand> commands(const std::string& contact_id) override {
        ++cid_reads;
        return inner_->commands(contact_id);
    }
    std::optional<StoredFile> find_file(const std::string& id) override { return inner_->find_file(id); }
    std::vector<StoredFile> files_to_expire(std::int64_t closed_before, std::size_t limit) override {
        return inner_->files_to_expire(closed_before, limit);
    }
    void expire_files(const std::vector<std::string>& ids, std::int64_t at) override { inner_->expire_files(ids, at); }

  private:
    std::unique_ptr<Store> inner_;
};

// A ContactWriter driven by hand: start() keeps the writes; complete() writes them and runs `done`, as the writer
// thread does; wait() writes them at once if complete() has not.
class ManualWriter final : public ContactWriter {
  public:
    explicit ManualWriter(Store& store) : store_(store) {}
    int starts = 0;
    bool busy() const { return !written_; }
    void start(std::vector<ContactWrite> writes, std::function<void()> done) override {
        EXPECT_FALSE(busy()) << "one write at a time";
        ++starts;
        writes_ = std::move(writes);
        done_ = std::move(done);
        written_ = false;
        error_.reset();
    }
    std::optional<std::string> wait() override {
        write();
        return error_;
    }
    void complete() {
        write();
        if (auto done = std::exchange(done_, nullptr)) done();
    }

  private:
    void write() {
        if (written_) return;
        written_ = true;
        try {
            store_.write_contacts(writes_);
        } catch (const StoreError& e) {
            error_ = e.what();
        }
    }
    Store& store_;
    std::vector<ContactWrite> writes_;
    std::function<void()> done_;
    bool written_ = true;
    std::optional<std::string> error_;
};

const char* config_text = R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://shop.example/"}],
  "services": [
    {"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "dissuasion_seconds": 90,
     "color": "#2e86de", "media": ["chat", "call", "video", "callback", "weblead"], "site": "demo"},
    {"id": "supporto", "name": "Supporto", "language": "it", "tags": ["support"], "dissuasion_seconds": 60,
     "color": "#27ae60", "site": "demo"}],
  "agents": [
    {"login": "alice", "name": "Alice Rossi", "password": "x", "tags": ["sales", "support"], "capacity": 3},
    {"login": "bruno", "name": "Bruno Bianchi", "password": "x", "tags": ["support"], "capacity": 2},
    {"login": "carla", "name": "Carla Verdi", "password": "x", "tags": ["sales"], "capacity": 1}],
  "contacts": {"idle_seconds": 60, "grace_seconds": 30, "visitor_away_seconds": 30}
})";

class ContactHubTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        auto parsed = parse_config(config_text, "test");
        ASSERT_TRUE(parsed) << parsed.error().message;
        config = *parsed;
        for (auto& a : config.agents) { // no argon2 in these tests: agents resume with tokens
            a.password.clear();
            a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        }
        open();
    }

    // (Re)creates the hubs on the same database, as a server restart does.
    void open() {
        conns.clear();
        hub.reset();
        contacts.reset();
        directory.reset();
        store.reset();
        auto flaky_store = std::make_unique<FlakyStore>(open_sqlite_store(dir / "db.sqlite"));
        flaky = flaky_store.get();
        store = std::move(flaky_store);
        directory = std::make_unique<AgentDirectory>(*store);
        directory->sync(config.agents);
        HubOptions options;
        options.messages_per_second = 1000;
        options.now = [this] { return std::chrono::system_clock::time_point(clock.now().time_since_epoch()); };
        hub = std::make_unique<SessionHub>(*directory, options);
        contacts = std::make_unique<ContactHub>(*store, clock, config, contact_hub_options(config.contacts),
                                                [this](ConnectionId id, const protocol::ServerMessage& m) { hub->send_to(id, m); });
        if (encode_once) // as main.cpp does; without it every message is encoded per connection
            contacts->on_frames([this](ConnectionId id, const std::string& frame) { hub->send_frame(id, frame); });
        contacts->start();
        hub->attach(*contacts);
    }

    Conn& connect(const std::string& address = "203.0.113.7") {
        auto c = std::make_unique<Conn>();
        Conn* raw = c.get();
        c->id = hub->open(Peer{[raw](std::string frame) {
                                   auto m = protocol::decode_server(frame);
                                   EXPECT_TRUE(m) << frame;
                                   if (m) raw->receive(std::move(*m));
                               },
                               [] {}, address});
        conns.push_back(std::move(c));
        return *raw;
    }
    void send(Conn& c, const protocol::ClientMessage& m) { hub->receive_text(c.id, protocol::encode(m)); }
    void close(Conn& c) { hub->closed(c.id); }

    std::string token(const std::string& login) {
        return directory->open_session(login, sb::to_epoch_ms(clock.now()) / 1000);
    }
    Conn& agent(const std::string& login, bool ready = true) {
        Conn& c = connect();
        send(c, protocol::AgentResume{"r", token(login)});
        EXPECT_TRUE(c.has<protocol::Welcome>()) << login;
        if (ready) send(c, protocol::AgentSetStatus{"s", AgentStatus::ready});
        c.clear();
        return c;
    }
    Conn& visitor(const std::string& name = "Maria", std::optional<protocol::VisitorIdentity> who = std::nullopt) {
        Conn& c = connect();
        protocol::VisitorHello h;
        h.cid = "h";
        h.visitor = who;
        h.name = name;
        h.page = {"https://shop.example/products", "Products"};
        h.capabilities = {true, false};
        send(c, h);
        EXPECT_TRUE(c.has<protocol::VisitorWelcome>());
        return c;
    }
    // A new pending contact of this visitor; returns its id.
    std::string ask(Conn& v, const std::string& service = "sales", const std::string& direct = "") {
        protocol::ContactRequestMsg r;
        r.cid = "q" + std::to_string(++counter);
        r.service = service;
        r.type = ContactType::chat;
        r.agent = direct;
        v.clear();
        send(v, r);
        auto s = v.last<protocol::ContactSnapshot>();
        EXPECT_EQ(s.cid, r.cid);
        return s.contact.id;
    }
    std::string take(Conn& a, const std::string& id) {
        a.clear();
        send(a, protocol::ContactClaim{"k" + std::to_string(++counter), id});
        auto s = a.last<protocol::ContactSnapshot>();
        EXPECT_EQ(s.contact.state, ContactState::assigned);
        return s.contact.id;
    }
    void later(sb::Duration d) {
        clock.advance(d);
        contacts->tick();
    }

    sb::test::TempDir dir;
    Config config;
    sb::FakeClock clock;
    std::unique_ptr<Store> store;
    FlakyStore* flaky = nullptr;
    bool encode_once = true; // ContactHub::on_frames
    std::unique_ptr<AgentDirectory> directory;
    std::unique_ptr<SessionHub> hub;
    std::unique_ptr<ContactHub> contacts;
    std::vector<std::unique_ptr<Conn>> conns;
    int counter = 0;
};

void expect_no_gaps(const std::vector<protocol::ContactEvent>& events, std::uint64_t first = 1) {
    for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, first + i) << "event " << i;
}

} // namespace

TEST_F(ContactHubTest, VisitorGetsAnIdentityAndIsReturningWithIt) {
    Conn& v = visitor();
    auto w = v.last<protocol::VisitorWelcome>();
    EXPECT_EQ(w.visitor.id.rfind("v-", 0), 0u);
    EXPECT_EQ(w.visitor.secret.size(), 64u);
    EXPECT_FALSE(w.returning);
    auto stored = store->find_visitor(w.visitor.id);
    ASSERT_TRUE(stored);
    EXPECT_NE(stored->secret_hash, w.visitor.secret); // only the hash is kept

    Conn& again = visitor("Maria", w.visitor);
    auto w2 = again.last<protocol::VisitorWelcome>();
    EXPECT_TRUE(w2.returning);
    EXPECT_EQ(w2.visitor, w.visitor);

    Conn& wrong = visitor("Maria", protocol::VisitorIdentity{w.visitor.id, "nope"});
    auto w3 = wrong.last<protocol::VisitorWelcome>();
    EXPECT_FALSE(w3.returning);
    EXPECT_NE(w3.visitor.id, w.visitor.id);
}

TEST_F(ContactHubTest, RequestIsListedForEligibleAgentsOnly) {
    Conn& alice = agent("alice");
    Conn& bruno = agent("bruno");         // no sales tag
    Conn& carla = agent("carla", false);  // paused
    Conn& v = visitor();
    auto id = ask(v);

    auto s = v.last<protocol::ContactSnapshot>();
    EXPECT_EQ(s.contact.state, ContactState::pending);
    EXPECT_EQ(s.contact.service.name, "Sales");
    EXPECT_EQ(s.contact.site.name, "Demo shop");
    EXPECT_EQ(s.contact.customer.name, "Maria");
    EXPECT_EQ(s.contact.color, "#2e86de");
    ASSERT_TRUE(s.contact.deadline);
    EXPECT_EQ(*s.contact.deadline, s.contact.created_at + 90'000);
    EXPECT_EQ(s.contact.seq, 1u);
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_TRUE(is<ev::Pending>(s.events[0]));
    EXPECT_EQ(s.events[0].cid, "q1");
    EXPECT_FALSE(v.has<protocol::ContactEventMsg>()); // the snapshot carries it

    EXPECT_EQ(alice.waiting_ids(), std::vector<std::string>{id});
    auto change = alice.last<protocol::QueueChanged>(); // only the new contact, not the whole list
    EXPECT_EQ(change.now, sb::to_epoch_ms(clock.now()));
    EXPECT_EQ(change.count, 1u);
    ASSERT_EQ(change.added.size(), 1u);
    EXPECT_EQ(change.added[0], s.contact);
    EXPECT_TRUE(change.removed.empty());
    EXPECT_FALSE(alice.has<protocol::QueueWaiting>());
    EXPECT_FALSE(bruno.has_queue());
    EXPECT_FALSE(carla.has_queue());

    // carla becomes ready: she sees it; at capacity she does not.
    send(carla, protocol::AgentSetStatus{"s", AgentStatus::ready});
    EXPECT_EQ(carla.waiting_ids(), std::vector<std::string>{id});
    clock.advance(1ms);
    Conn& v2 = visitor("Paolo");
    auto id2 = ask(v2);
    EXPECT_EQ(alice.waiting_ids(), (std::vector<std::string>{id, id2})); // oldest first
    take(carla, id);
    EXPECT_TRUE(carla.waiting_ids().empty()); // capacity 1 reached
    EXPECT_EQ(alice.waiting_ids(), std::vector<std::string>{id2});
}

TEST_F(ContactHubTest, DirectContactIsListedForItsAgentOnly) {
    Conn& alice = agent("alice");
    Conn& carla = agent("carla");
    Conn& v = visitor();
    auto id = ask(v, "sales", "carla");
    EXPECT_TRUE(v.last<protocol::ContactSnapshot>().contact.direct);
    EXPECT_EQ(carla.waiting_ids(), std::vector<std::string>{id});
    EXPECT_FALSE(alice.has_queue());
    alice.clear();
    send(alice, protocol::ContactClaim{"c", id});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::not_eligible);

    protocol::ContactRequestMsg r{"bad", "sales", ContactType::chat, "", "nobody", {}, {}, {}};
    send(v, r);
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::unknown_agent);
}

TEST_F(ContactHubTest, RequestRefusals) {
    Conn& v = visitor();
    auto refused = [&](protocol::ContactRequestMsg r) {
        v.clear();
        send(v, r);
        return v.last<protocol::Error>().code;
    };
    EXPECT_EQ(refused({"a", "nope", ContactType::chat, "", "", {}, {}, {}}), protocol::code::unknown_service);
    EXPECT_EQ(refused({"b", "supporto", ContactType::call, "", "", {}, {}, {}}), protocol::code::type_not_allowed);
    EXPECT_EQ(refused({"c", "sales", ContactType::callback, "", "", {}, {}, {}}), protocol::code::bad_field);
    Conn& agent_conn = agent("alice");
    send(agent_conn, protocol::ContactRequestMsg{"d", "sales", ContactType::chat, "", "", {}, {}, {}});
    EXPECT_EQ(agent_conn.last<protocol::Error>().code, protocol::code::not_logged_in);
}

TEST_F(ContactHubTest, TwoAgentsClaimTheSameContactExactlyOneGetsIt) {
    Conn& alice = agent("alice");
    Conn& carla = agent("carla");
    Conn& v = visitor();
    auto id = ask(v);
    alice.clear();
    carla.clear();
    send(alice, protocol::ContactClaim{"a1", id});
    send(carla, protocol::ContactClaim{"c1", id});

    auto won = alice.last<protocol::ContactSnapshot>();
    EXPECT_EQ(won.cid, "a1");
    EXPECT_EQ(won.contact.state, ContactState::assigned);
    ASSERT_TRUE(won.contact.agent);
    EXPECT_EQ(won.contact.agent->name, "Alice Rossi");
    ASSERT_EQ(won.events.size(), 2u);
    EXPECT_TRUE(is<ev::Assigned>(won.events[1]));
    auto lost = carla.last<protocol::Error>();
    EXPECT_EQ(lost.code, protocol::code::already_taken);
    EXPECT_EQ(lost.cid, "c1");
    EXPECT_TRUE(carla.waiting_ids().empty());
    ASSERT_TRUE(std::holds_alternative<protocol::QueueWaiting>(carla.got.back())); // a fresh list after the refusal
    EXPECT_TRUE(carla.last<protocol::QueueWaiting>().contacts.empty());
    EXPECT_FALSE(carla.has<protocol::ContactSnapshot>());

    auto to_visitor = v.events();
    ASSERT_EQ(to_visitor.size(), 1u);
    EXPECT_TRUE(is<ev::Assigned>(to_visitor[0]));
    EXPECT_EQ(to_visitor[0].seq, 2u);

    // A retried claim of the same contact by the winner answers the same snapshot again.
    alice.clear();
    send(alice, protocol::ContactClaim{"a1", id});
    EXPECT_EQ(alice.last<protocol::ContactSnapshot>().contact.seq, 2u);
}

TEST_F(ContactHubTest, ClaimWithoutContactTakesTheOldestAndRefusesWhenNothingWaits) {
    Conn& alice = agent("alice");
    Conn& v1 = visitor();
    auto first = ask(v1);
    clock.advance(1s);
    Conn& v2 = visitor();
    ask(v2);
    send(alice, protocol::ContactClaim{"c", ""});
    EXPECT_EQ(alice.last<protocol::ContactSnapshot>().contact.id, first);
    send(alice, protocol::ContactClaim{"d", ""});
    send(alice, protocol::ContactClaim{"e", ""});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::nothing_waiting);
    Conn& paused = agent("carla", false);
    send(paused, protocol::ContactClaim{"f", ""});
    EXPECT_EQ(paused.last<protocol::Error>().code, protocol::code::not_ready);
}

TEST_F(ContactHubTest, DissuasionAtTheDeadlineClosesAndUpdatesTheLists) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    EXPECT_EQ(*contacts->next_deadline(), clock.now() + 90s);
    later(89'999ms);
    EXPECT_FALSE(v.has<protocol::ContactEventMsg>());
    alice.clear();
    later(1ms);
    auto events = v.events();
    ASSERT_EQ(events.size(), 1u);
    ASSERT_TRUE(is<ev::Closed>(events[0]));
    EXPECT_EQ(std::get<ev::Closed>(events[0].body).outcome, Outcome::dissuaded);
    EXPECT_EQ(events[0].seq, 2u);
    EXPECT_TRUE(alice.waiting_ids().empty());
    send(alice, protocol::ContactClaim{"c", id});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::closed);
    EXPECT_EQ(store->find_contact(id)->state, "closed");
}

TEST_F(ContactHubTest, VisitorLeavingAPendingContactCancelsOrAbandonsIt) {
    Conn& v = visitor();
    auto quick = ask(v);
    clock.advance(5s);
    send(v, protocol::ContactStop{"s1", quick, std::nullopt});
    auto closed = v.events().back();
    EXPECT_EQ(std::get<ev::Closed>(closed.body).outcome, Outcome::cancelled);
    EXPECT_EQ(closed.cid, "s1");

    auto slow = ask(v);
    clock.advance(12s);
    v.clear();
    send(v, protocol::ContactStop{"s2", slow, std::nullopt});
    EXPECT_EQ(std::get<ev::Closed>(v.events().back().body).outcome, Outcome::abandoned);

    // Gone without a word: presence false, then abandoned once the away time is over.
    Conn& alice = agent("alice");
    auto left = ask(v);
    alice.clear();
    close(v);
    EXPECT_EQ(alice.waiting_ids(), std::vector<std::string>{left});
    EXPECT_FALSE(alice.list[0].visitor_present);
    EXPECT_FALSE(alice.last<protocol::QueueChanged>().added.at(0).visitor_present); // sent again, changed
    later(29s);
    EXPECT_EQ(store->find_contact(left)->state, "pending");
    later(1s);
    EXPECT_EQ(store->find_contact(left)->state, "closed");
    EXPECT_TRUE(alice.waiting_ids().empty());
    auto rec = store->events_after(left, 0, 100);
    ASSERT_EQ(rec.size(), 3u); // pending, presence false, closed
    EXPECT_EQ(rec[1].kind, "presence");
    EXPECT_EQ(rec[2].kind, "closed");
    EXPECT_NE(rec[2].payload.find("abandoned"), std::string::npos);
}

TEST_F(ContactHubTest, VisitorBackInTimeKeepsThePendingContact) {
    Conn& v = visitor();
    auto identity = v.last<protocol::VisitorWelcome>().visitor;
    auto id = ask(v);
    close(v);
    later(10s);
    Conn& back = visitor("Maria", identity);
    auto w = back.last<protocol::VisitorWelcome>();
    ASSERT_EQ(w.contacts.size(), 1u);
    EXPECT_EQ(w.contacts[0].id, id);
    EXPECT_TRUE(w.contacts[0].visitor_present);
    later(60s);
    EXPECT_EQ(store->find_contact(id)->state, "pending");
    auto kinds = store->events_after(id, 0, 100);
    ASSERT_EQ(kinds.size(), 3u);
    EXPECT_EQ(kinds[1].payload.find("\"present\":false") != std::string::npos, true);
    EXPECT_EQ(kinds[2].payload.find("\"present\":true") != std::string::npos, true);
}

TEST_F(ContactHubTest, ChatBothWaysInOrderWithoutGaps) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    v.clear();
    alice.clear();
    send(v, protocol::ContactSend{"m1", id, "Hello, I need help"});
    send(alice, protocol::ContactSend{"m2", id, "Sure, tell me"});
    send(v, protocol::ContactSend{"m3", id, "My order is late"});
    send(alice, protocol::ContactReadMsg{"r1", id, 5});

    for (Conn* c : {&v, &alice}) {
        auto events = c->events();
        ASSERT_EQ(events.size(), 4u);
        expect_no_gaps(events, 3);
        auto m = std::get<ev::Message>(events[0].body);
        EXPECT_EQ(m.from, protocol::Party::visitor);
        EXPECT_EQ(m.author, "Maria");
        EXPECT_EQ(m.text, "Hello, I need help");
        EXPECT_EQ(events[0].cid, "m1");
        EXPECT_EQ(std::get<ev::Message>(events[1].body).author, "Alice Rossi");
        EXPECT_EQ(std::get<ev::Read>(events[3].body).up_to, 5u);
    }
    send(alice, protocol::ContactReadMsg{"r2", id, 99});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::bad_field);
    send(alice, protocol::ContactSend{"m4", id, ""});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::bad_field);
    auto stored = store->events_after(id, 0, 100);
    ASSERT_EQ(stored.size(), 6u);
    for (std::size_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i].seq, i + 1);
}

TEST_F(ContactHubTest, RetriedCommandIsAppliedOnce) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    send(v, protocol::ContactSend{"same", id, "once"});
    alice.clear();
    v.clear();
    send(v, protocol::ContactSend{"same", id, "once"});
    auto ack = v.last<protocol::Ack>();
    EXPECT_EQ(ack.cid, "same");
    EXPECT_EQ(ack.contact, id);
    EXPECT_EQ(ack.seq, 3u);
    EXPECT_FALSE(alice.has<protocol::ContactEventMsg>());
    EXPECT_EQ(store->events_after(id, 0, 100).size(), 3u);
    // The same cid from the other party is another command.
    send(alice, protocol::ContactSend{"same", id, "reply"});
    EXPECT_EQ(store->events_after(id, 0, 100).size(), 4u);
}

TEST_F(ContactHubTest, RetriesOnAContactOfThisProcessAreAnsweredWithoutReadingTheStore) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    const int reads = flaky->cid_reads;
    send(v, protocol::ContactSend{"m1", id, "first"});
    send(v, protocol::ContactSend{"m2", id, "second"});
    send(v, protocol::ContactSend{"m1", id, "first"}); // a retry
    EXPECT_EQ(v.last<protocol::Ack>().seq, 3u);
    send(alice, protocol::ContactSend{"m1", id, "the agent's own m1"}); // not a retry: another party
    EXPECT_EQ(store->events_after(id, 0, 100).size(), 5u);
    EXPECT_EQ(flaky->cid_reads, reads);
}

TEST_F(ContactHubTest, ResumeAfterASeqReturnsExactlyTheMissedEvents) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto identity = v.last<protocol::VisitorWelcome>().visitor;
    auto id = ask(v);
    take(alice, id);
    for (int i = 0; i < 5; ++i) send(alice, protocol::ContactSend{"", id, "line " + std::to_string(i)});
    Conn& other_tab = visitor("Maria", identity);
    send(other_tab, protocol::ContactResume{"r", id, 4});
    auto s = other_tab.last<protocol::ContactSnapshot>();
    EXPECT_EQ(s.cid, "r");
    EXPECT_EQ(s.contact.seq, 7u);
    ASSERT_EQ(s.events.size(), 3u);
    expect_no_gaps(s.events, 5);
    EXPECT_EQ(std::get<ev::Message>(s.events[0].body).text, "line 2");
    send(other_tab, protocol::ContactResume{"r2", id, 7});
    EXPECT_TRUE(other_tab.last<protocol::ContactSnapshot>().events.empty());
    send(other_tab, protocol::ContactResume{"r3", id, 8});
    EXPECT_EQ(other_tab.last<protocol::Error>().code, protocol::code::bad_field);
}

TEST_F(ContactHubTest, VisitorCannotTouchAnotherVisitorsContact) {
    Conn& v1 = visitor();
    auto id = ask(v1);
    Conn& v2 = visitor("Eve");
    for (const protocol::ClientMessage& m :
         std::vector<protocol::ClientMessage>{protocol::ContactSend{"a", id, "hi"}, protocol::ContactResume{"b", id, 0},
                                              protocol::ContactStop{"c", id, std::nullopt},
                                              protocol::ContactTyping{"d", id, true},
                                              protocol::ContactPage{"e", id, {"https://x", "x"}}}) {
        v2.clear();
        send(v2, m);
        EXPECT_EQ(v2.last<protocol::Error>().code, protocol::code::not_found) << protocol::encode(m);
    }
    EXPECT_EQ(store->events_after(id, 0, 100).size(), 1u);
    EXPECT_FALSE(v1.has<protocol::ContactTypingNotice>());
}

TEST_F(ContactHubTest, AgentCannotReadAContactTheyDoNotHold) {
    Conn& alice = agent("alice");
    Conn& bruno = agent("bruno");
    Conn& carla = agent("carla");
    Conn& v = visitor();
    auto id = ask(v);
    send(bruno, protocol::ContactResume{"r", id, 0}); // not eligible: no sales tag
    EXPECT_EQ(bruno.last<protocol::Error>().code, protocol::code::not_found);
    send(carla, protocol::ContactResume{"r", id, 0}); // may claim it: may look at it
    EXPECT_EQ(carla.last<protocol::ContactSnapshot>().contact.id, id);
    send(carla, protocol::ContactSend{"s", id, "not yours yet"});
    EXPECT_EQ(carla.last<protocol::Error>().code, protocol::code::not_found);
    take(alice, id);
    for (Conn* c : {&bruno, &carla}) {
        c->clear();
        send(*c, protocol::ContactResume{"r", id, 0});
        EXPECT_EQ(c->last<protocol::Error>().code, protocol::code::not_found);
        send(*c, protocol::ContactColor{"k", id, "#000000"});
        EXPECT_EQ(c->last<protocol::Error>().code, protocol::code::not_found);
    }
}

TEST_F(ContactHubTest, ColorLinkAndStop) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    v.clear();
    send(alice, protocol::ContactColor{"c1", id, "#dd5b62"});
    EXPECT_EQ(std::get<ev::ColorChanged>(alice.events().back().body).color, "#dd5b62");
    send(alice, protocol::ContactColor{"c2", id, "#dd5b62"}); // no change: ack
    EXPECT_EQ(alice.last<protocol::Ack>().seq, 0u);
    send(alice, protocol::ContactColor{"c3", id, "red"});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::bad_field);
    send(alice, protocol::ContactColor{"c4", id, ""}); // back to the service default
    EXPECT_EQ(std::get<ev::ColorChanged>(alice.events().back().body).color, "#2e86de");
    send(alice, protocol::ContactLink{"l1", id, "javascript:alert(1)"});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::bad_field);
    send(alice, protocol::ContactLink{"l2", id, "https://shop.example/help"});
    EXPECT_EQ(std::get<ev::Link>(v.events().back().body).url, "https://shop.example/help");
    send(v, protocol::ContactColor{"c5", id, "#000000"});
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::bad_field);
    send(alice, protocol::ContactStop{"x1", id, Outcome::dissuaded});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::bad_field);
    send(alice, protocol::ContactStop{"x2", id, Outcome::no_interaction});
    auto closed = v.events().back();
    EXPECT_EQ(std::get<ev::Closed>(closed.body).outcome, Outcome::no_interaction);
    EXPECT_EQ(closed.cid, "x2");
    expect_no_gaps(v.events(), 3);
    send(v, protocol::ContactSend{"late", id, "hello?"});
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::closed);
    send(alice, protocol::ContactResume{"r", id, 0}); // the transcript stays readable to its last agent
    EXPECT_EQ(alice.last<protocol::ContactSnapshot>().contact.state, ContactState::closed);
    EXPECT_TRUE(alice.all<protocol::Welcome>().empty());
}

TEST_F(ContactHubTest, TypingIsRelayedNotStoredAndRateLimited) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    for (int i = 0; i < 5; ++i) send(v, protocol::ContactTyping{"", id, true});
    auto notices = alice.all<protocol::ContactTypingNotice>();
    ASSERT_EQ(notices.size(), 2u);
    EXPECT_EQ(notices[0].from, protocol::Party::visitor);
    EXPECT_TRUE(notices[0].typing);
    clock.advance(1s);
    send(v, protocol::ContactTyping{"t", id, false});
    EXPECT_EQ(alice.all<protocol::ContactTypingNotice>().size(), 3u);
    EXPECT_EQ(v.last<protocol::Ack>().seq, 0u);
    EXPECT_EQ(store->events_after(id, 0, 100).size(), 2u);
}

TEST_F(ContactHubTest, IdleAfterTheIdleTimeAndBackWithTheNextMessage) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    later(30s);
    send(v, protocol::ContactSend{"", id, "still there?"});
    later(59s);
    EXPECT_FALSE(is<ev::Idle>(alice.events().back()));
    later(1s);
    auto idle = alice.events().back();
    ASSERT_TRUE(is<ev::Idle>(idle));
    EXPECT_TRUE(std::get<ev::Idle>(idle.body).idle);
    send(alice, protocol::ContactSend{"", id, "yes"});
    auto events = v.events();
    ASSERT_GE(events.size(), 2u);
    EXPECT_FALSE(std::get<ev::Idle>(events[events.size() - 2].body).idle);
    EXPECT_TRUE(is<ev::Message>(events.back()));
    expect_no_gaps(events, 2);
}

TEST_F(ContactHubTest, AgentBackWithinTheGraceKeepsTheContact) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    close(alice);
    later(29s);
    Conn& back = connect();
    send(back, protocol::AgentResume{"r", token("alice")});
    auto w = back.last<protocol::Welcome>();
    ASSERT_EQ(w.contacts.size(), 1u);
    EXPECT_EQ(w.contacts[0].id, id);
    EXPECT_EQ(w.now, sb::to_epoch_ms(clock.now()));
    later(60s);
    EXPECT_EQ(store->find_contact(id)->state, "assigned");
}

TEST_F(ContactHubTest, AgentLostLongerThanTheGraceReturnsTheContactToTheQueue) {
    Conn& alice = agent("alice");
    Conn& carla = agent("carla");
    Conn& v = visitor();
    auto id = ask(v);
    auto created = v.last<protocol::ContactSnapshot>().contact.created_at;
    take(alice, id);
    close(alice);
    carla.clear();
    v.clear();
    later(30s);
    auto events = v.events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_TRUE(is<ev::Returned>(events[0]));
    ASSERT_TRUE(is<ev::Pending>(events[1]));
    EXPECT_EQ(*std::get<ev::Pending>(events[1].body).deadline, sb::to_epoch_ms(clock.now()) + 90'000);
    expect_no_gaps(events, 3);
    auto listed = carla.list;
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].created_at, created); // its original waiting time
}

TEST_F(ContactHubTest, AgentWelcomeListsHeldContactsAndQueueFollows) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto held = ask(v);
    take(alice, held);
    Conn& v2 = visitor("Paolo");
    auto waiting = ask(v2);
    Conn& tab = connect();
    send(tab, protocol::AgentResume{"r", token("alice")});
    ASSERT_EQ(tab.got.size(), 2u);
    auto w = std::get<protocol::Welcome>(tab.got[0]);
    ASSERT_EQ(w.contacts.size(), 1u);
    EXPECT_EQ(w.contacts[0].id, held);
    auto q = std::get<protocol::QueueWaiting>(tab.got[1]);
    ASSERT_EQ(q.contacts.size(), 1u);
    EXPECT_EQ(q.contacts[0].id, waiting);
    // Events of the held contact reach every tab of the agent.
    send(v, protocol::ContactSend{"", held, "hi"});
    EXPECT_TRUE(is<ev::Message>(tab.events().back()));
    EXPECT_TRUE(is<ev::Message>(alice.events().back()));
}

TEST_F(ContactHubTest, ConnectionsAreEitherAnAgentsOrAVisitors) {
    Conn& v = visitor();
    send(v, protocol::AgentResume{"r", token("alice")});
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::bad_field);
    Conn& a = agent("alice");
    send(a, protocol::VisitorHello{"h", std::nullopt, "", "", {}, {}});
    EXPECT_EQ(a.last<protocol::Error>().code, protocol::code::bad_field);
    Conn& nobody = connect();
    send(nobody, protocol::ContactSend{"s", "k-1", "hi"});
    EXPECT_EQ(nobody.last<protocol::Error>().code, protocol::code::not_logged_in);
}

TEST_F(ContactHubTest, RestartRestoresPendingAndAssignedContacts) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto identity = v.last<protocol::VisitorWelcome>().visitor;
    auto held = ask(v);
    take(alice, held);
    send(v, protocol::ContactSend{"m", held, "before the crash"});
    Conn& v2 = visitor("Paolo");
    auto pending = ask(v2);
    auto deadline = *v2.last<protocol::ContactSnapshot>().contact.deadline;

    clock.advance(5s);
    open(); // a new server on the same database
    Conn& back = connect();
    send(back, protocol::AgentResume{"r", token("alice")});
    auto w = back.last<protocol::Welcome>();
    ASSERT_EQ(w.contacts.size(), 1u);
    EXPECT_EQ(w.contacts[0].id, held);
    EXPECT_FALSE(w.contacts[0].visitor_present); // nobody is connected after a restart
    send(back, protocol::AgentSetStatus{"s", AgentStatus::ready});
    ASSERT_EQ(back.list.size(), 1u);
    EXPECT_EQ(back.list[0].id, pending);
    EXPECT_EQ(*back.list[0].deadline, deadline);

    send(back, protocol::ContactResume{"t", held, 0});
    auto s = back.last<protocol::ContactSnapshot>();
    expect_no_gaps(s.events);
    bool found = false;
    for (const auto& e : s.events)
        if (auto* m = std::get_if<ev::Message>(&e.body)) found = found || m->text == "before the crash";
    EXPECT_TRUE(found);

    Conn& vb = visitor("Maria", identity); // the visitor is back too
    EXPECT_TRUE(vb.last<protocol::VisitorWelcome>().contacts[0].visitor_present);
    send(vb, protocol::ContactSend{"m", held, "before the crash"}); // a retry after the crash
    EXPECT_EQ(vb.last<protocol::Ack>().seq, 3u);
}

TEST_F(ContactHubTest, MessagesWrittenWithoutTheRowAreRestoredFromTheEvents) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto identity = v.last<protocol::VisitorWelcome>().visitor;
    auto held = ask(v);
    take(alice, held);
    const auto row_seq = store->find_contact(held)->seq;
    later(20s);
    send(v, protocol::ContactSend{"m1", held, "one"});
    send(alice, protocol::ContactSend{"m2", held, "two"});
    later(10s);
    send(v, protocol::ContactSend{"m3", held, "three"}); // the last message: idle counts from here
    const auto seq = v.events().back().seq;
    EXPECT_EQ(store->find_contact(held)->seq, row_seq); // only the events were written
    EXPECT_EQ(store->events_after(held, 0, 100).back().seq, seq);

    open(); // a new server on the same database
    Conn& back = connect();
    send(back, protocol::AgentResume{"r", token("alice")});
    send(back, protocol::ContactResume{"c", held, 0});
    const auto s = back.last<protocol::ContactSnapshot>();
    expect_no_gaps(s.events);
    ASSERT_GE(s.events.size(), seq);
    ASSERT_TRUE(is<ev::Message>(s.events[seq - 1]));
    EXPECT_EQ(std::get<ev::Message>(s.events[seq - 1].body).text, "three");
    EXPECT_EQ(s.events.size(), s.contact.seq); // then the restart's own events (the visitor's presence)
    visitor("Maria", identity); // back too, so that nothing but the idle time is at work
    back.clear();
    auto idle_events = [&] {
        std::vector<protocol::ContactEvent> out;
        for (const auto& e : back.events())
            if (is<ev::Idle>(e)) out.push_back(e);
        return out;
    };
    later(59s); // the idle time (60 s) runs from the last message, "three", not from the assignment
    EXPECT_TRUE(idle_events().empty());
    later(1s);
    ASSERT_EQ(idle_events().size(), 1u);
    EXPECT_GT(idle_events()[0].seq, s.contact.seq); // numbered after the restored events
}

TEST_F(ContactHubTest, RestartGivesHoldersTheGracePeriod) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    open();
    later(30s);
    EXPECT_EQ(store->find_contact(id)->state, "pending"); // alice did not come back: returned to the queue
}

// [SECTION] Waiting lists: queue.waiting once, then queue.changed ---------------------------------------------

namespace {
std::vector<std::string> ids_of(const std::vector<protocol::ContactView>& v) {
    std::vector<std::string> out;
    for (const auto& c : v) out.push_back(c.id);
    return out;
}
} // namespace

TEST_F(ContactHubTest, QueueChangedCarriesOnlyWhatChanged) {
    Conn& alice = agent("alice");
    Conn& carla = agent("carla");
    Conn& v1 = visitor("Anna");
    auto k1 = ask(v1);
    clock.advance(1s);
    Conn& v2 = visitor("Bea");
    auto k2 = ask(v2, "supporto");
    clock.advance(1s);
    Conn& v3 = visitor("Ciro");
    alice.clear();
    carla.clear();
    auto k3 = ask(v3);
    auto a = alice.all<protocol::QueueChanged>();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(ids_of(a[0].added), std::vector<std::string>{k3});
    EXPECT_TRUE(a[0].removed.empty());
    EXPECT_EQ(a[0].count, 3u);
    EXPECT_EQ(alice.waiting_ids(), (std::vector<std::string>{k1, k2, k3}));
    EXPECT_EQ(carla.last<protocol::QueueChanged>().count, 2u);
    EXPECT_EQ(carla.waiting_ids(), (std::vector<std::string>{k1, k3}));

    // carla takes k1 and is at capacity: her list empties; alice only loses k1.
    alice.clear();
    take(carla, k1);
    a = alice.all<protocol::QueueChanged>();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_TRUE(a[0].added.empty());
    EXPECT_EQ(a[0].removed, std::vector<std::string>{k1});
    EXPECT_EQ(a[0].count, 2u);
    auto c = carla.last<protocol::QueueChanged>();
    EXPECT_EQ(c.count, 0u);
    EXPECT_EQ(std::set<std::string>(c.removed.begin(), c.removed.end()), (std::set<std::string>{k1, k3}));
    EXPECT_TRUE(carla.waiting_ids().empty());

    // Paused: everything removed; ready again: everything added back, as changes, never a whole queue.waiting.
    alice.clear();
    send(alice, protocol::AgentSetStatus{"p", AgentStatus::paused});
    EXPECT_TRUE(alice.waiting_ids().empty());
    EXPECT_EQ(alice.last<protocol::QueueChanged>().removed.size(), 2u);
    send(alice, protocol::AgentSetStatus{"r", AgentStatus::ready});
    EXPECT_EQ(alice.waiting_ids(), (std::vector<std::string>{k2, k3}));
    EXPECT_EQ(alice.last<protocol::QueueChanged>().added.size(), 2u);
    EXPECT_EQ(alice.full_lists(), 0u);
    // A status that changes no list sends none.
    alice.clear();
    send(alice, protocol::AgentSetStatus{"r2", AgentStatus::ready});
    EXPECT_FALSE(alice.has_queue());

    // The visitor of a waiting contact moves to another page: that one contact again, to the agents listing it.
    alice.clear();
    carla.clear();
    send(v3, protocol::ContactPage{"pg", k3, {"https://shop.example/cart", "Cart"}});
    a = alice.all<protocol::QueueChanged>();
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(a[0].added.size(), 1u);
    EXPECT_EQ(a[0].added[0].id, k3);
    EXPECT_EQ(a[0].added[0].page.url, "https://shop.example/cart");
    EXPECT_EQ(a[0].added[0].seq, 2u);
    EXPECT_TRUE(a[0].removed.empty());
    EXPECT_EQ(a[0].count, 2u);
    EXPECT_EQ(alice.list.back().page.url, "https://shop.example/cart");
    EXPECT_FALSE(carla.has_queue()); // not listed for her

    // Dissuasion of k2 (Supporto: 60 s).
    alice.clear();
    later(60s);
    a = alice.all<protocol::QueueChanged>();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].removed, std::vector<std::string>{k2});
    EXPECT_EQ(alice.waiting_ids(), std::vector<std::string>{k3});
}

TEST_F(ContactHubTest, EveryTabOfAnAgentGetsTheChanges) {
    Conn& tab1 = agent("alice");
    Conn& tab2 = connect();
    send(tab2, protocol::AgentResume{"r", token("alice")});
    ASSERT_EQ(tab2.got.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<protocol::QueueWaiting>(tab2.got[1]));
    tab2.clear();
    Conn& v = visitor();
    auto k = ask(v);
    for (Conn* t : {&tab1, &tab2}) {
        EXPECT_EQ(t->all<protocol::QueueChanged>().size(), 1u);
        EXPECT_EQ(t->waiting_ids(), std::vector<std::string>{k});
    }
    Conn& carla = agent("carla");
    take(carla, k);
    EXPECT_TRUE(tab1.waiting_ids().empty());
    EXPECT_TRUE(tab2.waiting_ids().empty());

    // A refused claim: the whole list to that tab only.
    tab1.clear();
    tab2.clear();
    send(tab1, protocol::ContactClaim{"x", k});
    EXPECT_EQ(tab1.last<protocol::Error>().code, protocol::code::already_taken);
    EXPECT_EQ(tab1.full_lists(), 1u);
    EXPECT_FALSE(tab2.has_queue());

    // One tab closes: the other keeps getting the changes.
    close(tab1);
    Conn& v2 = visitor("Paolo");
    auto k2 = ask(v2);
    EXPECT_EQ(tab2.waiting_ids(), std::vector<std::string>{k2});
}

TEST_F(ContactHubTest, ListChangesOfAFailedWriteGoOutWithTheNextCommit) {
    Conn& alice = agent("alice");
    Conn& v1 = visitor("Anna");
    auto k1 = ask(v1);
    alice.clear();
    flaky->fail_writes = true;
    clock.advance(1s);
    Conn& v2 = visitor("Bea");
    protocol::ContactRequestMsg r;
    r.cid = "lost";
    r.service = "sales";
    send(v2, r);
    EXPECT_EQ(v2.last<protocol::Error>().code, protocol::code::internal);
    EXPECT_FALSE(alice.has_queue()); // nothing is sent when the store failed...
    flaky->fail_writes = false;
    // ...but the router did list it: the next change carries it too, so alice's list stays the router's.
    clock.advance(1s);
    Conn& v3 = visitor("Ciro");
    ask(v3);
    std::vector<std::string> expected;
    for (const auto* c : contacts->router().waiting_for("alice")) expected.push_back(c->id);
    ASSERT_EQ(expected.size(), 3u);
    EXPECT_EQ(alice.waiting_ids(), expected);
    EXPECT_EQ(alice.waiting_ids().front(), k1);
}

// Random operations by agents (several tabs), visitors and time, and restarts between seeds; after each
// operation every agent connection's list (its queue.waiting with the queue.changed since applied, and the
// console model fed the same frames) equals the router's list, and a new tab's queue.waiting shows the same
// contacts in the same state.
TEST_F(ContactHubTest, RandomOperationsKeepEveryClientsListEqualToTheRouters) {
    for (unsigned seed = 1; seed <= 6; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        // A restart on the same database (the open contacts come back), alternately with and without frames
        // encoded once for many agents.
        encode_once = seed % 2 == 1;
        if (seed > 1) open();
        std::mt19937 rng(seed);
        auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
        auto chance = [&](int percent) { return static_cast<int>(pick(100)) < percent; };
        const std::vector<std::string> logins{"alice", "bruno", "carla"};

        struct AgentTab {
            Conn* conn;
            std::string login;
            sb::console::ConsoleState console;
            std::size_t fed = 0; // conn->got already fed to the console
        };
        std::vector<AgentTab> tabs;
        struct Guest {
            Conn* conn; // nullptr while away
            protocol::VisitorIdentity identity;
            std::vector<std::string> contacts;
        };
        std::vector<Guest> guests;

        auto open_tab = [&](const std::string& login) {
            Conn& c = connect();
            send(c, protocol::AgentResume{"r", token(login)});
            tabs.push_back(AgentTab{&c, login, {}, 0});
        };
        auto feed = [&](AgentTab& t) {
            for (; t.fed < t.conn->got.size(); ++t.fed)
                t.console = sb::console::reduce(std::move(t.console), t.conn->got[t.fed]);
        };
        auto check = [&](const std::string& step) {
            for (auto& t : tabs) {
                SCOPED_TRACE(step + ", tab of " + t.login);
                std::vector<const sb::Contact*> routed = contacts->router().waiting_for(t.login);
                std::vector<std::pair<std::int64_t, std::string>> expected;
                for (const auto* c : routed) expected.emplace_back(sb::to_epoch_ms(c->created_at), c->id);
                std::sort(expected.begin(), expected.end());
                std::vector<std::string> expected_ids;
                for (const auto& e : expected) expected_ids.push_back(e.second);
                ASSERT_EQ(t.conn->waiting_ids(), expected_ids);
                feed(t);
                ASSERT_EQ(t.console.waiting, t.conn->list) << "the console model applies the same frames";
            }
        };
        auto compare_with_new_tab = [&](const std::string& step) {
            if (tabs.empty()) return;
            AgentTab& t = tabs[pick(tabs.size())];
            Conn& fresh = connect();
            send(fresh, protocol::AgentResume{"r", token(t.login)});
            auto full = fresh.last<protocol::QueueWaiting>().contacts;
            auto mine = t.conn->list;
            // seq aside: events on a waiting contact other than presence and page (a visitor's message while
            // waiting) do not re-send it.
            for (auto& x : full) x.seq = 0;
            for (auto& x : mine) x.seq = 0;
            EXPECT_EQ(mine, full) << step;
            close(fresh);
        };

        for (const auto& l : logins) open_tab(l);
        for (auto& t : tabs)
            if (chance(70)) send(*t.conn, protocol::AgentSetStatus{"s", AgentStatus::ready});
        check("start");

        for (int step = 0; step < 250; ++step) {
            const int op = static_cast<int>(pick(14));
            std::string what = std::to_string(step) + " op " + std::to_string(op);
            if (op <= 2) { // a visitor asks (new, or one we know)
                Guest* g = nullptr;
                if (guests.empty() || chance(50)) {
                    Conn& c = visitor("guest" + std::to_string(guests.size()));
                    guests.push_back(Guest{&c, c.last<protocol::VisitorWelcome>().visitor, {}});
                    g = &guests.back();
                } else {
                    g = &guests[pick(guests.size())];
                }
                if (!g->conn) continue;
                protocol::ContactRequestMsg r;
                r.cid = "q" + std::to_string(step);
                r.service = chance(60) ? "sales" : "supporto";
                r.type = ContactType::chat;
                if (chance(15)) r.agent = logins[pick(logins.size())];
                g->conn->clear();
                send(*g->conn, r);
                if (g->conn->has<protocol::ContactSnapshot>())
                    g->contacts.push_back(g->conn->last<protocol::ContactSnapshot>().contact.id);
            } else if (op <= 4 && !tabs.empty()) { // a claim: one listed, the oldest, or any known contact
                AgentTab& t = tabs[pick(tabs.size())];
                std::string id;
                if (!t.conn->list.empty() && chance(60))
                    id = t.conn->list[pick(t.conn->list.size())].id;
                else if (!guests.empty() && chance(50)) {
                    const Guest& g = guests[pick(guests.size())];
                    if (!g.contacts.empty()) id = g.contacts[pick(g.contacts.size())];
                }
                send(*t.conn, protocol::ContactClaim{"c" + std::to_string(step), id});
            } else if (op == 5 && !tabs.empty()) { // an agent ends a contact they hold
                AgentTab& t = tabs[pick(tabs.size())];
                auto held = contacts->router().held_by(t.login);
                if (!held.empty())
                    send(*t.conn, protocol::ContactStop{"e" + std::to_string(step), held[pick(held.size())]->id, std::nullopt});
            } else if (op == 6 && !guests.empty()) { // a visitor stops, or writes
                Guest& g = guests[pick(guests.size())];
                if (!g.conn || g.contacts.empty()) continue;
                const std::string id = g.contacts[pick(g.contacts.size())];
                if (chance(50))
                    send(*g.conn, protocol::ContactStop{"v" + std::to_string(step), id, std::nullopt});
                else
                    send(*g.conn, protocol::ContactSend{"", id, "still there?"});
            } else if (op == 7 && !guests.empty()) { // a visitor moves to another page
                Guest& g = guests[pick(guests.size())];
                if (!g.conn || g.contacts.empty()) continue;
                const std::string n = std::to_string(step);
                send(*g.conn, protocol::ContactPage{"p" + n, g.contacts[pick(g.contacts.size())],
                                                    {"https://shop.example/" + n, "Page " + n}});
            } else if (op == 8 && !guests.empty()) { // a visitor's widget goes away, or comes back on a page
                Guest& g = guests[pick(guests.size())];
                if (g.conn) {
                    close(*g.conn);
                    g.conn = nullptr;
                } else {
                    Conn& c = visitor("back", g.identity);
                    g.conn = &c;
                }
            } else if (op == 9 && !tabs.empty()) { // ready or paused
                AgentTab& t = tabs[pick(tabs.size())];
                send(*t.conn, protocol::AgentSetStatus{"s" + std::to_string(step),
                                                       chance(60) ? AgentStatus::ready : AgentStatus::paused});
            } else if (op == 10) { // a tab opens
                open_tab(logins[pick(logins.size())]);
            } else if (op == 11 && !tabs.empty()) { // a tab closes (the agent's last: the grace period starts)
                const std::size_t i = pick(tabs.size());
                close(*tabs[i].conn);
                tabs.erase(tabs.begin() + static_cast<std::ptrdiff_t>(i));
            } else if (op == 12 && !tabs.empty() && chance(30)) { // a logout
                const std::size_t i = pick(tabs.size());
                send(*tabs[i].conn, protocol::AgentLogout{});
                close(*tabs[i].conn);
                tabs.erase(tabs.begin() + static_cast<std::ptrdiff_t>(i));
            } else if (op == 13) { // time passes: dissuasions, grace expiries, visitors away for good
                const sb::Duration steps[] = {1s, 5s, 31s, 61s};
                later(steps[pick(4)]);
            }
            check(what);
            if (step % 10 == 0) compare_with_new_tab(what);
        }
        compare_with_new_tab("end");
    }
}

TEST_F(ContactHubTest, ThePendingContactCarriesTheVisitorsCountryFromTheirAddress) {
    sb::server::geo::GeoIp geoip;
    geoip.add_ipv4_table("3405803776,3405804031,IT\n"); // 203.0.113.0/24, for the test
    contacts->on_country([&](ConnectionId id) { return geoip.country(hub->address_of(id)); });
    Conn& a = agent("alice");
    Conn& v = visitor();
    const std::string id = ask(v);
    const auto listed = a.list;
    auto it = std::find_if(listed.begin(), listed.end(), [&](const protocol::ContactView& c) { return c.id == id; });
    ASSERT_NE(it, listed.end());
    EXPECT_EQ(it->customer.country, "IT");

    Conn& far = connect("198.51.100.9"); // not in the table: unknown country
    protocol::VisitorHello h;
    h.cid = "h2";
    send(far, h);
    const std::string other = ask(far);
    const auto again = a.list;
    auto it2 = std::find_if(again.begin(), again.end(), [&](const protocol::ContactView& c) { return c.id == other; });
    ASSERT_NE(it2, again.end());
    EXPECT_EQ(it2->customer.country, "");
}

TEST_F(ContactHubTest, TheVisitorDropsTheChatChannelAndTheContactGoesOn) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    v.clear();
    send(v, protocol::ContactChannel{"ch1", id, sb::Channel::chat, sb::ChannelState::unavailable});
    const auto heard = alice.events().back();
    const auto& change = std::get<ev::ChannelChanged>(heard.body);
    EXPECT_EQ(change.channel, sb::Channel::chat);
    EXPECT_EQ(change.state, sb::ChannelState::unavailable);
    EXPECT_EQ(heard.cid, "ch1");
    EXPECT_EQ(v.events().back().seq, heard.seq);
    EXPECT_FALSE(std::holds_alternative<ev::Closed>(heard.body));

    const auto seq = heard.seq; // retried: applied once
    send(v, protocol::ContactChannel{"ch1", id, sb::Channel::chat, sb::ChannelState::unavailable});
    EXPECT_EQ(v.last<protocol::Ack>().seq, seq);
    send(v, protocol::ContactChannel{"ch2", id, sb::Channel::chat, sb::ChannelState::active}); // a lost channel stays lost
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::bad_field);
    Conn& other = visitor("Someone else");
    send(other, protocol::ContactChannel{"ch3", id, sb::Channel::voice, sb::ChannelState::unavailable});
    EXPECT_EQ(other.last<protocol::Error>().code, protocol::code::not_found);
}

// [SECTION] Calls (docs/protocol.md, "Calls")

namespace {

struct CallTest : ContactHubTest {
    Conn& camera_visitor() {
        Conn& c = connect();
        protocol::VisitorHello h;
        h.cid = "h";
        h.name = "Maria";
        h.capabilities = {true, true};
        send(c, h);
        EXPECT_TRUE(c.has<protocol::VisitorWelcome>());
        return c;
    }
    std::string ask_type(Conn& v, ContactType type) {
        protocol::ContactRequestMsg r;
        r.cid = "q" + std::to_string(++counter);
        r.service = "sales";
        r.type = type;
        v.clear();
        send(v, r);
        return v.last<protocol::ContactSnapshot>().contact.id;
    }
    protocol::ContactMedia media(const std::string& id, sb::CallAction a, bool video = false, std::string cid = "") {
        return protocol::ContactMedia{cid.empty() ? "m" + std::to_string(++counter) : cid, id, a, video, std::nullopt};
    }
    static sb::ChannelState state_after(const std::vector<protocol::ContactEvent>& events, sb::Channel ch,
                                        sb::ChannelState initial) {
        for (const auto& e : events)
            if (auto* c = std::get_if<ev::ChannelChanged>(&e.body); c && c->channel == ch) initial = c->state;
        return initial;
    }
};

} // namespace

TEST_F(CallTest, VideoCallOfferedAcceptedConnectedAndHungUp) {
    Conn& alice = agent("alice");
    Conn& v = camera_visitor();
    auto id = ask_type(v, ContactType::chat);
    take(alice, id);
    const auto assigned = alice.last<protocol::ContactSnapshot>().contact;
    ASSERT_EQ(assigned.channels[sb::Channel::voice], sb::ChannelState::available);
    ASSERT_EQ(assigned.channels[sb::Channel::video], sb::ChannelState::available);
    alice.clear();
    v.clear();

    send(alice, media(id, sb::CallAction::offer, true, "m1"));
    auto heard = v.events();
    ASSERT_EQ(heard.size(), 3u);
    const auto& offer = std::get<ev::Media>(heard[0].body);
    EXPECT_EQ(offer.from, protocol::Party::agent);
    EXPECT_EQ(offer.action, sb::CallAction::offer);
    EXPECT_TRUE(offer.video);
    EXPECT_EQ(heard[0].cid, "m1");
    EXPECT_EQ(state_after(heard, sb::Channel::voice, {}), sb::ChannelState::connecting);
    EXPECT_EQ(state_after(heard, sb::Channel::video, {}), sb::ChannelState::connecting);
    expect_no_gaps(heard, heard[0].seq);

    // Signals before the accept: no call to signal on.
    protocol::Signal sdp{protocol::SessionDescription{"offer", "v=0\r\n"}, std::nullopt};
    send(alice, protocol::ContactSignal{"s0", id, sdp});
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::no_call);
    // The offerer cannot accept its own offer.
    send(alice, media(id, sb::CallAction::accept, true));
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::no_call);

    v.clear();
    send(v, media(id, sb::CallAction::accept, false)); // voice only: sees the agent without being seen
    const auto accept = std::get<ev::Media>(alice.events().back().body);
    EXPECT_EQ(accept.action, sb::CallAction::accept);
    EXPECT_FALSE(accept.video);

    // Signals now go to the other party only, with `from`, and are not stored.
    alice.clear();
    v.clear();
    send(alice, protocol::ContactSignal{"", id, sdp});
    auto relayed = v.last<protocol::ContactSignalNotice>();
    EXPECT_EQ(relayed.from, protocol::Party::agent);
    EXPECT_EQ(relayed.signal, sdp);
    EXPECT_FALSE(alice.has<protocol::ContactSignalNotice>());
    protocol::Signal cand{std::nullopt, protocol::IceCandidate{"candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0, std::nullopt}};
    send(v, protocol::ContactSignal{"", id, cand});
    EXPECT_EQ(alice.last<protocol::ContactSignalNotice>().signal, cand);
    EXPECT_TRUE(v.events().empty());
    Conn& other = camera_visitor();
    send(other, protocol::ContactSignal{"x", id, cand});
    EXPECT_EQ(other.last<protocol::Error>().code, protocol::code::not_found);

    v.clear();
    send(alice, media(id, sb::CallAction::connected));
    heard = v.events();
    EXPECT_EQ(state_after(heard, sb::Channel::voice, {}), sb::ChannelState::active);
    EXPECT_EQ(state_after(heard, sb::Channel::video, {}), sb::ChannelState::active);
    v.clear();
    send(v, media(id, sb::CallAction::connected, false, "c2")); // the other side connected too: nothing changes
    EXPECT_EQ(v.last<protocol::Ack>().seq, 0u);
    EXPECT_TRUE(v.events().empty());

    // The contact object tells the call to a client that (re)loads it.
    send(v, protocol::ContactResume{"r", id, 0});
    auto call = v.last<protocol::ContactSnapshot>().contact.call;
    ASSERT_TRUE(call);
    EXPECT_EQ(call->phase, sb::CallPhase::active);
    EXPECT_EQ(call->offerer, sb::CallParty::agent);
    EXPECT_FALSE(call->accepter_video);

    v.clear();
    send(alice, media(id, sb::CallAction::hangup));
    heard = v.events();
    EXPECT_EQ(std::get<ev::Media>(heard[0].body).action, sb::CallAction::hangup);
    EXPECT_EQ(state_after(heard, sb::Channel::voice, {}), sb::ChannelState::available);
    EXPECT_EQ(state_after(heard, sb::Channel::video, {}), sb::ChannelState::available);
    send(v, protocol::ContactResume{"r2", id, 0});
    auto after = v.last<protocol::ContactSnapshot>().contact;
    EXPECT_FALSE(after.call);
    EXPECT_EQ(after.state, ContactState::assigned); // the contact goes on
    EXPECT_EQ(after.channels[sb::Channel::chat], sb::ChannelState::active);
}

TEST_F(CallTest, RefusalAndFailureGiveTheChannelsBack) {
    Conn& alice = agent("alice");
    Conn& v = camera_visitor();
    auto id = ask_type(v, ContactType::chat);
    take(alice, id);
    send(alice, media(id, sb::CallAction::offer, true));
    alice.clear();
    send(v, media(id, sb::CallAction::refuse));
    auto heard = alice.events();
    EXPECT_EQ(std::get<ev::Media>(heard[0].body).action, sb::CallAction::refuse);
    EXPECT_EQ(state_after(heard, sb::Channel::voice, {}), sb::ChannelState::available);
    EXPECT_EQ(state_after(heard, sb::Channel::video, {}), sb::ChannelState::available);

    send(alice, media(id, sb::CallAction::offer, false)); // a voice call this time
    send(v, media(id, sb::CallAction::accept, false));
    alice.clear();
    auto failed = media(id, sb::CallAction::failed);
    failed.reason = sb::CallFailure::permission_denied;
    send(v, failed);
    heard = alice.events();
    const auto& m = std::get<ev::Media>(heard[0].body);
    EXPECT_EQ(m.action, sb::CallAction::failed);
    EXPECT_EQ(m.reason, sb::CallFailure::permission_denied);
    EXPECT_EQ(state_after(heard, sb::Channel::voice, {}), sb::ChannelState::available);
    send(alice, media(id, sb::CallAction::hangup));
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::no_call);
}

TEST_F(CallTest, GlareTheFirstOfferWinsTheSecondIsBusy) {
    Conn& alice = agent("alice");
    Conn& v = camera_visitor();
    auto id = ask_type(v, ContactType::chat);
    take(alice, id);
    alice.clear();
    v.clear();
    send(v, media(id, sb::CallAction::offer, true, "vo"));     // reaches the server first
    send(alice, media(id, sb::CallAction::offer, true, "ao")); // crossed on the wire
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::media_busy);
    EXPECT_EQ(alice.last<protocol::Error>().cid, "ao");
    const auto offer = std::get<ev::Media>(alice.events().front().body);
    EXPECT_EQ(offer.from, protocol::Party::visitor); // the agent now sees an incoming call
    send(alice, media(id, sb::CallAction::accept, true));
    EXPECT_EQ(std::get<ev::Media>(v.events().back().body).action, sb::CallAction::accept);
}

TEST_F(CallTest, AVisitorWithoutCameraCannotBeOfferedVideo) {
    Conn& alice = agent("alice");
    Conn& v = visitor(); // voice, no camera
    auto id = ask(v);
    take(alice, id);
    EXPECT_EQ(alice.last<protocol::ContactSnapshot>().contact.channels[sb::Channel::video], sb::ChannelState::unavailable);
    send(alice, media(id, sb::CallAction::offer, true));
    EXPECT_EQ(alice.last<protocol::Error>().code, protocol::code::medium_unsupported);
    alice.clear();
    v.clear();
    send(alice, media(id, sb::CallAction::offer, false)); // a voice call is fine
    EXPECT_FALSE(alice.has<protocol::Error>());
    ASSERT_FALSE(v.events().empty());
    EXPECT_EQ(std::get<ev::Media>(v.events().front().body).action, sb::CallAction::offer);
}

TEST_F(CallTest, AVideoCallContactRingsTheAgentOnClaim) {
    Conn& alice = agent("alice");
    Conn& v = camera_visitor();
    auto id = ask_type(v, ContactType::video);
    v.clear();
    take(alice, id);
    const auto snap = alice.last<protocol::ContactSnapshot>();
    ASSERT_TRUE(snap.contact.call);
    EXPECT_EQ(snap.contact.call->offerer, sb::CallParty::visitor);
    EXPECT_TRUE(snap.contact.call->video);
    EXPECT_EQ(snap.contact.channels[sb::Channel::voice], sb::ChannelState::connecting);
    EXPECT_EQ(snap.contact.channels[sb::Channel::video], sb::ChannelState::connecting);
    const auto heard = v.events();
    ASSERT_GE(heard.size(), 2u);
    EXPECT_TRUE(is<ev::Assigned>(heard[0]));
    const auto& offer = std::get<ev::Media>(heard[1].body);
    EXPECT_EQ(offer.from, protocol::Party::visitor);
    EXPECT_TRUE(offer.video);
    send(alice, media(id, sb::CallAction::accept, true));
    EXPECT_EQ(std::get<ev::Media>(v.events().back().body).action, sb::CallAction::accept);
    send(v, media(id, sb::CallAction::connected));
    EXPECT_EQ(state_after(alice.events(), sb::Channel::video, {}), sb::ChannelState::active);

    // The call survives a restart of the server, as the contact does.
    open();
    Conn& back = agent("alice", false);
    (void)back;
    auto held = contacts->held_by("alice");
    ASSERT_EQ(held.size(), 1u);
    ASSERT_TRUE(held[0].call);
    EXPECT_EQ(held[0].call->phase, sb::CallPhase::active);
}

TEST_F(CallTest, ClosingTheContactEndsItsCall) {
    Conn& alice = agent("alice");
    Conn& v = camera_visitor();
    auto id = ask_type(v, ContactType::call);
    take(alice, id);
    send(alice, media(id, sb::CallAction::accept, false));
    send(alice, protocol::ContactStop{"stop", id, std::nullopt});
    EXPECT_TRUE(is<ev::Closed>(v.events().back()));
    send(v, protocol::ContactSignal{"", id, protocol::Signal{}});
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::closed);
}

TEST_F(CallTest, WelcomesCarryIceServersWithTurnCredentials) {
    config.media.ice_servers.push_back({{"stun:stun.example.org:3478"}, "", ""});
    config.media.turn.push_back({{"turn:127.0.0.1:3478?transport=udp"}, "s3cret", 3600});
    open();
    Conn& v = camera_visitor();
    auto w = v.last<protocol::VisitorWelcome>();
    ASSERT_EQ(w.ice_servers.size(), 2u);
    EXPECT_EQ(w.ice_servers[0].urls[0], "stun:stun.example.org:3478");
    const auto& turn = w.ice_servers[1];
    const auto expiry = sb::to_epoch_ms(clock.now()) / 1000 + 3600;
    EXPECT_EQ(turn.username, std::to_string(expiry) + ":" + w.visitor.id);
    EXPECT_EQ(turn.credential, turn_credential("s3cret", turn.username));
    EXPECT_EQ(w.ice_transport_policy, "all");
}

// [SECTION] Group commit: the commands of one turn of the event loop share one transaction.

TEST_F(ContactHubTest, GroupCommitWritesATurnsCommandsTogetherThenSendsThemInOrder) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    std::vector<std::function<void()>> loop; // the io thread's queue
    contacts->group_commits([&loop](std::function<void()> f) { loop.push_back(std::move(f)); });
    alice.clear();
    v.clear();

    const int before = flaky->transactions;
    send(v, protocol::ContactSend{"m1", id, "one"});
    send(v, protocol::ContactSend{"m2", id, "two"});
    send(alice, protocol::ContactSend{"m3", id, "three"});
    send(v, protocol::ContactSend{"m1", id, "one"}); // retried within the turn: applied once
    EXPECT_TRUE(alice.events().empty()) << "nothing is sent before it is durable";
    EXPECT_FALSE(v.has<protocol::Ack>()) << "nor the retry's ack";
    EXPECT_EQ(flaky->transactions, before);
    ASSERT_EQ(loop.size(), 1u) << "one flush per turn";
    loop.front()();
    loop.clear();
    EXPECT_EQ(flaky->transactions, before + 1);
    auto heard = alice.events();
    ASSERT_EQ(heard.size(), 3u);
    expect_no_gaps(heard, heard.front().seq);
    EXPECT_EQ(std::get<ev::Message>(heard[0].body).text, "one");
    EXPECT_EQ(std::get<ev::Message>(heard[2].body).text, "three");
    EXPECT_EQ(v.last<protocol::Ack>().seq, heard[0].seq);

    // A resume in the same turn sees what was applied before it.
    send(v, protocol::ContactSend{"m4", id, "four"});
    send(v, protocol::ContactResume{"r", id, heard.back().seq});
    auto snap = v.last<protocol::ContactSnapshot>();
    ASSERT_EQ(snap.events.size(), 1u);
    EXPECT_EQ(std::get<ev::Message>(snap.events[0].body).text, "four");

    // A failed transaction refuses every command of the turn; none of it is sent.
    for (auto& f : loop) f();
    loop.clear();
    alice.clear();
    v.clear();
    flaky->fail_writes = true;
    send(v, protocol::ContactSend{"m5", id, "lost"});
    send(alice, protocol::ContactSend{"m6", id, "lost too"});
    for (auto& f : loop) f();
    loop.clear();
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::internal);
    EXPECT_EQ(alice.last<protocol::Error>().cid, "m6");
    EXPECT_TRUE(alice.events().empty());
    flaky->fail_writes = false;
}

TEST_F(ContactHubTest, WriteBehindReadsTheNextCommandsWhileATurnIsWrittenAndSendsOnlyWhatIsDurable) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    auto id = ask(v);
    take(alice, id);
    std::vector<std::function<void()>> loop; // the io thread's queue
    auto run = [&loop] {
        auto now = std::move(loop);
        loop.clear();
        for (auto& f : now) f();
    };
    ManualWriter writer(*store);
    contacts->group_commits([&loop](std::function<void()> f) { loop.push_back(std::move(f)); });
    contacts->write_behind(&writer);
    auto durable = [&] { // the turn ends, its write completes, the completion runs on the io thread
        run();
        writer.complete();
        run();
    };
    protocol::ContactRequestMsg request;
    request.cid = "q";
    request.service = "sales";
    auto ask_durably = [&](Conn& visitor) {
        send(visitor, request);
        durable();
        return visitor.last<protocol::ContactSnapshot>().contact.id;
    };
    alice.clear();
    v.clear();

    send(v, protocol::ContactSend{"m1", id, "one"});
    run(); // the end of the turn: the writer gets it
    ASSERT_EQ(writer.starts, 1);
    send(v, protocol::ContactSend{"m2", id, "two"});
    send(alice, protocol::ContactSend{"m3", id, "three"});
    send(v, protocol::ContactSend{"m1", id, "one"}); // a retry of what is being written
    run();
    EXPECT_EQ(writer.starts, 1) << "the next turns wait while a write is under way";
    EXPECT_TRUE(alice.events().empty()) << "nothing is sent before it is durable";
    EXPECT_FALSE(v.has<protocol::Ack>());

    writer.complete(); // durable: its completion comes back through the io thread
    EXPECT_TRUE(alice.events().empty());
    run();
    ASSERT_EQ(alice.events().size(), 1u);
    EXPECT_EQ(std::get<ev::Message>(alice.events()[0].body).text, "one");
    EXPECT_EQ(v.last<protocol::Ack>().cid, "m1") << "the retry is answered with the write it waited for";
    EXPECT_EQ(writer.starts, 2) << "the turns that waited go together";
    writer.complete();
    run();
    auto heard = alice.events();
    ASSERT_EQ(heard.size(), 3u);
    expect_no_gaps(heard, heard.front().seq);
    EXPECT_EQ(std::get<ev::Message>(heard[2].body).text, "three");

    // A resume waits for the write under way and sees everything applied before it.
    send(v, protocol::ContactSend{"m4", id, "four"});
    run();
    ASSERT_TRUE(writer.busy());
    send(v, protocol::ContactResume{"r", id, heard.back().seq});
    auto snap = v.last<protocol::ContactSnapshot>();
    ASSERT_EQ(snap.events.size(), 1u);
    EXPECT_EQ(std::get<ev::Message>(snap.events[0].body).text, "four");
    EXPECT_EQ(alice.events().back().seq, snap.contact.seq);
    run(); // the posted completion of a write already finished does nothing
    EXPECT_FALSE(writer.busy());

    // A claim's snapshot made while later commands wait: they are made durable first, so the snapshot (made of
    // the records as they are now) never shows what the store does not have.
    Conn& v2 = visitor("Second");
    auto id2 = ask_durably(v2);
    alice.clear();
    send(alice, protocol::ContactClaim{"k2", id2});
    run();
    send(v2, protocol::ContactSend{"w1", id2, "still there?"});
    durable();
    auto claimed = alice.last<protocol::ContactSnapshot>();
    EXPECT_EQ(claimed.contact.seq, claimed.events.back().seq);
    EXPECT_EQ(std::get<ev::Message>(claimed.events.back().body).text, "still there?");
    EXPECT_EQ(store->find_contact(id2)->state, "assigned");
    EXPECT_FALSE(writer.busy());

    // Waiting batches that do not touch the snapshot's contact are not waited for: they are written next.
    Conn& v3 = visitor("Third");
    auto id3 = ask_durably(v3);
    alice.clear();
    send(alice, protocol::ContactClaim{"k3", id3});
    run();
    send(v, protocol::ContactSend{"u1", id, "unrelated"});
    run();
    const int starts = writer.starts;
    writer.complete();
    run();
    EXPECT_EQ(alice.last<protocol::ContactSnapshot>().contact.id, id3);
    EXPECT_EQ(writer.starts, starts + 1);
    EXPECT_TRUE(writer.busy()) << "the unrelated message is being written";
    writer.complete();
    run();
    EXPECT_EQ(std::get<ev::Message>(alice.events().back().body).text, "unrelated");

    // A failed write refuses its commands and those waiting behind it; none of it is sent.
    alice.clear();
    v.clear();
    flaky->fail_writes = true;
    send(v, protocol::ContactSend{"m5", id, "lost"});
    run();
    send(alice, protocol::ContactSend{"m6", id, "lost too"});
    durable();
    EXPECT_EQ(v.last<protocol::Error>().code, protocol::code::internal);
    EXPECT_EQ(alice.last<protocol::Error>().cid, "m6");
    EXPECT_TRUE(alice.events().empty());
    flaky->fail_writes = false;
    send(v, protocol::ContactSend{"m5", id, "again"}); // not applied: a retry is applied now
    durable();
    EXPECT_EQ(std::get<ev::Message>(alice.events().back().body).text, "again");
}

TEST(StoreWriter, WritesOnItsOwnThreadAndReportsEachWrite) {
    sb::test::TempDir dir;
    auto owned = std::make_unique<FlakyStore>(open_sqlite_store(dir / "db.sqlite"));
    FlakyStore* flaky = owned.get();
    StoreWriter writer(std::move(owned), std::chrono::microseconds(500));
    std::promise<std::thread::id> done;
    writer.start({}, [&done] { done.set_value(std::this_thread::get_id()); });
    EXPECT_EQ(writer.wait(), std::nullopt);
    EXPECT_NE(done.get_future().get(), std::this_thread::get_id()) << "done runs on the writer's thread";
    EXPECT_EQ(flaky->transactions, 1);
    flaky->fail_writes = true; // the writer is idle: start() hands this over under its lock
    writer.start({}, nullptr);
    EXPECT_EQ(writer.wait(), std::optional<std::string>("disk full (test)"));
    flaky->fail_writes = false;
    writer.start({}, nullptr); // a write under way when the writer goes is finished first
}

TEST_F(ContactHubTest, WaitingVisitorsAreToldTheirPlaceInTheQueue) {
    Conn& v1 = visitor("First");
    Conn& v2 = visitor("Second");
    Conn& v3 = visitor("Third");
    const auto v3_identity = v3.last<protocol::VisitorWelcome>().visitor;
    auto k1 = ask(v1);
    auto k2 = ask(v2);
    auto k3 = ask(v3);
    auto other = ask(v1, "supporto"); // another service: its own queue
    EXPECT_EQ(v1.all<protocol::QueuePosition>().back().position, 1u);
    EXPECT_EQ(v1.all<protocol::QueuePosition>().back().contact, other);
    EXPECT_EQ(v2.last<protocol::QueuePosition>().position, 2u);
    EXPECT_EQ(v2.last<protocol::QueuePosition>().contact, k2);
    EXPECT_EQ(v3.last<protocol::QueuePosition>().position, 3u);
    v2.clear();
    v3.clear();
    Conn& carla = agent("carla");
    take(carla, k1); // the first is taken: everyone behind moves up, told within a second
    EXPECT_FALSE(v2.has<protocol::QueuePosition>());
    later(1s);
    EXPECT_EQ(v2.last<protocol::QueuePosition>().position, 1u);
    EXPECT_EQ(v3.last<protocol::QueuePosition>().position, 2u);
    v3.clear();
    send(v2, protocol::ContactStop{"bye", k2, std::nullopt});
    later(1s);
    EXPECT_EQ(v3.last<protocol::QueuePosition>().position, 1u);
    // A widget on a new page gets it again after its welcome.
    Conn& again = connect();
    protocol::VisitorHello h;
    h.visitor = v3_identity;
    send(again, h);
    EXPECT_EQ(again.last<protocol::QueuePosition>().contact, k3);
    EXPECT_EQ(again.last<protocol::QueuePosition>().position, 1u);
}

TEST_F(ContactHubTest, AReadyAgentBackFromANetworkDropIsStillReady) {
    Conn& alice = agent("alice"); // ready
    close(alice);
    later(10s);
    Conn& back = connect();
    send(back, protocol::AgentResume{"r", token("alice")});
    EXPECT_EQ(back.last<protocol::Welcome>().agent.status, AgentStatus::ready);
    Conn& v = visitor();
    auto id = ask(v);
    EXPECT_EQ(back.waiting_ids(), std::vector<std::string>{id}) << "ready again: the queue reaches the agent";

    close(back); // away longer than the grace period: paused
    later(31s);
    Conn& late = connect();
    send(late, protocol::AgentResume{"r2", token("alice")});
    EXPECT_EQ(late.last<protocol::Welcome>().agent.status, AgentStatus::paused);

    send(late, protocol::AgentSetStatus{"s", AgentStatus::ready}); // logging out forgets the status
    send(late, protocol::AgentLogout{"o"});
    close(late);
    Conn& next = connect();
    send(next, protocol::AgentResume{"r3", token("alice")});
    EXPECT_EQ(next.last<protocol::Welcome>().agent.status, AgentStatus::paused);
}
