#include "core/agent.h"

#include <gtest/gtest.h>

using namespace sb;

TEST(AgentStatus, RoundTripsThroughItsName) {
    for (auto s : {AgentStatus::ready, AgentStatus::paused, AgentStatus::offline})
        EXPECT_EQ(agent_status_from(to_string(s)), s);
}

TEST(AgentStatus, RefusesUnknownNames) {
    EXPECT_FALSE(agent_status_from("busy"));
    EXPECT_FALSE(agent_status_from(""));
    EXPECT_FALSE(agent_status_from("Ready"));
}
