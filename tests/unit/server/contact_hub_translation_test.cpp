// Automatic translations through the session hub, without sockets: a fake translator answered by the test (so
// order, failures and timeouts are deterministic), a fake clock, a real SQLite store.
#include "server/contact_hub.h"

#include "protocol/codec.h"
#include "server/password.h"
#include "server/session_hub.h"
#include "server/store/sqlite_store.h"

#include "temp_dir.h"
#include "received.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <vector>

using namespace sb::server;
namespace protocol = sb::protocol;
namespace ev = sb::protocol::ev;
using sb::AgentStatus;
using sb::ContactType;
using namespace std::chrono_literals;

namespace {

// Translations answered by the test: requests pile up until answer() or fail().
class FakeTranslator final : public translate::Translator {
  public:
    struct Request {
        std::string from, to, text;
        Done done;
    };
    std::set<std::pair<std::string, std::string>> directions = {{"en", "es"}, {"es", "en"}, {"it", "es"}, {"es", "it"}, {"en", "fr"}};
    std::vector<Request> requests;

    bool can_translate(const std::string& from, const std::string& to) const override { return directions.count({from, to}) > 0; }
    std::vector<std::string> languages() const override {
        std::set<std::string> all;
        for (const auto& [a, b] : directions) all.insert({a, b});
        return {all.begin(), all.end()};
    }
    void translate(const std::string& from, const std::string& to, std::string text, Done done) override {
        requests.push_back({from, to, std::move(text), std::move(done)});
    }
    void answer(std::size_t i, const std::string& text) { take(i)(translate::Result{true, text, {}}); }
    void fail(std::size_t i) { take(i)(translate::Result{false, {}, "broken (test)"}); }

  private:
    Done take(std::size_t i) {
        EXPECT_LT(i, requests.size());
        EXPECT_TRUE(requests[i].done) << "request " << i << " answered twice";
        return std::move(requests[i].done);
    }
};

struct Conn : sb::test::Received {
    ConnectionId id = 0;
    // The chat messages received, in order.
    std::vector<ev::Message> messages() const {
        std::vector<ev::Message> out;
        for (const auto& e : events())
            if (auto* m = std::get_if<ev::Message>(&e.body)) out.push_back(*m);
        return out;
    }
};

const char* config_text = R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://shop.example/"}],
  "services": [
    {"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "site": "demo"},
    {"id": "supporto", "name": "Supporto", "language": "it", "tags": ["support"], "site": "demo"}],
  "agents": [{"login": "alice", "name": "Alice Rossi", "password": "x", "tags": ["sales", "support"], "capacity": 3}]
})";

class HubTranslationTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        auto parsed = parse_config(config_text, "test");
        ASSERT_TRUE(parsed) << parsed.error().message;
        config = *parsed;
        config.agents[0].password.clear();
        config.agents[0].password_hash = "$argon2id$v=19$m=65536,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        open();
    }
    void open(bool with_translator = true) {
        conns.clear();
        hub.reset();
        contacts.reset();
        directory.reset();
        store = open_sqlite_store(dir / "db.sqlite");
        directory = std::make_unique<AgentDirectory>(*store);
        directory->sync(config.agents);
        HubOptions options;
        options.messages_per_second = 1000;
        options.now = [this] { return std::chrono::system_clock::time_point(clock.now().time_since_epoch()); };
        hub = std::make_unique<SessionHub>(*directory, options);
        contacts = std::make_unique<ContactHub>(*store, clock, config, contact_hub_options(config.contacts),
                                                [this](ConnectionId id, const protocol::ServerMessage& m) { hub->send_to(id, m); });
        if (with_translator) contacts->use_translator(&translator, 3s);
        contacts->start();
        hub->attach(*contacts);
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
    Conn& agent() {
        Conn& c = connect();
        send(c, protocol::AgentResume{"r", directory->open_session("alice", sb::to_epoch_ms(clock.now()) / 1000)});
        welcome = c.last<protocol::Welcome>();
        send(c, protocol::AgentSetStatus{"s", AgentStatus::ready});
        c.clear();
        return c;
    }
    // A visitor's connection; with `who`, another connection of a known visitor (the widget reconnected).
    Conn& visitor(std::optional<protocol::VisitorIdentity> who = std::nullopt) {
        Conn& c = connect();
        protocol::VisitorHello h;
        h.cid = "h";
        h.name = "Maria";
        h.visitor = who;
        send(c, h);
        identity = c.last<protocol::VisitorWelcome>().visitor;
        c.clear();
        return c;
    }
    // A chat on `service` taken by the agent, translation on to `language` (when not empty).
    std::string chat(Conn& a, Conn& v, const std::string& service = "sales", const std::string& language = "es") {
        protocol::ContactRequestMsg r;
        r.cid = "q";
        r.service = service;
        r.type = ContactType::chat;
        send(v, r);
        const std::string id = v.last<protocol::ContactSnapshot>().contact.id;
        send(a, protocol::ContactClaim{"k", id});
        EXPECT_EQ(a.last<protocol::ContactSnapshot>().contact.state, sb::ContactState::assigned);
        if (!language.empty()) {
            send(a, protocol::ContactTranslate{"t", id, language});
            EXPECT_EQ(a.last<protocol::ContactEventMsg>().event.cid, "t");
        }
        a.clear();
        v.clear();
        return id;
    }
    std::uint64_t last_seq(const Conn& c) const { return c.events().empty() ? 0 : c.events().back().seq; }

    sb::test::TempDir dir;
    Config config;
    sb::FakeClock clock;
    FakeTranslator translator;
    std::unique_ptr<Store> store;
    std::unique_ptr<AgentDirectory> directory;
    std::unique_ptr<SessionHub> hub;
    std::unique_ptr<ContactHub> contacts;
    std::vector<std::unique_ptr<Conn>> conns;
    protocol::Welcome welcome;
    protocol::VisitorIdentity identity; // of the last visitor.welcome
};

} // namespace

TEST_F(HubTranslationTest, TheWelcomeListsTheLanguagesEachServiceCanBeTranslatedInto) {
    agent();
    ASSERT_EQ(welcome.services.size(), 2u);
    for (const auto& s : welcome.services) {
        EXPECT_EQ(s.translations, std::vector<std::string>{"es"}) << s.id << " (en->fr alone is one way only)";
    }
}

TEST_F(HubTranslationTest, TheAgentTurnsTranslationOnAndOffAndBothPartiesSeeIt) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v, "sales", "");
    send(a, protocol::ContactTranslate{"t1", id, "es"});
    auto on = a.last<protocol::ContactEventMsg>().event;
    EXPECT_EQ(on.cid, "t1");
    ASSERT_TRUE(std::holds_alternative<ev::TranslationChanged>(on.body));
    EXPECT_EQ(std::get<ev::TranslationChanged>(on.body).language, "es");
    EXPECT_EQ(v.last<protocol::ContactEventMsg>().event, on);

    send(a, protocol::ContactResume{"r1", id, 0});
    EXPECT_EQ(a.last<protocol::ContactSnapshot>().contact.translation, "es") << "the contact object says it is on";

    send(a, protocol::ContactTranslate{"t2", id, "es"});
    EXPECT_EQ(a.last<protocol::Ack>().seq, 0u) << "already on: nothing happens";
    send(a, protocol::ContactTranslate{"t1", id, "es"});
    EXPECT_EQ(a.last<protocol::Ack>().seq, on.seq) << "a retried command is answered again";

    send(a, protocol::ContactTranslate{"t3", id, ""});
    EXPECT_EQ(std::get<ev::TranslationChanged>(v.last<protocol::ContactEventMsg>().event.body).language, "");
    send(a, protocol::ContactResume{"r2", id, 0});
    EXPECT_EQ(a.last<protocol::ContactSnapshot>().contact.translation, "");

    open(); // a restart keeps the setting (the contact record is stored)
    Conn& a2 = agent();
    const auto held = welcome.contacts;
    ASSERT_EQ(held.size(), 1u);
    EXPECT_EQ(held[0].translation, "");
    send(a2, protocol::ContactTranslate{"t4", id, "es"});
    open();
    agent();
    ASSERT_EQ(welcome.contacts.size(), 1u);
    EXPECT_EQ(welcome.contacts[0].translation, "es");
}

TEST_F(HubTranslationTest, LanguagesWithoutATranslationBothWaysAreRefused) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v, "sales", "");
    for (const char* language : {"fr", "it", "en", "xx"}) {
        a.clear();
        send(a, protocol::ContactTranslate{"t", id, language});
        auto e = a.last<protocol::Error>();
        EXPECT_EQ(e.code, "translation_unavailable") << language;
        EXPECT_NE(e.message.find("es"), std::string::npos) << "the message lists what is offered: " << e.message;
    }
    send(v, protocol::ContactTranslate{"tv", id, "es"});
    EXPECT_EQ(v.last<protocol::Error>().code, "bad_field") << "the agent's command";
    a.clear();
    hub->receive_text(a.id, R"({"v":1,"type":"contact.translate","cid":"x","contact":")" + id + R"(","language":"<b>"})");
    EXPECT_EQ(a.last<protocol::Error>().code, "bad_field");
    hub->receive_text(a.id, R"({"v":1,"type":"contact.translate","cid":"y","contact":")" + id + R"("})");
    EXPECT_EQ(a.last<protocol::Error>().code, "bad_field") << "language is required (\"\" turns it off)";
    EXPECT_TRUE(translator.requests.empty());
}

TEST_F(HubTranslationTest, WithoutATranslatorNothingIsOffered) {
    open(false);
    Conn& a = agent();
    for (const auto& s : welcome.services) EXPECT_TRUE(s.translations.empty());
    Conn& v = visitor();
    const std::string id = chat(a, v, "sales", "");
    send(a, protocol::ContactTranslate{"t", id, "es"});
    EXPECT_EQ(a.last<protocol::Error>().code, "translation_unavailable");
    send(v, protocol::ContactSend{"m", id, "Hola"});
    EXPECT_EQ(a.messages().size(), 1u) << "messages go at once";
}

TEST_F(HubTranslationTest, AVisitorMessageWaitsForItsTranslationAndCarriesIt) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v);
    send(v, protocol::ContactSend{"m1", id, "Hola, necesito ayuda"});
    EXPECT_TRUE(a.messages().empty()) << "not sent before its translation";
    EXPECT_TRUE(v.got.empty()) << "not acknowledged before it is stored";
    ASSERT_EQ(translator.requests.size(), 1u);
    EXPECT_EQ(translator.requests[0].from, "es");
    EXPECT_EQ(translator.requests[0].to, "en");
    EXPECT_EQ(translator.requests[0].text, "Hola, necesito ayuda");

    translator.answer(0, "Hello, I need help");
    ASSERT_EQ(a.messages().size(), 1u);
    const auto m = a.messages()[0];
    EXPECT_EQ(m.text, "Hola, necesito ayuda");
    ASSERT_TRUE(m.translation);
    EXPECT_EQ(m.translation->language, "en") << "into the service's language";
    EXPECT_EQ(m.translation->text, "Hello, I need help");
    EXPECT_EQ(v.events().back().cid, "m1") << "the sender's answer is the event";
    EXPECT_EQ(v.messages()[0], m);

    send(a, protocol::ContactResume{"r", id, 0});
    auto events = a.last<protocol::ContactSnapshot>().events;
    ASSERT_TRUE(std::holds_alternative<ev::Message>(events.back().body));
    EXPECT_EQ(std::get<ev::Message>(events.back().body), m) << "stored with its translation";
}

TEST_F(HubTranslationTest, AnAgentMessageIsTranslatedIntoTheCustomersLanguage) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v, "supporto", "es");
    send(a, protocol::ContactSend{"m1", id, "Buongiorno"});
    ASSERT_EQ(translator.requests.size(), 1u);
    EXPECT_EQ(translator.requests[0].from, "it");
    EXPECT_EQ(translator.requests[0].to, "es");
    translator.answer(0, "Buenos días");
    ASSERT_EQ(v.messages().size(), 1u);
    EXPECT_EQ(v.messages()[0].text, "Buongiorno");
    ASSERT_TRUE(v.messages()[0].translation);
    EXPECT_EQ(v.messages()[0].translation->language, "es");
    EXPECT_EQ(v.messages()[0].translation->text, "Buenos días");
}

TEST_F(HubTranslationTest, MessagesKeepTheirOrderWhateverOrderTranslationsComeIn) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v);
    send(v, protocol::ContactSend{"m1", id, "uno"});
    send(a, protocol::ContactSend{"m2", id, "two"});
    send(v, protocol::ContactSend{"m3", id, "tres"});
    ASSERT_EQ(translator.requests.size(), 3u);
    translator.answer(2, "three");
    translator.answer(1, "dos");
    EXPECT_TRUE(a.messages().empty()) << "the first one is still being translated";
    translator.answer(0, "one");
    auto got = a.messages();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].text, "uno");
    EXPECT_EQ(got[0].translation->text, "one");
    EXPECT_EQ(got[1].text, "two");
    EXPECT_EQ(got[1].translation->text, "dos");
    EXPECT_EQ(got[2].text, "tres");
    EXPECT_EQ(got[2].translation->text, "three");
    auto events = v.events();
    for (std::size_t i = 1; i < events.size(); ++i) EXPECT_EQ(events[i].seq, events[i - 1].seq + 1) << "no gaps";
}

TEST_F(HubTranslationTest, ALateOrFailedTranslationSendsTheMessageWithoutOne) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v);
    send(v, protocol::ContactSend{"m1", id, "uno"});
    send(v, protocol::ContactSend{"m2", id, "dos"});
    ASSERT_TRUE(contacts->next_deadline());
    EXPECT_LE(*contacts->next_deadline(), clock.now() + 3s) << "the timer wakes for the translation's deadline";
    clock.advance(2999ms);
    contacts->tick();
    EXPECT_TRUE(a.messages().empty());
    clock.advance(1ms);
    contacts->tick();
    ASSERT_EQ(a.messages().size(), 2u) << "both waited 3 s";
    EXPECT_FALSE(a.messages()[0].translation);
    EXPECT_FALSE(a.messages()[1].translation);
    translator.answer(0, "one"); // too late: nothing more is sent
    EXPECT_EQ(a.messages().size(), 2u);

    send(v, protocol::ContactSend{"m3", id, "tres"});
    translator.fail(2);
    ASSERT_EQ(a.messages().size(), 3u) << "a failure sends it at once";
    EXPECT_EQ(a.messages()[2].text, "tres");
    EXPECT_FALSE(a.messages()[2].translation);
}

TEST_F(HubTranslationTest, ARetriedMessageIsSentOnceEvenWhileItIsBeingTranslated) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v);
    send(v, protocol::ContactSend{"m1", id, "Hola"});
    Conn& v2 = visitor(identity); // the widget reconnected and sends its unanswered command again
    send(v2, protocol::ContactSend{"m1", id, "Hola"});
    EXPECT_TRUE(v2.got.empty());
    EXPECT_EQ(translator.requests.size(), 1u);
    translator.answer(0, "Hello");
    EXPECT_EQ(a.messages().size(), 1u);
    ASSERT_FALSE(v2.events().empty());
    EXPECT_EQ(v2.events().back().cid, "m1") << "the event answers the retry too";
    send(v2, protocol::ContactSend{"m1", id, "Hola"});
    EXPECT_EQ(v2.last<protocol::Ack>().seq, v2.events().back().seq) << "stored now: the usual ack";
    EXPECT_EQ(a.messages().size(), 1u);
}

TEST_F(HubTranslationTest, OtherEventsDoNotWaitAndClosingSendsWaitingMessagesFirst) {
    Conn& a = agent();
    Conn& v = visitor();
    const std::string id = chat(a, v);
    send(v, protocol::ContactSend{"m1", id, "Hola"});
    send(a, protocol::ContactColor{"c1", id, "#dd5b62"});
    EXPECT_TRUE(std::holds_alternative<ev::ColorChanged>(a.events().back().body)) << "not held back";
    send(a, protocol::ContactTranslate{"off", id, ""});
    send(a, protocol::ContactSend{"m2", id, "Anything else?"});
    EXPECT_TRUE(a.messages().empty()) << "translation is off, but m2 stays behind m1";
    EXPECT_EQ(translator.requests.size(), 1u) << "m2 needs no translation";
    send(v, protocol::ContactStop{"s1", id, std::nullopt});
    auto events = v.events();
    ASSERT_GE(events.size(), 3u);
    const auto n = events.size();
    EXPECT_EQ(std::get<ev::Message>(events[n - 3].body).text, "Hola");
    EXPECT_EQ(std::get<ev::Message>(events[n - 2].body).text, "Anything else?");
    EXPECT_TRUE(std::holds_alternative<ev::Closed>(events[n - 1].body));
    for (std::size_t i = 1; i < n; ++i) EXPECT_EQ(events[i].seq, events[i - 1].seq + 1);
    translator.answer(0, "Hello"); // after the close: ignored
    EXPECT_EQ(v.events().size(), n);
}

TEST(TranslationConfig, DefaultsAndValidation) {
    auto with = [](const std::string& section) {
        return parse_config(R"({"translation": )" + section + "}", "test");
    };
    auto defaults = parse_config("{}", "test");
    ASSERT_TRUE(defaults);
    EXPECT_TRUE(defaults->translation.enabled);
    EXPECT_TRUE(defaults->translation.pairs.empty()) << "every installed pair";
    EXPECT_EQ(defaults->translation.timeout_ms, 3000);

    auto set = with(R"({"enabled": false, "pairs": ["en-es", "es-it"], "timeout_ms": 500})");
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_FALSE(set->translation.enabled);
    EXPECT_EQ(set->translation.pairs, (std::vector<std::string>{"en-es", "es-it"}));
    EXPECT_EQ(set->translation.timeout_ms, 500);

    const std::pair<const char*, const char*> bad[] = {
        {R"({"enabled": "yes"})", "translation.enabled must be true or false"},
        {R"({"pairs": ["en"]})", "translation.pairs[0] must be two different language codes"},
        {R"({"pairs": ["en-en"]})", "translation.pairs[0] must be two different language codes"},
        {R"({"pairs": ["en-es", "en-es"]})", "translation.pairs[1] repeats"},
        {R"({"pairs": "en-es"})", "translation.pairs must be an array"},
        {R"({"timeout_ms": 50})", "translation.timeout_ms must be an integer from 100 to 60000"},
        {R"({"engine": "google"})", "translation.engine is not a known field"},
    };
    for (const auto& [section, message] : bad) {
        auto r = with(section);
        ASSERT_FALSE(r) << section;
        EXPECT_NE(r.error().message.find(message), std::string::npos) << r.error().message;
    }
}
