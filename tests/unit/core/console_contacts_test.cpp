// The console model's contact handling: waiting list and server clock, held contacts with their transcript,
// sequence gaps, read marks, typing, panels, notices, and the automation JSON.
#include "core/console_state.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

AgentProfile alice() { return AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3}; }

ContactView pending(std::string id, std::int64_t created, std::int64_t dissuasion_ms = 90'000) {
    ContactView c;
    c.id = std::move(id);
    c.type = ContactType::chat;
    c.state = ContactState::pending;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.site = Ref{"demo", "Demo shop"};
    c.customer = Customer{"Maria", "IT", false};
    c.created_at = created;
    c.deadline = created + dissuasion_ms;
    c.color = "#2e86de";
    c.seq = 1;
    return c;
}

ContactView assigned(std::string id, std::uint64_t seq) {
    ContactView c = pending(std::move(id), T0);
    c.state = ContactState::assigned;
    c.deadline.reset();
    c.agent = Ref{"alice", "Alice Rossi"};
    c.channels[Channel::chat] = ChannelState::active;
    c.channels[Channel::sharing] = ChannelState::available;
    c.seq = seq;
    return c;
}

ContactEvent evt(std::string contact, std::uint64_t seq, EventBody body, std::int64_t at = T0) {
    return ContactEvent{std::move(contact), seq, at, "", std::move(body)};
}
ContactEvent msg(std::string contact, std::uint64_t seq, Party from, std::string text) {
    return evt(std::move(contact), seq, ev::Message{from, from == Party::agent ? "Alice Rossi" : "Maria", std::move(text)},
              T0 + static_cast<std::int64_t>(seq) * 1000);
}

ConsoleState logged_in() {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    return reduce(s, event::Received{Welcome{"c1", "tok", alice(), T0, {}, {}}, T0});
}

// A snapshot answering a claim: k-1 assigned to alice, with a visitor message.
ConsoleState holding(std::string id = "k-1") {
    ConsoleState s = logged_in();
    std::vector<ContactEvent> events{evt(id, 1, ev::Pending{T0 + 90'000}),
                                     evt(id, 2, ev::Assigned{{"alice", "Alice Rossi"}, assigned(id, 2).channels}, T0 + 500),
                                     msg(id, 3, Party::visitor, "Ciao, ho un problema 😀")};
    return reduce(s, event::Received{ContactSnapshot{"c2", T0 + 4000, assigned(id, 3), events}, T0 + 4000});
}

ServerMessage live(ContactEvent e) { return ContactEventMsg{std::move(e)}; }
} // namespace

TEST(ConsoleContacts, DissuasionProgressGoesFromZeroToOne) {
    EXPECT_DOUBLE_EQ(dissuasion_progress(1000, 11'000, 1000), 0.0);
    EXPECT_DOUBLE_EQ(dissuasion_progress(1000, 11'000, 6000), 0.5);
    EXPECT_DOUBLE_EQ(dissuasion_progress(1000, 11'000, 11'000), 1.0);
    EXPECT_DOUBLE_EQ(dissuasion_progress(1000, 11'000, 50'000), 1.0);
    EXPECT_DOUBLE_EQ(dissuasion_progress(1000, 11'000, 0), 0.0) << "a skewed clock never goes below 0";
    EXPECT_DOUBLE_EQ(dissuasion_progress(1000, std::nullopt, 50'000), 0.0) << "a weblead has no deadline";
    EXPECT_DOUBLE_EQ(dissuasion_progress(1000, 1000, 1000), 1.0);
}

TEST(ConsoleContacts, WaitingListAndServerClockOffset) {
    ConsoleState s = logged_in();
    // The server's clock is 5 s ahead of ours: countdowns use the server's time.
    s = reduce(s, event::Received{QueueWaiting{T0 + 45'000, {pending("k-1", T0), pending("k-2", T0 + 30'000)}}, T0 + 40'000});
    ASSERT_EQ(s.waiting.size(), 2u);
    EXPECT_EQ(s.server_offset_ms, 5000);
    EXPECT_EQ(server_now(s, T0 + 40'000), T0 + 45'000);
    auto j = nlohmann::json::parse(to_json(s, T0 + 40'000));
    EXPECT_EQ(j["waiting"]["count"], 2);
    EXPECT_EQ(j["waiting"]["contacts"][0]["id"], "k-1");
    EXPECT_EQ(j["waiting"]["contacts"][0]["customer"], "Maria");
    EXPECT_EQ(j["waiting"]["contacts"][0]["country"], "IT");
    EXPECT_EQ(j["waiting"]["contacts"][0]["returning"], false);
    EXPECT_EQ(j["waiting"]["contacts"][0]["service"], "Sales");
    EXPECT_EQ(j["waiting"]["contacts"][0]["language"], "en");
    EXPECT_EQ(j["waiting"]["contacts"][0]["site"], "Demo shop");
    EXPECT_EQ(j["waiting"]["contacts"][0]["type"], "chat");
    EXPECT_DOUBLE_EQ(j["waiting"]["contacts"][0]["progress"].get<double>(), 0.5);
    // After a reconnect the new `now` replaces the offset: the countdown stays right.
    s = reduce(s, event::SocketClosed{});
    s = reduce(s, event::SocketOpened{});
    s = reduce(s, event::Received{QueueWaiting{T0 + 60'000, {pending("k-1", T0)}}, T0 + 61'000});
    EXPECT_EQ(s.server_offset_ms, -1000);
    j = nlohmann::json::parse(to_json(s, T0 + 81'000));
    EXPECT_EQ(j["waiting"]["count"], 1);
    EXPECT_NEAR(j["waiting"]["contacts"][0]["progress"].get<double>(), 80.0 / 90.0, 1e-9);
}

std::vector<std::string> waiting_ids(const ConsoleState& s) {
    std::vector<std::string> ids;
    for (const auto& c : s.waiting) ids.push_back(c.id);
    return ids;
}

TEST(ConsoleContacts, QueueChangedUpsertsAddedAndErasesRemovedInWaitingOrder) {
    ConsoleState s = logged_in();
    s = reduce(s, event::Received{QueueWaiting{T0 + 45'000, {pending("k-2", T0 + 10'000), pending("k-5", T0 + 30'000)}},
                                  T0 + 45'000});
    // New ones go to their place by created_at, then id (k-3 and k-4 were created at the same millisecond).
    s = reduce(s, event::Received{QueueChanged{T0 + 46'000, 5,
                                               {pending("k-4", T0 + 20'000), pending("k-1", T0), pending("k-3", T0 + 20'000)},
                                               {}},
                                  T0 + 44'000});
    EXPECT_EQ(waiting_ids(s), (std::vector<std::string>{"k-1", "k-2", "k-3", "k-4", "k-5"}));
    EXPECT_EQ(s.server_offset_ms, 2000) << "queue.changed's `now` sets the server clock offset";

    // A listed one whose details changed replaces its copy (same place); removed ones go, unknown ids are ignored.
    ContactView moved = pending("k-3", T0 + 20'000);
    moved.page = Page{"https://shop.example/cart", "Cart"};
    moved.visitor_present = false;
    moved.seq = 3;
    s = reduce(s, event::Received{QueueChanged{T0 + 47'000, 3, {moved}, {"k-1", "k-4", "k-99"}}, T0 + 47'000});
    EXPECT_EQ(waiting_ids(s), (std::vector<std::string>{"k-2", "k-3", "k-5"}));
    EXPECT_EQ(s.waiting[1], moved);
    EXPECT_EQ(s.server_offset_ms, 0);
    auto j = nlohmann::json::parse(to_json(s, T0 + 47'000));
    EXPECT_EQ(j["waiting"]["count"], 3);
    EXPECT_EQ(j["waiting"]["contacts"][1]["id"], "k-3");

    // A contact both removed and added again in one change (listed again): it stays, as added.
    s = reduce(s, event::Received{QueueChanged{T0 + 48'000, 3, {pending("k-2", T0 + 10'000)}, {"k-2"}}, T0 + 48'000});
    EXPECT_EQ(waiting_ids(s), (std::vector<std::string>{"k-2", "k-3", "k-5"}));

    // Everything removed, then a whole queue.waiting replaces whatever was there (after a refused claim).
    s = reduce(s, event::Received{QueueChanged{T0 + 49'000, 0, {}, {"k-2", "k-3", "k-5"}}, T0 + 49'000});
    EXPECT_TRUE(s.waiting.empty());
    s = reduce(s, event::Received{QueueChanged{T0 + 50'000, 1, {pending("k-7", T0 + 49'000)}, {}}, T0 + 50'000});
    s = reduce(s, event::Received{QueueWaiting{T0 + 51'000, {pending("k-8", T0 + 50'500), pending("k-6", T0 + 40'000)}},
                                  T0 + 51'000});
    EXPECT_EQ(waiting_ids(s), (std::vector<std::string>{"k-6", "k-8"}));
    s = reduce(s, event::Received{QueueChanged{T0 + 52'000, 0, {}, {}}, T0 + 50'000});
    EXPECT_EQ(waiting_ids(s), (std::vector<std::string>{"k-6", "k-8"})) << "an empty change changes nothing";
    EXPECT_EQ(s.server_offset_ms, 2000);
}

TEST(ConsoleContacts, QueueChangedTeachesServiceColorsAndIsForgottenOnLogout) {
    ConsoleState s = logged_in();
    ContactView c = pending("k-1", T0);
    c.service = ServiceRef{"supporto", "Supporto", "it"};
    c.color = "#27ae60";
    s = reduce(s, ServerMessage{QueueChanged{T0, 1, {c}, {}}});
    EXPECT_EQ(s.service_colors.at("supporto"), "#27ae60");
    EXPECT_EQ(s.server_offset_ms, 0) << "a bare message: no local time, no offset";
    s = reduce(s, event::LoggedOut{});
    EXPECT_TRUE(s.waiting.empty());
}

TEST(ConsoleContacts, AClaimSnapshotBecomesAnExpandedPanelWithItsTranscript) {
    ConsoleState s = holding();
    ASSERT_EQ(s.contacts.size(), 1u);
    const HeldContact& h = s.contacts.front();
    EXPECT_EQ(s.expanded, "k-1");
    EXPECT_EQ(h.applied_seq, 3u);
    ASSERT_EQ(h.transcript.size(), 1u);
    EXPECT_EQ(h.transcript[0].text, "Ciao, ho un problema 😀");
    EXPECT_EQ(h.transcript[0].from, Party::visitor);
    EXPECT_EQ(h.unread, 1);
    EXPECT_EQ(h.started_at, T0 + 500);
    EXPECT_EQ(s.service_colors.at("sales"), "#2e86de") << "an untouched contact shows its service's default colour";
}

TEST(ConsoleContacts, SnapshotsOfOtherAgentsContactsAreIgnored) {
    ConsoleState s = logged_in();
    ContactView other = assigned("k-9", 2);
    other.agent = Ref{"bruno", "Bruno"};
    s = reduce(s, event::Received{ContactSnapshot{"", T0, other, {}}, T0});
    EXPECT_TRUE(s.contacts.empty());
}

TEST(ConsoleContacts, EventsApplyInOrderAndDuplicatesAreIgnored) {
    ConsoleState s = holding();
    s = reduce(s, live(msg("k-1", 4, Party::agent, "Buongiorno!")));
    s = reduce(s, live(msg("k-1", 4, Party::agent, "Buongiorno!"))); // the same event again
    s = reduce(s, live(evt("k-1", 5, ev::ColorChanged{"#dd5b62"})));
    s = reduce(s, live(evt("k-1", 6, ev::ChannelChanged{Channel::voice, ChannelState::available})));
    const HeldContact& h = s.contacts.front();
    EXPECT_EQ(h.transcript.size(), 2u);
    EXPECT_EQ(h.view.color, "#dd5b62");
    EXPECT_EQ(h.view.channels[Channel::voice], ChannelState::available);
    EXPECT_EQ(h.view.seq, 6u);
    EXPECT_FALSE(h.resume_needed);
}

TEST(ConsoleContacts, AGapAsksForAResumeAndTheSnapshotFillsIt) {
    ConsoleState s = holding();
    s = reduce(s, live(msg("k-1", 6, Party::visitor, "six")));
    EXPECT_TRUE(s.contacts.front().resume_needed);
    EXPECT_EQ(s.contacts.front().applied_seq, 3u) << "nothing after the gap is applied yet";
    s = reduce(s, event::ResumeSent{"k-1"});
    EXPECT_TRUE(s.contacts.front().resume_sent);
    // contact.resume after 3 answers with events 4..5 and the contact as it is now (seq 6).
    ContactView now = assigned("k-1", 6);
    s = reduce(s, event::Received{ContactSnapshot{"c3", T0 + 9000, now,
                                                  {msg("k-1", 4, Party::visitor, "four"), msg("k-1", 5, Party::agent, "five")}},
                                  T0 + 9000});
    const HeldContact& h = s.contacts.front();
    EXPECT_FALSE(h.resume_needed);
    ASSERT_EQ(h.transcript.size(), 4u);
    EXPECT_EQ(h.transcript[1].text, "four");
    EXPECT_EQ(h.transcript[2].text, "five");
    EXPECT_EQ(h.transcript[3].text, "six") << "the held-back event follows once the gap is filled";
    EXPECT_EQ(h.applied_seq, 6u);
    EXPECT_EQ(h.unread, 3);
}

TEST(ConsoleContacts, HeldContactsComeBackWithTheWelcomeAfterAReconnect) {
    ConsoleState s = logged_in();
    s = reduce(s, event::Received{Welcome{"c9", "tok", alice(), T0, {assigned("k-5", 7)}, {}}, T0});
    ASSERT_EQ(s.contacts.size(), 1u);
    EXPECT_TRUE(s.contacts.front().resume_needed) << "its transcript is fetched with contact.resume after 0";
    EXPECT_EQ(s.contacts.front().applied_seq, 0u);
    // A contact no longer held (the grace period ran out) disappears.
    s = reduce(s, event::Received{Welcome{"c10", "tok", alice(), T0, {}, {}}, T0});
    EXPECT_TRUE(s.contacts.empty());
}

TEST(ConsoleContacts, CollapsedPanelsFlashOnNewsUntilExpanded) {
    ConsoleState s = holding("k-1");
    ContactView second = assigned("k-2", 2);
    s = reduce(s, event::Received{ContactSnapshot{"c5", T0, second, {evt("k-2", 1, ev::Pending{T0}), evt("k-2", 2, ev::Assigned{})}}, T0});
    EXPECT_EQ(s.expanded, "k-2") << "the contact just taken opens";
    s = reduce(s, live(msg("k-1", 4, Party::visitor, "anyone?")));
    EXPECT_TRUE(s.contacts[0].flashing);
    EXPECT_FALSE(s.contacts[1].flashing);
    s = reduce(s, live(evt("k-1", 5, ev::ColorChanged{"#000000"})));
    s = reduce(s, event::Expand{"k-1"});
    EXPECT_EQ(s.expanded, "k-1");
    EXPECT_FALSE(s.contacts[0].flashing);
    auto j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["contacts"][0]["expanded"], true);
    EXPECT_EQ(j["contacts"][1]["expanded"], false);
}

TEST(ConsoleContacts, ReadMarksBothWays) {
    ConsoleState s = holding();
    s = reduce(s, event::ReadSent{"k-1", 3});
    EXPECT_EQ(s.contacts.front().unread, 0);
    s = reduce(s, live(msg("k-1", 4, Party::agent, "Mi dica")));
    s = reduce(s, live(evt("k-1", 5, ev::Read{Party::visitor, 4})));
    EXPECT_EQ(s.contacts.front().visitor_read_up_to, 4u);
    auto j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["contacts"][0]["recent"].back()["read"], true);
    EXPECT_EQ(j["contacts"][0]["unread"], 0);
}

TEST(ConsoleContacts, StatusIconsFollowTheVisitor) {
    ConsoleState s = holding();
    s = reduce(s, ServerMessage{ContactTypingNotice{"k-1", Party::visitor, true}});
    EXPECT_TRUE(s.contacts.front().visitor_typing);
    s = reduce(s, live(evt("k-1", 4, ev::Presence{false})));
    s = reduce(s, live(evt("k-1", 5, ev::PageChanged{{"https://shop.example/cart", "Cart"}})));
    s = reduce(s, live(evt("k-1", 6, ev::Idle{true})));
    auto j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["contacts"][0]["status"]["changingPage"], true);
    EXPECT_EQ(j["contacts"][0]["status"]["typing"], false) << "a visitor who leaves the page stops typing";
    EXPECT_EQ(j["contacts"][0]["status"]["idle"], true);
    EXPECT_EQ(j["contacts"][0]["page"], "https://shop.example/cart");
    s = reduce(s, live(msg("k-1", 7, Party::visitor, "back")));
    s = reduce(s, live(evt("k-1", 8, ev::Presence{true})));
    s = reduce(s, live(evt("k-1", 9, ev::Closed{Outcome::successful})));
    j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["contacts"][0]["status"]["idle"], false);
    EXPECT_EQ(j["contacts"][0]["status"]["closed"], true);
    EXPECT_EQ(j["contacts"][0]["state"], "closed");
    EXPECT_EQ(j["contacts"][0]["outcome"], "successful");
    s = reduce(s, event::Dismissed{"k-1"});
    EXPECT_TRUE(s.contacts.empty());
    EXPECT_TRUE(s.expanded.empty());
}

TEST(ConsoleContacts, AContactReturnedToTheQueueLeavesThePanels) {
    ConsoleState s = holding();
    s = reduce(s, live(evt("k-1", 4, ev::Returned{})));
    EXPECT_TRUE(s.contacts.empty());
}

TEST(ConsoleContacts, ALostClaimShowsAShortNotice) {
    ConsoleState s = logged_in();
    s = reduce(s, event::Received{Error{"c4", code::already_taken, "taken"}, T0 + 100});
    EXPECT_EQ(s.notice, "Another agent took that contact first.");
    EXPECT_EQ(s.notice_at, T0 + 100);
    EXPECT_EQ(nlohmann::json::parse(to_json(s))["notice"], "Another agent took that contact first.");
    s = reduce(s, event::ClaimSent{});
    EXPECT_TRUE(s.notice.empty());
}

TEST(ConsoleContacts, ServicesFromTheWelcomeGiveTheDefaultColour) {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    ServiceInfo sales{"sales", "Sales", "en", "#2e86de", {{"#27ae60", "Ready to buy"}}, {ContactType::chat}};
    s = reduce(s, event::Received{Welcome{"c1", "tok", alice(), T0, {}, {sales}}, T0});
    EXPECT_EQ(default_color(s, "sales"), "#2e86de");
    ASSERT_NE(find_service(s, "sales"), nullptr);
    EXPECT_EQ(find_service(s, "sales")->colors.size(), 1u);
    EXPECT_EQ(default_color(s, "nope"), "");
}

TEST(ConsoleContacts, LoggingOutForgetsContacts) {
    ConsoleState s = holding();
    s = reduce(s, event::LoggedOut{});
    EXPECT_TRUE(s.contacts.empty());
    EXPECT_TRUE(s.waiting.empty());
}
