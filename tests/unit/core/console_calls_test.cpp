// The console model's calls: media events folded into each held contact's call (who offered, accepted,
// active, video), this console's own calls (by cid), what its WebRTC side does (call_plan), the answer a
// Call / Video Call contact gets on claim, notices of refusals and failures, the ring, and the automation
// JSON.
#include "core/console_state.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

AgentProfile alice() {
    return AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3};
}

ContactView assigned(std::string id, std::uint64_t seq, ContactType type = ContactType::chat) {
    ContactView c;
    c.id = std::move(id);
    c.type = type;
    c.state = ContactState::assigned;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.customer = Customer{"Maria", "IT", false};
    c.created_at = T0;
    c.agent = Ref{"alice", "Alice Rossi"};
    c.channels[Channel::chat] = ChannelState::active;
    c.channels[Channel::sharing] = ChannelState::available;
    c.channels[Channel::voice] = ChannelState::available;
    c.channels[Channel::video] = ChannelState::available;
    c.seq = seq;
    return c;
}

ContactEvent evt(std::uint64_t seq, EventBody body, std::string cid = "", std::int64_t at = T0) {
    return ContactEvent{"k-1", seq, at == T0 ? T0 + static_cast<std::int64_t>(seq) * 1000 : at,
                        std::move(cid), std::move(body)};
}
ev::Media media(Party from, CallAction action, bool video = false,
                std::optional<CallFailure> reason = std::nullopt) {
    return ev::Media{from, action, video, reason};
}

ConsoleState logged_in() {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    Welcome w{"c1", "tok", alice(), T0, {}, {}};
    w.ice_servers = {IceServer{{"turn:turn.example.org:3478"}, "1764086400:alice", "secret"}};
    w.ice_transport_policy = "relay";
    return reduce(s, event::Received{w, T0});
}

// alice took k-1 (a chat) with this console's claim "c2".
ConsoleState holding(ContactType type = ContactType::chat, std::vector<ContactEvent> more = {},
                     std::optional<Call> call = std::nullopt) {
    ConsoleState s = reduce(logged_in(), event::ClaimSent{"c2"});
    std::vector<ContactEvent> events{
        evt(1, ev::Pending{T0 + 90'000}),
        evt(2, ev::Assigned{{"alice", "Alice Rossi"}, assigned("k-1", 2).channels})};
    ContactView c = assigned("k-1", 2, type);
    for (auto& e : more)
        events.push_back(std::move(e));
    c.seq = events.back().seq;
    c.call = call; // the contact object as the server sends it
    return reduce(s, event::Received{ContactSnapshot{"c2", T0 + 4000, c, events}, T0 + 4000});
}

ConsoleState apply(ConsoleState s, ContactEvent e) {
    return reduce(std::move(s), event::Received{ContactEventMsg{std::move(e)}, T0 + 5000});
}

const HeldContact& k1(const ConsoleState& s) {
    return *find_contact(s, "k-1");
}
} // namespace

TEST(ConsoleCalls, AVideoCallOfferedHereFromOfferToHangup) {
    ConsoleState s = holding();
    EXPECT_EQ(s.ice_transport_policy, "relay");
    ASSERT_EQ(s.ice_servers.size(), 1u);
    s = reduce(s, event::MediaSent{"k-1", "m-9", CallAction::offer});
    s = apply(s, evt(3, media(Party::agent, CallAction::offer, true), "m-9"));
    ASSERT_TRUE(k1(s).call);
    EXPECT_EQ(k1(s).call->call.phase, CallPhase::offered);
    EXPECT_EQ(k1(s).call->call.offerer, CallParty::agent);
    EXPECT_TRUE(k1(s).call->call.video);
    EXPECT_TRUE(k1(s).call->mine) << "the offer carries this console's cid";
    EXPECT_FALSE(call_plan(k1(s))) << "nothing to run before the visitor answers";
    ASSERT_TRUE(k1(s).view.call) << "the contact object follows the events";
    EXPECT_EQ(k1(s).view.call->phase, CallPhase::offered);
    s = apply(s, evt(4, ev::ChannelChanged{Channel::voice, ChannelState::connecting}));
    s = apply(s, evt(5, ev::ChannelChanged{Channel::video, ChannelState::connecting}));
    EXPECT_EQ(k1(s).view.channels[Channel::video], ChannelState::connecting);

    // The visitor accepts with their camera: this console creates the WebRTC offer, sending and receiving
    // video.
    s = apply(s, evt(6, media(Party::visitor, CallAction::accept, true)));
    EXPECT_EQ(k1(s).call->call.phase, CallPhase::accepted);
    EXPECT_TRUE(k1(s).call->call.accepter_video);
    auto plan = call_plan(k1(s));
    ASSERT_TRUE(plan);
    EXPECT_EQ(*plan, (CallPlan{true, true, true}));

    s = apply(s, evt(7, media(Party::agent, CallAction::connected)));
    EXPECT_EQ(k1(s).call->call.phase, CallPhase::active);
    EXPECT_EQ(k1(s).call->active_at, T0 + 7000);
    EXPECT_EQ(call_plan(k1(s)), plan) << "still the same call";
    s = reduce(s, event::MuteSet{"k-1", true});
    EXPECT_TRUE(k1(s).muted);

    auto j = nlohmann::json::parse(to_json(s));
    const auto& call = j["contacts"][0]["call"];
    EXPECT_EQ(call["state"], "active");
    EXPECT_EQ(call["offerer"], "agent");
    EXPECT_EQ(call["video"], true);
    EXPECT_EQ(call["accepterVideo"], true);
    EXPECT_EQ(call["mine"], true);
    EXPECT_EQ(call["muted"], true);
    EXPECT_EQ(call["activeAt"], T0 + 7000);
    EXPECT_EQ(j["contacts"][0]["callNotice"], "");

    s = apply(s, evt(8, media(Party::agent, CallAction::hangup)));
    EXPECT_FALSE(k1(s).call);
    EXPECT_FALSE(k1(s).view.call);
    EXPECT_FALSE(call_plan(k1(s)));
    EXPECT_EQ(k1(s).view.state, ContactState::assigned) << "the contact goes on";
    EXPECT_TRUE(nlohmann::json::parse(to_json(s))["contacts"][0]["call"].is_null());
    EXPECT_EQ(k1(s).transcript.back().text, "You ended the video call");
}

TEST(ConsoleCalls, VoiceOnlyAcceptanceAndAnotherTabsCall) {
    ConsoleState s = holding();
    // The visitor accepts a video call without camera: still a video call, the agent receives no video.
    s = reduce(s, event::MediaSent{"k-1", "m-1", CallAction::offer});
    s = apply(s, evt(3, media(Party::agent, CallAction::offer, true), "m-1"));
    s = apply(s, evt(4, media(Party::visitor, CallAction::accept, false)));
    EXPECT_TRUE(k1(s).call->call.video);
    EXPECT_EQ(call_plan(k1(s)), (CallPlan{true, true, false}));
    s = apply(s, evt(5, media(Party::visitor, CallAction::hangup)));
    EXPECT_EQ(k1(s).transcript.back().text, "Maria ended the video call");

    // The same agent offered from another tab (a cid this console never sent): shown, not run here.
    s = apply(s, evt(6, media(Party::agent, CallAction::offer, false), "m-other-1"));
    s = apply(s, evt(7, media(Party::visitor, CallAction::accept, false)));
    ASSERT_TRUE(k1(s).call);
    EXPECT_FALSE(k1(s).call->mine);
    EXPECT_FALSE(call_plan(k1(s)));
}

TEST(ConsoleCalls, RefusalsAndFailuresLeaveANoticeUntilDismissedOrANewOffer) {
    ConsoleState s = holding();
    s = reduce(s, event::MediaSent{"k-1", "m-1", CallAction::offer});
    s = apply(s, evt(3, media(Party::agent, CallAction::offer, true), "m-1"));
    s = apply(s, evt(4, media(Party::visitor, CallAction::refuse)));
    EXPECT_FALSE(k1(s).call);
    EXPECT_EQ(k1(s).call_notice, "The customer refused the video call");
    EXPECT_EQ(nlohmann::json::parse(to_json(s))["contacts"][0]["callNotice"],
              "The customer refused the video call");
    s = reduce(s, event::CallNoticeDismissed{"k-1"});
    EXPECT_EQ(k1(s).call_notice, "");

    s = reduce(s, event::MediaSent{"k-1", "m-2", CallAction::offer});
    s = apply(s, evt(5, media(Party::agent, CallAction::offer, false), "m-2"));
    s = apply(s, evt(6, media(Party::visitor, CallAction::accept, false)));
    s = apply(s, evt(7, media(Party::visitor, CallAction::failed, false, CallFailure::permission_denied)));
    EXPECT_FALSE(k1(s).call);
    EXPECT_EQ(k1(s).call_notice, "The customer's camera or microphone permission was denied");
    s = reduce(s, event::MediaSent{"k-1", "m-3", CallAction::offer});
    EXPECT_EQ(k1(s).call_notice, "") << "a new offer clears the notice";
    s = apply(s, evt(8, media(Party::agent, CallAction::offer, true), "m-3"));
    s = apply(s, evt(9, media(Party::visitor, CallAction::accept, true)));
    s = apply(s, evt(10, media(Party::agent, CallAction::failed, false, CallFailure::permission_denied)));
    EXPECT_EQ(k1(s).call_notice, "Camera or microphone permission denied");

    EXPECT_EQ(call_failure_text(Party::agent, CallFailure::network), "The call could not connect (network)");
    EXPECT_EQ(call_failure_text(Party::visitor, CallFailure::unsupported),
              "The customer's browser cannot make calls");
    EXPECT_EQ(call_failure_text(Party::agent, CallFailure::no_device), "No usable camera or microphone");
}

TEST(ConsoleCalls, AVideoCallContactTakenHereIsAnsweredOnceAndRings) {
    // The claim's snapshot brings the visitor's offer.
    ConsoleState s = holding(ContactType::video, {evt(3, media(Party::visitor, CallAction::offer, true))},
                             Call{CallParty::visitor, true, CallPhase::offered, false});
    ASSERT_TRUE(k1(s).call);
    EXPECT_EQ(k1(s).call->call.offerer, CallParty::visitor);
    EXPECT_TRUE(should_auto_answer(k1(s)));
    EXPECT_TRUE(s.claim_cids.empty()) << "the claim was answered";

    notify::Tracker t;
    auto alerts = notify::observe(t, s, notify::Settings{}, notify::Viewing{}, T0 + 5000);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].kind, notify::Kind::call);
    EXPECT_EQ(alerts[0].title, "Incoming video call");
    EXPECT_EQ(alerts[0].body, "Maria");
    EXPECT_TRUE(notify::observe(t, s, notify::Settings{}, notify::Viewing{}, T0 + 6000).empty())
        << "rings once";

    s = reduce(s, event::MediaSent{"k-1", "m-1", CallAction::accept});
    EXPECT_FALSE(should_auto_answer(k1(s))) << "answered once";
    s = apply(s, evt(4, media(Party::agent, CallAction::accept, true), "m-1"));
    EXPECT_TRUE(k1(s).call->mine) << "accepted by this console";
    EXPECT_EQ(call_plan(k1(s)), (CallPlan{false, true, true})) << "the visitor creates the WebRTC offer";

    // A later call of the visitor is the agent's to answer.
    s = apply(s, evt(5, media(Party::agent, CallAction::hangup)));
    s = apply(s, evt(6, media(Party::visitor, CallAction::offer, false)));
    EXPECT_FALSE(should_auto_answer(k1(s)));
    alerts = notify::observe(t, s, notify::Settings{}, notify::Viewing{}, T0 + 7000);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].title, "Incoming call");
}

TEST(ConsoleCalls, OnlyTheConsoleThatTookTheContactAnswersByItself) {
    // A chat contact's visitor calling is not answered by itself.
    ConsoleState s = holding(ContactType::chat, {evt(3, media(Party::visitor, CallAction::offer, false))},
                             Call{CallParty::visitor, false, CallPhase::offered, false});
    ASSERT_TRUE(k1(s).call);
    EXPECT_FALSE(should_auto_answer(k1(s)));

    // A call contact loaded by another tab of the same agent (its snapshot answers no claim of this console).
    ConsoleState other = logged_in();
    ContactView c = assigned("k-1", 3, ContactType::call);
    c.call = Call{CallParty::visitor, false, CallPhase::offered, false};
    other = reduce(other, event::Received{ContactSnapshot{"c-9", T0, c, {}}, T0});
    ASSERT_TRUE(k1(other).call) << "the contact object's call is adopted";
    EXPECT_EQ(k1(other).call->call.offerer, CallParty::visitor);
    EXPECT_FALSE(should_auto_answer(k1(other)));
}

TEST(ConsoleCalls, ClosingTheContactEndsItsCall) {
    ConsoleState s = holding();
    s = reduce(s, event::MediaSent{"k-1", "m-1", CallAction::offer});
    s = apply(s, evt(3, media(Party::agent, CallAction::offer, false), "m-1"));
    s = apply(s, evt(4, media(Party::visitor, CallAction::accept, false)));
    s = apply(s, evt(5, media(Party::visitor, CallAction::connected)));
    ASSERT_TRUE(call_plan(k1(s)));
    s = apply(s, evt(6, ev::Closed{Outcome::successful}));
    EXPECT_FALSE(k1(s).call);
    EXPECT_FALSE(call_plan(k1(s)));
}

TEST(ConsoleCalls, AResumeKeepsWhatThisConsoleKnowsAboutItsCall) {
    ConsoleState s = holding();
    s = reduce(s, event::MediaSent{"k-1", "m-1", CallAction::offer});
    s = apply(s, evt(3, media(Party::agent, CallAction::offer, true), "m-1"));
    // The socket dropped; the resume's snapshot says the call was accepted and connected meanwhile.
    s = reduce(s, event::SocketClosed{});
    s = reduce(s, event::SocketOpened{});
    ContactView c = assigned("k-1", 5);
    c.call = Call{CallParty::agent, true, CallPhase::active, true};
    s = reduce(s, event::Received{ContactSnapshot{"c7",
                                                  T0 + 9000,
                                                  c,
                                                  {evt(4, media(Party::visitor, CallAction::accept, true)),
                                                   evt(5, media(Party::visitor, CallAction::connected))}},
                                  T0 + 9000});
    ASSERT_TRUE(k1(s).call);
    EXPECT_TRUE(k1(s).call->mine);
    EXPECT_EQ(k1(s).call->call.phase, CallPhase::active);
    EXPECT_EQ(k1(s).call->active_at, T0 + 5000);
    EXPECT_EQ(call_plan(k1(s)), (CallPlan{true, true, true}));

    // A contact object with another call than the one followed: nothing of the old one applies.
    c.seq = 9;
    c.call = Call{CallParty::visitor, false, CallPhase::offered, false};
    s = reduce(s, event::Received{ContactSnapshot{"c8", T0 + 9500, c, {}}, T0 + 9500});
    EXPECT_FALSE(k1(s).call->mine);
    EXPECT_EQ(k1(s).call->call.offerer, CallParty::visitor);
}
