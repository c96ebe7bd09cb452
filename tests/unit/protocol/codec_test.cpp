#include "protocol/codec.h"

#include <gtest/gtest.h>

using namespace sb;
using namespace sb::protocol;

namespace {
AgentProfile alice() {
    return AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales", "en"}, {"en", "it"}, 3};
}
} // namespace

TEST(Codec, ClientMessagesRoundTrip) {
    std::vector<ClientMessage> all{AgentLogin{"c1", "alice", "secret"}, AgentResume{"c2", "tok"},
                                   AgentSetStatus{"c3", AgentStatus::paused}, AgentLogout{"c4"}, Ping{""}};
    for (const auto& m : all) {
        auto back = decode_client(encode(m));
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(encode(*back), encode(m));
        EXPECT_EQ(type_of(*back), type_of(m));
    }
}

TEST(Codec, ServerMessagesRoundTrip) {
    std::vector<ServerMessage> all{Welcome{"c1", "tok", alice(), 0, {}, {}}, AgentUpdate{"", alice()},
                                   Error{"c9", code::bad_credentials, "wrong login or password"}, Pong{"p"}};
    for (const auto& m : all) {
        auto back = decode_server(encode(m));
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(encode(*back), encode(m));
    }
    auto w = decode_server(encode(ServerMessage{Welcome{"c1", "tok", alice(), 0, {}, {}}}));
    EXPECT_EQ(std::get<Welcome>(*w).agent, alice());
}

TEST(Codec, LoginDecodesFromTheDocumentedShape) {
    auto m = decode_client(R"({"v":1,"type":"agent.login","cid":"a1","login":"bob","password":"pw"})");
    ASSERT_TRUE(m);
    const auto& login = std::get<AgentLogin>(*m);
    EXPECT_EQ(login.cid, "a1");
    EXPECT_EQ(login.login, "bob");
    EXPECT_EQ(login.password, "pw");
}

TEST(Codec, RefusesWhatIsNotAJsonObject) {
    for (const char* bad : {"", "nope", "[1,2]", "42", "{\"v\":1,", "\xff\xfe"}) {
        auto m = decode_client(bad);
        ASSERT_FALSE(m) << bad;
        EXPECT_EQ(m.error().code, code::bad_json) << bad;
    }
}

TEST(Codec, RefusesMissingOrWrongVersion) {
    EXPECT_EQ(decode_client(R"({"type":"ping"})").error().code, code::bad_version);
    EXPECT_EQ(decode_client(R"({"v":2,"type":"ping"})").error().code, code::bad_version);
    EXPECT_EQ(decode_client(R"({"v":"1","type":"ping"})").error().code, code::bad_version);
}

TEST(Codec, RefusesUnknownTypesAndKeepsTheCid) {
    auto m = decode_client(R"({"v":1,"type":"contact.explode","cid":"x7"})");
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, code::unknown_type);
    EXPECT_EQ(m.error().cid, "x7");
    EXPECT_EQ(decode_client(R"({"v":1})").error().code, code::unknown_type);
}

TEST(Codec, RefusesMissingWrongOrOversizeFields) {
    EXPECT_EQ(decode_client(R"({"v":1,"type":"agent.login","login":"a"})").error().code, code::bad_field);
    EXPECT_EQ(decode_client(R"({"v":1,"type":"agent.login","login":5,"password":"p"})").error().code, code::bad_field);
    std::string longLogin(max_login + 1, 'a');
    EXPECT_EQ(decode_client(R"({"v":1,"type":"agent.login","login":")" + longLogin + R"(","password":"p"})")
                  .error()
                  .code,
              code::bad_field);
    EXPECT_EQ(decode_client(R"({"v":1,"type":"agent.status","status":"busy"})").error().code, code::bad_field);
    EXPECT_EQ(decode_client(R"({"v":1,"type":"ping","cid":7})").error().code, code::bad_field);
}

TEST(Codec, KeepsUtf8Intact) {
    auto back = decode_client(encode(ClientMessage{AgentLogin{"c", "jürgen", "пароль密码"}}));
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<AgentLogin>(*back).password, "пароль密码");
}
