// plan_call: which contact.media actions are allowed and which channel states they lead to.
#include "core/call.h"

#include <gtest/gtest.h>

using namespace sb;

namespace {

Contact assigned(ChannelState voice = ChannelState::available, ChannelState video = ChannelState::available) {
    Contact c;
    c.state = ContactState::assigned;
    c.channels[Channel::chat] = ChannelState::active;
    c.channels[Channel::voice] = voice;
    c.channels[Channel::video] = video;
    return c;
}

// Applies a step's channel changes, as the server does.
void apply(Contact& c, std::optional<Call>& call, const CallStep& s) {
    call = s.call;
    for (auto [ch, st] : s.channels) c.channels[ch] = st;
}

} // namespace

TEST(Call, AVideoCallFromOfferToHangup) {
    Contact c = assigned();
    std::optional<Call> call;
    auto offer = plan_call(c, call, CallParty::agent, CallAction::offer, true);
    ASSERT_TRUE(offer);
    apply(c, call, *offer);
    EXPECT_EQ(c.channels[Channel::voice], ChannelState::connecting);
    EXPECT_EQ(c.channels[Channel::video], ChannelState::connecting);
    EXPECT_EQ(call->phase, CallPhase::offered);

    EXPECT_EQ(plan_call(c, call, CallParty::agent, CallAction::accept, true).error(), CallError::no_call);
    EXPECT_EQ(plan_call(c, call, CallParty::visitor, CallAction::connected, false).error(), CallError::no_call);
    auto accept = plan_call(c, call, CallParty::visitor, CallAction::accept, false);
    ASSERT_TRUE(accept);
    apply(c, call, *accept);
    EXPECT_EQ(call->phase, CallPhase::accepted);
    EXPECT_FALSE(call->accepter_video);
    EXPECT_TRUE(accept->channels.empty()); // still connecting until WebRTC connects

    auto connected = plan_call(c, call, CallParty::visitor, CallAction::connected, false);
    ASSERT_TRUE(connected);
    apply(c, call, *connected);
    EXPECT_EQ(c.channels[Channel::voice], ChannelState::active);
    EXPECT_EQ(c.channels[Channel::video], ChannelState::active);
    auto again = plan_call(c, call, CallParty::agent, CallAction::connected, false);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->changed);

    EXPECT_EQ(plan_call(c, call, CallParty::visitor, CallAction::offer, false).error(), CallError::media_busy);
    auto hangup = plan_call(c, call, CallParty::visitor, CallAction::hangup, false);
    ASSERT_TRUE(hangup);
    apply(c, call, *hangup);
    EXPECT_FALSE(call);
    EXPECT_EQ(c.channels[Channel::voice], ChannelState::available);
    EXPECT_EQ(c.channels[Channel::video], ChannelState::available);
    EXPECT_EQ(c.channels[Channel::chat], ChannelState::active);
}

TEST(Call, AVoiceCallLeavesVideoAlone) {
    Contact c = assigned();
    std::optional<Call> call;
    auto offer = plan_call(c, call, CallParty::visitor, CallAction::offer, false);
    ASSERT_TRUE(offer);
    apply(c, call, *offer);
    EXPECT_EQ(c.channels[Channel::video], ChannelState::available);
    auto refuse = plan_call(c, call, CallParty::agent, CallAction::refuse, false);
    ASSERT_TRUE(refuse);
    apply(c, call, *refuse);
    EXPECT_EQ(c.channels[Channel::voice], ChannelState::available);
    EXPECT_EQ(refuse->channels.size(), 1u);
}

TEST(Call, RefusalsOfImpossibleCalls) {
    std::optional<Call> none;
    Contact pending;
    EXPECT_EQ(plan_call(pending, none, CallParty::agent, CallAction::offer, false).error(), CallError::not_assigned);
    Contact no_camera = assigned(ChannelState::available, ChannelState::unavailable);
    EXPECT_EQ(plan_call(no_camera, none, CallParty::agent, CallAction::offer, true).error(), CallError::medium_unsupported);
    EXPECT_TRUE(plan_call(no_camera, none, CallParty::agent, CallAction::offer, false));
    Contact no_webrtc = assigned(ChannelState::unavailable, ChannelState::unavailable);
    EXPECT_EQ(plan_call(no_webrtc, none, CallParty::agent, CallAction::offer, false).error(), CallError::medium_unsupported);
    Contact phone_leg = assigned(ChannelState::connecting, ChannelState::unavailable); // a callback's telephony
    EXPECT_EQ(plan_call(phone_leg, none, CallParty::agent, CallAction::offer, false).error(), CallError::media_busy);
    Contact c = assigned();
    for (CallAction a : {CallAction::accept, CallAction::refuse, CallAction::connected, CallAction::hangup, CallAction::failed})
        EXPECT_EQ(plan_call(c, none, CallParty::agent, a, false).error(), CallError::no_call) << to_string(a);
}

TEST(Call, CallAndVideoContactsStartWithTheVisitorsOffer) {
    EXPECT_FALSE(initial_call(ContactType::chat));
    EXPECT_FALSE(initial_call(ContactType::callback));
    EXPECT_EQ(initial_call(ContactType::call), (Call{CallParty::visitor, false, CallPhase::offered, false}));
    EXPECT_EQ(initial_call(ContactType::video), (Call{CallParty::visitor, true, CallPhase::offered, false}));
}

TEST(Call, NamesRoundTrip) {
    for (auto a : {CallAction::offer, CallAction::accept, CallAction::refuse, CallAction::connected, CallAction::hangup,
                   CallAction::failed})
        EXPECT_EQ(call_action_from(to_string(a)), a);
    for (auto f : {CallFailure::permission_denied, CallFailure::no_device, CallFailure::unsupported, CallFailure::network})
        EXPECT_EQ(call_failure_from(to_string(f)), f);
    EXPECT_FALSE(call_action_from("ring"));
}
