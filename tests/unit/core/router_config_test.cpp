// The router while an administrator changes services and agents (the admin API): what happens to contacts
// already waiting or held, on a fake clock.
#include "router_fixture.h"

using namespace sb;
using namespace sb::test;

namespace {

Service support_service() {
    Service s = sales_service();
    s.id = "support";
    s.name = "Support";
    s.main_tags = {"support"};
    return s;
}

} // namespace

TEST(ServiceChanges, ANewServiceIsRoutedAtOnce) {
    Desk d;
    d.add_agent("alice", {"support"});
    ContactRequest r = chat_request("v1", "support");
    EXPECT_EQ(d.router.request(r, d.now()).error, RouteError::unknown_service);
    ASSERT_TRUE(d.router.upsert_service(support_service(), d.now()));
    const auto id = d.ask(r);
    EXPECT_EQ(d.waiting_ids("alice"), Ids{id});
    EXPECT_EQ(d.contact(id).dissuasion_deadline, d.now() + 60s);
}

TEST(ServiceChanges, NewMainTagsRelistWaitingContactsAndKeepTheirDeadline) {
    Desk d;
    d.add_agent("alice", {"sales"});
    d.add_agent("bob", {"sales", "vip"});
    const auto id = d.ask();
    const auto deadline = d.contact(id).dissuasion_deadline;
    d.wait(10s);
    Service s = sales_service();
    s.main_tags = {"sales", "vip"};
    s.dissuasion = 5s; // applies to new contacts only
    auto r = d.router.upsert_service(s, d.now());
    ASSERT_TRUE(r);
    ASSERT_NE(list_change(r.events, "alice"), nullptr);
    EXPECT_EQ(list_change(r.events, "alice")->removed, Ids{id});
    EXPECT_EQ(list_change(r.events, "bob"), nullptr); // still listed: nothing to tell
    EXPECT_EQ(d.waiting_ids("bob"), Ids{id});
    EXPECT_EQ(d.contact(id).dissuasion_deadline, deadline);
    EXPECT_EQ(d.contact(d.ask("v2")).dissuasion_deadline, d.now() + 5s);
}

TEST(ServiceChanges, RemovingAServiceWithPendingContactsIsRefusedUnlessAskedToCloseThem) {
    Desk d;
    d.add_agent("alice");
    const auto first = d.ask("v1");
    d.wait(1s);
    const auto second = d.ask("v2");
    EXPECT_EQ(d.router.remove_service("sales", d.now()).error, RouteError::in_use);
    EXPECT_EQ(d.state(first), ContactState::pending);

    auto r = d.router.remove_service("sales", d.now(), true);
    ASSERT_TRUE(r);
    auto closed = events_of<router_event::ContactClosed>(r.events);
    ASSERT_EQ(closed.size(), 2u);
    EXPECT_EQ(closed[0].contact.id, first); // oldest first
    EXPECT_EQ(closed[1].contact.id, second);
    EXPECT_EQ(closed[0].contact.outcome, Outcome::unfinalized);
    EXPECT_EQ(d.state(second), ContactState::closed);
    ASSERT_NE(list_change(r.events, "alice"), nullptr);
    EXPECT_EQ(list_change(r.events, "alice")->count, 0u);
    EXPECT_EQ(d.router.service("sales"), nullptr);
    EXPECT_TRUE(d.router.pending().empty());
    d.wait(120s);
    EXPECT_TRUE(events_of<router_event::ContactClosed>(d.tick()).empty()); // no dissuasion left to run
}

TEST(ServiceChanges, AServiceWhoseContactsAreHeldCannotBeRemovedEvenClosingPendingOnes) {
    Desk d;
    d.add_agent("alice");
    const auto held = d.ask("v1");
    const auto waiting = d.ask("v2");
    ASSERT_TRUE(d.claim("alice", held));
    auto r = d.router.remove_service("sales", d.now(), true);
    EXPECT_EQ(r.error, RouteError::in_use);
    EXPECT_TRUE(events_of<router_event::ContactClosed>(r.events).empty()); // nothing applied
    EXPECT_EQ(d.state(waiting), ContactState::pending);
    ASSERT_TRUE(d.router.close(held, Outcome::successful, d.now(), std::string("alice")));
    EXPECT_TRUE(d.router.remove_service("sales", d.now(), true));
    EXPECT_EQ(d.state(waiting), ContactState::closed);
}

TEST(ServiceChanges, RemovingOneServiceLeavesTheOthersContacts) {
    Desk d;
    ASSERT_TRUE(d.router.upsert_service(support_service(), d.now()));
    d.add_agent("alice", {"sales", "support"});
    const auto sales = d.ask("v1");
    const auto support = d.ask(chat_request("v2", "support"));
    ASSERT_TRUE(d.router.remove_service("sales", d.now(), true));
    EXPECT_EQ(d.state(sales), ContactState::closed);
    EXPECT_EQ(d.state(support), ContactState::pending);
    EXPECT_EQ(d.waiting_ids("alice"), Ids{support});
}

TEST(AgentChanges, LowerCapacityStopsNewContactsButTakesNoneAway) {
    Desk d;
    d.add_agent("alice", {"sales"}, 2);
    const auto a = d.ask("v1");
    const auto b = d.ask("v2");
    const auto c = d.ask("v3");
    ASSERT_TRUE(d.claim("alice", a));
    ASSERT_TRUE(d.claim("alice", b));
    EXPECT_TRUE(d.waiting_ids("alice").empty()); // full
    auto r = d.router.upsert_agent(agent_profile("alice", {"sales"}, 3), d.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(list_change(r.events, "alice")->added, Ids{c});
    r = d.router.upsert_agent(agent_profile("alice", {"sales"}, 1), d.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(list_change(r.events, "alice")->removed, Ids{c});
    EXPECT_EQ(d.router.held_by("alice").size(), 2u);
    EXPECT_EQ(d.claim("alice", c).error, RouteError::at_capacity);
}

TEST(AgentChanges, AProfileChangeKeepsAPausedAgentPaused) {
    Desk d;
    d.add_agent("alice", {"sales"}, 2, AgentStatus::paused);
    d.ask();
    auto p = agent_profile("alice", {"sales"}, 3, AgentStatus::paused);
    ASSERT_TRUE(d.router.upsert_agent(p, d.now()));
    EXPECT_EQ(d.router.agent("alice")->profile.status, AgentStatus::paused);
    EXPECT_EQ(d.router.agent("alice")->profile.capacity, 3);
    EXPECT_TRUE(d.waiting_ids("alice").empty());
}

TEST(AgentChanges, ADeletedAgentsContactsReturnAndTheirDirectContactsBecomeOrdinary) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob", {"sales"}, 2, AgentStatus::paused);
    const auto held = d.ask("v1");
    ASSERT_TRUE(d.claim("alice", held));
    const auto direct = d.ask_direct("alice", "v2");
    EXPECT_TRUE(d.contact(direct).direct());
    EXPECT_EQ(d.router.remove_agent("alice", d.now()).error, RouteError::in_use);

    // As ContactHub::remove_agent does: offline (a logout), then remove.
    d.wait(5s);
    auto off = d.router.set_agent_status("alice", AgentStatus::offline, d.now());
    ASSERT_TRUE(off);
    ASSERT_EQ(events_of<router_event::ContactReturned>(off.events).size(), 1u);
    EXPECT_EQ(d.state(held), ContactState::pending);
    auto r = d.router.remove_agent("alice", d.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(d.router.agent("alice"), nullptr);
    EXPECT_FALSE(d.contact(direct).direct());
    ASSERT_TRUE(d.router.set_agent_status("bob", AgentStatus::ready, d.now()));
    EXPECT_EQ(d.waiting_ids("bob"), (Ids{held, direct}));
    EXPECT_TRUE(d.claim("bob", direct));
}

TEST(AgentChanges, RemovingAnAgentListsTheirDirectContactForTheOthersAtOnce) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto direct = d.ask_direct("alice");
    EXPECT_TRUE(d.waiting_ids("bob").empty());
    auto r = d.router.remove_agent("alice", d.now());
    ASSERT_TRUE(r);
    ASSERT_NE(list_change(r.events, "bob"), nullptr);
    EXPECT_EQ(list_change(r.events, "bob")->added, Ids{direct});
    EXPECT_EQ(d.waiting_ids("bob"), Ids{direct});
}
