// Router: the pending queue, eligibility, claims, capacity, dissuasion, visitors leaving, sequence numbers and
// refused requests. Everything runs on a fake clock.
#include "router_fixture.h"

#include <random>

using namespace sb;
using namespace sb::test;

// [SECTION] Pending queue ------------------------------------------------------------------------------------

TEST(PendingQueue, OldestContactIsAssignedFirst) {
    Desk d;
    d.add_agent("alice", {"sales"}, 3);
    const auto first = d.ask("v1");
    d.wait(1s);
    const auto second = d.ask("v2");
    d.wait(1s);
    const auto third = d.ask("v3");
    EXPECT_EQ(d.claim_oldest("alice").contact_id, first);
    EXPECT_EQ(d.claim_oldest("alice").contact_id, second);
    EXPECT_EQ(d.claim_oldest("alice").contact_id, third);
}

TEST(PendingQueue, WaitingListIsOldestFirst) {
    Desk d;
    d.add_agent("alice");
    const auto a = d.ask("v1");
    d.wait(5ms);
    const auto b = d.ask("v2");
    d.wait(5ms);
    const auto c = d.ask("v3");
    EXPECT_EQ(d.waiting_ids("alice"), (Ids{a, b, c}));
    EXPECT_EQ(d.router.waiting_count("alice"), 3u);
}

TEST(PendingQueue, RequestsInTheSameMillisecondKeepTheirOrder) {
    Desk d;
    d.add_agent("alice", {"sales"}, 20);
    Ids asked;
    for (int i = 0; i < 12; ++i) asked.push_back(d.ask("v" + std::to_string(i))); // c1 .. c12, same instant
    EXPECT_EQ(d.waiting_ids("alice"), asked);
    for (const auto& id : asked) EXPECT_EQ(d.claim_oldest("alice").contact_id, id);
}

TEST(PendingQueue, ANewContactIsListedForEveryEligibleAgent) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    d.add_agent("carol", {"support"});
    auto r = d.router.request(chat_request(), d.now());
    ASSERT_TRUE(r);
    auto pending = events_of<router_event::ContactPending>(r.events);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].contact.id, r.contact_id);
    for (const char* who : {"alice", "bob"}) {
        const auto* w = list_change(r.events, who);
        ASSERT_NE(w, nullptr) << who;
        EXPECT_EQ(w->added, Ids{r.contact_id});
        EXPECT_TRUE(w->removed.empty());
        EXPECT_EQ(w->count, 1u);
    }
    EXPECT_EQ(list_change(r.events, "carol"), nullptr);
}

TEST(PendingQueue, AClaimedContactLeavesEveryList) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    auto r = d.claim("alice", id);
    ASSERT_TRUE(r);
    for (const char* who : {"alice", "bob"}) {
        const auto* w = list_change(r.events, who);
        ASSERT_NE(w, nullptr) << who;
        EXPECT_EQ(w->removed, Ids{id});
        EXPECT_EQ(w->count, 0u);
    }
    EXPECT_TRUE(d.router.pending().empty());
    EXPECT_EQ(d.contact(id).state, ContactState::assigned);
    EXPECT_EQ(d.contact(id).agent_id, "alice");
    EXPECT_EQ(d.contact(id).assigned_at, d.now());
}

TEST(PendingQueue, ClaimOldestSkipsContactsTheAgentMayNotTake) {
    Desk d;
    Service support = sales_service();
    support.id = "support";
    support.main_tags = {"support"};
    ASSERT_TRUE(d.router.upsert_service(support, d.now()));
    d.add_agent("alice", {"sales"}, 5);
    d.add_agent("bob", {"sales"}, 5);
    const auto for_support = d.ask(chat_request("v1", "support"));
    d.wait(1s);
    const auto for_bob = d.ask_direct("bob", "v2");
    d.wait(1s);
    auto video = chat_request("v3");
    video.type = ContactType::video;
    video.capabilities.video = true;
    const auto video_id = d.ask(video);
    ASSERT_TRUE(d.router.set_agent_media("alice", {ContactType::chat}, d.now()));
    d.wait(1s);
    const auto plain = d.ask("v4");
    EXPECT_EQ(d.waiting_ids("alice"), Ids{plain});
    EXPECT_EQ(d.claim_oldest("alice").contact_id, plain);
    EXPECT_EQ(d.state(for_support), ContactState::pending);
    EXPECT_EQ(d.state(for_bob), ContactState::pending);
    EXPECT_EQ(d.state(video_id), ContactState::pending);
    EXPECT_EQ(d.claim_oldest("alice").error, RouteError::nothing_waiting);
    EXPECT_EQ(d.claim_oldest("bob").contact_id, for_bob);
}

TEST(PendingQueue, ClaimOldestWithNothingWaitingIsRefused) {
    Desk d;
    d.add_agent("alice");
    auto r = d.claim_oldest("alice");
    EXPECT_EQ(r.error, RouteError::nothing_waiting);
    EXPECT_TRUE(r.events.empty());
}

// [SECTION] Direct contacts ----------------------------------------------------------------------------------

TEST(DirectContact, IsListedForTheAddressedAgentOnly) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    auto r = chat_request();
    r.direct_agent_id = "bob";
    auto res = d.router.request(r, d.now());
    ASSERT_TRUE(res);
    EXPECT_TRUE(d.contact(res.contact_id).direct());
    EXPECT_EQ(d.waiting_ids("bob"), Ids{res.contact_id});
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    EXPECT_NE(list_change(res.events, "bob"), nullptr);
    EXPECT_EQ(list_change(res.events, "alice"), nullptr);
}

TEST(DirectContact, OnlyTheAddressedAgentMayClaimIt) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask_direct("bob");
    EXPECT_EQ(d.claim("alice", id).error, RouteError::not_eligible);
    EXPECT_EQ(d.claim_oldest("alice").error, RouteError::nothing_waiting);
    EXPECT_TRUE(d.claim("bob", id));
    EXPECT_EQ(d.contact(id).agent_id, "bob");
}

TEST(DirectContact, TheAddressedAgentNeedsNoServiceTag) {
    Desk d;
    d.add_agent("dave", {});
    const auto id = d.ask_direct("dave");
    EXPECT_EQ(d.waiting_ids("dave"), Ids{id});
    EXPECT_TRUE(d.claim("dave", id));
}

TEST(DirectContact, WaitsForAPausedAgentUntilDissuasion) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob", {"sales"}, 2, AgentStatus::paused);
    const auto id = d.ask_direct("bob");
    EXPECT_TRUE(d.waiting_ids("bob").empty());
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    ASSERT_TRUE(d.router.set_agent_status("bob", AgentStatus::ready, d.now()));
    EXPECT_EQ(d.waiting_ids("bob"), Ids{id});
}

// [SECTION] Tags ---------------------------------------------------------------------------------------------

TEST(Tags, AnAgentNeedsEveryMainTagOfTheService) {
    Desk d;
    Service s = sales_service();
    s.main_tags = {"sales", "italian"};
    ASSERT_TRUE(d.router.upsert_service(s, d.now()));
    d.add_agent("only-sales", {"sales"});
    d.add_agent("only-italian", {"italian"});
    d.add_agent("both", {"italian", "sales"});
    d.add_agent("more", {"support", "sales", "italian", "vip"});
    const auto id = d.ask();
    EXPECT_TRUE(d.waiting_ids("only-sales").empty());
    EXPECT_TRUE(d.waiting_ids("only-italian").empty());
    EXPECT_EQ(d.waiting_ids("both"), Ids{id});
    EXPECT_EQ(d.waiting_ids("more"), Ids{id});
    EXPECT_EQ(d.claim("only-sales", id).error, RouteError::not_eligible);
    EXPECT_TRUE(d.claim("more", id));
}

// The example of the administrator guide: services A (no tag), B, C; agents 1 (none), 2 (B), 3 (C), 4 (B, C).
TEST(Tags, TheGuideExampleRoutesAsDocumented) {
    Desk d;
    for (auto [id, tags] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"A", {}}, {"B", {"B"}}, {"C", {"C"}}}) {
        Service s = sales_service();
        s.id = id;
        s.main_tags = tags;
        ASSERT_TRUE(d.router.upsert_service(s, d.now()));
    }
    d.add_agent("agent1", {});
    d.add_agent("agent2", {"B"});
    d.add_agent("agent3", {"C"});
    d.add_agent("agent4", {"B", "C"});
    const auto a = d.ask(chat_request("va", "A"));
    const auto b = d.ask(chat_request("vb", "B"));
    const auto c = d.ask(chat_request("vc", "C"));
    EXPECT_EQ(d.waiting_ids("agent1"), (Ids{a}));
    EXPECT_EQ(d.waiting_ids("agent2"), (Ids{a, b}));
    EXPECT_EQ(d.waiting_ids("agent3"), (Ids{a, c}));
    EXPECT_EQ(d.waiting_ids("agent4"), (Ids{a, b, c}));
}

TEST(Tags, NewServiceTagsApplyToContactsAlreadyWaiting) {
    Desk d;
    d.add_agent("alice", {"sales"});
    d.add_agent("bob", {"sales", "vip"});
    const auto id = d.ask();
    const TimePoint deadline = *d.contact(id).dissuasion_deadline;
    Service s = sales_service();
    s.main_tags = {"sales", "vip"};
    s.dissuasion = 5s;
    auto r = d.router.upsert_service(s, d.now());
    ASSERT_TRUE(r);
    ASSERT_NE(list_change(r.events, "alice"), nullptr);
    EXPECT_EQ(list_change(r.events, "alice")->removed, Ids{id});
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    EXPECT_EQ(d.waiting_ids("bob"), Ids{id});
    EXPECT_EQ(*d.contact(id).dissuasion_deadline, deadline); // deadlines do not move
}

// [SECTION] Capacity -----------------------------------------------------------------------------------------

TEST(Capacity, ClaimsBeyondCapacityAreRefused) {
    Desk d;
    d.add_agent("alice", {"sales"}, 2);
    const auto a = d.ask("v1");
    const auto b = d.ask("v2");
    const auto c = d.ask("v3");
    EXPECT_TRUE(d.claim("alice", a));
    EXPECT_TRUE(d.claim("alice", b));
    EXPECT_EQ(d.claim("alice", c).error, RouteError::at_capacity);
    EXPECT_EQ(d.claim_oldest("alice").error, RouteError::at_capacity);
    EXPECT_EQ(d.router.agent("alice")->load(), 2);
    EXPECT_EQ(d.state(c), ContactState::pending);
}

TEST(Capacity, AFullAgentSeesNoWaitingContacts) {
    Desk d;
    d.add_agent("alice", {"sales"}, 1);
    const auto a = d.ask("v1");
    const auto b = d.ask("v2");
    auto r = d.claim("alice", a);
    ASSERT_TRUE(r);
    const auto* w = list_change(r.events, "alice");
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->removed, (Ids{a, b}));
    EXPECT_EQ(w->count, 0u);
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    auto changed = events_of<router_event::AgentChanged>(r.events);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].load, 1);
}

TEST(Capacity, ClosingAContactFreesCapacityAndRelistsTheQueue) {
    Desk d;
    d.add_agent("alice", {"sales"}, 1);
    const auto a = d.ask("v1");
    const auto b = d.ask("v2");
    ASSERT_TRUE(d.claim("alice", a));
    auto r = d.router.close(a, Outcome::successful, d.now(), std::string("alice"));
    ASSERT_TRUE(r);
    EXPECT_EQ(d.router.agent("alice")->load(), 0);
    ASSERT_NE(list_change(r.events, "alice"), nullptr);
    EXPECT_EQ(list_change(r.events, "alice")->added, Ids{b});
    EXPECT_EQ(d.claim_oldest("alice").contact_id, b);
}

TEST(Capacity, AZeroCapacityAgentGetsNothing) {
    Desk d;
    d.add_agent("supervisor", {"sales"}, 0);
    const auto id = d.ask();
    EXPECT_TRUE(d.waiting_ids("supervisor").empty());
    EXPECT_EQ(d.claim("supervisor", id).error, RouteError::at_capacity);
}

TEST(Capacity, ALowerCapacityKeepsHeldContactsButStopsNewOnes) {
    Desk d;
    d.add_agent("alice", {"sales"}, 3);
    const auto a = d.ask("v1");
    const auto b = d.ask("v2");
    const auto c = d.ask("v3");
    ASSERT_TRUE(d.claim("alice", a));
    ASSERT_TRUE(d.claim("alice", b));
    d.add_agent("alice", {"sales"}, 1);
    EXPECT_EQ(d.router.agent("alice")->load(), 2);
    EXPECT_EQ(d.state(a), ContactState::assigned);
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    EXPECT_EQ(d.claim("alice", c).error, RouteError::at_capacity);
}

// Random claims, closes and status changes by several agents: no agent ever holds more than its capacity,
// and every agent's waiting list is exactly the pending contacts it may claim.
TEST(Capacity, IsNeverExceededUnderRandomTraffic) {
    Desk d;
    const Ids agents{"a1", "a2", "a3", "a4"};
    for (std::size_t i = 0; i < agents.size(); ++i) d.add_agent(agents[i], {"sales"}, static_cast<int>(i) + 1);
    std::mt19937 rng(20240501);
    Ids contacts;
    for (int step = 0; step < 3000; ++step) {
        d.wait(std::chrono::milliseconds(rng() % 400));
        const auto& who = agents[rng() % agents.size()];
        switch (rng() % 6) {
        case 0:
        case 1: contacts.push_back(d.ask("v" + std::to_string(step))); break;
        case 2: (void)d.claim_oldest(who); break;
        case 3:
            if (!contacts.empty()) (void)d.claim(who, contacts[rng() % contacts.size()]);
            break;
        case 4: {
            auto held = d.router.held_by(who);
            if (!held.empty()) {
                ASSERT_TRUE(d.router.close(held[0]->id, Outcome::successful, d.now(), who));
            }
            break;
        }
        case 5:
            (void)d.router.set_agent_status(who, rng() % 3 ? AgentStatus::ready : AgentStatus::paused, d.now());
            break;
        }
        for (const auto& id : agents) {
            const auto* a = d.router.agent(id);
            ASSERT_LE(a->load(), a->profile.capacity) << "step " << step;
            Ids expected;
            for (const auto* c : d.router.pending())
                if (!d.router.check_claim(id, c->id)) expected.push_back(c->id);
            ASSERT_EQ(d.waiting_ids(id), expected) << "step " << step << " agent " << id;
        }
    }
}

// [SECTION] Agent status -------------------------------------------------------------------------------------

TEST(AgentStatusRouting, PausedAgentsGetNothing) {
    Desk d;
    d.add_agent("alice", {"sales"}, 2, AgentStatus::paused);
    const auto id = d.ask();
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    EXPECT_EQ(d.claim("alice", id).error, RouteError::not_ready);
    EXPECT_EQ(d.claim_oldest("alice").error, RouteError::not_ready);
}

TEST(AgentStatusRouting, OfflineAgentsGetNothing) {
    Desk d;
    d.add_agent("alice", {"sales"}, 2, AgentStatus::offline);
    const auto id = d.ask();
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    EXPECT_EQ(d.claim("alice", id).error, RouteError::not_ready);
}

TEST(AgentStatusRouting, BecomingReadyListsWhatIsWaiting) {
    Desk d;
    d.add_agent("alice", {"sales"}, 2, AgentStatus::paused);
    const auto a = d.ask("v1");
    const auto b = d.ask("v2");
    auto r = d.router.set_agent_status("alice", AgentStatus::ready, d.now());
    ASSERT_TRUE(r);
    ASSERT_NE(list_change(r.events, "alice"), nullptr);
    EXPECT_EQ(list_change(r.events, "alice")->added, (Ids{a, b}));
    EXPECT_EQ(list_change(r.events, "alice")->count, 2u);
    auto changed = events_of<router_event::AgentChanged>(r.events);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].profile.status, AgentStatus::ready);
}

TEST(AgentStatusRouting, PausingEmptiesTheListButKeepsHeldContacts) {
    Desk d;
    d.add_agent("alice");
    const auto a = d.ask("v1");
    const auto b = d.ask("v2");
    ASSERT_TRUE(d.claim("alice", a));
    auto r = d.router.set_agent_status("alice", AgentStatus::paused, d.now());
    ASSERT_TRUE(r);
    EXPECT_EQ(list_change(r.events, "alice")->removed, Ids{b});
    EXPECT_EQ(d.state(a), ContactState::assigned);
    EXPECT_EQ(d.router.agent("alice")->load(), 1);
}

TEST(AgentStatusRouting, SettingTheSameStatusChangesNothing) {
    Desk d;
    d.add_agent("alice");
    auto r = d.router.set_agent_status("alice", AgentStatus::ready, d.now());
    EXPECT_TRUE(r);
    EXPECT_TRUE(r.events.empty());
}

// [SECTION] Claims -------------------------------------------------------------------------------------------

TEST(Claim, TwoAgentsClaimingTheSameContactExactlyOneWins) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    auto first = d.claim("bob", id);
    auto second = d.claim("alice", id);
    ASSERT_TRUE(first);
    EXPECT_EQ(second.error, RouteError::already_taken);
    EXPECT_TRUE(second.events.empty());
    EXPECT_EQ(d.contact(id).agent_id, "bob");
    EXPECT_EQ(d.router.agent("alice")->load(), 0);
    EXPECT_EQ(d.router.agent("bob")->load(), 1);
    // The loser's list already lost the contact with the winner's claim.
    ASSERT_NE(list_change(first.events, "alice"), nullptr);
    EXPECT_EQ(list_change(first.events, "alice")->removed, Ids{id});
    EXPECT_TRUE(d.waiting_ids("alice").empty());
}

TEST(Claim, ManyAgentsRacingForOneContactProduceOneAssignment) {
    Desk d;
    Ids agents;
    for (int i = 0; i < 10; ++i) {
        agents.push_back("agent" + std::to_string(i));
        d.add_agent(agents.back());
    }
    const auto id = d.ask();
    int won = 0, taken = 0, assigned_events = 0;
    for (const auto& a : agents) {
        auto r = d.claim(a, id);
        if (r) ++won;
        if (r.error == RouteError::already_taken) ++taken;
        assigned_events += static_cast<int>(events_of<router_event::ContactAssigned>(r.events).size());
    }
    EXPECT_EQ(won, 1);
    EXPECT_EQ(taken, 9);
    EXPECT_EQ(assigned_events, 1);
}

TEST(Claim, ClaimingTwiceIsAlreadyTaken) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    EXPECT_EQ(d.claim("alice", id).error, RouteError::already_taken);
    EXPECT_EQ(d.router.agent("alice")->load(), 1);
}

TEST(Claim, RefusalsHaveClearCodes) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    EXPECT_EQ(d.claim("nobody", id).error, RouteError::unknown_agent);
    EXPECT_EQ(d.claim("alice", "c999").error, RouteError::not_found);
    ASSERT_TRUE(d.router.visitor_left(id, d.now()));
    EXPECT_EQ(d.claim("alice", id).error, RouteError::closed);
    EXPECT_EQ(d.router.check_claim("alice", id), RouteError::closed);
    EXPECT_EQ(to_string(RouteError::already_taken), "already_taken");
}

TEST(Claim, AnAgentWithoutTheMediumCannotTakeIt) {
    Desk d;
    d.add_agent("alice");
    ASSERT_TRUE(d.router.set_agent_media("alice", {ContactType::chat, ContactType::weblead}, d.now()));
    auto call = chat_request();
    call.type = ContactType::call;
    call.capabilities.voice = true;
    const auto id = d.ask(call);
    EXPECT_TRUE(d.waiting_ids("alice").empty());
    EXPECT_EQ(d.claim("alice", id).error, RouteError::not_eligible);
    auto r = d.router.set_agent_media("alice", {ContactType::chat, ContactType::call}, d.now());
    EXPECT_EQ(list_change(r.events, "alice")->added, Ids{id});
    EXPECT_TRUE(d.claim("alice", id));
}

TEST(Claim, AssignmentSetsTheInitialChannels) {
    Desk d;
    d.add_agent("alice");
    auto req = chat_request();
    req.capabilities.voice = true;
    const auto id = d.ask(req);
    EXPECT_EQ(d.contact(id).channels, ChannelStates{}); // nothing is live while pending
    auto r = d.claim("alice", id);
    auto assigned = events_of<router_event::ContactAssigned>(r.events);
    ASSERT_EQ(assigned.size(), 1u);
    EXPECT_EQ(assigned[0].contact.channels[Channel::chat], ChannelState::active);
    EXPECT_EQ(assigned[0].contact.channels[Channel::voice], ChannelState::available);
    EXPECT_EQ(assigned[0].contact.channels[Channel::video], ChannelState::unavailable);
    EXPECT_EQ(assigned[0].contact.agent_id, "alice");
}

// [SECTION] Dissuasion ---------------------------------------------------------------------------------------

TEST(Dissuasion, TheDeadlineIsCreationPlusTheServiceDissuasionTime) {
    Desk d;
    const auto id = d.ask();
    EXPECT_EQ(d.contact(id).created_at, d.now());
    EXPECT_EQ(d.contact(id).dissuasion_deadline, d.now() + 60s);
    EXPECT_EQ(d.router.next_deadline(), d.now() + 60s);
}

TEST(Dissuasion, OneMillisecondBeforeTheDeadlineTheContactStillWaits) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    d.wait(60s - 1ms);
    EXPECT_TRUE(d.tick().empty());
    EXPECT_EQ(d.state(id), ContactState::pending);
    EXPECT_EQ(d.waiting_ids("alice"), Ids{id});
}

TEST(Dissuasion, AtTheDeadlineTheContactIsDissuadedOnce) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    const TimePoint deadline = d.now() + 60s;
    d.wait(60s);
    auto events = d.tick();
    auto closed = events_of<router_event::ContactClosed>(events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].contact.id, id);
    EXPECT_EQ(closed[0].contact.outcome, Outcome::dissuaded);
    EXPECT_EQ(closed[0].contact.closed_at, deadline);
    for (const char* who : {"alice", "bob"}) {
        ASSERT_NE(list_change(events, who), nullptr) << who;
        EXPECT_EQ(list_change(events, who)->removed, Ids{id});
    }
    EXPECT_EQ(d.state(id), ContactState::closed);
    EXPECT_TRUE(d.router.pending().empty());
    d.wait(1s);
    EXPECT_TRUE(events_of<router_event::ContactClosed>(d.tick()).empty());
    d.wait(1h);
    EXPECT_TRUE(events_of<router_event::ContactClosed>(d.tick()).empty());
}

TEST(Dissuasion, ALateTickDissuadesEveryOverdueContactAtItsOwnDeadline) {
    Desk d;
    const auto a = d.ask("v1");
    d.wait(10s);
    const auto b = d.ask("v2");
    d.wait(10s);
    const auto c = d.ask("v3");
    d.wait(55s); // a and b are overdue, c has 5 s left
    auto closed = events_of<router_event::ContactClosed>(d.tick());
    ASSERT_EQ(closed.size(), 2u);
    EXPECT_EQ(closed[0].contact.id, a);
    EXPECT_EQ(closed[1].contact.id, b);
    EXPECT_EQ(closed[1].contact.closed_at, closed[1].contact.created_at + 60s);
    EXPECT_EQ(d.state(c), ContactState::pending);
    EXPECT_EQ(d.router.next_deadline(), d.contact(c).dissuasion_deadline);
}

TEST(Dissuasion, AClaimOneMillisecondBeforeTheDeadlineWins) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    d.wait(60s - 1ms);
    EXPECT_TRUE(d.claim("alice", id));
    d.wait(1h);
    EXPECT_TRUE(d.tick().empty());
    EXPECT_EQ(d.state(id), ContactState::assigned);
}

TEST(Dissuasion, AClaimAtTheDeadlineFindsTheContactDissuaded) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    d.wait(60s);
    auto r = d.claim("alice", id); // the server's timer has not fired yet
    EXPECT_EQ(r.error, RouteError::closed);
    auto closed = events_of<router_event::ContactClosed>(r.events); // still to be forwarded
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].contact.outcome, Outcome::dissuaded);
    EXPECT_TRUE(d.tick().empty());
}

TEST(Dissuasion, AWebleadIsNeverDissuaded) {
    Desk d;
    auto r = chat_request();
    r.type = ContactType::weblead;
    const auto id = d.ask(r);
    EXPECT_FALSE(d.contact(id).dissuasion_deadline);
    EXPECT_FALSE(d.router.next_deadline());
    d.wait(24h);
    EXPECT_TRUE(d.tick().empty());
    EXPECT_EQ(d.state(id), ContactState::pending);
}

TEST(Dissuasion, EachServiceHasItsOwnTime) {
    Desk d;
    Service quick = sales_service();
    quick.id = "quick";
    quick.dissuasion = 15s;
    ASSERT_TRUE(d.router.upsert_service(quick, d.now()));
    const auto slow = d.ask(chat_request("v1", "sales"));
    const auto fast = d.ask(chat_request("v2", "quick"));
    d.wait(15s);
    d.tick();
    EXPECT_EQ(d.state(fast), ContactState::closed);
    EXPECT_EQ(d.state(slow), ContactState::pending);
}

// [SECTION] Visitor leaving ----------------------------------------------------------------------------------

TEST(VisitorLeaving, AfterTenSecondsOfWaitingItIsAbandoned) {
    Desk d;
    d.add_agent("alice");
    const auto id = d.ask();
    d.wait(10s);
    auto r = d.router.visitor_left(id, d.now());
    ASSERT_TRUE(r);
    auto closed = events_of<router_event::ContactClosed>(r.events);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].contact.outcome, Outcome::abandoned);
    EXPECT_EQ(list_change(r.events, "alice")->removed, Ids{id});
}

TEST(VisitorLeaving, BeforeTenSecondsItIsCancelled) {
    Desk d;
    const auto id = d.ask();
    d.wait(10s - 1ms);
    ASSERT_TRUE(d.router.visitor_left(id, d.now()));
    EXPECT_EQ(d.contact(id).outcome, Outcome::cancelled);
    EXPECT_EQ(d.contact(id).closed_at, d.now());
}

TEST(VisitorLeaving, AnAssignedContactStaysWithItsAgentUntilClosed) {
    Desk d;
    d.add_agent("alice");
    auto req = chat_request();
    req.capabilities.voice = true;
    const auto id = d.ask(req);
    ASSERT_TRUE(d.claim("alice", id));
    d.wait(2min);
    auto r = d.router.visitor_left(id, d.now());
    ASSERT_TRUE(r);
    auto left = events_of<router_event::VisitorLeft>(r.events);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_TRUE(left[0].contact.visitor_left);
    EXPECT_EQ(left[0].contact.channels, ChannelStates{});
    EXPECT_EQ(d.state(id), ContactState::assigned);
    EXPECT_EQ(d.router.agent("alice")->load(), 1);
    EXPECT_TRUE(d.router.visitor_left(id, d.now()).events.empty()); // twice: nothing new
    ASSERT_TRUE(d.router.close(id, Outcome::successful, d.now(), std::string("alice")));
    EXPECT_EQ(d.router.agent("alice")->load(), 0);
}

TEST(VisitorLeaving, LeavingAClosedContactIsRefused) {
    Desk d;
    const auto id = d.ask();
    d.wait(60s);
    d.tick();
    EXPECT_EQ(d.router.visitor_left(id, d.now()).error, RouteError::closed);
    EXPECT_EQ(d.contact(id).outcome, Outcome::dissuaded);
    EXPECT_EQ(d.router.visitor_left("c999", d.now()).error, RouteError::not_found);
}

// [SECTION] Sequence numbers ---------------------------------------------------------------------------------

TEST(SequenceNumbers, IncreaseByOnePerEventOnEachContact) {
    Desk d;
    d.add_agent("alice");
    auto req = chat_request();
    req.capabilities.voice = true;
    auto r1 = d.router.request(req, d.now());
    const auto id = r1.contact_id;
    const auto other = d.ask("v2");
    std::vector<std::uint64_t> seqs;
    auto collect = [&](const std::vector<RouterEvent>& events) {
        for (const auto& e : events)
            if (const Contact* c = contact_of(e); c && c->id == id) seqs.push_back(c->seq);
    };
    collect(r1.events);
    collect(d.claim("alice", id).events);
    collect(d.router.set_color(id, "#dd5b62", d.now(), std::string("alice")).events);
    collect(d.router.set_channel(id, Channel::voice, ChannelState::connecting, d.now()).events);
    collect(d.router.set_channel(id, Channel::voice, ChannelState::active, d.now()).events);
    collect(d.router.visitor_left(id, d.now()).events);
    collect(d.router.close(id, Outcome::successful, d.now(), std::string("alice")).events);
    EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(d.contact(id).seq, 7u);
    EXPECT_EQ(d.contact(other).seq, 1u); // each contact counts its own events
}

TEST(SequenceNumbers, RefusedCommandsAndNoOpsDoNotCount) {
    Desk d;
    d.add_agent("alice");
    d.add_agent("bob");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    EXPECT_FALSE(d.claim("bob", id));
    EXPECT_FALSE(d.router.set_color(id, "red", d.now()));
    EXPECT_TRUE(d.router.set_color(id, "#316078", d.now())); // already the service default
    EXPECT_FALSE(d.router.close(id, Outcome::dissuaded, d.now()));
    EXPECT_EQ(d.contact(id).seq, 2u);
}

TEST(SequenceNumbers, ContinueAcrossAReturnToTheQueue) {
    Desk d(RouterConfig{});
    d.add_agent("alice");
    const auto id = d.ask();
    ASSERT_TRUE(d.claim("alice", id));
    ASSERT_TRUE(d.router.agent_disconnected("alice", d.now()));
    d.wait(d.router.config().grace_period);
    auto returned = events_of<router_event::ContactReturned>(d.tick());
    ASSERT_EQ(returned.size(), 1u);
    EXPECT_EQ(returned[0].contact.seq, 3u);
}

// [SECTION] Requests -----------------------------------------------------------------------------------------

TEST(ContactRequests, AreRefusedWithClearCodes) {
    Desk d;
    Service chat_only = sales_service();
    chat_only.id = "chat-only";
    chat_only.media = {ContactType::chat};
    ASSERT_TRUE(d.router.upsert_service(chat_only, d.now()));
    d.add_agent("alice");
    auto expect_refused = [&](ContactRequest r, RouteError code) {
        auto res = d.router.request(std::move(r), d.now());
        EXPECT_EQ(res.error, code) << to_string(code);
        EXPECT_TRUE(res.events.empty());
    };
    expect_refused(chat_request("v1", "nope"), RouteError::unknown_service);
    auto video = chat_request("v1", "chat-only");
    video.type = ContactType::video;
    video.capabilities.video = true;
    expect_refused(video, RouteError::type_not_allowed);
    auto call = chat_request();
    call.type = ContactType::call;
    expect_refused(call, RouteError::medium_unsupported); // no WebRTC voice
    auto cam = chat_request();
    cam.type = ContactType::video;
    cam.capabilities.voice = true;
    expect_refused(cam, RouteError::medium_unsupported); // no camera
    auto callback = chat_request();
    callback.type = ContactType::callback;
    expect_refused(callback, RouteError::medium_unsupported); // no phone number
    auto direct = chat_request();
    direct.direct_agent_id = "nobody";
    expect_refused(direct, RouteError::unknown_agent);
    expect_refused(chat_request(""), RouteError::invalid_request);
    auto named = chat_request();
    named.id = "x1";
    ASSERT_TRUE(d.router.request(named, d.now()));
    expect_refused(named, RouteError::duplicate_contact);
    EXPECT_EQ(d.router.pending().size(), 1u);
}

TEST(ContactRequests, CanBeRefusedWhenNobodyCouldAnswer) {
    RouterConfig config;
    config.refuse_without_agents = true;
    Desk d(config);
    d.add_agent("alice", {"sales"}, 1, AgentStatus::paused);
    EXPECT_EQ(d.router.request(chat_request(), d.now()).error, RouteError::no_agents);
    EXPECT_FALSE(d.router.has_eligible_agent("sales", ContactType::chat));
    ASSERT_TRUE(d.router.set_agent_status("alice", AgentStatus::ready, d.now()));
    EXPECT_TRUE(d.router.has_eligible_agent("sales", ContactType::chat));
    EXPECT_TRUE(d.router.request(chat_request(), d.now()));
}

TEST(ContactRequests, CarryTheVisitorDetailsAgentsSee) {
    Desk d;
    auto r = chat_request("v42");
    r.returning_visitor = true;
    const auto id = d.ask(r);
    const Contact& c = d.contact(id);
    EXPECT_EQ(c.customer_name, "Mario v42");
    EXPECT_EQ(c.country, "IT");
    EXPECT_TRUE(c.returning_visitor);
    EXPECT_EQ(c.origin.url, "https://shop.example/cart");
    EXPECT_EQ(c.origin.site_id, "shop");
    EXPECT_EQ(c.type, ContactType::chat);
    EXPECT_EQ(c.state, ContactState::pending);
    EXPECT_FALSE(c.direct());
    EXPECT_EQ(c.color, "#316078");
    EXPECT_EQ(c.seq, 1u);
}

TEST(ContactRequests, GeneratedIdsAreUniqueAndSkipTakenOnes) {
    Desk d;
    auto named = chat_request();
    named.id = "c2";
    ASSERT_TRUE(d.router.request(named, d.now()));
    std::set<std::string> ids{"c2"};
    for (int i = 0; i < 5; ++i) ids.insert(d.ask("v" + std::to_string(i)));
    EXPECT_EQ(ids.size(), 6u);
}
