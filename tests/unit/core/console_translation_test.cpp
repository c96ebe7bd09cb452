// The console model and automatic translations: the `translation` event turns the contact's translation on and
// off, translated messages keep both texts, the automation JSON shows them.
#include "core/console_state.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

ContactView held(std::uint64_t seq) {
    ContactView c;
    c.id = "k-1";
    c.type = ContactType::chat;
    c.state = ContactState::assigned;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.customer = Customer{"Maria", "ES", false};
    c.created_at = T0;
    c.agent = Ref{"alice", "Alice Rossi"};
    c.channels[Channel::chat] = ChannelState::active;
    c.seq = seq;
    return c;
}

ContactEvent evt(std::uint64_t seq, EventBody body) { return ContactEvent{"k-1", seq, T0 + static_cast<std::int64_t>(seq), "", std::move(body)}; }

ConsoleState holding() {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    ServiceInfo sales{"sales", "Sales", "en", "#2e86de", {}, {ContactType::chat}, {"ca", "es"}};
    s = reduce(s, event::Received{Welcome{"c1", "tok", AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {}, {}, 3},
                                          T0, {}, {sales}},
                                  T0});
    return reduce(s, event::Received{ContactSnapshot{"c2", T0, held(1), {evt(1, ev::Assigned{{"alice", "Alice Rossi"}, {}})}}, T0});
}
} // namespace

TEST(ConsoleTranslation, TheServicesOfferedLanguagesAreKept) {
    ConsoleState s = holding();
    const ServiceInfo* sales = find_service(s, "sales");
    ASSERT_NE(sales, nullptr);
    EXPECT_EQ(sales->translations, (std::vector<std::string>{"ca", "es"}));
}

TEST(ConsoleTranslation, TheTranslationEventTurnsItOnAndOffWithANote) {
    ConsoleState s = holding();
    s = reduce(s, ContactEventMsg{evt(2, ev::TranslationChanged{"es"})});
    const HeldContact* h = find_contact(s, "k-1");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->view.translation, "es");
    ASSERT_FALSE(h->transcript.empty());
    EXPECT_EQ(h->transcript.back().kind, TranscriptEntry::Kind::note);
    EXPECT_NE(h->transcript.back().text.find("es"), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(to_json(s))["contacts"][0]["translation"], "es");

    s = reduce(s, ContactEventMsg{evt(3, ev::TranslationChanged{""})});
    EXPECT_EQ(find_contact(s, "k-1")->view.translation, "");
    EXPECT_EQ(nlohmann::json::parse(to_json(s))["contacts"][0]["translation"], "");
}

TEST(ConsoleTranslation, TranslatedMessagesKeepBothTexts) {
    ConsoleState s = holding();
    s = reduce(s, ContactEventMsg{evt(2, ev::TranslationChanged{"es"})});
    s = reduce(s, ContactEventMsg{evt(3, ev::Message{Party::visitor, "Maria", "Hola", ev::Translation{"en", "Hello"}})});
    s = reduce(s, ContactEventMsg{evt(4, ev::Message{Party::agent, "Alice Rossi", "How can I help?",
                                                     ev::Translation{"es", "¿Cómo puedo ayudar?"}})});
    s = reduce(s, ContactEventMsg{evt(5, ev::Message{Party::visitor, "Maria", "Gracias"})}); // its translation failed
    const HeldContact* h = find_contact(s, "k-1");
    ASSERT_EQ(h->transcript.size(), 4u);
    EXPECT_EQ(h->transcript[1].text, "Hola");
    EXPECT_EQ(h->transcript[1].translation, "Hello");
    EXPECT_EQ(h->transcript[1].translation_language, "en");
    EXPECT_EQ(h->transcript[2].translation, "¿Cómo puedo ayudar?");
    EXPECT_EQ(h->transcript[2].translation_language, "es");
    EXPECT_EQ(h->transcript[3].translation, "");
    EXPECT_EQ(h->unread, 2) << "a translated message counts as any message";

    auto recent = nlohmann::json::parse(to_json(s))["contacts"][0]["recent"];
    ASSERT_EQ(recent.size(), 4u);
    EXPECT_EQ(recent[1]["text"], "Hola");
    EXPECT_EQ(recent[1]["translation"], (nlohmann::json{{"language", "en"}, {"text", "Hello"}}));
    EXPECT_FALSE(recent[3].contains("translation"));
}
