// ContactHub: configuration changed live by the admin API (sites, services, agents). See contact_hub.h.
#include "server/contact_hub.h"

#include "server/config_sync.h"
#include "server/log.h"

namespace sb::server {

void ContactHub::put_site(const SiteConfig& s) {
    sites_[s.id] = s;
    Batch b;
    b.now = clock_.now();
    for (const auto& [id, r] : records_) // agents listing them see the new site name
        if (r.contact.state == ContactState::pending && r.contact.origin.site_id == s.id) b.relist.insert(id);
    commit(b);
}

void ContactHub::remove_site(const std::string& id) { sites_.erase(id); }

void ContactHub::put_service(const ServiceConfig& sc) {
    Batch b;
    b.now = clock_.now();
    auto res = router_.upsert_service(to_service(sc), b.now);
    absorb(b, res.events);
    if (!res) {
        log_line("service " + sc.id + " refused by the router: " + std::string(to_string(*res.error)));
    } else {
        services_[sc.id] = sc;
        for (const auto& [id, r] : records_) // new name, language or colour in the agents' lists
            if (r.contact.state == ContactState::pending && r.contact.service_id == sc.id) b.relist.insert(id);
    }
    commit(b);
    notify_deadline();
}

std::size_t ContactHub::held_contacts_of_service(const std::string& id) const {
    std::size_t n = 0;
    for (const auto& [cid, r] : records_)
        if (r.contact.service_id == id && r.contact.state == ContactState::assigned) ++n;
    return n;
}

std::vector<std::string> ContactHub::remove_service(const std::string& id) {
    Batch b;
    b.now = clock_.now();
    auto res = router_.remove_service(id, b.now, true);
    std::vector<std::string> closed;
    for (const auto& e : res.events)
        if (const auto* c = std::get_if<router_event::ContactClosed>(&e); c && c->contact.service_id == id)
            closed.push_back(c->contact.id);
    absorb(b, res.events);
    if (res || res.error == RouteError::unknown_service) {
        services_.erase(id);
        if (!closed.empty())
            log_line("service " + id + " deleted: " + std::to_string(closed.size()) + " pending contacts closed");
    } else {
        log_line("service " + id + " not removed from routing: " + std::string(to_string(*res.error)));
    }
    commit(b);
    notify_deadline();
    return closed;
}

void ContactHub::put_agent(const AgentConfig& a) {
    Batch b;
    b.now = clock_.now();
    AgentProfile p;
    p.id = p.login = a.login;
    p.name = a.name;
    p.tags = a.tags;
    p.languages = a.languages;
    p.capacity = a.capacity;
    const RoutedAgent* now_routed = router_.agent(a.login);
    p.status = now_routed ? now_routed->profile.status : AgentStatus::offline; // a profile change keeps the status
    auto res = router_.upsert_agent(std::move(p), b.now); // new tags or capacity: a new waiting list
    absorb(b, res.events);
    if (!res)
        log_line("agent " + a.login + " refused by the router: " + std::string(to_string(*res.error)));
    else
        agents_[a.login] = AgentConfig{a.login, a.name, "", "", a.tags, a.languages, a.capacity};
    commit(b);
    notify_deadline();
}

void ContactHub::remove_agent(const std::string& login) {
    // Normally SessionHub logged every connection out already; forget any left.
    if (auto it = agent_conns_.find(login); it != agent_conns_.end()) {
        for (ConnectionId c : it->second) {
            agents_by_conn_.erase(c);
            typing_.erase(c);
        }
        agent_conns_.erase(it);
    }
    Batch b;
    b.now = clock_.now();
    std::vector<std::string> direct;
    for (const auto& [id, r] : records_)
        if (r.contact.state == ContactState::pending && r.contact.direct_agent_id == login) direct.push_back(id);
    if (router_.agent(login)) {
        absorb(b, router_.set_agent_status(login, AgentStatus::offline, b.now).events); // held contacts return
        auto res = router_.remove_agent(login, b.now);
        absorb(b, res.events);
        if (!res) log_line("agent " + login + " not removed from routing: " + std::string(to_string(*res.error)));
    }
    for (const auto& id : direct) { // now ordinary contacts (Router::remove_agent): store them, list them anew
        auto r = records_.find(id);
        const Contact* c = router_.contact(id);
        if (r == records_.end() || !c || c->direct_agent_id) continue;
        r->second.contact.direct_agent_id.reset();
        touch(b, id);
        b.relist.insert(id);
    }
    agents_.erase(login);
    commit(b);
    notify_deadline();
}

} // namespace sb::server
