// Router: disconnected agents and their grace period, logout, restore after a restart, services and agents
// being edited, colours, channels and closing.
#include "router_fixture.h"

using namespace sb;
using namespace sb::test;

// [SECTION] Grace period -------------------------------------------------------------------------------------

TEST(GracePeriod, ContactsReturnAfterItWithTheirOriginalWaitingPosition) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob", {"sales"}, 5);
    const auto first = d.ask("v1");
    const TimePoint created = d.now();
    ASSERT_TRUE(d.claim("alice", first));
    d.wait(1s);
    const auto second = d.ask("v2");
    EXPECT_EQ(d.waiting_ids("bob"), Ids{second});

    d.wait(5s);
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    const TimePoint returned_at = d.now();
    auto events = d.tick();

    auto returned = events_of<router_event::ContactReturned>(events);
    ASSERT_EQ(returned.size(), 1u);
    EXPECT_EQ(returned[0].contact.id, first);
    EXPECT_EQ(returned[0].from_agent, "alice");
    const Contact& c = d.contact(first);
    EXPECT_EQ(c.state, ContactState::pending);
    EXPECT_EQ(c.created_at, created);
    EXPECT_TRUE(c.agent_id.empty());
    EXPECT_EQ(c.returns, 1);
    EXPECT_EQ(c.channels, ChannelStates{});
    EXPECT_EQ(c.dissuasion_deadline, returned_at + 60s); // a fresh wait from the return
    EXPECT_EQ(d.waiting_ids("bob"), (Ids{first, second}));
    EXPECT_EQ(d.router.agent("alice")->load(), 0);
    EXPECT_EQ(d.claim_oldest("bob").contact_id, first);
}

TEST(GracePeriod, AReturnedContactIsNotDissuadedAtOnce) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    d.wait(5min); // well past the original deadline
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    auto events = d.tick();
    EXPECT_EQ(events_of<router_event::ContactReturned>(events).size(), 1u);
    EXPECT_TRUE(events_of<router_event::ContactClosed>(events).empty());
    d.wait(60s - 1ms);
    EXPECT_TRUE(events_of<router_event::ContactClosed>(d.tick()).empty());
    d.wait(1ms);
    auto closed = events_of<router_event::ContactClosed>(d.tick());
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].contact.outcome, Outcome::dissuaded);
}

TEST(GracePeriod, ReconnectingWithinItKeepsTheContacts) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    EXPECT_EQ(d.router.next_deadline(), d.now() + d.router.config().grace_period);
    d.wait(d.router.config().grace_period - 1ms);
    EXPECT_TRUE(d.tick().empty());
    auto r = d.router.agent_reconnected("alice", d.now());
    ASSERT_TRUE(r);
    EXPECT_TRUE(events_of<router_event::ContactReturned>(r.events).empty());
    d.wait(1h);
    d.tick();
    EXPECT_EQ(d.state(id), ContactState::assigned);
    EXPECT_EQ(d.contact(id).agent_id, "alice");
    EXPECT_EQ(d.router.agent("alice")->profile.status, AgentStatus::ready);
    EXPECT_TRUE(d.router.agent("alice")->connected());
}

TEST(GracePeriod, ReconnectingAtItsEndIsTooLate) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    auto r = d.router.agent_reconnected("alice", d.now()); // no tick ran in between
    ASSERT_TRUE(r);
    EXPECT_EQ(events_of<router_event::ContactReturned>(r.events).size(), 1u);
    EXPECT_EQ(d.state(id), ContactState::pending);
    EXPECT_EQ(d.router.agent("alice")->profile.status, AgentStatus::offline);
    EXPECT_TRUE(d.waiting_ids("alice").empty());
}

TEST(GracePeriod, ADisconnectedAgentGetsNoNewContacts) {
    Desk d;
    d.add_agent("alice");
    const auto old = d.ask("v1");
    auto r = d.router.agent_disconnected("alice", d.now());
    EXPECT_EQ(list_change(r.events, "alice")->removed, Ids{old});
    auto changed = events_of<router_event::AgentChanged>(r.events);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_FALSE(changed[0].connected);
    const auto fresh = d.ask("v2");
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    EXPECT_EQ(d.claim("alice", fresh).error, RouteError::not_ready);
    ASSERT_TRUE(d.router.agent_reconnected("alice", d.now()));
    EXPECT_EQ(d.waiting_ids("alice"), (Ids{old, fresh}));
}

TEST(GracePeriod, AfterItTheAgentIsOffline) {
    Desk d;
    d.add_agent("alice");
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    auto changed = events_of<router_event::AgentChanged>(d.tick());
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].profile.status, AgentStatus::offline);
    EXPECT_FALSE(d.router.next_deadline());
}

TEST(GracePeriod, AReturnedDirectContactIsOpenToTheWholeService) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask_direct("alice");
    ASSERT_TRUE(d.claim("alice", id));
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    d.tick();
    EXPECT_FALSE(d.contact(id).direct());
    EXPECT_EQ(d.waiting_ids("bob"), Ids{id});
}

TEST(GracePeriod, AContactWhoseVisitorLeftIsClosedInsteadOfReturned) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    ASSERT_TRUE(d.router.visitor_left(id, d.now()));
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    auto events = d.tick();
    EXPECT_TRUE(events_of<router_event::ContactReturned>(events).empty());
    EXPECT_EQ(d.contact(id).outcome, Outcome::unfinalized);
    EXPECT_TRUE(d.waiting_ids("bob").empty());
}

TEST(GracePeriod, EveryHeldContactReturnsInItsOwnPlace) {
    Desk d;
    d.add_agent("alice", {"sales"}, 3);
    d.add_agent("bob", {"sales"}, 5, AgentStatus::paused);
    const auto a = d.ask("v1");
    d.wait(1s);
    const auto b = d.ask("v2");
    d.wait(1s);
    const auto c = d.ask("v3");
    ASSERT_TRUE(d.claim("alice", c));
    ASSERT_TRUE(d.claim("alice", a));
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    d.tick();
    ASSERT_TRUE(d.router.set_agent_status("bob", AgentStatus::ready, d.now()));
    EXPECT_EQ(d.waiting_ids("bob"), (Ids{a, b, c}));
}

TEST(Logout, ReturnsHeldContactsAtOnce) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    auto r = d.router.set_agent_status("alice", AgentStatus::offline, d.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(events_of<router_event::ContactReturned>(r.events).size(), 1u);
    EXPECT_EQ(d.waiting_ids("bob"), Ids{id});
    EXPECT_EQ(d.router.agent("alice")->load(), 0);
}

// [SECTION] Restore ------------------------------------------------------------------------------------------

TEST(Restore, APendingContactKeepsItsPositionDeadlineAndSequence) {
    Desk before;
    const auto a = before.ask("v1");
    before.wait(1s);
    const auto b = before.ask("v2");
    Contact saved_a = before.contact(a), saved_b = before.contact(b);

    Desk after;
    after.clock.set(before.now() + 10s);
    after.add_agent("alice");
    ASSERT_TRUE(after.router.restore(saved_b, after.now()));
    ASSERT_TRUE(after.router.restore(saved_a, after.now()));
    EXPECT_EQ(after.waiting_ids("alice"), (Ids{a, b}));
    EXPECT_EQ(after.contact(a), saved_a);
    EXPECT_EQ(after.router.next_deadline(), saved_a.dissuasion_deadline);
    auto r = after.claim("alice", a);
    EXPECT_EQ(events_of<router_event::ContactAssigned>(r.events)[0].contact.seq, saved_a.seq + 1);
    EXPECT_EQ(after.router.restore(saved_b, after.now()).error, RouteError::duplicate_contact);
}

TEST(Restore, AnOverdueContactIsDissuadedAtOnce) {
    Desk before;
    const auto id = before.ask();
    Desk after;
    after.clock.set(before.now() + 2min);
    auto r = after.router.restore(before.contact(id), after.now());
    ASSERT_TRUE(r);
    auto closed = events_of<router_event::ContactClosed>(r.events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].contact.outcome, Outcome::dissuaded);
}

TEST(Restore, AnAssignedContactCountsAgainstItsAgentsCapacity) {
    Desk before;
    before.add_agent("alice", {"sales"}, 1);
    const auto id = before.ask();
    ASSERT_TRUE(before.claim("alice", id));
    Desk after;
    after.add_agent("alice", {"sales"}, 1);
    ASSERT_TRUE(after.router.restore(before.contact(id), after.now()));
    EXPECT_EQ(after.router.agent("alice")->load(), 1);
    after.ask("v2");
    EXPECT_TRUE(after.waiting_ids("alice").empty());
    EXPECT_EQ(after.claim_oldest("alice").error, RouteError::at_capacity);
}

TEST(Restore, AnAssignedContactOfAnUnknownAgentReturnsToTheQueue) {
    Desk before;
    before.add_agent("alice");
    const auto id = before.ask();
    ASSERT_TRUE(before.claim("alice", id));
    Desk after;
    after.add_agent("bob");
    auto r = after.router.restore(before.contact(id), after.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(events_of<router_event::ContactReturned>(r.events).size(), 1u);
    EXPECT_EQ(after.waiting_ids("bob"), Ids{id});
    EXPECT_EQ(after.router.agent("bob")->load(), 0);
}

TEST(Restore, RefusesWhatCannotBeRestored) {
    Desk d;
    Contact closed;
    closed.id = "c1";
    closed.service_id = "sales";
    closed.state = ContactState::closed;
    EXPECT_EQ(d.router.restore(closed, d.now()).error, RouteError::invalid_request);
    Contact orphan;
    orphan.id = "c2";
    orphan.service_id = "gone";
    EXPECT_EQ(d.router.restore(orphan, d.now()).error, RouteError::unknown_service);
}

TEST(Restore, NewIdsDoNotCollideWithRestoredOnes) {
    Desk before;
    const auto a = before.ask("v1");
    Desk after;
    ASSERT_TRUE(after.router.restore(before.contact(a), after.now()));
    EXPECT_NE(after.ask("v2"), a);
}

// [SECTION] Services and agents ------------------------------------------------------------------------------

TEST(Services, InvalidDefinitionsAreRefused) {
    Router router;
    const TimePoint now = from_epoch_ms(0);
    Service s = sales_service();
    s.id = "";
    EXPECT_EQ(router.upsert_service(s, now).error, RouteError::invalid_service);
    s = sales_service();
    s.dissuasion = 0s;
    EXPECT_EQ(router.upsert_service(s, now).error, RouteError::invalid_service);
    s = sales_service();
    s.media.clear();
    EXPECT_EQ(router.upsert_service(s, now).error, RouteError::invalid_service);
    s = sales_service();
    s.color = "blue";
    EXPECT_EQ(router.upsert_service(s, now).error, RouteError::invalid_service);
    EXPECT_EQ(router.service("sales"), nullptr);
    EXPECT_TRUE(router.upsert_service(sales_service(), now));
    EXPECT_EQ(router.service("sales")->name, "Sales");
}

TEST(Services, CannotBeRemovedWhileContactsAreOpen) {
    Desk d;
    const auto id = d.ask();
    EXPECT_EQ(d.router.remove_service("sales", d.now()).error, RouteError::in_use);
    ASSERT_TRUE(d.router.visitor_left(id, d.now()));
    EXPECT_TRUE(d.router.remove_service("sales", d.now()));
    EXPECT_EQ(d.router.remove_service("sales", d.now()).error, RouteError::unknown_service);
}

TEST(Agents, InvalidDefinitionsAreRefused) {
    Desk d;
    EXPECT_EQ(d.router.upsert_agent(agent_profile(""), d.now()).error, RouteError::invalid_agent);
    EXPECT_EQ(d.router.upsert_agent(agent_profile("x", {}, -1), d.now()).error, RouteError::invalid_agent);
    EXPECT_EQ(d.router.set_agent_status("nobody", AgentStatus::ready, d.now()).error, RouteError::unknown_agent);
    EXPECT_EQ(d.router.agent_disconnected("nobody", d.now()).error, RouteError::unknown_agent);
}

TEST(Agents, CannotBeRemovedWhileHoldingContacts) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    EXPECT_EQ(d.router.remove_agent("alice", d.now()).error, RouteError::in_use);
    ASSERT_TRUE(d.router.close(id, Outcome::no_interaction, d.now(), std::string("alice")));
    d.ask("v2");
    auto r = d.router.remove_agent("alice", d.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(list_change(r.events, "alice")->count, 0u);
    EXPECT_EQ(d.router.agent("alice"), nullptr);
    EXPECT_TRUE(d.waiting_ids("alice").empty());
}

TEST(Agents, NewTagsChangeTheWaitingList) {
    Desk d;
    d.add_agent("alice", {"support"});
    const auto id = d.ask();
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    auto r = d.router.upsert_agent(agent_profile("alice", {"support", "sales"}), d.now());
    EXPECT_EQ(list_change(r.events, "alice")->added, Ids{id});
    EXPECT_EQ(d.router.agents().size(), 1u);
}

// [SECTION] Colour -------------------------------------------------------------------------------------------

TEST(ContactColor, StartsAsTheServiceDefaultUntilTheAgentSetsAnother) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    EXPECT_EQ(d.contact(id).color, "#316078");
    ASSERT_TRUE(d.claim("alice", id));
    EXPECT_EQ(d.router.set_color(id, "#DD5B62", d.now(), std::string("bob")).error, RouteError::not_holder);
    EXPECT_EQ(d.router.set_color(id, "pink", d.now(), std::string("alice")).error, RouteError::bad_color);
    auto r = d.router.set_color(id, "#DD5B62", d.now(), std::string("alice"));
    ASSERT_TRUE(r);
    ASSERT_EQ(events_of<router_event::ColorChanged>(r.events).size(), 1u);
    EXPECT_EQ(d.contact(id).color, "#DD5B62");
    ASSERT_TRUE(d.router.set_color(id, "", d.now(), std::string("alice")));
    EXPECT_EQ(d.contact(id).color, "#316078");
}

// [SECTION] Channels -----------------------------------------------------------------------------------------

TEST(ContactChannels, ChangesFollowTheTransitionRules) {
    Desk d;
    d.add_agent("alice");
    auto req = chat_request();
    req.capabilities = {true, true, false};
    const auto id = d.ask(req);
    EXPECT_EQ(d.router.set_channel(id, Channel::video, ChannelState::connecting, d.now()).error,
              RouteError::not_assigned);
    ASSERT_TRUE(d.claim("alice", id));
    auto r = d.router.set_channel(id, Channel::video, ChannelState::connecting, d.now());
    ASSERT_TRUE(r);
    auto changed = events_of<router_event::ChannelChanged>(r.events);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].channel, Channel::video);
    EXPECT_EQ(changed[0].contact.channels[Channel::video], ChannelState::connecting);
    ASSERT_TRUE(d.router.set_channel(id, Channel::video, ChannelState::active, d.now()));
    ASSERT_TRUE(d.router.set_channel(id, Channel::chat, ChannelState::unavailable, d.now())); // widget closed
    EXPECT_EQ(d.router.set_channel(id, Channel::chat, ChannelState::active, d.now()).error,
              RouteError::bad_transition);
    EXPECT_EQ(d.router.set_channel("c999", Channel::chat, ChannelState::active, d.now()).error,
              RouteError::not_found);
}

// [SECTION] Closing ------------------------------------------------------------------------------------------

TEST(Closing, OnlyTheHolderMayCloseWithAFittingOutcome) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    EXPECT_EQ(d.router.close(id, Outcome::successful, d.now(), std::string("alice")).error, RouteError::not_holder);
    EXPECT_EQ(d.router.close(id, Outcome::successful, d.now()).error, RouteError::bad_outcome);
    ASSERT_TRUE(d.claim("alice", id));
    EXPECT_EQ(d.router.close(id, Outcome::successful, d.now(), std::string("bob")).error, RouteError::not_holder);
    EXPECT_EQ(d.router.close(id, Outcome::abandoned, d.now(), std::string("alice")).error, RouteError::bad_outcome);
    auto r = d.router.close(id, Outcome::successful, d.now(), std::string("alice"));
    ASSERT_TRUE(r);
    auto closed = events_of<router_event::ContactClosed>(r.events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].contact.agent_id, "alice"); // the last holder stays on record
    EXPECT_EQ(closed[0].contact.outcome, Outcome::successful);
    EXPECT_EQ(d.router.close(id, Outcome::successful, d.now(), std::string("alice")).error, RouteError::closed);
}

TEST(Closing, TheServerMayCloseAPendingContact) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    auto r = d.router.close(id, Outcome::unfinalized, d.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(list_change(r.events, "alice")->removed, Ids{id});
    d.wait(60s);
    EXPECT_TRUE(events_of<router_event::ContactClosed>(d.tick()).empty()); // no later dissuasion
}

TEST(Closing, ClosedContactsAreForgottenAfterAWhile) {
    Desk d;
    const auto id = d.ask();
    ASSERT_TRUE(d.router.visitor_left(id, d.now()));
    EXPECT_EQ(d.router.next_deadline(), d.now() + d.router.config().keep_closed);
    d.wait(d.router.config().keep_closed - 1ms);
    d.tick();
    EXPECT_NE(d.router.contact(id), nullptr);
    d.wait(1ms);
    EXPECT_TRUE(d.tick().empty());
    EXPECT_EQ(d.router.contact(id), nullptr);
    EXPECT_EQ(d.router.visitor_left(id, d.now()).error, RouteError::not_found);
    EXPECT_FALSE(d.router.next_deadline());
}

// [SECTION] Events -------------------------------------------------------------------------------------------

TEST(RouterEvents, ContactOfFindsTheContactOfContactEventsOnly) {
    Contact c;
    c.id = "c1";
    EXPECT_EQ(contact_of(RouterEvent{router_event::ContactPending{c}})->id, "c1");
    EXPECT_EQ(contact_of(RouterEvent{router_event::ChannelChanged{c, Channel::voice}})->id, "c1");
    EXPECT_EQ(contact_of(RouterEvent{router_event::AgentChanged{}}), nullptr);
    EXPECT_EQ(contact_of(RouterEvent{router_event::WaitingListChanged{}}), nullptr);
}

TEST(RouterEvents, ContactEventsComeBeforeAgentAndListEvents) {
    Desk d;
    d.add_agent("alice", {"sales"}, 1);
    const auto id = d.ask();
    auto r = d.claim("alice", id);
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<router_event::ContactAssigned>(r.events[0]));
    EXPECT_TRUE(std::holds_alternative<router_event::AgentChanged>(r.events[1]));
    EXPECT_TRUE(std::holds_alternative<router_event::WaitingListChanged>(r.events[2]));
}
