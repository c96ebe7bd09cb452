#include "console/platform/headless/headless.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <imgui.h>

using namespace sb;
using namespace sb::console;

namespace {
AgentProfile alice() { return AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::paused, {}, {}, 2}; }

std::string server(protocol::ServerMessage m) { return protocol::encode(m); }

protocol::ClientMessage last_sent(const headless::RecordingTransport& t) {
    EXPECT_FALSE(t.sent.empty());
    auto m = protocol::decode_client(t.sent.back());
    EXPECT_TRUE(m) << t.sent.back();
    return *m;
}
} // namespace

TEST(LoginView, ShowsTheLoginFormWhileConnecting) {
    headless::Console c;
    c.app.start();
    c.frames(2);
    EXPECT_EQ(c.transport.connects, 1);
    EXPECT_TRUE(c.drawn("login.login"));
    EXPECT_TRUE(c.drawn("login.password"));
    EXPECT_TRUE(c.drawn("login.submit"));
}

TEST(LoginView, ClickingLogInSendsTheTypedCredentials) {
    headless::Console c;
    c.app.start();
    c.app.on_open();
    c.frames(2);
    ASSERT_TRUE(c.click("login.login"));
    c.type("alice");
    ASSERT_TRUE(c.click("login.password"));
    c.type("s3cret-пароль");
    ASSERT_TRUE(c.click("login.submit"));
    auto m = last_sent(c.transport);
    ASSERT_TRUE(std::holds_alternative<protocol::AgentLogin>(m));
    EXPECT_EQ(std::get<protocol::AgentLogin>(m).login, "alice");
    EXPECT_EQ(std::get<protocol::AgentLogin>(m).password, "s3cret-пароль");
    EXPECT_TRUE(c.app.state().login_pending);
}

TEST(LoginView, EnterInThePasswordFieldLogsIn) {
    headless::Console c;
    c.app.start();
    c.app.on_open();
    c.frames(2);
    c.click("login.login");
    c.type("alice");
    c.click("login.password");
    c.type("pw");
    c.press(ImGuiKey_Enter);
    ASSERT_FALSE(c.transport.sent.empty());
    EXPECT_TRUE(std::holds_alternative<protocol::AgentLogin>(last_sent(c.transport)));
}

TEST(LoginView, NothingIsSentWhileDisconnected) {
    headless::Console c;
    c.app.start();
    c.frames(2);
    c.click("login.login");
    c.type("alice");
    c.click("login.submit");
    EXPECT_TRUE(c.transport.sent.empty());
}

TEST(LoginView, AWrongPasswordShowsAnErrorClearsThePasswordAndAllowsARetry) {
    headless::Console c;
    c.app.start();
    c.app.on_open();
    c.frames(2);
    c.click("login.login");
    c.type("alice");
    c.click("login.password");
    c.type("wrong");
    c.click("login.submit");
    c.app.on_message(server(protocol::Error{"c1", protocol::code::bad_credentials, "wrong login or password"}));
    c.frames(2);
    EXPECT_TRUE(c.drawn("login.error"));
    EXPECT_EQ(c.app.state().login_error, "wrong login or password");
    EXPECT_EQ(c.app.ui().password[0], '\0');

    c.click("login.password");
    c.type("alice-demo");
    c.click("login.submit");
    auto m = last_sent(c.transport);
    EXPECT_EQ(std::get<protocol::AgentLogin>(m).password, "alice-demo");
    c.app.on_message(server(protocol::Welcome{"c2", "tok", alice(), 0, {}, {}}));
    c.frames(2);
    EXPECT_FALSE(c.drawn("login.login"));
    EXPECT_TRUE(c.drawn("status.agent"));
}

TEST(LoginView, AReconnectResumesTheSessionWithItsToken) {
    headless::Console c;
    c.app.start();
    c.app.on_open();
    c.app.on_message(server(protocol::Welcome{"c1", "tok-123", alice(), 0, {}, {}}));
    c.app.on_close();
    c.frames(2);
    EXPECT_EQ(c.app.state().connection, Connection::reconnecting);
    EXPECT_TRUE(c.drawn("status.agent")) << "the agent keeps their screen while reconnecting";
    c.app.on_open();
    auto m = last_sent(c.transport);
    ASSERT_TRUE(std::holds_alternative<protocol::AgentResume>(m));
    EXPECT_EQ(std::get<protocol::AgentResume>(m).token, "tok-123");
}
