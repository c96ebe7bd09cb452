// Shared helpers of the router tests: a router on a fake clock with one tagged service, and event filters.
#pragma once
#include "core/clock.h"
#include "core/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sb::test {

using namespace std::chrono_literals;

inline Service sales_service() {
    Service s;
    s.id = "sales";
    s.name = "Sales";
    s.language = "en";
    s.main_tags = {"sales"};
    s.dissuasion = 60s;
    s.color = "#316078";
    s.media = {ContactType::chat, ContactType::callback, ContactType::call, ContactType::video,
               ContactType::weblead};
    s.site_id = "shop";
    return s;
}

inline AgentProfile agent_profile(const std::string& id, std::vector<std::string> tags = {"sales"},
                                  int capacity = 2, AgentStatus status = AgentStatus::ready) {
    AgentProfile p;
    p.id = id;
    p.login = id;
    p.name = id;
    p.status = status;
    p.tags = std::move(tags);
    p.capacity = capacity;
    return p;
}

inline ContactRequest chat_request(const std::string& visitor = "v1", const std::string& service = "sales") {
    ContactRequest r;
    r.type = ContactType::chat;
    r.service_id = service;
    r.visitor_id = visitor;
    r.customer_name = "Mario " + visitor;
    r.country = "IT";
    r.origin = {"shop", "https://shop.example/cart", "Cart"};
    return r;
}

template <class E> std::vector<E> events_of(const std::vector<RouterEvent>& events) {
    std::vector<E> out;
    for (const auto& e : events)
        if (const auto* x = std::get_if<E>(&e)) out.push_back(*x);
    return out;
}

// The waiting-list event for one agent in a batch, if any.
inline const router_event::WaitingListChanged* list_change(const std::vector<RouterEvent>& events,
                                                           const std::string& agent_id) {
    for (const auto& e : events)
        if (const auto* w = std::get_if<router_event::WaitingListChanged>(&e))
            if (w->agent_id == agent_id) return w;
    return nullptr;
}

// A router with the "sales" service, driven by a fake clock.
struct Desk {
    FakeClock clock;
    Router router;

    explicit Desk(RouterConfig config = {}) : router(config) {
        EXPECT_TRUE(router.upsert_service(sales_service(), now()));
    }
    TimePoint now() const { return clock.now(); }
    void wait(Duration d) { clock.advance(d); }

    void add_agent(const std::string& id, std::vector<std::string> tags = {"sales"}, int capacity = 2,
                   AgentStatus status = AgentStatus::ready) {
        auto r = router.upsert_agent(agent_profile(id, std::move(tags), capacity, status), now());
        EXPECT_TRUE(r) << to_string(*r.error);
    }
    std::string ask(ContactRequest r) {
        auto res = router.request(std::move(r), now());
        EXPECT_TRUE(res) << to_string(*res.error);
        return res.contact_id;
    }
    std::string ask(const std::string& visitor = "v1") { return ask(chat_request(visitor)); }
    std::string ask_direct(const std::string& agent_id, const std::string& visitor = "v1") {
        auto r = chat_request(visitor);
        r.direct_agent_id = agent_id;
        return ask(std::move(r));
    }
    RouterResult claim(const std::string& agent_id, const std::string& contact_id) {
        return router.claim(agent_id, contact_id, now());
    }
    RouterResult claim_oldest(const std::string& agent_id) { return router.claim_oldest(agent_id, now()); }
    std::vector<RouterEvent> tick() { return router.tick(now()); }

    std::vector<std::string> waiting_ids(const std::string& agent_id) const {
        std::vector<std::string> ids;
        for (const auto* c : router.waiting_for(agent_id)) ids.push_back(c->id);
        return ids;
    }
    const Contact& contact(const std::string& id) const {
        const Contact* c = router.contact(id);
        EXPECT_NE(c, nullptr) << id;
        static const Contact none;
        return c ? *c : none;
    }
    ContactState state(const std::string& id) const { return contact(id).state; }
};

using Ids = std::vector<std::string>;

} // namespace sb::test
