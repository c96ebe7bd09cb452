// The console's notification decisions (core/notify.h): which changes alert, the reminder while a contact
// waits unseen, messages in panels not in view, the settings, and the JSON the tests read.
#include "core/console_state.h"
#include "core/notify.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

AgentProfile alice(AgentStatus st = AgentStatus::ready) {
    return AgentProfile{"alice", "alice", "Alice Rossi", st, {"sales"}, {"en"}, 3};
}

ContactView pending(std::string id, std::int64_t created, std::string name = "Maria") {
    ContactView c;
    c.id = std::move(id);
    c.state = ContactState::pending;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.customer = Customer{std::move(name), "IT", false};
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
    c.seq = seq;
    return c;
}

ContactEvent msg(std::string contact, std::uint64_t seq, std::string text, Party from = Party::visitor) {
    return ContactEvent{std::move(contact), seq, T0 + static_cast<std::int64_t>(seq) * 1000, "",
                        ev::Message{from, from == Party::agent ? "Alice Rossi" : "Maria", std::move(text)}};
}

ConsoleState logged_in(AgentStatus st = AgentStatus::ready) {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    return reduce(s, event::Received{Welcome{"c1", "tok", alice(st), T0, {}, {}}, T0});
}

ConsoleState waiting(ConsoleState s, std::vector<ContactView> list) {
    return reduce(std::move(s), event::Received{QueueWaiting{T0, std::move(list)}, T0});
}

ConsoleState hold(ConsoleState s, std::string id) {
    std::vector<ContactEvent> events{
        ContactEvent{id, 1, T0, "", ev::Pending{T0 + 90'000}},
        ContactEvent{id, 2, T0 + 500, "", ev::Assigned{{"alice", "Alice Rossi"}, {}}},
        msg(id, 3, "Buongiorno")};
    return reduce(std::move(s), event::Received{ContactSnapshot{"c2", T0, assigned(id, 3), events}, T0});
}

struct Observer {
    notify::Tracker t;
    notify::Settings settings;
    std::vector<notify::Alert> operator()(const ConsoleState& s, notify::Viewing v, std::int64_t now) {
        return notify::observe(t, s, settings, v, now);
    }
};
constexpr notify::Viewing looking_away{true, false};
} // namespace

TEST(Notify, ANewWaitingContactAlertsOnceWithSoundAndDesktop) {
    Observer run;
    ConsoleState s = logged_in();
    EXPECT_TRUE(run(s, looking_away, T0).empty());
    s = waiting(s, {pending("k-1", T0, "Maria Rossi")});
    auto a = run(s, looking_away, T0 + 10);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].kind, notify::Kind::contact);
    EXPECT_EQ(a[0].contact, "k-1");
    EXPECT_TRUE(a[0].sound);
    EXPECT_TRUE(a[0].desktop);
    EXPECT_NE(a[0].body.find("Maria Rossi"), std::string::npos);
    EXPECT_TRUE(run(s, looking_away, T0 + 20).empty()) << "the same contact alerts once";
    EXPECT_EQ(run.t.notified, 1);
}

TEST(Notify, RepeatsEvery20SecondsWhileTheContactWaitsUnseen) {
    Observer run;
    ConsoleState s = waiting(logged_in(), {pending("k-1", T0)});
    ASSERT_EQ(run(s, looking_away, T0).size(), 1u);
    EXPECT_EQ(notify::next_reminder_ms(run.t), T0 + notify::reminder_ms);
    EXPECT_TRUE(run(s, looking_away, T0 + notify::reminder_ms - 1).empty());
    auto a = run(s, looking_away, T0 + notify::reminder_ms);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].kind, notify::Kind::reminder);
    EXPECT_TRUE(run(s, looking_away, T0 + notify::reminder_ms + 1000).empty());
    EXPECT_EQ(run(s, looking_away, T0 + 2 * notify::reminder_ms).size(), 1u);
}

TEST(Notify, OpeningTheDrawerStopsTheReminders) {
    Observer run;
    ConsoleState s = waiting(logged_in(), {pending("k-1", T0)});
    run(s, looking_away, T0);
    EXPECT_TRUE(run(s, notify::Viewing{true, true}, T0 + 1000).empty());
    EXPECT_EQ(notify::next_reminder_ms(run.t), -1);
    EXPECT_TRUE(run(s, looking_away, T0 + 60'000).empty());
}

TEST(Notify, AnOpenDrawerOnAHiddenPageIsNotSeeing) {
    Observer run;
    ConsoleState s = waiting(logged_in(), {pending("k-1", T0)});
    run(s, looking_away, T0);
    run(s, notify::Viewing{false, true}, T0 + 1000);
    EXPECT_EQ(run(s, notify::Viewing{false, true}, T0 + notify::reminder_ms).size(), 1u);
}

TEST(Notify, ANewContactArrivingWhileTheDrawerIsOpenDoesNotAlert) {
    Observer run;
    ConsoleState s = logged_in();
    run(s, looking_away, T0);
    s = waiting(s, {pending("k-1", T0)});
    EXPECT_TRUE(run(s, notify::Viewing{true, true}, T0).empty());
    EXPECT_EQ(notify::next_reminder_ms(run.t), -1);
}

TEST(Notify, TakingTheContactStopsTheReminders) {
    Observer run;
    ConsoleState s = waiting(logged_in(), {pending("k-1", T0), pending("k-2", T0 + 1)});
    ASSERT_EQ(run(s, looking_away, T0).size(), 1u) << "one alert for several arrivals";
    s = reduce(s, event::Received{QueueChanged{T0 + 1000, 1, {}, {"k-1"}}, T0 + 1000});
    auto a = run(s, looking_away, T0 + notify::reminder_ms);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].contact, "k-2");
    s = reduce(s, event::Received{QueueChanged{T0 + 1000, 0, {}, {"k-2"}}, T0 + 1000});
    EXPECT_TRUE(run(s, looking_away, T0 + 2 * notify::reminder_ms).empty());
    EXPECT_EQ(notify::next_reminder_ms(run.t), -1);
}

TEST(Notify, APausedAgentIsNotAlertedAboutWaitingContacts) {
    Observer run;
    ConsoleState s = waiting(logged_in(AgentStatus::paused), {pending("k-1", T0)});
    EXPECT_TRUE(run(s, looking_away, T0).empty());
    EXPECT_TRUE(run(s, looking_away, T0 + notify::reminder_ms).empty());
    // Becoming ready does not alert about contacts already listed; a new one does.
    s = reduce(s, event::Received{AgentUpdate{"c3", alice(AgentStatus::ready)}, T0});
    EXPECT_TRUE(run(s, looking_away, T0 + 1000).empty());
    s = reduce(s, event::Received{QueueChanged{T0 + 2000, 2, {pending("k-2", T0 + 2000)}, {}}, T0 + 2000});
    EXPECT_EQ(run(s, looking_away, T0 + 2000).size(), 1u);
}

TEST(Notify, AMessageInACollapsedPanelAlertsButNotInTheExpandedOne) {
    Observer run;
    ConsoleState s = hold(logged_in(), "k-1");
    s = hold(s, "k-2");
    ASSERT_EQ(s.expanded, "k-2") << "the contact just taken is open";
    EXPECT_TRUE(run(s, looking_away, T0).empty()) << "the messages of a contact just taken are not news";

    s = reduce(s, ContactEventMsg{msg("k-2", 4, "in view")});
    EXPECT_TRUE(run(s, looking_away, T0 + 1000).empty());

    s = reduce(s, ContactEventMsg{msg("k-1", 4, "Mi sente?")});
    auto a = run(s, looking_away, T0 + 2000);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].kind, notify::Kind::message);
    EXPECT_EQ(a[0].contact, "k-1");
    EXPECT_EQ(a[0].body, "Mi sente?");

    s = reduce(s, ContactEventMsg{msg("k-1", 5, "mine", Party::agent)});
    EXPECT_TRUE(run(s, looking_away, T0 + 3000).empty()) << "the agent's own messages do not alert";
}

TEST(Notify, AMessageWhileThePageIsHiddenAlertsEvenInTheExpandedPanel) {
    Observer run;
    ConsoleState s = hold(logged_in(), "k-1");
    run(s, looking_away, T0);
    s = reduce(s, ContactEventMsg{msg("k-1", 4, "hello?")});
    EXPECT_EQ(run(s, notify::Viewing{false, false}, T0 + 1000).size(), 1u);
}

TEST(Notify, SettingsChooseSoundAndDesktopAndBothOffReturnNothing) {
    Observer run;
    run.settings = notify::Settings{false, true};
    ConsoleState s = waiting(logged_in(), {pending("k-1", T0)});
    auto a = run(s, looking_away, T0);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_FALSE(a[0].sound);
    EXPECT_TRUE(a[0].desktop);

    run.settings = notify::Settings{false, false};
    s = reduce(s, event::Received{QueueChanged{T0 + 2000, 2, {pending("k-2", T0 + 2000)}, {}}, T0 + 2000});
    EXPECT_TRUE(run(s, looking_away, T0 + 2000).empty());
    EXPECT_EQ(run.t.notified, 2) << "the decision is still counted";
}

TEST(Notify, LoggingOutForgetsEverything) {
    Observer run;
    ConsoleState s = waiting(logged_in(), {pending("k-1", T0)});
    run(s, looking_away, T0);
    s = reduce(s, event::LoggedOut{});
    EXPECT_TRUE(run(s, looking_away, T0 + 1000).empty());
    EXPECT_EQ(run.t.notified, 0);
    EXPECT_TRUE(run.t.waiting.empty());
}

TEST(Notify, SettingsAndHelpAreInTheStateAndItsJson) {
    ConsoleState s = logged_in();
    auto j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["helpOpen"], false);
    EXPECT_EQ(j["notify"]["sound"], true);
    EXPECT_EQ(j["notify"]["desktop"], true);
    EXPECT_EQ(j["notify"]["notified"], 0);
    EXPECT_TRUE(j["notify"]["lastKind"].is_null());

    s = reduce(s, event::NotifySettingsChanged{notify::Settings{false, true}});
    s = reduce(s, event::HelpShown{true});
    s = waiting(s, {pending("k-1", T0)});
    notify::Tracker t = s.alerts;
    notify::observe(t, s, s.notify_settings, looking_away, T0);
    s.alerts = t;
    j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["helpOpen"], true);
    EXPECT_EQ(j["notify"]["sound"], false);
    EXPECT_EQ(j["notify"]["notified"], 1);
    EXPECT_EQ(j["notify"]["lastKind"], "contact");
    EXPECT_EQ(j["notify"]["unseen"], 1);

    s = reduce(s, event::LoggedOut{});
    EXPECT_FALSE(s.help_open);
}
