// The admin REST API without sockets: requests straight into AdminApi, with the real hubs, fake connections, a
// fake clock and a SQLite store, as main.cpp wires them.
#include "server/admin_api.h"

#include "protocol/codec.h"
#include "server/config_sync.h"
#include "server/password.h"
#include "server/store/sqlite_store.h"

#include "temp_dir.h"
#include "received.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace sb::server;
namespace protocol = sb::protocol;
using json = nlohmann::json;
using sb::AgentStatus;
using sb::ContactState;
using namespace std::chrono_literals;

namespace {

// Valid argon2id strings of no known password: these tests hash no password unless they say so.
const char* some_hash = "$argon2id$v=19$m=65536,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const char* token = "admin-token-0123456789";

const std::string config_text = std::string(R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://shop.example/"}],
  "services": [
    {"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "site": "demo"},
    {"id": "supporto", "name": "Supporto", "language": "it", "tags": ["support"], "dissuasion_seconds": 60, "site": "demo"}],
  "agents": [
    {"login": "alice", "name": "Alice Rossi", "password_hash": "HASH", "tags": ["sales", "support"], "capacity": 3},
    {"login": "bruno", "name": "Bruno Bianchi", "password_hash": "HASH", "tags": ["support"], "capacity": 2}]
})");

struct Conn : sb::test::Received {
    ConnectionId id = 0;
    bool closed = false;
};

struct Reply {
    int status = 0;
    json body;
    AdminResponse raw;
    std::string code() const { return body.is_object() && body.contains("error") ? body["error"].value("code", "") : ""; }
    std::string message() const {
        return body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
    }
    std::string header(const std::string& name) const {
        for (const auto& [k, v] : raw.headers)
            if (k == name) return v;
        return "";
    }
};

class AdminApiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        std::string text = config_text;
        for (auto at = text.find("HASH"); at != std::string::npos; at = text.find("HASH")) text.replace(at, 4, some_hash);
        auto parsed = parse_config(text, "test");
        ASSERT_TRUE(parsed) << parsed.error().message;
        config = *parsed;
        open();
    }

    // (Re)starts everything on the same database, as main.cpp does.
    void open(const std::string& admin_token = token) {
        conns.clear();
        api.reset();
        hub.reset();
        contacts.reset();
        directory.reset();
        store.reset();
        store = open_sqlite_store(dir / "db.sqlite");
        auto synced = sync_config(*store, config);
        ASSERT_TRUE(synced) << synced.error();
        Config running = config;
        running.sites = synced->sites;
        running.services = synced->services;
        running.agents = synced->agents;
        directory = std::make_unique<AgentDirectory>(*store);
        HubOptions options;
        options.messages_per_second = 1000;
        options.now = [this] { return std::chrono::system_clock::time_point(clock.now().time_since_epoch()); };
        hub = std::make_unique<SessionHub>(*directory, options);
        contacts = std::make_unique<ContactHub>(*store, clock, running, contact_hub_options(running.contacts),
                                                [this](ConnectionId id, const protocol::ServerMessage& m) { hub->send_to(id, m); });
        contacts->start();
        hub->attach(*contacts);
        AdminOptions admin;
        admin.token = admin_token;
        admin.now = [this] { return std::chrono::steady_clock::time_point(clock.now().time_since_epoch()); };
        api = std::make_unique<AdminApi>(*store, *contacts, *hub, admin);
    }

    Reply call(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& bearer = token, const std::string& address = "192.0.2.1",
               const std::string& content_type = "application/json") {
        AdminRequest r{method, path, bearer.empty() ? "" : "Bearer " + bearer, content_type, body, address};
        Reply out;
        out.raw = api->handle(r);
        out.status = out.raw.status;
        if (!out.raw.body.empty()) out.body = json::parse(out.raw.body);
        return out;
    }
    Reply put(const std::string& path, const json& body) { return call("PUT", path, body.dump()); }

    Conn& connect() {
        auto c = std::make_unique<Conn>();
        Conn* raw = c.get();
        c->id = hub->open(Peer{[raw](std::string frame) {
                                   auto m = protocol::decode_server(frame);
                                   EXPECT_TRUE(m) << frame;
                                   if (m) raw->got.push_back(std::move(*m));
                               },
                               [raw] { raw->closed = true; }, "203.0.113.7"});
        conns.push_back(std::move(c));
        return *raw;
    }
    void send(Conn& c, const protocol::ClientMessage& m) { hub->receive_text(c.id, protocol::encode(m)); }
    std::string session(const std::string& login) {
        return directory->open_session(login, sb::to_epoch_ms(clock.now()) / 1000);
    }
    Conn& agent(const std::string& login) {
        Conn& c = connect();
        send(c, protocol::AgentResume{"r", session(login)});
        EXPECT_FALSE(c.all<protocol::Welcome>().empty()) << login;
        send(c, protocol::AgentSetStatus{"s", AgentStatus::ready});
        c.got.clear();
        return c;
    }
    Conn& visitor() {
        Conn& c = connect();
        protocol::VisitorHello h;
        h.cid = "h";
        h.name = "Maria";
        h.page = {"https://shop.example/", "Shop"};
        send(c, h);
        EXPECT_FALSE(c.all<protocol::VisitorWelcome>().empty());
        return c;
    }
    std::string ask(Conn& v, const std::string& service) {
        protocol::ContactRequestMsg r;
        r.cid = "q";
        r.service = service;
        v.got.clear();
        send(v, r);
        return v.last<protocol::ContactSnapshot>().contact.id;
    }
    static std::vector<std::string> service_ids(const protocol::VisitorWelcome& w) {
        std::vector<std::string> out;
        for (const auto& s : w.services) out.push_back(s.id);
        return out;
    }

    sb::test::TempDir dir;
    Config config;
    sb::FakeClock clock;
    std::unique_ptr<Store> store;
    std::unique_ptr<AgentDirectory> directory;
    std::unique_ptr<SessionHub> hub;
    std::unique_ptr<ContactHub> contacts;
    std::unique_ptr<AdminApi> api;
    std::vector<std::unique_ptr<Conn>> conns;
};

json billing_service() {
    return {{"name", "Billing"}, {"language", "en"}, {"tags", {"billing"}}, {"dissuasion_seconds", 30},
            {"color", "#8e44ad"}, {"media", {"chat", "weblead"}}, {"site", "demo"}};
}

} // namespace

// [SECTION] Access ---------------------------------------------------------------------------------------------

TEST_F(AdminApiTest, IsDisabledWithoutAToken) {
    open("");
    EXPECT_FALSE(api->enabled());
    auto r = call("GET", "/admin/api/services", "", "");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.code(), "admin_disabled");
    EXPECT_EQ(call("GET", "/admin/api/services").status, 403);
}

TEST_F(AdminApiTest, RefusesAMissingOrWrongToken) {
    auto none = call("GET", "/admin/api/services", "", "");
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.code(), "unauthorized");
    EXPECT_NE(none.header("WWW-Authenticate").find("Bearer"), std::string::npos);
    EXPECT_EQ(call("GET", "/admin/api/services", "", "admin-token-012345678").status, 401); // a prefix
    EXPECT_EQ(call("GET", "/admin/api/services", "", std::string(token) + "0").status, 401);
    AdminRequest basic{"GET", "/admin/api/services", std::string("Basic ") + token, "", "", "192.0.2.9"};
    EXPECT_EQ(api->handle(basic).status, 401);
    AdminRequest lower{"GET", "/admin/api/services", std::string("bearer  ") + token, "", "", "192.0.2.9"};
    EXPECT_EQ(api->handle(lower).status, 200);
}

TEST_F(AdminApiTest, LimitsWrongTokensPerAddressAndMinute) {
    for (int i = 0; i < 10; ++i) EXPECT_EQ(call("GET", "/admin/api/agents", "", "wrong-token-xxxxxxxx").status, 401);
    auto limited = call("GET", "/admin/api/agents"); // even with the right token, from there
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.code(), "rate_limited");
    EXPECT_EQ(limited.header("Retry-After"), "60");
    EXPECT_EQ(call("GET", "/admin/api/agents", "", token, "192.0.2.2").status, 200); // another address
    clock.advance(61s);
    EXPECT_EQ(call("GET", "/admin/api/agents").status, 200);
}

// [SECTION] Reading --------------------------------------------------------------------------------------------

TEST_F(AdminApiTest, ListsAndGetsWhatIsConfiguredWithoutPasswords) {
    auto services = call("GET", "/admin/api/services");
    ASSERT_EQ(services.status, 200);
    ASSERT_EQ(services.body["services"].size(), 2u);
    EXPECT_EQ(services.body["services"][1], (json{{"id", "supporto"},
                                                  {"name", "Supporto"},
                                                  {"language", "it"},
                                                  {"tags", {"support"}},
                                                  {"dissuasion_seconds", 60},
                                                  {"color", "#2e86de"},
                                                  {"colors", json::array()},
                                                  {"media", {"chat"}},
                                                  {"site", "demo"}}));
    auto alice = call("GET", "/admin/api/agents/alice");
    ASSERT_EQ(alice.status, 200);
    EXPECT_EQ(alice.body, (json{{"login", "alice"}, {"name", "Alice Rossi"}, {"tags", {"sales", "support"}},
                                {"languages", json::array()}, {"capacity", 3}}));
    auto agents = call("GET", "/admin/api/agents/");
    EXPECT_EQ(agents.body["agents"].size(), 2u);
    EXPECT_EQ(agents.raw.body.find("argon2"), std::string::npos);
    EXPECT_EQ(agents.raw.body.find("password"), std::string::npos);
    EXPECT_EQ(call("GET", "/admin/api/sites/demo").body["name"], "Demo shop");
    EXPECT_EQ(call("GET", "/admin/api/changes").body, (json{{"changes", json::array()}}));

    auto missing = call("GET", "/admin/api/agents/nobody");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.code(), "not_found");
    EXPECT_EQ(call("GET", "/admin/api").status, 404);
    EXPECT_EQ(call("GET", "/admin/api/queues").status, 404);
    EXPECT_EQ(call("GET", "/admin/api/agents/alice/extra").status, 404);
    EXPECT_EQ(call("GET", "/admin/api/agents/%zz").status, 404);
    EXPECT_EQ(call("GET", "/admin/api/agents/al%69ce").status, 200); // percent-encoded
}

TEST_F(AdminApiTest, AnswersOtherMethodsWith405AndTheAllowedOnes) {
    auto r = call("POST", "/admin/api/services", billing_service().dump());
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.code(), "method_not_allowed");
    EXPECT_EQ(r.header("Allow"), "GET");
    EXPECT_EQ(call("PATCH", "/admin/api/services/sales").header("Allow"), "GET, PUT, DELETE");
}

// [SECTION] Validation -----------------------------------------------------------------------------------------

TEST_F(AdminApiTest, ValidatesBodiesWithTheConfigFilesRules) {
    auto bad = [&](const std::string& path, const json& body) { return put(path, body); };
    json s = billing_service();
    s["dissuasion_seconds"] = 0;
    auto r = bad("/admin/api/services/billing", s);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.code(), "bad_field");
    EXPECT_EQ(r.message(), "dissuasion_seconds must be a positive integer");
    s = billing_service();
    s["colour"] = "#ffffff";
    EXPECT_EQ(bad("/admin/api/services/billing", s).message(), "colour is not a known field");
    s = billing_service();
    s["site"] = "nowhere";
    EXPECT_EQ(bad("/admin/api/services/billing", s).message(), "site names no site: \"nowhere\" is not in sites");
    s = billing_service();
    s["media"] = {"chat", "fax"};
    EXPECT_EQ(bad("/admin/api/services/billing", s).message(), "media[1] must be one of chat, callback, call, video, weblead");
    s = billing_service();
    s["id"] = "other";
    r = bad("/admin/api/services/billing", s);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.message(), "id \"other\" differs from the URL's \"billing\"");
    EXPECT_EQ(bad("/admin/api/services/Bad%20Id", billing_service()).message(),
              "id must be 1-64 characters of a-z, 0-9, '_' and '-'");
    EXPECT_EQ(bad("/admin/api/agents/dora", json{{"name", "Dora"}, {"capacity", 0}, {"password_hash", some_hash}}).message(),
              "capacity must be an integer from 1 to 1000");
    EXPECT_EQ(bad("/admin/api/sites/blog", json{{"name", "Blog"}, {"url", "ftp://blog"}}).message(),
              "url must start with http:// or https://");

    auto syntax = call("PUT", "/admin/api/sites/blog", R"({"name": "Blog",)");
    EXPECT_EQ(syntax.status, 400);
    EXPECT_EQ(syntax.code(), "bad_json");
    EXPECT_EQ(syntax.message().rfind("invalid JSON: parse error at line 1", 0), 0u) << syntax.message();
    EXPECT_EQ(call("PUT", "/admin/api/sites/blog", "[1, 2]").code(), "bad_json");
    EXPECT_EQ(call("PUT", "/admin/api/sites/blog", "\"\xff\"").code(), "bad_json"); // not UTF-8

    auto type = call("PUT", "/admin/api/sites/blog", R"({"name":"Blog","url":"https://b.example/"})", token,
                     "192.0.2.1", "application/x-www-form-urlencoded");
    EXPECT_EQ(type.status, 415);
    EXPECT_EQ(type.code(), "unsupported_media_type");
    EXPECT_EQ(call("PUT", "/admin/api/sites/blog", R"({"name":"Blog","url":"https://b.example/"})", token, "192.0.2.1",
                   "Application/JSON; charset=utf-8")
                  .status,
              201);

    auto big = call("PUT", "/admin/api/sites/blog", std::string(AdminApi::max_body_bytes + 1, ' '));
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(big.code(), "too_large");
    // Nothing refused was stored.
    EXPECT_EQ(call("GET", "/admin/api/services/billing").status, 404);
    EXPECT_EQ(call("GET", "/admin/api/agents/dora").status, 404);
}

// [SECTION] Sites ----------------------------------------------------------------------------------------------

TEST_F(AdminApiTest, PutCreatesThenReplacesASite) {
    auto created = put("/admin/api/sites/blog", json{{"name", "Blog"}, {"url", "https://blog.example/"}});
    EXPECT_EQ(created.status, 201);
    EXPECT_EQ(created.header("Location"), "/admin/api/sites/blog");
    EXPECT_EQ(created.body, (json{{"id", "blog"}, {"name", "Blog"}, {"url", "https://blog.example/"}}));
    auto replaced = put("/admin/api/sites/blog", json{{"id", "blog"}, {"name", "The blog"}, {"url", "https://blog.example/"}});
    EXPECT_EQ(replaced.status, 200);
    EXPECT_EQ(call("GET", "/admin/api/sites/blog").body["name"], "The blog");
    auto changes = call("GET", "/admin/api/changes").body["changes"];
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0]["kind"], "site");
    EXPECT_EQ(changes[0]["id"], "blog");
    EXPECT_EQ(changes[0]["deleted"], false);
}

TEST_F(AdminApiTest, ASiteServicesNameCannotBeDeleted) {
    auto r = call("DELETE", "/admin/api/sites/demo");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.code(), "in_use");
    EXPECT_EQ(r.message(), "services sales, supporto name this site: move or delete them first");
    ASSERT_EQ(put("/admin/api/sites/blog", json{{"name", "Blog"}, {"url", "https://blog.example/"}}).status, 201);
    EXPECT_EQ(call("DELETE", "/admin/api/sites/blog").status, 204);
    EXPECT_EQ(call("GET", "/admin/api/sites/blog").status, 404);
    EXPECT_EQ(call("DELETE", "/admin/api/sites/blog").status, 404);
}

// [SECTION] Services -------------------------------------------------------------------------------------------

TEST_F(AdminApiTest, ANewServiceIsOfferedAndRoutedAtOnce) {
    Conn& alice = agent("alice");
    auto r = put("/admin/api/services/billing", billing_service());
    ASSERT_EQ(r.status, 201) << r.raw.body;
    EXPECT_EQ(r.body["id"], "billing");
    EXPECT_EQ(r.body["colors"], json::array()); // defaults filled in, as from the file

    Conn& v = visitor();
    EXPECT_EQ(service_ids(v.last<protocol::VisitorWelcome>()), (std::vector<std::string>{"billing", "sales", "supporto"}));
    const auto id = ask(v, "billing");
    EXPECT_EQ(v.last<protocol::ContactSnapshot>().contact.service.name, "Billing");
    ASSERT_TRUE(v.last<protocol::ContactSnapshot>().contact.deadline);
    EXPECT_TRUE(alice.all<protocol::QueueChanged>().empty()); // alice lacks the billing tag

    // alice gets the tag: billing contacts are hers now.
    auto changed = put("/admin/api/agents/alice", json{{"name", "Alice Rossi"}, {"tags", {"sales", "support", "billing"}},
                                                       {"capacity", 3}});
    ASSERT_EQ(changed.status, 200) << changed.raw.body;
    auto update = alice.last<protocol::AgentUpdate>();
    EXPECT_EQ(update.agent.tags, (std::vector<std::string>{"sales", "support", "billing"}));
    EXPECT_EQ(update.agent.status, AgentStatus::ready);
    auto q = alice.last<protocol::QueueChanged>();
    ASSERT_EQ(q.added.size(), 1u);
    EXPECT_EQ(q.added[0].id, id);
    EXPECT_EQ(q.count, 1u);
}

TEST_F(AdminApiTest, ARenamedServiceIsSentAgainToAgentsListingItsContacts) {
    Conn& alice = agent("alice");
    Conn& v = visitor();
    const auto id = ask(v, "sales");
    alice.got.clear();
    json sales = call("GET", "/admin/api/services/sales").body;
    sales["name"] = "Sales and offers";
    sales["tags"] = {"sales"};
    ASSERT_EQ(put("/admin/api/services/sales", sales).status, 200);
    auto q = alice.last<protocol::QueueChanged>();
    ASSERT_EQ(q.added.size(), 1u);
    EXPECT_EQ(q.added[0].id, id);
    EXPECT_EQ(q.added[0].service.name, "Sales and offers");
}

TEST_F(AdminApiTest, DeletingAServiceClosesItsPendingContactsButNotWhileAgentsHoldSome) {
    Conn& bruno = agent("bruno");
    Conn& v1 = visitor();
    const auto held = ask(v1, "supporto");
    send(bruno, protocol::ContactClaim{"k", held});
    Conn& v2 = visitor();
    const auto waiting = ask(v2, "supporto");

    auto refused = call("DELETE", "/admin/api/services/supporto");
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.code(), "in_use");
    EXPECT_EQ(refused.message(), "agents hold 1 contacts of this service: delete it once they are closed");

    send(bruno, protocol::ContactStop{"x", held, sb::Outcome::successful});
    v2.got.clear();
    EXPECT_EQ(call("DELETE", "/admin/api/services/supporto").status, 204);
    bool closed = false;
    for (const auto& e : v2.all<protocol::ContactEventMsg>())
        if (auto* c = std::get_if<protocol::ev::Closed>(&e.event.body); c && e.event.contact == waiting)
            closed = c->outcome == sb::Outcome::unfinalized;
    EXPECT_TRUE(closed);
    EXPECT_EQ(store->find_contact(waiting)->state, "closed");

    Conn& v3 = visitor();
    EXPECT_EQ(service_ids(v3.last<protocol::VisitorWelcome>()), std::vector<std::string>{"sales"});
    protocol::ContactRequestMsg r;
    r.cid = "q";
    r.service = "supporto";
    send(v3, r);
    EXPECT_EQ(v3.last<protocol::Error>().code, "unknown_service");
    EXPECT_EQ(call("GET", "/admin/api/services/supporto").status, 404);
    EXPECT_EQ(call("DELETE", "/admin/api/services/supporto").status, 404);
}

// [SECTION] Agents ---------------------------------------------------------------------------------------------

TEST_F(AdminApiTest, ANewAgentNeedsAPasswordAndLogsInWithIt) {
    json dora{{"name", "Dora Neri"}, {"tags", {"support"}}, {"languages", {"it", "en"}}, {"capacity", 2}};
    auto r = put("/admin/api/agents/dora", dora);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.message(), "the agent needs exactly one of password and password_hash");
    dora["password"] = "dora-secret";
    r = put("/admin/api/agents/dora", dora);
    ASSERT_EQ(r.status, 201) << r.raw.body;
    EXPECT_FALSE(r.body.contains("password"));
    EXPECT_EQ(r.header("Location"), "/admin/api/agents/dora");
    EXPECT_TRUE(verify_password(store->find_agent("dora")->password_hash, "dora-secret"));

    Conn& c = connect();
    send(c, protocol::AgentLogin{"l", "dora", "dora-secret"});
    auto w = c.last<protocol::Welcome>();
    EXPECT_EQ(w.agent.name, "Dora Neri");
    ASSERT_EQ(w.services.size(), 1u);
    EXPECT_EQ(w.services[0].id, "supporto");

    // Replaced without a password: the password stays.
    dora.erase("password");
    dora["capacity"] = 1;
    EXPECT_EQ(put("/admin/api/agents/dora", dora).status, 200);
    EXPECT_TRUE(verify_password(store->find_agent("dora")->password_hash, "dora-secret"));
    EXPECT_EQ(c.last<protocol::AgentUpdate>().agent.capacity, 1);
    dora["password"] = "x";
    dora["password_hash"] = some_hash;
    EXPECT_EQ(put("/admin/api/agents/dora", dora).message(), "the agent needs exactly one of password and password_hash");
}

TEST_F(AdminApiTest, ALowerCapacityStopsNewContactsAtOnce) {
    Conn& bruno = agent("bruno");
    Conn& v = visitor();
    const auto first = ask(v, "supporto");
    send(bruno, protocol::ContactClaim{"k", first});
    Conn& v2 = visitor();
    const auto second = ask(v2, "supporto");
    bruno.got.clear();
    ASSERT_EQ(put("/admin/api/agents/bruno", json{{"name", "Bruno Bianchi"}, {"tags", {"support"}}, {"capacity", 1}}).status, 200);
    auto q = bruno.last<protocol::QueueChanged>();
    EXPECT_EQ(q.removed, std::vector<std::string>{second});
    EXPECT_EQ(q.count, 0u);
    EXPECT_EQ(bruno.last<protocol::AgentUpdate>().agent.capacity, 1);
    EXPECT_EQ(contacts->router().held_by("bruno").size(), 1u); // nothing taken away
}

TEST_F(AdminApiTest, ADeletedAgentIsLoggedOutAndTheirContactsReturnToTheQueue) {
    Conn& alice = agent("alice");
    Conn& alice2 = agent("alice"); // a second tab
    Conn& bruno = agent("bruno");
    const std::string alice_token = session("alice");
    Conn& v = visitor();
    const auto id = ask(v, "supporto");
    send(alice, protocol::ContactClaim{"k", id});
    ASSERT_EQ(contacts->router().contact(id)->state, ContactState::assigned);
    bruno.got.clear();

    EXPECT_EQ(call("DELETE", "/admin/api/agents/alice").status, 204);
    EXPECT_TRUE(alice.closed);
    EXPECT_TRUE(alice2.closed);
    EXPECT_EQ(hub->status_of("alice"), AgentStatus::offline);
    EXPECT_EQ(contacts->router().contact(id)->state, ContactState::pending);
    EXPECT_EQ(contacts->router().agent("alice"), nullptr);
    auto q = bruno.last<protocol::QueueChanged>();
    ASSERT_EQ(q.added.size(), 1u);
    EXPECT_EQ(q.added[0].id, id);
    EXPECT_FALSE(store->find_agent("alice"));
    EXPECT_FALSE(store->find_session(alice_token));

    Conn& again = connect(); // the console's reconnect
    send(again, protocol::AgentResume{"r", alice_token});
    EXPECT_EQ(again.last<protocol::Error>().code, "bad_token");
    EXPECT_EQ(call("GET", "/admin/api/agents/alice").status, 404);
    auto changes = call("GET", "/admin/api/changes").body["changes"];
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0], (json{{"kind", "agent"}, {"id", "alice"}, {"deleted", true}, {"at", changes[0]["at"]}}));
}

TEST_F(AdminApiTest, ADirectContactOfADeletedAgentWaitsForAnyEligibleAgent) {
    Conn& bruno = agent("bruno");
    Conn& v = visitor();
    protocol::ContactRequestMsg r;
    r.cid = "q";
    r.service = "supporto";
    r.agent = "alice";
    send(v, r);
    const auto id = v.last<protocol::ContactSnapshot>().contact.id;
    EXPECT_TRUE(bruno.all<protocol::QueueChanged>().empty());
    EXPECT_EQ(call("DELETE", "/admin/api/agents/alice").status, 204);
    auto q = bruno.last<protocol::QueueChanged>();
    ASSERT_EQ(q.added.size(), 1u);
    EXPECT_EQ(q.added[0].id, id);
    EXPECT_FALSE(q.added[0].direct);
}

// [SECTION] Persistence ----------------------------------------------------------------------------------------

TEST_F(AdminApiTest, ChangesOutliveARestartWithTheSameFile) {
    ASSERT_EQ(put("/admin/api/services/billing", billing_service()).status, 201);
    ASSERT_EQ(put("/admin/api/agents/bruno", json{{"name", "Bruno B."}, {"tags", {"support"}}, {"capacity", 5}}).status, 200);
    ASSERT_EQ(call("DELETE", "/admin/api/services/supporto").status, 204);
    open(); // the same config file again
    EXPECT_EQ(call("GET", "/admin/api/services/billing").body["name"], "Billing");
    EXPECT_EQ(call("GET", "/admin/api/services/supporto").status, 404);
    EXPECT_EQ(call("GET", "/admin/api/agents/bruno").body["capacity"], 5);
    EXPECT_EQ(contacts->router().service("supporto"), nullptr);
    EXPECT_NE(contacts->router().service("billing"), nullptr);
    EXPECT_EQ(contacts->router().agent("bruno")->profile.capacity, 5);
}
