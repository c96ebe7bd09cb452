// Keyboard shortcuts, the help popup and the notification settings, headless: keys injected through ImGui's
// input queue produce the right protocol frames and actions; the App hands notifications to its alert sink.
#include "console/platform/headless/headless.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <imgui.h>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

ContactView pending(std::string id, std::int64_t created) {
    ContactView c;
    c.id = std::move(id);
    c.state = ContactState::pending;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.customer = Customer{"Maria", "IT", false};
    c.created_at = created;
    c.deadline = created + 90'000;
    c.seq = 1;
    return c;
}

ContactView assigned(std::string id, std::uint64_t seq) {
    ContactView c = pending(std::move(id), T0);
    c.state = ContactState::assigned;
    c.deadline.reset();
    c.agent = Ref{"alice", "Alice Rossi"};
    c.channels[Channel::chat] = ChannelState::active;
    c.seq = seq;
    return c;
}

AgentProfile alice(AgentStatus st) { return AgentProfile{"alice", "alice", "Alice Rossi", st, {"sales"}, {"en"}, 3}; }

void feed(headless::Console& c, ServerMessage m) {
    c.app.on_message(encode(m));
    c.frames(2);
}

void log_in(headless::Console& c, AgentStatus st = AgentStatus::ready) {
    c.app.start();
    c.app.on_open();
    feed(c, Welcome{"c1", "tok", alice(st), T0, {}, {}});
}

void take(headless::Console& c, const std::string& id) {
    std::vector<ContactEvent> events{
        ContactEvent{id, 1, T0, "", ev::Pending{T0 + 90'000}},
        ContactEvent{id, 2, T0 + 500, "", ev::Assigned{{"alice", "Alice Rossi"}, assigned(id, 2).channels}},
        ContactEvent{id, 3, T0 + 1000, "", ev::Message{Party::visitor, "Maria", "Buongiorno"}}};
    feed(c, ContactSnapshot{"c9", T0 + 2000, assigned(id, 3), events});
}

template <class T> std::vector<T> sent(const headless::Console& c) {
    std::vector<T> out;
    for (const auto& f : c.transport.sent) {
        auto m = decode_client(f);
        if (m && std::holds_alternative<T>(*m)) out.push_back(std::get<T>(*m));
    }
    return out;
}
} // namespace

TEST(Shortcuts, AltNTakesTheLongestWaitingContact) {
    headless::Console c;
    log_in(c);
    c.press_with(ImGuiMod_Alt, ImGuiKey_N);
    EXPECT_TRUE(sent<ContactClaim>(c).empty()) << "nobody waiting: nothing to take";

    feed(c, QueueWaiting{T0, {pending("k-1", T0), pending("k-2", T0 + 1000)}});
    c.press_with(ImGuiMod_Alt, ImGuiKey_N);
    auto claims = sent<ContactClaim>(c);
    ASSERT_EQ(claims.size(), 1u);
    EXPECT_EQ(claims[0].contact, "") << "the server gives the longest-waiting one";
    c.press(ImGuiKey_N);
    EXPECT_EQ(sent<ContactClaim>(c).size(), 1u) << "N alone is not the shortcut";
}

TEST(Shortcuts, AltDownAndUpSwitchPanelsWrappingAround) {
    headless::Console c;
    log_in(c);
    take(c, "k-1");
    take(c, "k-2");
    take(c, "k-3");
    ASSERT_EQ(c.app.state().expanded, "k-3") << "the contact just taken is open";
    c.press_with(ImGuiMod_Alt, ImGuiKey_DownArrow);
    EXPECT_EQ(c.app.state().expanded, "k-1") << "wraps around";
    c.press_with(ImGuiMod_Alt, ImGuiKey_DownArrow);
    EXPECT_EQ(c.app.state().expanded, "k-2");
    c.press_with(ImGuiMod_Alt, ImGuiKey_UpArrow);
    EXPECT_EQ(c.app.state().expanded, "k-1");
    c.press_with(ImGuiMod_Alt, ImGuiKey_UpArrow);
    EXPECT_EQ(c.app.state().expanded, "k-3");
    c.press(ImGuiKey_DownArrow);
    EXPECT_EQ(c.app.state().expanded, "k-3") << "an arrow alone is not the shortcut";
    // Switching reads the now expanded panel's messages.
    const auto reads = sent<ContactReadMsg>(c);
    EXPECT_TRUE(std::any_of(reads.begin(), reads.end(), [](const ContactReadMsg& r) { return r.contact == "k-1"; }));
}

TEST(Shortcuts, AltIFocusesTheChatInputOfTheOpenPanel) {
    headless::Console c;
    log_in(c);
    take(c, "k-1");
    EXPECT_FALSE(ImGui::GetIO().WantTextInput);
    c.press_with(ImGuiMod_Alt, ImGuiKey_I);
    c.frames(2);
    EXPECT_TRUE(ImGui::GetIO().WantTextInput);
    c.type("Salve");
    c.press(ImGuiKey_Enter);
    auto msgs = sent<ContactSend>(c);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].contact, "k-1");
    EXPECT_EQ(msgs[0].text, "Salve");
}

TEST(Shortcuts, AltIExpandsAPanelWhenNoneIsOpen) {
    headless::Console c;
    log_in(c);
    take(c, "k-1");
    c.app.run(action::Expand{""});
    c.frames(2);
    c.press_with(ImGuiMod_Alt, ImGuiKey_I);
    c.frames(2);
    EXPECT_EQ(c.app.state().expanded, "k-1");
    EXPECT_TRUE(ImGui::GetIO().WantTextInput);
}

TEST(Shortcuts, AltRTogglesReadyAndPaused) {
    headless::Console c;
    log_in(c, AgentStatus::paused);
    c.press_with(ImGuiMod_Alt, ImGuiKey_R);
    auto st = sent<AgentSetStatus>(c);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st[0].status, AgentStatus::ready);
    feed(c, AgentUpdate{"c2", alice(AgentStatus::ready)});
    c.press_with(ImGuiMod_Alt, ImGuiKey_R);
    st = sent<AgentSetStatus>(c);
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[1].status, AgentStatus::paused);
}

TEST(Shortcuts, F1AndTheQuestionMarkOpenTheHelpEscapeAndCloseShutIt) {
    headless::Console c;
    log_in(c);
    EXPECT_FALSE(c.drawn("help.window"));
    c.press(ImGuiKey_F1);
    EXPECT_TRUE(c.app.state().help_open);
    EXPECT_TRUE(c.drawn("help.window"));
    c.press(ImGuiKey_Escape);
    EXPECT_FALSE(c.app.state().help_open);
    ASSERT_TRUE(c.click("status.help"));
    EXPECT_TRUE(c.app.state().help_open);
    ASSERT_TRUE(c.click("help.close"));
    EXPECT_FALSE(c.app.state().help_open);
    c.frames(1);
    EXPECT_FALSE(c.drawn("help.window"));
}

TEST(Shortcuts, NoneWorkOnTheLoginScreen) {
    headless::Console c;
    c.app.start();
    c.app.on_open();
    c.frames(2);
    c.press(ImGuiKey_F1);
    c.press_with(ImGuiMod_Alt, ImGuiKey_R);
    EXPECT_FALSE(c.app.state().help_open);
    EXPECT_TRUE(c.transport.sent.empty());
}

TEST(NotifySettings, TheBellOpensThemAndTheCheckboxesChangeSaveAndAskPermission) {
    headless::Console c;
    std::vector<notify::Settings> saved;
    int asked = 0;
    c.app.set_settings_saver([&](const notify::Settings& s) { saved.push_back(s); });
    c.app.set_permission_asker([&] { ++asked; });
    log_in(c);
    EXPECT_FALSE(c.drawn("settings.sound"));
    ASSERT_TRUE(c.click("status.settings"));
    ASSERT_TRUE(c.drawn("settings.sound"));
    ASSERT_TRUE(c.click("settings.sound"));
    EXPECT_FALSE(c.app.state().notify_settings.sound);
    ASSERT_TRUE(c.click("settings.desktop"));
    EXPECT_FALSE(c.app.state().notify_settings.desktop);
    ASSERT_TRUE(c.click("settings.desktop"));
    EXPECT_TRUE(c.app.state().notify_settings.desktop);
    ASSERT_EQ(saved.size(), 3u);
    EXPECT_EQ(saved.back(), (notify::Settings{false, true}));
    EXPECT_EQ(asked, 1) << "turning desktop notifications on is the gesture that asks for permission";
}

TEST(NotifySettings, LoginAsksForPermissionWhenDesktopNotificationsAreOn) {
    headless::Console c;
    int asked = 0;
    c.app.set_permission_asker([&] { ++asked; });
    c.app.start();
    c.app.on_open();
    c.app.run(action::Login{"alice", "alice-demo"});
    EXPECT_EQ(asked, 1);
}

TEST(NotifyAlerts, TheAppHandsNewContactsRemindersAndHiddenMessagesToTheSink) {
    headless::Console c;
    std::vector<notify::Alert> alerts;
    c.app.set_alert_sink([&](const notify::Alert& a) { alerts.push_back(a); });
    log_in(c);
    feed(c, QueueWaiting{T0, {pending("k-1", T0)}});
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].kind, notify::Kind::contact);
    EXPECT_EQ(c.app.next_alert_in_ms(), notify::reminder_ms);

    c.clock_ms += notify::reminder_ms;
    c.app.check_alerts(); // what the platform's timer does
    ASSERT_EQ(alerts.size(), 2u);
    EXPECT_EQ(alerts[1].kind, notify::Kind::reminder);

    // Hovering the waiting area opens the drawer: seen, no more reminders.
    ASSERT_TRUE(c.hover("waiting.area"));
    EXPECT_EQ(c.app.next_alert_in_ms(), -1);

    // Take it (Alt+N); then a message while the page is hidden alerts.
    c.mouse_away();
    c.press_with(ImGuiMod_Alt, ImGuiKey_N);
    feed(c, QueueChanged{T0, 0, {}, {"k-1"}});
    take(c, "k-1");
    const std::size_t before = alerts.size();
    c.app.set_page_visible(false);
    c.app.on_message(encode(ServerMessage{ContactEventMsg{
        ContactEvent{"k-1", 4, T0 + 5000, "", ev::Message{Party::visitor, "Maria", "Ci sono ancora?"}}}}));
    c.app.check_alerts();
    ASSERT_EQ(alerts.size(), before + 1);
    EXPECT_EQ(alerts.back().kind, notify::Kind::message);
    EXPECT_EQ(alerts.back().body, "Ci sono ancora?");
    EXPECT_EQ(c.app.state().alerts.notified, static_cast<int>(alerts.size()));
}
