#include "console/platform/headless/headless.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>

using namespace sb;
using namespace sb::console;

namespace {
AgentProfile agent(AgentStatus s) { return AgentProfile{"alice", "alice", "Alice Rossi", s, {}, {}, 2}; }

void log_in(headless::Console& c, AgentStatus s) {
    c.app.start();
    c.app.on_open();
    c.app.on_message(protocol::encode(protocol::ServerMessage{protocol::Welcome{"c1", "tok", agent(s), 0, {}, {}}}));
    c.frames(2);
}
} // namespace

TEST(StatusBar, ShowsTheAgentAndTheirStatus) {
    headless::Console c;
    log_in(c, AgentStatus::paused);
    EXPECT_TRUE(c.drawn("status.agent"));
    EXPECT_TRUE(c.drawn("status.toggle"));
    EXPECT_TRUE(c.drawn("status.connection"));
}

TEST(StatusBar, TheToggleAsksForReadyWhenPausedAndPausedWhenReady) {
    headless::Console c;
    log_in(c, AgentStatus::paused);
    ASSERT_TRUE(c.click("status.toggle"));
    auto m = protocol::decode_client(c.transport.sent.back());
    ASSERT_TRUE(m);
    EXPECT_EQ(std::get<protocol::AgentSetStatus>(*m).status, AgentStatus::ready);

    c.app.on_message(protocol::encode(protocol::ServerMessage{protocol::AgentUpdate{"c2", agent(AgentStatus::ready)}}));
    c.frames(2);
    ASSERT_TRUE(c.click("status.toggle"));
    m = protocol::decode_client(c.transport.sent.back());
    EXPECT_EQ(std::get<protocol::AgentSetStatus>(*m).status, AgentStatus::paused);
}

TEST(StatusBar, LogOutReturnsToTheLoginScreen) {
    headless::Console c;
    log_in(c, AgentStatus::ready);
    ASSERT_TRUE(c.click("status.logout"));
    auto m = protocol::decode_client(c.transport.sent.back());
    EXPECT_TRUE(std::holds_alternative<protocol::AgentLogout>(*m));
    c.frames(2);
    EXPECT_TRUE(c.drawn("login.login"));
    EXPECT_FALSE(c.app.state().agent);
}

TEST(StatusBar, TheStatusSwitchIsDisabledWhileReconnecting) {
    headless::Console c;
    log_in(c, AgentStatus::paused);
    c.app.on_close();
    c.frames(2);
    std::size_t before = c.transport.sent.size();
    c.click("status.toggle");
    EXPECT_EQ(c.transport.sent.size(), before);
}
