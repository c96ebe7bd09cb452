// Contact values: names of the media vocabulary, initial channel states, transitions, services, the clock.
#include "core/clock.h"
#include "core/contact.h"
#include "core/router.h"
#include "core/service.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace sb;
using namespace std::chrono_literals;

namespace {
const std::vector<ContactType> every_medium{ContactType::chat, ContactType::callback, ContactType::call,
                                            ContactType::video, ContactType::weblead};
using S = ChannelState;
} // namespace

TEST(MediaNames, RoundTripAndRefuseUnknownNames) {
    for (auto t : all_contact_types) EXPECT_EQ(contact_type_from(to_string(t)), t);
    for (auto c : all_channels) EXPECT_EQ(channel_from(to_string(c)), c);
    for (auto s : {S::unavailable, S::available, S::connecting, S::active})
        EXPECT_EQ(channel_state_from(to_string(s)), s);
    for (auto s : {ContactState::pending, ContactState::assigned, ContactState::closed})
        EXPECT_EQ(contact_state_from(to_string(s)), s);
    for (auto o : {Outcome::successful, Outcome::no_interaction, Outcome::dissuaded, Outcome::abandoned,
                   Outcome::cancelled, Outcome::unfinalized})
        EXPECT_EQ(outcome_from(to_string(o)), o);
    EXPECT_FALSE(contact_type_from("Chat"));
    EXPECT_FALSE(channel_from(""));
    EXPECT_FALSE(channel_state_from("busy"));
    EXPECT_FALSE(outcome_from("transferred"));
    EXPECT_FALSE(contact_state_from("open"));
}

TEST(MediaNames, RouteErrorNamesAreDistinct) {
    std::set<std::string> names;
    for (int e = 0; e <= static_cast<int>(RouteError::in_use); ++e)
        names.insert(std::string(to_string(static_cast<RouteError>(e))));
    EXPECT_EQ(names.size(), static_cast<std::size_t>(RouteError::in_use) + 1);
    EXPECT_EQ(to_string(RouteError::at_capacity), "at_capacity");
}

TEST(InitialChannels, AChatIsActiveWithSharingAvailable) {
    auto ch = initial_channels(ContactType::chat, {}, every_medium);
    EXPECT_EQ(ch[Channel::chat], S::active);
    EXPECT_EQ(ch[Channel::sharing], S::available);
    EXPECT_EQ(ch[Channel::voice], S::unavailable); // no WebRTC in this browser
    EXPECT_EQ(ch[Channel::video], S::unavailable);
}

TEST(InitialChannels, VoiceAndVideoNeedTheVisitorAndTheService) {
    const VisitorCapabilities webrtc{true, true, false};
    auto all = initial_channels(ContactType::chat, webrtc, every_medium);
    EXPECT_EQ(all[Channel::voice], S::available);
    EXPECT_EQ(all[Channel::video], S::available);
    auto chat_only = initial_channels(ContactType::chat, webrtc, {ContactType::chat});
    EXPECT_EQ(chat_only[Channel::voice], S::unavailable);
    EXPECT_EQ(chat_only[Channel::video], S::unavailable);
    auto with_call = initial_channels(ContactType::chat, webrtc, {ContactType::chat, ContactType::call});
    EXPECT_EQ(with_call[Channel::voice], S::available);
    EXPECT_EQ(with_call[Channel::video], S::unavailable);
    auto mic_only = initial_channels(ContactType::chat, {true, false, false}, every_medium);
    EXPECT_EQ(mic_only[Channel::voice], S::available);
    EXPECT_EQ(mic_only[Channel::video], S::unavailable);
}

TEST(InitialChannels, CallsConnectTheirMedia) {
    auto call = initial_channels(ContactType::call, {true, false, false}, every_medium);
    EXPECT_EQ(call[Channel::voice], S::connecting);
    EXPECT_EQ(call[Channel::video], S::unavailable);
    EXPECT_EQ(call[Channel::chat], S::available);
    EXPECT_EQ(call[Channel::sharing], S::available);
    auto upgradable = initial_channels(ContactType::call, {true, true, false}, every_medium);
    EXPECT_EQ(upgradable[Channel::video], S::available);
    auto video = initial_channels(ContactType::video, {true, true, false}, every_medium);
    EXPECT_EQ(video[Channel::voice], S::connecting);
    EXPECT_EQ(video[Channel::video], S::connecting);
    auto callback = initial_channels(ContactType::callback, {true, true, true}, every_medium);
    EXPECT_EQ(callback[Channel::voice], S::connecting);
    EXPECT_EQ(callback[Channel::video], S::unavailable);
}

TEST(InitialChannels, AWebleadHasNoLiveChannel) {
    EXPECT_EQ(initial_channels(ContactType::weblead, {true, true, true}, every_medium), ChannelStates{});
}

TEST(VisitorCapabilitiesCheck, EachTypeNeedsWhatItUses) {
    EXPECT_TRUE(visitor_can(ContactType::chat, {}));
    EXPECT_TRUE(visitor_can(ContactType::weblead, {}));
    EXPECT_FALSE(visitor_can(ContactType::call, {}));
    EXPECT_TRUE(visitor_can(ContactType::call, {true, false, false}));
    EXPECT_FALSE(visitor_can(ContactType::video, {true, false, false}));
    EXPECT_TRUE(visitor_can(ContactType::video, {true, true, false}));
    EXPECT_FALSE(visitor_can(ContactType::callback, {true, true, false}));
    EXPECT_TRUE(visitor_can(ContactType::callback, {false, false, true}));
}

TEST(ChannelTransitions, FollowTheConsoleLifecycle) {
    EXPECT_TRUE(channel_transition_allowed(S::available, S::connecting));
    EXPECT_TRUE(channel_transition_allowed(S::available, S::active));
    EXPECT_TRUE(channel_transition_allowed(S::connecting, S::active));
    EXPECT_TRUE(channel_transition_allowed(S::connecting, S::available));
    EXPECT_TRUE(channel_transition_allowed(S::active, S::available));
    EXPECT_TRUE(channel_transition_allowed(S::active, S::unavailable));
    EXPECT_TRUE(channel_transition_allowed(S::active, S::active));
    EXPECT_FALSE(channel_transition_allowed(S::unavailable, S::available));
    EXPECT_FALSE(channel_transition_allowed(S::unavailable, S::active));
    EXPECT_FALSE(channel_transition_allowed(S::active, S::connecting));
    EXPECT_TRUE(channel_transition_allowed(S::available, S::available));
}

TEST(ServiceDefinition, AllowsOnlyItsMedia) {
    Service s;
    s.id = "s";
    s.media = {ContactType::chat, ContactType::weblead};
    EXPECT_TRUE(s.allows(ContactType::chat));
    EXPECT_FALSE(s.allows(ContactType::video));
    EXPECT_TRUE(service_problem(s).empty());
}

TEST(ServiceDefinition, ColorsAreHashAndSixHexDigits) {
    EXPECT_TRUE(is_color("#316078"));
    EXPECT_TRUE(is_color("#DD5b62"));
    EXPECT_FALSE(is_color("316078"));
    EXPECT_FALSE(is_color("#31607"));
    EXPECT_FALSE(is_color("#31607g"));
    EXPECT_FALSE(is_color(""));
}

TEST(FakeClockTime, MovesOnlyWhenTold) {
    FakeClock clock(from_epoch_ms(1000));
    EXPECT_EQ(to_epoch_ms(clock.now()), 1000);
    clock.advance(250ms);
    EXPECT_EQ(to_epoch_ms(clock.now()), 1250);
    clock.set(from_epoch_ms(5));
    EXPECT_EQ(to_epoch_ms(clock.now()), 5);
    SystemClock system;
    EXPECT_GT(to_epoch_ms(system.now()), 1'600'000'000'000);
}
