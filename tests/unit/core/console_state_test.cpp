#include "core/console_state.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;

namespace {
AgentProfile alice() { return AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::paused, {}, {}, 2}; }
} // namespace

TEST(ConsoleState, OpensThenLogsIn) {
    ConsoleState s;
    s = reduce(s, event::SocketOpened{});
    EXPECT_EQ(s.connection, Connection::connected);
    s = reduce(s, event::LoginSent{});
    EXPECT_TRUE(s.login_pending);
    s = reduce(s, protocol::ServerMessage{protocol::Welcome{"c1", "tok", alice(), 0, {}, {}}});
    ASSERT_TRUE(s.agent);
    EXPECT_EQ(s.agent->name, "Alice Rossi");
    EXPECT_EQ(s.token, "tok");
    EXPECT_FALSE(s.login_pending);
}

TEST(ConsoleState, WrongPasswordShowsAnErrorAndAllowsARetry) {
    ConsoleState s = reduce(reduce(ConsoleState{}, event::SocketOpened{}), event::LoginSent{});
    s = reduce(s, protocol::ServerMessage{protocol::Error{"c1", protocol::code::bad_credentials, "wrong login or password"}});
    EXPECT_FALSE(s.agent);
    EXPECT_FALSE(s.login_pending);
    EXPECT_EQ(s.login_error, "wrong login or password");
    s = reduce(s, event::LoginSent{});
    EXPECT_TRUE(s.login_error.empty());
    EXPECT_TRUE(s.login_pending);
}

TEST(ConsoleState, ALoggedInConsoleReconnectsKeepingItsSession) {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    s = reduce(s, protocol::ServerMessage{protocol::Welcome{"c1", "tok", alice(), 0, {}, {}}});
    s = reduce(s, event::SocketClosed{});
    EXPECT_EQ(s.connection, Connection::reconnecting);
    EXPECT_EQ(s.token, "tok");
    EXPECT_EQ(s.reconnect_attempt, 1);
    s = reduce(s, event::SocketOpened{});
    EXPECT_EQ(s.connection, Connection::connected);
    EXPECT_EQ(s.reconnect_attempt, 0);
}

TEST(ConsoleState, AnExpiredSessionReturnsToTheLoginScreen) {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    s = reduce(s, protocol::ServerMessage{protocol::Welcome{"c1", "tok", alice(), 0, {}, {}}});
    s = reduce(s, protocol::ServerMessage{protocol::Error{"r1", protocol::code::bad_token, "unknown token"}});
    EXPECT_FALSE(s.agent);
    EXPECT_TRUE(s.token.empty());
    EXPECT_FALSE(s.login_error.empty());
}

TEST(ConsoleState, StatusUpdatesReplaceTheProfile) {
    ConsoleState s = reduce(ConsoleState{}, protocol::ServerMessage{protocol::Welcome{"c1", "tok", alice(), 0, {}, {}}});
    auto ready = alice();
    ready.status = AgentStatus::ready;
    s = reduce(s, protocol::ServerMessage{protocol::AgentUpdate{"c2", ready}});
    EXPECT_EQ(s.agent->status, AgentStatus::ready);
}

TEST(ConsoleState, ReconnectDelayBacksOffUpToTenSeconds) {
    EXPECT_EQ(reconnect_delay_ms(0), 0);
    EXPECT_EQ(reconnect_delay_ms(1), 500);
    EXPECT_EQ(reconnect_delay_ms(2), 1000);
    EXPECT_EQ(reconnect_delay_ms(3), 2000);
    EXPECT_EQ(reconnect_delay_ms(10), 10'000);
    EXPECT_EQ(reconnect_delay_ms(1000), 10'000);
}

TEST(ConsoleState, JsonForTheAutomationBridge) {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    auto j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["connection"], "connected");
    EXPECT_TRUE(j["agent"].is_null());
    s = reduce(s, protocol::ServerMessage{protocol::Welcome{"c1", "tok", alice(), 0, {}, {}}});
    j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["agent"]["name"], "Alice Rossi");
    EXPECT_EQ(j["agent"]["status"], "paused");
    EXPECT_FALSE(j.contains("token")) << "the bridge never exposes the session token";
}

TEST(ConsoleState, TooManyFailedLoginsEndTheLoginWithTheServersMessage) {
    ConsoleState s = reduce(reduce(ConsoleState{}, event::SocketOpened{}), event::LoginSent{});
    s = reduce(s, protocol::ServerMessage{protocol::Error{"c6", protocol::code::rate_limited,
                                                          "too many failed logins: wait a minute before trying again"}});
    EXPECT_FALSE(s.login_pending);
    EXPECT_EQ(s.login_error, "too many failed logins: wait a minute before trying again");
}
