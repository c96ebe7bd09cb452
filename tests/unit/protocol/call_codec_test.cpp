// Calls on the wire (docs/protocol.md, "Calls"): contact.media, contact.signal, media events, ICE servers.
#include "protocol/codec.h"

#include <gtest/gtest.h>

using namespace sb;
using namespace sb::protocol;

TEST(CallCodec, CommandsRoundTrip) {
    Signal sdp{SessionDescription{"offer", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}, std::nullopt};
    Signal cand{std::nullopt, IceCandidate{"candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "0", 0, "abcd"}};
    Signal bare{std::nullopt, IceCandidate{"", std::nullopt, std::nullopt, std::nullopt}}; // Firefox's last one
    std::vector<ClientMessage> all{
        ContactMedia{"m1", "k-17", CallAction::offer, true, std::nullopt},
        ContactMedia{"m2", "k-17", CallAction::accept, false, std::nullopt},
        ContactMedia{"", "k-17", CallAction::connected, false, std::nullopt},
        ContactMedia{"m3", "k-17", CallAction::failed, false, CallFailure::permission_denied},
        ContactSignal{"", "k-17", sdp},
        ContactSignal{"", "k-17", cand},
        ContactSignal{"", "k-17", bare},
        ContactSignal{"", "k-17", Signal{}}, // end of candidates
    };
    for (const auto& m : all) {
        auto back = decode_client(encode(m));
        ASSERT_TRUE(back) << back.error().message << "\n" << encode(m);
        EXPECT_EQ(encode(*back), encode(m));
    }
    auto s = decode_client(encode(ClientMessage{ContactSignal{"", "k-17", cand}}));
    EXPECT_EQ(std::get<ContactSignal>(*s).signal, cand);
}

TEST(CallCodec, DecodesTheDocumentedFrames) {
    auto m = decode_client(R"({"v":1,"type":"contact.media","cid":"m1","contact":"k-17","action":"offer","video":true})");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(std::get<ContactMedia>(*m).action, CallAction::offer);
    EXPECT_TRUE(std::get<ContactMedia>(*m).video);
    auto c = decode_client(R"({"v":1,"type":"contact.signal","contact":"k-17","signal":{"candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host",
        "sdpMid":"0","sdpMLineIndex":0}}})");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(std::get<ContactSignal>(*c).signal.candidate->sdp_mline_index, 0);
    auto end = decode_client(R"({"v":1,"type":"contact.signal","contact":"k-17","signal":{"candidate":null}})");
    ASSERT_TRUE(end) << end.error().message;
    EXPECT_FALSE(std::get<ContactSignal>(*end).signal.candidate);
    auto n = decode_server(R"({"v":1,"type":"contact.signal","contact":"k-17","from":"visitor","signal":{"sdp":{"type":"answer","sdp":"v=0"}}})");
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(std::get<ContactSignalNotice>(*n).from, Party::visitor);
    EXPECT_EQ(std::get<ContactSignalNotice>(*n).signal.sdp->type, "answer");
}

TEST(CallCodec, RefusesBadCallFrames) {
    const char* bad[] = {
        R"({"v":1,"type":"contact.media","contact":"k-17"})",                                    // no action
        R"({"v":1,"type":"contact.media","contact":"k-17","action":"ring"})",                    // unknown action
        R"({"v":1,"type":"contact.media","contact":"k-17","action":"failed"})",                  // failed without reason
        R"({"v":1,"type":"contact.media","contact":"k-17","action":"failed","reason":"tired"})", // unknown reason
        R"({"v":1,"type":"contact.media","contact":"k-17","action":"offer","video":"yes"})",
        R"({"v":1,"type":"contact.signal","contact":"k-17"})",                                   // no signal
        R"({"v":1,"type":"contact.signal","contact":"k-17","signal":{}})",                       // neither
        R"({"v":1,"type":"contact.signal","contact":"k-17","signal":{"sdp":{"type":"offer","sdp":"x"},"candidate":null}})",
        R"({"v":1,"type":"contact.signal","contact":"k-17","signal":{"sdp":{"type":"pranswer","sdp":"x"}}})",
        R"({"v":1,"type":"contact.signal","contact":"k-17","signal":{"candidate":"candidate:1"}})",
        R"({"v":1,"type":"contact.signal","contact":"k-17","signal":{"candidate":{"sdpMid":"0"}}})",
    };
    for (const char* frame : bad) {
        auto m = decode_client(frame);
        ASSERT_FALSE(m) << frame;
        EXPECT_EQ(m.error().code, code::bad_field) << frame;
    }
    std::string huge = R"({"v":1,"type":"contact.signal","contact":"k","signal":{"sdp":{"type":"offer","sdp":")" +
                       std::string(60001, 'a') + R"("}}})";
    EXPECT_EQ(decode_client(huge).error().code, code::bad_field);
}

TEST(CallCodec, MediaEventsCallFieldAndIceServersRoundTrip) {
    for (const EventBody& body : std::vector<EventBody>{ev::Media{Party::agent, CallAction::offer, true, std::nullopt},
                                                        ev::Media{Party::visitor, CallAction::accept, false, std::nullopt},
                                                        ev::Media{Party::visitor, CallAction::failed, false, CallFailure::no_device},
                                                        ev::Media{Party::agent, CallAction::hangup, false, std::nullopt}}) {
        ContactEvent e{"k-17", 9, 1764000012000, "m1", body};
        auto back = decode_server(encode(ServerMessage{ContactEventMsg{e}}));
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(std::get<ContactEventMsg>(*back).event, e);
        auto stored = event_from_json(event_to_json(e));
        ASSERT_TRUE(stored);
        EXPECT_EQ(*stored, e);
    }
    ContactView c;
    c.id = "k-17";
    c.call = Call{CallParty::visitor, true, CallPhase::accepted, true};
    Welcome w{"c1", "tok", AgentProfile{"alice", "alice", "Alice", AgentStatus::ready, {}, {}, 2}, 5, {c}, {}};
    w.ice_servers = {{{"stun:stun.example.org"}, "", ""}, {{"turn:127.0.0.1:3478"}, "1:alice", "cred"}};
    w.ice_transport_policy = "relay";
    auto back = decode_server(encode(ServerMessage{w}));
    ASSERT_TRUE(back) << back.error().message;
    const auto& got = std::get<Welcome>(*back);
    EXPECT_EQ(got.contacts.front().call, c.call);
    EXPECT_EQ(got.ice_servers, w.ice_servers);
    EXPECT_EQ(got.ice_transport_policy, "relay");
    const std::string text = encode(ServerMessage{w});
    EXPECT_NE(text.find(R"("username":"1:alice")"), std::string::npos);
    EXPECT_NE(text.find(R"("call":{"accepter_video":true,"offerer":"visitor","state":"accepted","video":true})"), std::string::npos);
}
