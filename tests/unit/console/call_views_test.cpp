// Calls in the console, headless: the media toolbar's clicks (offer video, the voice popup, cancel, end),
// the waiting message, the visitor's incoming call and its automatic answer on claim, the video area drawn
// from the platform's textures with its detach / mute / hang-up buttons, the voice call bar, notices, and the
// App driving a recording media engine (start, signals both ways, mute, connected, failed, hang up).
#include "console/automation.h"
#include "console/platform/headless/headless.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

struct RecordingMedia final : MediaEngine {
    struct Started {
        std::string contact;
        CallPlan plan;
        std::string ice;
    };
    void start(const std::string& contact, const CallPlan& plan, const std::string& ice) override {
        started.push_back({contact, plan, ice});
    }
    void signal(const std::string& contact, const std::string& json) override {
        signals.emplace_back(contact, json);
    }
    void set_muted(const std::string& contact, bool m) override { muted.emplace_back(contact, m); }
    void hangup(const std::string& contact) override { hangups.push_back(contact); }
    std::vector<Started> started;
    std::vector<std::pair<std::string, std::string>> signals;
    std::vector<std::pair<std::string, bool>> muted;
    std::vector<std::string> hangups;
};

ContactView contact(std::string id, std::uint64_t seq, ContactType type = ContactType::chat) {
    ContactView c;
    c.id = std::move(id);
    c.type = type;
    c.state = ContactState::assigned;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.site = Ref{"demo", "Demo shop"};
    c.customer = Customer{"Maria", "IT", false};
    c.created_at = T0;
    c.agent = Ref{"alice", "Alice Rossi"};
    c.color = "#2e86de";
    c.channels[Channel::chat] = ChannelState::active;
    c.channels[Channel::sharing] = ChannelState::available;
    c.channels[Channel::voice] = ChannelState::available;
    c.channels[Channel::video] = ChannelState::available;
    c.seq = seq;
    return c;
}

struct CallConsole {
    headless::Console c;
    RecordingMedia media;
    std::uint64_t seq = 2;
    std::vector<notify::Alert> alerts;

    CallConsole() {
        c.app.set_media(&media);
        c.app.set_alert_sink([this](const notify::Alert& a) { alerts.push_back(a); });
        c.app.start();
        c.app.on_open();
        Welcome w{"c1",
                  "tok",
                  AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3},
                  T0,
                  {},
                  {}};
        w.ice_servers = {IceServer{{"stun:stun.example.org:3478"}, "", ""}};
        feed(w);
    }
    void feed(ServerMessage m) {
        c.app.on_message(encode(m));
        c.frames(2);
    }
    // alice takes k-1 with this console's claim (its snapshot answers the claim's cid).
    void take(ContactType type = ContactType::chat, std::optional<Call> call = std::nullopt) {
        c.app.run(action::Claim{"k-1"});
        const std::string cid = last<ContactClaim>().cid;
        ContactView v = contact("k-1", 2, type);
        std::vector<ContactEvent> events{
            ContactEvent{"k-1", 1, T0, "", ev::Pending{T0 + 90'000}},
            ContactEvent{"k-1", 2, T0 + 500, "", ev::Assigned{{"alice", "Alice Rossi"}, v.channels}}};
        if (call) {
            events.push_back(ContactEvent{"k-1", 3, T0 + 600, "",
                                          ev::Media{Party::visitor, CallAction::offer, call->video}});
            events.push_back(ContactEvent{"k-1", 4, T0 + 600, "",
                                          ev::ChannelChanged{Channel::voice, ChannelState::connecting}});
            v.channels[Channel::voice] = ChannelState::connecting;
            if (call->video) {
                events.push_back(ContactEvent{"k-1", 5, T0 + 600, "",
                                              ev::ChannelChanged{Channel::video, ChannelState::connecting}});
                v.channels[Channel::video] = ChannelState::connecting;
            }
            v.call = call;
            seq = events.back().seq;
            v.seq = seq;
        }
        feed(ContactSnapshot{cid, T0 + 1000, v, events});
    }
    void event(EventBody body, std::string cid = "") {
        feed(ContactEventMsg{ContactEvent{"k-1", ++seq, T0 + 2000 + static_cast<std::int64_t>(seq) * 100,
                                          std::move(cid), std::move(body)}});
    }
    void media_event(Party from, CallAction action, bool video = false, std::string cid = "",
                     std::optional<CallFailure> reason = std::nullopt) {
        event(ev::Media{from, action, video, reason}, std::move(cid));
    }
    void channel(Channel ch, ChannelState st) { event(ev::ChannelChanged{ch, st}); }

    template <class T> std::vector<T> sent() const {
        std::vector<T> out;
        for (const auto& f : c.transport.sent) {
            auto m = decode_client(f);
            if (m && std::holds_alternative<T>(*m)) out.push_back(std::get<T>(*m));
        }
        return out;
    }
    template <class T> T last() const {
        auto all = sent<T>();
        if (all.empty()) throw std::runtime_error("nothing of that type sent");
        return all.back();
    }

    // The agent's video offer, answered by the visitor with (or without) their camera, then connected.
    void video_call(bool visitor_camera = true) {
        take();
        EXPECT_TRUE(c.click("panel.k-1.channel.video"));
        const auto offer = last<ContactMedia>();
        media_event(Party::agent, CallAction::offer, true, offer.cid);
        channel(Channel::voice, ChannelState::connecting);
        channel(Channel::video, ChannelState::connecting);
        media_event(Party::visitor, CallAction::accept, visitor_camera);
        c.app.on_call_connected("k-1");
        media_event(Party::agent, CallAction::connected, false, last<ContactMedia>().cid);
        channel(Channel::voice, ChannelState::active);
        channel(Channel::video, ChannelState::active);
    }
};
} // namespace

TEST(MediaToolbar, TheVideoIconOffersAVideoCallShowsTheWaitingMessageAndCancels) {
    CallConsole t;
    t.take();
    ASSERT_TRUE(t.c.drawn("panel.k-1.channel.video"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.call.waiting"));
    ASSERT_TRUE(t.c.click("panel.k-1.channel.video"));
    auto offers = t.sent<ContactMedia>();
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0].action, CallAction::offer);
    EXPECT_TRUE(offers[0].video);
    EXPECT_EQ(offers[0].contact, "k-1");
    EXPECT_EQ(offers[0].cid.rfind("m", 0), 0u) << "media cids are this console's own";

    t.media_event(Party::agent, CallAction::offer, true, offers[0].cid);
    t.channel(Channel::voice, ChannelState::connecting);
    t.channel(Channel::video, ChannelState::connecting);
    EXPECT_TRUE(t.c.drawn("panel.k-1.call.waiting")) << "Waiting for the customer to answer...";
    ASSERT_TRUE(t.c.click("panel.k-1.call.cancel"));
    EXPECT_EQ(t.last<ContactMedia>().action, CallAction::hangup);
    // The orange icon cancels too.
    ASSERT_TRUE(t.c.click("panel.k-1.channel.video"));
    EXPECT_EQ(t.sent<ContactMedia>().size(), 3u);
    EXPECT_EQ(t.last<ContactMedia>().action, CallAction::hangup);
    EXPECT_TRUE(t.media.started.empty()) << "nothing runs before the visitor accepts";

    // The visitor refuses: a notice in the panel, the icons back to dark grey and clickable again.
    t.media_event(Party::visitor, CallAction::refuse);
    t.channel(Channel::voice, ChannelState::available);
    t.channel(Channel::video, ChannelState::available);
    EXPECT_FALSE(t.c.drawn("panel.k-1.call.waiting"));
    ASSERT_TRUE(t.c.drawn("panel.k-1.call.notice"));
    EXPECT_EQ(find_contact(t.c.app.state(), "k-1")->call_notice, "The customer refused the video call");
    ASSERT_TRUE(t.c.click("panel.k-1.call.notice"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.call.notice"));
    ASSERT_TRUE(t.c.click("panel.k-1.channel.video"));
    EXPECT_EQ(t.last<ContactMedia>().action, CallAction::offer);
}

TEST(MediaToolbar, ThePhoneOffersABrowserCallThePstnChoiceIsDisabled) {
    CallConsole t;
    t.take();
    ASSERT_TRUE(t.c.click("panel.k-1.channel.voice"));
    EXPECT_TRUE(t.sent<ContactMedia>().empty()) << "the phone asks which kind of call first";
    ASSERT_TRUE(t.c.drawn("panel.k-1.voice.browser"));
    ASSERT_TRUE(t.c.drawn("panel.k-1.voice.pstn"));
    t.c.click("panel.k-1.voice.pstn");
    EXPECT_TRUE(t.sent<ContactMedia>().empty()) << "no telephony configured: disabled";
    if (!t.c.drawn("panel.k-1.voice.browser")) {
        ASSERT_TRUE(t.c.click("panel.k-1.channel.voice"));
    }
    ASSERT_TRUE(t.c.click("panel.k-1.voice.browser"));
    auto offer = t.last<ContactMedia>();
    EXPECT_EQ(offer.action, CallAction::offer);
    EXPECT_FALSE(offer.video);
    EXPECT_FALSE(t.c.drawn("panel.k-1.voice.browser")) << "the popup closes";
}

TEST(MediaToolbar, UnavailableChannelsCannotBeClicked) {
    CallConsole t;
    t.take();
    t.channel(Channel::video, ChannelState::unavailable);
    ASSERT_TRUE(t.c.click("panel.k-1.channel.video"));
    EXPECT_TRUE(t.sent<ContactMedia>().empty());
    t.channel(Channel::voice, ChannelState::unavailable);
    ASSERT_TRUE(t.c.click("panel.k-1.channel.voice"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.voice.browser"));
    EXPECT_TRUE(t.sent<ContactMedia>().empty());
}

TEST(Calls, AnAcceptedVideoCallRunsHereWithItsVideoAreaAndTheGreenIconEndsIt) {
    CallConsole t;
    t.video_call();
    ASSERT_EQ(t.media.started.size(), 1u);
    EXPECT_EQ(t.media.started[0].contact, "k-1");
    EXPECT_EQ(t.media.started[0].plan, (CallPlan{true, true, true}))
        << "the offerer creates the WebRTC offer";
    auto ice = nlohmann::json::parse(t.media.started[0].ice);
    EXPECT_EQ(ice["iceServers"][0]["urls"][0], "stun:stun.example.org:3478");
    EXPECT_EQ(ice["iceTransportPolicy"], "all");
    auto media = t.sent<ContactMedia>();
    ASSERT_EQ(media.size(), 2u);
    EXPECT_EQ(media[1].action, CallAction::connected) << "the engine's connected is reported once";
    t.c.app.on_call_connected("k-1");
    EXPECT_EQ(t.sent<ContactMedia>().size(), 2u);

    // Signals both ways: the engine's go out as contact.signal, the visitor's reach the engine.
    t.c.app.on_call_signal("k-1", R"({"sdp":{"type":"offer","sdp":"v=0\r\n"}})");
    auto signals = t.sent<ContactSignal>();
    ASSERT_EQ(signals.size(), 1u);
    ASSERT_TRUE(signals[0].signal.sdp);
    EXPECT_EQ(signals[0].signal.sdp->type, "offer");
    t.c.app.on_call_signal("k-1", R"({"nonsense":1})");
    EXPECT_EQ(t.sent<ContactSignal>().size(), 1u) << "not a signal: dropped";
    t.feed(
        ContactSignalNotice{"k-1", Party::visitor,
                            Signal{std::nullopt, IceCandidate{"candidate:1 1 udp 1 127.0.0.1 5000 typ host",
                                                              "0", 0, std::nullopt}}});
    ASSERT_EQ(t.media.signals.size(), 1u);
    auto sig = nlohmann::json::parse(t.media.signals[0].second);
    EXPECT_EQ(sig["candidate"]["sdpMid"], "0");

    // The video area: nothing to draw until the platform has frames, then the visitor's camera and the
    // preview.
    EXPECT_TRUE(t.c.drawn("panel.k-1.video"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.video.remote"));
    t.c.app.ui().videos["k-1"] = ContactVideo{VideoFeed{7, 640, 480}, VideoFeed{8, 320, 240}};
    t.c.frames(2);
    ASSERT_TRUE(t.c.drawn("panel.k-1.video.remote"));
    ASSERT_TRUE(t.c.drawn("panel.k-1.video.local"));
    auto remote = nlohmann::json::parse(automation::locate_json("panel.k-1.video.remote"));
    EXPECT_NEAR(remote["w"].get<float>() / remote["h"].get<float>(), 640.0f / 480.0f, 0.02f)
        << "the video keeps its aspect";
    auto area = nlohmann::json::parse(automation::locate_json("panel.k-1.video"));
    auto local = nlohmann::json::parse(automation::locate_json("panel.k-1.video.local"));
    EXPECT_LT(local["w"].get<float>(), area["w"].get<float>() / 2) << "the preview is small";
    EXPECT_GT(local["x"].get<float>(), area["x"].get<float>() + area["w"].get<float>() / 2)
        << "in the right corner";
    EXPECT_FALSE(t.c.drawn("panel.k-1.callbar")) << "a video call shows its video, not the voice bar";

    // Mute: the engine mutes, the button shows it.
    ASSERT_TRUE(t.c.click("panel.k-1.mute"));
    ASSERT_EQ(t.media.muted.size(), 1u);
    EXPECT_TRUE(t.media.muted[0].second);
    EXPECT_TRUE(find_contact(t.c.app.state(), "k-1")->muted);
    ASSERT_TRUE(t.c.click("panel.k-1.mute"));
    EXPECT_FALSE(t.media.muted.back().second);

    // Detach into its own window and back.
    ASSERT_TRUE(t.c.click("panel.k-1.video.toggle"));
    EXPECT_TRUE(t.c.drawn("panel.k-1.video.window"));
    EXPECT_TRUE(t.c.drawn("panel.k-1.video.attach"));
    EXPECT_TRUE(t.c.drawn("panel.k-1.video.remote")) << "drawn in the window";
    ASSERT_TRUE(t.c.click("panel.k-1.video.toggle"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.video.window"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.video.attach"));

    // The green video icon ends the call and returns to chat; the contact goes on.
    ASSERT_TRUE(t.c.click("panel.k-1.channel.video"));
    EXPECT_EQ(t.last<ContactMedia>().action, CallAction::hangup);
    t.media_event(Party::agent, CallAction::hangup, false, t.last<ContactMedia>().cid);
    t.channel(Channel::voice, ChannelState::available);
    t.channel(Channel::video, ChannelState::available);
    ASSERT_EQ(t.media.hangups.size(), 1u);
    EXPECT_FALSE(t.c.drawn("panel.k-1.video"));
    EXPECT_EQ(find_contact(t.c.app.state(), "k-1")->view.state, ContactState::assigned);
    EXPECT_TRUE(t.c.drawn("panel.k-1.input")) << "back to chat";
}

TEST(Calls, AVoiceCallShowsTheCallBarWithMuteAndHangUp) {
    CallConsole t;
    t.take();
    ASSERT_TRUE(t.c.click("panel.k-1.channel.voice"));
    ASSERT_TRUE(t.c.click("panel.k-1.voice.browser"));
    t.media_event(Party::agent, CallAction::offer, false, t.last<ContactMedia>().cid);
    t.media_event(Party::visitor, CallAction::accept, false);
    ASSERT_EQ(t.media.started.size(), 1u);
    EXPECT_EQ(t.media.started[0].plan, (CallPlan{true, false, false}));
    EXPECT_TRUE(t.c.drawn("panel.k-1.callbar"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.video"));
    t.media_event(Party::visitor, CallAction::connected);
    EXPECT_GE(t.c.app.redraw_in_ms(), 0) << "the call's clock runs";
    ASSERT_TRUE(t.c.click("panel.k-1.mute"));
    EXPECT_TRUE(t.media.muted.back().second);
    ASSERT_TRUE(t.c.click("panel.k-1.hangup"));
    EXPECT_EQ(t.last<ContactMedia>().action, CallAction::hangup);
}

TEST(Calls, AVideoCallContactTakenHereRingsAndIsAnsweredWithTheCamera) {
    CallConsole t;
    t.take(ContactType::video, Call{CallParty::visitor, true, CallPhase::offered, false});
    auto accepts = t.sent<ContactMedia>();
    ASSERT_EQ(accepts.size(), 1u) << "taking the contact is the answer";
    EXPECT_EQ(accepts[0].action, CallAction::accept);
    EXPECT_TRUE(accepts[0].video);
    ASSERT_FALSE(t.alerts.empty());
    EXPECT_EQ(t.alerts.back().kind, notify::Kind::call);
    EXPECT_TRUE(t.c.drawn("panel.k-1.call.answering"));
    EXPECT_FALSE(t.c.drawn("panel.k-1.call.accept")) << "nothing to click";

    t.media_event(Party::agent, CallAction::accept, true, accepts[0].cid);
    ASSERT_EQ(t.media.started.size(), 1u);
    EXPECT_EQ(t.media.started[0].plan, (CallPlan{false, true, true}))
        << "the visitor creates the WebRTC offer";
    EXPECT_EQ(t.sent<ContactMedia>().size(), 1u) << "answered once";
}

TEST(Calls, TheVisitorCallingDuringAChatIsAskedToTheAgent) {
    CallConsole t;
    t.take();
    t.media_event(Party::visitor, CallAction::offer, true);
    EXPECT_TRUE(t.sent<ContactMedia>().empty()) << "a chat's call is the agent's to answer";
    ASSERT_TRUE(t.c.drawn("panel.k-1.call.incoming"));
    ASSERT_FALSE(t.alerts.empty());
    EXPECT_EQ(t.alerts.back().kind, notify::Kind::call);
    ASSERT_TRUE(t.c.click("panel.k-1.call.accept-voice"));
    auto accept = t.last<ContactMedia>();
    EXPECT_EQ(accept.action, CallAction::accept);
    EXPECT_FALSE(accept.video) << "without the agent's camera";
    t.media_event(Party::agent, CallAction::accept, false, accept.cid);
    ASSERT_EQ(t.media.started.size(), 1u);
    EXPECT_EQ(t.media.started[0].plan, (CallPlan{false, false, true}));
}

TEST(Calls, AnEngineFailureEndsTheCallForBothAndIsShown) {
    CallConsole t;
    t.video_call();
    t.c.app.on_call_failed("k-1", "permission_denied");
    auto failed = t.last<ContactMedia>();
    EXPECT_EQ(failed.action, CallAction::failed);
    EXPECT_EQ(failed.reason, CallFailure::permission_denied);
    ASSERT_EQ(t.media.hangups.size(), 1u);
    t.c.frames(2);
    EXPECT_EQ(t.media.started.size(), 1u) << "not started again while the server ends it";
    t.media_event(Party::agent, CallAction::failed, false, failed.cid, CallFailure::permission_denied);
    EXPECT_EQ(t.media.hangups.size(), 1u);
    ASSERT_TRUE(t.c.drawn("panel.k-1.call.notice"));
    EXPECT_EQ(find_contact(t.c.app.state(), "k-1")->call_notice, "Camera or microphone permission denied");
    EXPECT_FALSE(t.c.drawn("panel.k-1.video"));
}

TEST(Calls, ClosingTheContactHangsUp) {
    CallConsole t;
    t.video_call(false);
    EXPECT_EQ(t.media.started[0].plan, (CallPlan{true, true, false}))
        << "voice-only acceptance: no video comes";
    t.c.frames(1);
    EXPECT_TRUE(t.c.drawn("panel.k-1.video"))
        << "the agent still sees the call's area (the visitor sees them)";
    t.event(ev::Closed{Outcome::successful});
    EXPECT_EQ(t.media.hangups.size(), 1u);
}

TEST(Calls, AReconnectDuringACallKeepsItRunning) {
    CallConsole t;
    t.video_call();
    ASSERT_EQ(t.media.started.size(), 1u);
    t.c.app.on_close();
    t.c.frames(2);
    EXPECT_TRUE(t.media.hangups.empty()) << "the WebRTC call does not need the socket";
    t.c.app.on_open();
    // The session resumes; the contact object still has the call going on, and its snapshot brings nothing
    // new.
    ContactView v = contact("k-1", t.seq);
    v.channels[Channel::voice] = ChannelState::active;
    v.channels[Channel::video] = ChannelState::active;
    v.call = Call{CallParty::agent, true, CallPhase::active, true};
    Welcome w{"c9",
              "tok",
              AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::paused, {"sales"}, {"en"}, 3},
              T0 + 9000,
              {v},
              {}};
    t.feed(w);
    t.feed(ContactSnapshot{"c10", T0 + 9000, v, {}}); // as a resume would answer
    EXPECT_TRUE(t.media.hangups.empty());
    EXPECT_EQ(t.media.started.size(), 1u) << "not started a second time";
    EXPECT_TRUE(t.c.app.call_running("k-1"));
    EXPECT_TRUE(t.c.drawn("panel.k-1.video"));
}
