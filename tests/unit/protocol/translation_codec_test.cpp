// Automatic translations on the wire (docs/protocol.md, "Automatic translations"): contact.translate, the
// `translation` event, a message's `translation`, the contact's `translation`, services' `translations`.
#include "protocol/codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::protocol;

TEST(TranslationCodec, ContactTranslateRoundTripsAndIsValidated) {
    for (const auto& m : {ContactTranslate{"t1", "k-17", "es"}, ContactTranslate{"t2", "k-17", ""},
                          ContactTranslate{"", "k-17", "pt-BR"}}) {
        auto back = decode_client(encode(ClientMessage{m}));
        ASSERT_TRUE(back) << back.error().message;
        const auto& t = std::get<ContactTranslate>(*back);
        EXPECT_EQ(t.cid, m.cid);
        EXPECT_EQ(t.contact, m.contact);
        EXPECT_EQ(t.language, m.language);
    }
    auto j = nlohmann::json::parse(encode(ClientMessage{ContactTranslate{"t1", "k-17", "es"}}));
    EXPECT_EQ(j["type"], "contact.translate");
    EXPECT_EQ(j["language"], "es");

    for (const char* bad : {R"({"v":1,"type":"contact.translate","cid":"x","contact":"k-1"})",
                            R"({"v":1,"type":"contact.translate","cid":"x","contact":"k-1","language":5})",
                            R"({"v":1,"type":"contact.translate","cid":"x","contact":"k-1","language":"e s"})",
                            R"({"v":1,"type":"contact.translate","cid":"x","contact":"k-1","language":"abcdefghijklmnopq"})",
                            R"({"v":1,"type":"contact.translate","cid":"x","language":"es"})"}) {
        auto r = decode_client(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, "bad_field") << bad;
        EXPECT_EQ(r.error().cid, "x");
    }
}

TEST(TranslationCodec, EventsCarryTranslationsAndRoundTrip) {
    ContactEvent on{"k-17", 4, 1764000012000, "t1", ev::TranslationChanged{"es"}};
    ContactEvent off{"k-17", 9, 1764000019000, "", ev::TranslationChanged{""}};
    ContactEvent translated{"k-17", 5, 1764000013000, "m1",
                            ev::Message{Party::visitor, "Maria", "Hola, necesito ayuda",
                                        ev::Translation{"en", "Hello, I need help"}}};
    ContactEvent plain{"k-17", 6, 1764000014000, "m2", ev::Message{Party::agent, "Alice", "Sure"}};
    for (const auto& e : {on, off, translated, plain}) {
        auto back = decode_server(encode(ServerMessage{ContactEventMsg{e}}));
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(std::get<ContactEventMsg>(*back).event, e);
        auto stored = event_from_json(event_to_json(e));
        ASSERT_TRUE(stored);
        EXPECT_EQ(*stored, e);
    }
    auto j = nlohmann::json::parse(encode(ServerMessage{ContactEventMsg{translated}}));
    EXPECT_EQ(j["event"], "message");
    EXPECT_EQ(j["translation"], (nlohmann::json{{"language", "en"}, {"text", "Hello, I need help"}}));
    EXPECT_FALSE(nlohmann::json::parse(encode(ServerMessage{ContactEventMsg{plain}})).contains("translation"));
    auto k = nlohmann::json::parse(encode(ServerMessage{ContactEventMsg{on}}));
    EXPECT_EQ(k["event"], "translation");
    EXPECT_EQ(k["language"], "es");

    auto missing = decode_server(R"({"v":1,"type":"contact.event","contact":"k","seq":1,"at":1,"event":"translation"})");
    EXPECT_FALSE(missing) << "language is required";
    auto half = decode_server(R"({"v":1,"type":"contact.event","contact":"k","seq":1,"at":1,"event":"message",)"
                              R"("from":"visitor","text":"x","translation":{"language":"en"}})");
    EXPECT_FALSE(half) << "a translation has its text";
}

TEST(TranslationCodec, ContactsAndServicesSayWhatIsOnAndWhatIsOffered) {
    ContactView c;
    c.id = "k-17";
    c.service = {"sales", "Sales", "en"};
    c.translation = "es";
    ServiceInfo s{"sales", "Sales", "en", "#2e86de", {}, {ContactType::chat}, {"ca", "es"}};
    Welcome w{"c1", "tok", AgentProfile{"alice", "alice", "Alice", AgentStatus::ready, {}, {}, 2}, 5, {c}, {s}};
    auto back = decode_server(encode(ServerMessage{w}));
    ASSERT_TRUE(back) << back.error().message;
    const auto& got = std::get<Welcome>(*back);
    EXPECT_EQ(got.contacts.at(0).translation, "es");
    EXPECT_EQ(got.services.at(0).translations, (std::vector<std::string>{"ca", "es"}));

    auto j = nlohmann::json::parse(encode(ServerMessage{w}));
    EXPECT_EQ(j["contacts"][0]["translation"], "es");
    EXPECT_EQ(j["services"][0]["translations"], (nlohmann::json{"ca", "es"}));
    c.translation.clear();
    s.translations.clear();
    auto off = nlohmann::json::parse(encode(ServerMessage{Welcome{"c1", "tok", w.agent, 5, {c}, {s}}}));
    EXPECT_FALSE(off["contacts"][0].contains("translation")) << "absent while off";
    EXPECT_FALSE(off["services"][0].contains("translations")) << "absent when none is offered";
}
