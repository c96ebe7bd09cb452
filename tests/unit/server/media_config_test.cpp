// The `media` section of the config (ICE servers, TURN) and the TURN credentials it leads to.
#include "server/config.h"
#include "server/ice.h"

#include <gtest/gtest.h>

#include <string>

using namespace sb::server;

namespace {

std::string with_media(const std::string& media) {
    return R"({"sites":[],"services":[],"agents":[],"media":)" + media + "}";
}

} // namespace

TEST(MediaConfig, ReadsIceServersTurnAndPolicy) {
    auto c = parse_config(with_media(R"({"ice_servers":[{"urls":["stun:stun.example.org:3478"]}],
        "turn":{"urls":["turn:127.0.0.1:3478?transport=udp","turns:turn.example.org:5349"],"secret":"north","ttl_seconds":600},
        "ice_transport_policy":"relay"})"),
                          "t");
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->media.ice_servers.size(), 1u);
    ASSERT_EQ(c->media.turn.size(), 1u);
    EXPECT_EQ(c->media.turn[0].ttl_seconds, 600);
    EXPECT_EQ(c->media.ice_transport_policy, "relay");
}

TEST(MediaConfig, DefaultsToNoServersAndAllCandidates) {
    auto c = parse_config(R"({"sites":[],"services":[],"agents":[]})", "t");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->media.ice_servers.empty());
    EXPECT_TRUE(c->media.turn.empty());
    EXPECT_EQ(c->media.ice_transport_policy, "all");
}

TEST(MediaConfig, RefusesBadValuesNamingTheField) {
    struct Case {
        const char* media;
        const char* field;
    } cases[] = {
        {R"({"ice_servers":[{"urls":["http://x"]}]})", "media.ice_servers[0].urls[0]"},
        {R"({"ice_servers":[{"urls":[]}]})", "media.ice_servers[0].urls"},
        {R"({"turn":{"urls":["turn:x"]}})", "media.turn.secret"},
        {R"({"turn":{"urls":["turn:x"],"secret":"s","ttl_seconds":5}})", "media.turn.ttl_seconds"},
        {R"({"ice_transport_policy":"some"})", "media.ice_transport_policy"},
        {R"({"ice_transport_policy":"relay"})", "media.ice_transport_policy"}, // relay without any TURN
        {R"({"stun":"x"})", "media.stun"},
    };
    for (const auto& k : cases) {
        auto c = parse_config(with_media(k.media), "t");
        ASSERT_FALSE(c) << k.media;
        EXPECT_NE(c.error().message.find(k.field), std::string::npos) << c.error().message;
    }
}

TEST(TurnCredentials, FollowCoturnsRestApiScheme) {
    // base64(HMAC-SHA1("north", "1764086400:alice")), computed independently (Python hmac).
    EXPECT_EQ(turn_credential("north", "1764086400:alice"), "db70zSI45kU2AHCVd/5oGnLrxE8=");
    MediaConfig m;
    m.turn.push_back({{"turn:127.0.0.1:3478"}, "north", 600});
    auto servers = ice_servers_for(m, "alice", sb::TimePoint(std::chrono::seconds(1764085800)));
    ASSERT_EQ(servers.size(), 1u);
    EXPECT_EQ(servers[0].username, "1764086400:alice");
    EXPECT_EQ(servers[0].credential, "db70zSI45kU2AHCVd/5oGnLrxE8=");
}
