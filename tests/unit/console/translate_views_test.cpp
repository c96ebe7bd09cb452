// The translations tool headless: the flag's popup lists the languages the service offers and sends
// contact.translate; translated messages show their translation under the original.
#include "console/platform/headless/headless.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <imgui.h>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

ContactView held(std::uint64_t seq, std::string service = "sales") {
    ContactView c;
    c.id = "k-1";
    c.state = ContactState::assigned;
    c.service = ServiceRef{service, service == "sales" ? "Sales" : "Supporto", service == "sales" ? "en" : "it"};
    c.customer = Customer{"María", "ES", false};
    c.created_at = T0;
    c.agent = Ref{"alice", "Alice Rossi"};
    c.color = "#2e86de";
    c.channels[Channel::chat] = ChannelState::active;
    c.seq = seq;
    return c;
}

void feed(headless::Console& c, ServerMessage m) {
    c.app.on_message(encode(m));
    c.frames(2);
}

// alice, whose Sales contacts can be translated into Catalan and Spanish (Supporto's into nothing), holds k-1.
void holding(headless::Console& c, std::string service = "sales") {
    c.app.start();
    c.app.on_open();
    feed(c, Welcome{"c1", "tok", AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {}, {"en"}, 3}, T0, {},
                    {ServiceInfo{"sales", "Sales", "en", "#2e86de", {}, {ContactType::chat}, {"ca", "es"}},
                     ServiceInfo{"supporto", "Supporto", "it", "#27ae60", {}, {ContactType::chat}, {}}}});
    feed(c, ContactSnapshot{"c2", T0, held(2, service),
                            {ContactEvent{"k-1", 1, T0, "", ev::Pending{T0 + 90'000}},
                             ContactEvent{"k-1", 2, T0 + 500, "", ev::Assigned{{"alice", "Alice Rossi"}, held(2).channels}}}});
}

std::vector<ContactTranslate> translates(const headless::Console& c) {
    std::vector<ContactTranslate> out;
    for (const auto& f : c.transport.sent) {
        auto m = decode_client(f);
        if (m && std::holds_alternative<ContactTranslate>(*m)) out.push_back(std::get<ContactTranslate>(*m));
    }
    return out;
}

ServerMessage live(std::uint64_t seq, EventBody body) { return ContactEventMsg{ContactEvent{"k-1", seq, T0 + 1000 * static_cast<std::int64_t>(seq), "", std::move(body)}}; }
} // namespace

TEST(TranslateTool, ThePopupListsTheServicesLanguagesAndTurnsTranslationOnAndOff) {
    headless::Console c;
    holding(c);
    EXPECT_FALSE(c.drawn("translate.es"));
    ASSERT_TRUE(c.click("panel.k-1.translate"));
    EXPECT_TRUE(c.drawn("translate.ca"));
    EXPECT_TRUE(c.drawn("translate.es"));
    EXPECT_TRUE(c.drawn("translate.off"));
    ASSERT_TRUE(c.click("translate.es"));
    auto sent = translates(c);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].contact, "k-1");
    EXPECT_EQ(sent[0].language, "es");
    EXPECT_FALSE(c.drawn("translate.es")) << "the popup closes";

    feed(c, live(3, ev::TranslationChanged{"es"}));
    EXPECT_EQ(c.app.state().contacts.at(0).view.translation, "es");
    ASSERT_TRUE(c.click("panel.k-1.translate"));
    ASSERT_TRUE(c.click("translate.es"));
    EXPECT_EQ(translates(c).size(), 1u) << "already on: nothing to send";
    ASSERT_TRUE(c.click("panel.k-1.translate"));
    ASSERT_TRUE(c.click("translate.off"));
    ASSERT_EQ(translates(c).size(), 2u);
    EXPECT_EQ(translates(c).back().language, "");
}

TEST(TranslateTool, AServiceWithoutTranslationsSaysSo) {
    headless::Console c;
    holding(c, "supporto");
    ASSERT_TRUE(c.click("panel.k-1.translate"));
    EXPECT_TRUE(c.drawn("translate.none"));
    EXPECT_FALSE(c.drawn("translate.es"));
    ASSERT_TRUE(c.click("translate.off"));
    EXPECT_TRUE(translates(c).empty()) << "already off";
}

TEST(TranslateTool, TranslatedMessagesShowTheTranslationUnderTheOriginal) {
    headless::Console c;
    holding(c);
    feed(c, live(3, ev::TranslationChanged{"es"}));
    feed(c, live(4, ev::Message{Party::visitor, "María", "Hola, necesito ayuda", ev::Translation{"en", "Hello, I need help"}}));
    feed(c, live(5, ev::Message{Party::agent, "Alice Rossi", "Sure", ev::Translation{"es", "Seguro"}}));
    feed(c, live(6, ev::Message{Party::visitor, "María", "Gracias"}));
    EXPECT_TRUE(c.drawn("panel.k-1.translation.4"));
    EXPECT_TRUE(c.drawn("panel.k-1.translation.5"));
    EXPECT_FALSE(c.drawn("panel.k-1.translation.6")) << "no translation, no line";
}
