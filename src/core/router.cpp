#include "core/router.h"

#include <algorithm>
#include <type_traits>
#include <utility>

namespace sb {

// [SECTION] Names --------------------------------------------------------------------------------------------

std::string_view to_string(RouteError e) {
    switch (e) {
    case RouteError::invalid_request: return "invalid_request";
    case RouteError::unknown_service: return "unknown_service";
    case RouteError::type_not_allowed: return "type_not_allowed";
    case RouteError::medium_unsupported: return "medium_unsupported";
    case RouteError::unknown_agent: return "unknown_agent";
    case RouteError::duplicate_contact: return "duplicate_contact";
    case RouteError::no_agents: return "no_agents";
    case RouteError::not_found: return "not_found";
    case RouteError::closed: return "closed";
    case RouteError::already_taken: return "already_taken";
    case RouteError::not_ready: return "not_ready";
    case RouteError::at_capacity: return "at_capacity";
    case RouteError::not_eligible: return "not_eligible";
    case RouteError::nothing_waiting: return "nothing_waiting";
    case RouteError::not_holder: return "not_holder";
    case RouteError::not_assigned: return "not_assigned";
    case RouteError::bad_outcome: return "bad_outcome";
    case RouteError::bad_transition: return "bad_transition";
    case RouteError::bad_color: return "bad_color";
    case RouteError::invalid_service: return "invalid_service";
    case RouteError::invalid_agent: return "invalid_agent";
    case RouteError::in_use: return "in_use";
    }
    return "invalid_request";
}

const Contact* contact_of(const RouterEvent& e) {
    return std::visit(
        [](const auto& ev) -> const Contact* {
            if constexpr (requires { ev.contact; })
                return &ev.contact;
            else
                return nullptr;
        },
        e);
}

bool RoutedAgent::handles(ContactType t) const { return std::find(media.begin(), media.end(), t) != media.end(); }

bool RoutedAgent::accepting() const {
    return connected() && profile.status == AgentStatus::ready && load() < profile.capacity;
}

// [SECTION] Bookkeeping --------------------------------------------------------------------------------------

// Everything one operation produced: contact events in order, plus which agents and waiting lists changed
// (turned into AgentChanged / WaitingListChanged once, at the end).
struct Router::Batch {
    std::vector<RouterEvent> events;
    std::set<std::string> agents;
    std::map<std::string, ListDelta> lists;
};

namespace {
// Every event on a contact gets the next sequence number; call it right where the event copies the contact.
Contact& bump(Contact& c) {
    ++c.seq;
    return c;
}
} // namespace

Router::Router(RouterConfig config) : config_(std::move(config)) {}

void Router::note(Batch& b, const std::string& agent_id, const QueueKey& k, bool added) const {
    auto& d = b.lists[agent_id];
    auto& same = added ? d.added : d.removed;
    auto& other = added ? d.removed : d.added;
    if (other.erase(k) == 0) same.insert(k);
}

bool Router::eligible(const RoutedAgent& a, const Contact& c) const {
    if (c.state != ContactState::pending || !a.accepting() || !a.handles(c.type)) return false;
    if (c.direct_agent_id) return *c.direct_agent_id == a.profile.id;
    auto s = services_.find(c.service_id);
    if (s == services_.end()) return false;
    const auto& tags = a.profile.tags;
    return std::all_of(s->second.main_tags.begin(), s->second.main_tags.end(), [&](const std::string& t) {
        return std::find(tags.begin(), tags.end(), t) != tags.end();
    });
}

std::optional<RouteError> Router::claim_problem(const RoutedAgent& a, const Contact& c) const {
    if (c.state == ContactState::closed) return RouteError::closed;
    if (c.state == ContactState::assigned) return RouteError::already_taken;
    if (!a.connected() || a.profile.status != AgentStatus::ready) return RouteError::not_ready;
    if (a.load() >= a.profile.capacity) return RouteError::at_capacity;
    if (!eligible(a, c)) return RouteError::not_eligible;
    return std::nullopt;
}

void Router::relist_contact(const Contact& c, Batch& b) {
    const QueueKey k = key_of(c);
    for (const auto& [id, a] : agents_) {
        auto& list = listed_[id];
        const bool want = eligible(a, c);
        const bool has = list.count(k) > 0;
        if (want && !has) {
            list.insert(k);
            note(b, id, k, true);
        } else if (!want && has) {
            list.erase(k);
            note(b, id, k, false);
        }
    }
}

void Router::relist_agent(const RoutedAgent& a, Batch& b) {
    auto& list = listed_[a.profile.id];
    std::set<QueueKey> want;
    if (a.accepting())
        for (const auto& k : pending_)
            if (eligible(a, contacts_.at(k.id))) want.insert(want.end(), k);
    for (const auto& k : list)
        if (!want.count(k)) note(b, a.profile.id, k, false);
    for (const auto& k : want)
        if (!list.count(k)) note(b, a.profile.id, k, true);
    list = std::move(want);
}

void Router::enqueue(Contact& c) {
    pending_.insert(key_of(c));
    if (c.dissuasion_deadline) deadlines_.insert({*c.dissuasion_deadline, c.id});
}

void Router::dequeue(const Contact& c) {
    pending_.erase(key_of(c));
    if (c.dissuasion_deadline) deadlines_.erase({*c.dissuasion_deadline, c.id});
}

void Router::assign(RoutedAgent& a, Contact& c, TimePoint now, Batch& b) {
    const bool was_accepting = a.accepting();
    dequeue(c);
    c.state = ContactState::assigned;
    c.agent_id = a.profile.id;
    c.assigned_at = now;
    auto s = services_.find(c.service_id);
    c.channels = initial_channels(c.type, c.capabilities,
                                  s != services_.end() ? s->second.media : std::vector<ContactType>{});
    a.contacts.push_back(c.id);
    b.events.push_back(router_event::ContactAssigned{bump(c)});
    relist_contact(c, b);
    b.agents.insert(a.profile.id);
    if (was_accepting != a.accepting()) relist_agent(a, b);
}

void Router::finish(Contact& c, Outcome o, TimePoint at, Batch& b) {
    const ContactState was = c.state;
    if (was == ContactState::pending) dequeue(c);
    c.state = ContactState::closed;
    c.outcome = o;
    c.closed_at = at;
    if (was == ContactState::pending) relist_contact(c, b);
    if (was == ContactState::assigned) {
        auto a = agents_.find(c.agent_id);
        if (a != agents_.end()) {
            auto& held = a->second.contacts;
            const bool was_accepting = a->second.accepting();
            auto it = std::find(held.begin(), held.end(), c.id);
            if (it != held.end()) {
                held.erase(it);
                b.agents.insert(a->first);
            }
            if (was_accepting != a->second.accepting()) relist_agent(a->second, b);
        }
    }
    b.events.push_back(router_event::ContactClosed{bump(c)});
    closed_.emplace_back(at, c.id);
}

void Router::requeue(Contact& c, const std::string& from_agent, TimePoint now, Batch& b) {
    if (c.visitor_left) { // nobody to give it to: it ends here
        finish(c, Outcome::unfinalized, now, b);
        return;
    }
    c.state = ContactState::pending;
    c.agent_id.clear();
    c.assigned_at.reset();
    c.channels = ChannelStates{};
    c.direct_agent_id.reset(); // its agent is gone: any eligible agent may help now
    ++c.returns;
    auto s = services_.find(c.service_id);
    if (c.type == ContactType::weblead || s == services_.end())
        c.dissuasion_deadline.reset();
    else
        c.dissuasion_deadline = now + s->second.dissuasion; // a fresh wait, not an instant dissuasion
    enqueue(c); // same created_at and queue_order: same place in the queue as before
    b.events.push_back(router_event::ContactReturned{bump(c), from_agent});
    relist_contact(c, b);
}

void Router::return_contacts(RoutedAgent& a, TimePoint now, Batch& b) {
    if (a.contacts.empty()) return;
    auto held = std::move(a.contacts);
    a.contacts.clear();
    b.agents.insert(a.profile.id);
    for (const auto& id : held) {
        auto it = contacts_.find(id);
        if (it != contacts_.end()) requeue(it->second, a.profile.id, now, b);
    }
    relist_agent(a, b);
}

void Router::apply_status(RoutedAgent& a, AgentStatus status, TimePoint now, Batch& b) {
    if (status == AgentStatus::offline) {
        return_contacts(a, now, b); // a logout: nobody will answer these visitors here
        a.disconnected_since.reset();
    }
    a.profile.status = status;
    b.agents.insert(a.profile.id);
    relist_agent(a, b);
}

void Router::advance(TimePoint now, Batch& b) {
    for (auto& [id, a] : agents_) {
        if (!a.disconnected_since || now < *a.disconnected_since + config_.grace_period) continue;
        a.disconnected_since.reset(); // the grace is over: the agent is simply offline from here on
        a.profile.status = AgentStatus::offline;
        b.agents.insert(id);
        return_contacts(a, now, b);
        relist_agent(a, b);
    }
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        const auto [deadline, id] = *deadlines_.begin();
        finish(contacts_.at(id), Outcome::dissuaded, deadline, b);
    }
    while (!closed_.empty() && closed_.front().first + config_.keep_closed <= now) {
        auto it = contacts_.find(closed_.front().second);
        if (it != contacts_.end() && it->second.state == ContactState::closed) contacts_.erase(it);
        closed_.pop_front();
    }
}

RouterResult Router::done(Batch& b, std::optional<RouteError> error, std::string contact_id) {
    RouterResult r;
    r.error = error;
    r.contact_id = std::move(contact_id);
    r.events = std::move(b.events);
    for (const auto& id : b.agents) {
        auto a = agents_.find(id);
        if (a != agents_.end())
            r.events.push_back(router_event::AgentChanged{a->second.profile, a->second.load(), a->second.connected()});
    }
    for (auto& [agent_id, d] : b.lists) {
        if (d.added.empty() && d.removed.empty()) continue;
        router_event::WaitingListChanged w;
        w.agent_id = agent_id;
        for (const auto& k : d.added) w.added.push_back(k.id);
        for (const auto& k : d.removed) w.removed.push_back(k.id);
        auto l = listed_.find(agent_id);
        w.count = l != listed_.end() ? l->second.size() : 0;
        r.events.push_back(std::move(w));
    }
    return r;
}

std::string Router::next_id() {
    while (contacts_.count("c" + std::to_string(next_order_))) ++next_order_;
    return "c" + std::to_string(next_order_);
}

// [SECTION] Services -----------------------------------------------------------------------------------------

RouterResult Router::upsert_service(Service s, TimePoint now) {
    Batch b;
    advance(now, b);
    if (!service_problem(s).empty()) return done(b, RouteError::invalid_service);
    const std::string id = s.id;
    services_[id] = std::move(s);
    for (const auto& k : pending_) {
        const Contact& c = contacts_.at(k.id);
        if (c.service_id == id) relist_contact(c, b);
    }
    return done(b);
}

RouterResult Router::remove_service(const std::string& id, TimePoint now, bool close_pending) {
    Batch b;
    advance(now, b);
    if (!services_.count(id)) return done(b, RouteError::unknown_service);
    std::vector<std::string> pending;
    for (const auto& [cid, c] : contacts_) {
        if (c.service_id != id || c.state == ContactState::closed) continue;
        if (c.state == ContactState::assigned || !close_pending) return done(b, RouteError::in_use);
        pending.push_back(cid);
    }
    std::sort(pending.begin(), pending.end(), [&](const std::string& x, const std::string& y) {
        return key_of(contacts_.at(x)) < key_of(contacts_.at(y));
    });
    for (const auto& cid : pending) finish(contacts_.at(cid), Outcome::unfinalized, now, b);
    services_.erase(id);
    return done(b);
}

const Service* Router::service(const std::string& id) const {
    auto it = services_.find(id);
    return it != services_.end() ? &it->second : nullptr;
}

// [SECTION] Agents -------------------------------------------------------------------------------------------

RouterResult Router::upsert_agent(AgentProfile p, TimePoint now) {
    Batch b;
    advance(now, b);
    if (p.id.empty() || p.capacity < 0) return done(b, RouteError::invalid_agent);
    auto [it, added] = agents_.try_emplace(p.id);
    RoutedAgent& a = it->second;
    const AgentStatus status = p.status;
    if (!added) p.status = a.profile.status; // applied below, with the status rules
    a.profile = std::move(p);
    apply_status(a, status, now, b);
    return done(b);
}

RouterResult Router::remove_agent(const std::string& id, TimePoint now) {
    Batch b;
    advance(now, b);
    auto it = agents_.find(id);
    if (it == agents_.end()) return done(b, RouteError::unknown_agent);
    if (!it->second.contacts.empty()) return done(b, RouteError::in_use);
    if (auto l = listed_.find(id); l != listed_.end()) {
        for (const auto& k : l->second) note(b, id, k, false);
        listed_.erase(l);
    }
    agents_.erase(it);
    for (const auto& k : pending_) { // the visitor chose an agent who is gone: any eligible agent may help now
        Contact& c = contacts_.at(k.id);
        if (c.direct_agent_id != id) continue;
        c.direct_agent_id.reset();
        relist_contact(c, b);
    }
    return done(b);
}

RouterResult Router::set_agent_media(const std::string& id, std::vector<ContactType> media, TimePoint now) {
    Batch b;
    advance(now, b);
    auto it = agents_.find(id);
    if (it == agents_.end()) return done(b, RouteError::unknown_agent);
    it->second.media = std::move(media);
    relist_agent(it->second, b);
    return done(b);
}

RouterResult Router::set_agent_status(const std::string& id, AgentStatus status, TimePoint now) {
    Batch b;
    advance(now, b);
    auto it = agents_.find(id);
    if (it == agents_.end()) return done(b, RouteError::unknown_agent);
    RoutedAgent& a = it->second;
    if (a.profile.status == status) return done(b);
    apply_status(a, status, now, b);
    return done(b);
}

RouterResult Router::agent_disconnected(const std::string& id, TimePoint now) {
    Batch b;
    advance(now, b);
    auto it = agents_.find(id);
    if (it == agents_.end()) return done(b, RouteError::unknown_agent);
    RoutedAgent& a = it->second;
    if (a.disconnected_since || a.profile.status == AgentStatus::offline) return done(b);
    a.disconnected_since = now;
    b.agents.insert(id);
    relist_agent(a, b);
    return done(b);
}

RouterResult Router::agent_reconnected(const std::string& id, TimePoint now) {
    Batch b;
    advance(now, b); // a grace period that ended before `now` has already returned the contacts
    auto it = agents_.find(id);
    if (it == agents_.end()) return done(b, RouteError::unknown_agent);
    RoutedAgent& a = it->second;
    if (!a.disconnected_since) return done(b);
    a.disconnected_since.reset();
    b.agents.insert(id);
    relist_agent(a, b);
    return done(b);
}

const RoutedAgent* Router::agent(const std::string& id) const {
    auto it = agents_.find(id);
    return it != agents_.end() ? &it->second : nullptr;
}

std::vector<const RoutedAgent*> Router::agents() const {
    std::vector<const RoutedAgent*> out;
    out.reserve(agents_.size());
    for (const auto& [id, a] : agents_) out.push_back(&a);
    return out;
}

// [SECTION] Contacts -----------------------------------------------------------------------------------------

RouterResult Router::request(ContactRequest r, TimePoint now) {
    Batch b;
    advance(now, b);
    if (r.visitor_id.empty() || (r.direct_agent_id && r.direct_agent_id->empty()))
        return done(b, RouteError::invalid_request);
    auto s = services_.find(r.service_id);
    if (s == services_.end()) return done(b, RouteError::unknown_service);
    const Service& service = s->second;
    if (!service.allows(r.type)) return done(b, RouteError::type_not_allowed);
    if (!visitor_can(r.type, r.capabilities)) return done(b, RouteError::medium_unsupported);
    if (r.direct_agent_id && !agents_.count(*r.direct_agent_id)) return done(b, RouteError::unknown_agent);
    if (!r.id.empty() && contacts_.count(r.id)) return done(b, RouteError::duplicate_contact);

    Contact c;
    c.id = r.id.empty() ? next_id() : std::move(r.id);
    c.type = r.type;
    c.service_id = std::move(r.service_id);
    c.visitor_id = std::move(r.visitor_id);
    c.returning_visitor = r.returning_visitor;
    c.customer_name = std::move(r.customer_name);
    c.country = std::move(r.country);
    c.origin = std::move(r.origin);
    c.capabilities = r.capabilities;
    c.direct_agent_id = std::move(r.direct_agent_id);
    c.created_at = now;
    if (c.type != ContactType::weblead) c.dissuasion_deadline = now + service.dissuasion;
    c.color = service.color;
    c.queue_order = next_order_;

    if (config_.refuse_without_agents &&
        std::none_of(agents_.begin(), agents_.end(), [&](const auto& a) { return eligible(a.second, c); }))
        return done(b, RouteError::no_agents);

    ++next_order_;
    const std::string id = c.id;
    Contact& stored = contacts_.emplace(id, std::move(c)).first->second;
    enqueue(stored);
    b.events.push_back(router_event::ContactPending{bump(stored)});
    relist_contact(stored, b);
    return done(b, std::nullopt, id);
}

RouterResult Router::claim_oldest(const std::string& agent_id, TimePoint now) {
    Batch b;
    advance(now, b);
    auto a = agents_.find(agent_id);
    if (a == agents_.end()) return done(b, RouteError::unknown_agent);
    if (!a->second.connected() || a->second.profile.status != AgentStatus::ready)
        return done(b, RouteError::not_ready);
    if (a->second.load() >= a->second.profile.capacity) return done(b, RouteError::at_capacity);
    const auto& list = listed_[agent_id];
    if (list.empty()) return done(b, RouteError::nothing_waiting);
    const std::string id = list.begin()->id;
    assign(a->second, contacts_.at(id), now, b);
    return done(b, std::nullopt, id);
}

RouterResult Router::claim(const std::string& agent_id, const std::string& contact_id, TimePoint now) {
    Batch b;
    advance(now, b);
    auto a = agents_.find(agent_id);
    if (a == agents_.end()) return done(b, RouteError::unknown_agent, contact_id);
    auto c = contacts_.find(contact_id);
    if (c == contacts_.end()) return done(b, RouteError::not_found, contact_id);
    if (auto problem = claim_problem(a->second, c->second)) return done(b, problem, contact_id);
    assign(a->second, c->second, now, b);
    return done(b, std::nullopt, contact_id);
}

RouterResult Router::visitor_left(const std::string& contact_id, TimePoint now) {
    Batch b;
    advance(now, b);
    auto it = contacts_.find(contact_id);
    if (it == contacts_.end()) return done(b, RouteError::not_found, contact_id);
    Contact& c = it->second;
    switch (c.state) {
    case ContactState::closed: return done(b, RouteError::closed, contact_id);
    case ContactState::pending:
        finish(c, now - c.created_at >= config_.abandon_after ? Outcome::abandoned : Outcome::cancelled, now, b);
        break;
    case ContactState::assigned:
        if (c.visitor_left) break;
        c.visitor_left = true;
        c.channels = ChannelStates{};
        b.events.push_back(router_event::VisitorLeft{bump(c)});
        break;
    }
    return done(b, std::nullopt, contact_id);
}

RouterResult Router::close(const std::string& contact_id, Outcome outcome, TimePoint now,
                           const std::optional<std::string>& by_agent) {
    Batch b;
    advance(now, b);
    auto it = contacts_.find(contact_id);
    if (it == contacts_.end()) return done(b, RouteError::not_found, contact_id);
    Contact& c = it->second;
    if (c.state == ContactState::closed) return done(b, RouteError::closed, contact_id);
    if (by_agent) {
        if (!agents_.count(*by_agent)) return done(b, RouteError::unknown_agent, contact_id);
        if (c.state != ContactState::assigned || c.agent_id != *by_agent)
            return done(b, RouteError::not_holder, contact_id);
    }
    const bool fits = c.state == ContactState::assigned
                          ? (outcome == Outcome::successful || outcome == Outcome::no_interaction ||
                             outcome == Outcome::unfinalized)
                          : (outcome == Outcome::dissuaded || outcome == Outcome::abandoned ||
                             outcome == Outcome::cancelled || outcome == Outcome::unfinalized);
    if (!fits) return done(b, RouteError::bad_outcome, contact_id);
    finish(c, outcome, now, b);
    return done(b, std::nullopt, contact_id);
}

RouterResult Router::set_color(const std::string& contact_id, const std::string& color, TimePoint now,
                               const std::optional<std::string>& by_agent) {
    Batch b;
    advance(now, b);
    auto it = contacts_.find(contact_id);
    if (it == contacts_.end()) return done(b, RouteError::not_found, contact_id);
    Contact& c = it->second;
    if (c.state == ContactState::closed) return done(b, RouteError::closed, contact_id);
    if (by_agent && (c.state != ContactState::assigned || c.agent_id != *by_agent))
        return done(b, RouteError::not_holder, contact_id);
    std::string next = color;
    if (next.empty()) {
        auto s = services_.find(c.service_id);
        if (s != services_.end()) next = s->second.color;
    } else if (!is_color(next)) {
        return done(b, RouteError::bad_color, contact_id);
    }
    if (next == c.color) return done(b, std::nullopt, contact_id);
    c.color = std::move(next);
    b.events.push_back(router_event::ColorChanged{bump(c)});
    return done(b, std::nullopt, contact_id);
}

RouterResult Router::set_channel(const std::string& contact_id, Channel channel, ChannelState state,
                                 TimePoint now) {
    Batch b;
    advance(now, b);
    auto it = contacts_.find(contact_id);
    if (it == contacts_.end()) return done(b, RouteError::not_found, contact_id);
    Contact& c = it->second;
    if (c.state == ContactState::closed) return done(b, RouteError::closed, contact_id);
    if (c.state != ContactState::assigned) return done(b, RouteError::not_assigned, contact_id);
    if (!channel_transition_allowed(c.channels[channel], state)) return done(b, RouteError::bad_transition, contact_id);
    if (c.channels[channel] == state) return done(b, std::nullopt, contact_id);
    c.channels[channel] = state;
    b.events.push_back(router_event::ChannelChanged{bump(c), channel});
    return done(b, std::nullopt, contact_id);
}

RouterResult Router::restore(Contact c, TimePoint now) {
    Batch b;
    if (c.id.empty() || c.state == ContactState::closed) return done(b, RouteError::invalid_request, c.id);
    if (contacts_.count(c.id)) return done(b, RouteError::duplicate_contact, c.id);
    if (!services_.count(c.service_id)) return done(b, RouteError::unknown_service, c.id);
    if (c.queue_order == 0)
        c.queue_order = next_order_++;
    else
        next_order_ = std::max(next_order_, c.queue_order + 1);
    const std::string id = c.id;
    Contact& stored = contacts_.emplace(id, std::move(c)).first->second;
    if (stored.state == ContactState::pending) {
        enqueue(stored);
        relist_contact(stored, b);
    } else {
        auto a = agents_.find(stored.agent_id);
        if (a != agents_.end()) {
            const bool was_accepting = a->second.accepting();
            a->second.contacts.push_back(id);
            b.agents.insert(a->first);
            if (was_accepting != a->second.accepting()) relist_agent(a->second, b);
        } else { // nobody to hold it: back to the queue, as when an agent's grace period ends
            requeue(stored, stored.agent_id, now, b);
        }
    }
    advance(now, b); // a deadline that passed while the server was down dissuades now
    return done(b, std::nullopt, id);
}

// [SECTION] Time ---------------------------------------------------------------------------------------------

std::vector<RouterEvent> Router::tick(TimePoint now) {
    Batch b;
    advance(now, b);
    return done(b).events;
}

std::optional<TimePoint> Router::next_deadline() const {
    std::optional<TimePoint> next;
    auto consider = [&](TimePoint t) {
        if (!next || t < *next) next = t;
    };
    if (!deadlines_.empty()) consider(deadlines_.begin()->first);
    for (const auto& [id, a] : agents_)
        if (a.disconnected_since) consider(*a.disconnected_since + config_.grace_period);
    if (!closed_.empty()) consider(closed_.front().first + config_.keep_closed);
    return next;
}

// [SECTION] Queries ------------------------------------------------------------------------------------------

const Contact* Router::contact(const std::string& id) const {
    auto it = contacts_.find(id);
    return it != contacts_.end() ? &it->second : nullptr;
}

std::vector<const Contact*> Router::waiting_for(const std::string& agent_id) const {
    std::vector<const Contact*> out;
    auto l = listed_.find(agent_id);
    if (l == listed_.end()) return out;
    out.reserve(l->second.size());
    for (const auto& k : l->second) out.push_back(&contacts_.at(k.id));
    return out;
}

std::size_t Router::waiting_count(const std::string& agent_id) const {
    auto l = listed_.find(agent_id);
    return l != listed_.end() ? l->second.size() : 0;
}

std::vector<const Contact*> Router::pending() const {
    std::vector<const Contact*> out;
    out.reserve(pending_.size());
    for (const auto& k : pending_) out.push_back(&contacts_.at(k.id));
    return out;
}

std::vector<const Contact*> Router::held_by(const std::string& agent_id) const {
    std::vector<const Contact*> out;
    auto a = agents_.find(agent_id);
    if (a == agents_.end()) return out;
    for (const auto& id : a->second.contacts) out.push_back(&contacts_.at(id));
    return out;
}

std::optional<RouteError> Router::check_claim(const std::string& agent_id, const std::string& contact_id) const {
    auto a = agents_.find(agent_id);
    if (a == agents_.end()) return RouteError::unknown_agent;
    auto c = contacts_.find(contact_id);
    if (c == contacts_.end()) return RouteError::not_found;
    return claim_problem(a->second, c->second);
}

bool Router::has_eligible_agent(const std::string& service_id, ContactType type) const {
    Contact probe;
    probe.service_id = service_id;
    probe.type = type;
    return std::any_of(agents_.begin(), agents_.end(), [&](const auto& a) { return eligible(a.second, probe); });
}

} // namespace sb
