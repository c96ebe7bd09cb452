#include "server/contact_hub.h"

#include "protocol/codec.h"
#include "server/config_sync.h"
#include "server/ice.h"
#include "server/log.h"

#include <sodium.h>

#include <algorithm>
#include <limits>
#include <exception>

namespace sb::server {
namespace {

template <class... F> struct overloaded : F... {
    using F::operator()...;
};
template <class... F> overloaded(F...) -> overloaded<F...>;

namespace code = protocol::code;

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    randombytes_buf(buf.data(), buf.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), buf.data(), buf.size());
    hex.pop_back();
    return hex;
}

// Visitor secrets are random (256 bits), so a fast keyed-less hash is enough: no password stretching needed.
std::string secret_hash(const std::string& secret) {
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr, 0);
    std::string hex(sizeof out * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), out, sizeof out);
    hex.pop_back();
    return hex;
}

bool same_secret_hash(const std::string& a, const std::string& b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The protocol's error code for a router refusal.
const char* code_of(RouteError e) {
    switch (e) {
    case RouteError::unknown_service: return code::unknown_service;
    case RouteError::type_not_allowed: return code::type_not_allowed;
    case RouteError::medium_unsupported: return code::medium_unsupported;
    case RouteError::unknown_agent: return code::unknown_agent;
    case RouteError::not_found:
    case RouteError::not_holder: return code::not_found;
    case RouteError::closed: return code::closed;
    case RouteError::already_taken: return code::already_taken;
    case RouteError::not_ready: return code::not_ready;
    case RouteError::at_capacity: return code::at_capacity;
    case RouteError::not_eligible: return code::not_eligible;
    case RouteError::nothing_waiting: return code::nothing_waiting;
    case RouteError::invalid_request:
    case RouteError::bad_outcome:
    case RouteError::bad_color:
    case RouteError::bad_transition:
    case RouteError::not_assigned: return code::bad_field;
    case RouteError::duplicate_contact:
    case RouteError::no_agents:
    case RouteError::invalid_service:
    case RouteError::invalid_agent:
    case RouteError::in_use: return code::internal;
    }
    return code::internal;
}

std::string message_of(RouteError e) {
    switch (e) {
    case RouteError::unknown_service: return "no such service";
    case RouteError::type_not_allowed: return "the service does not offer this contact type";
    case RouteError::medium_unsupported: return "the visitor's browser cannot carry this contact type";
    case RouteError::unknown_agent: return "no such agent";
    case RouteError::not_found:
    case RouteError::not_holder: return "no such contact";
    case RouteError::closed: return "the contact is closed";
    case RouteError::already_taken: return "another agent took the contact first";
    case RouteError::not_ready: return "set your status to ready first";
    case RouteError::at_capacity: return "you hold as many contacts as your capacity";
    case RouteError::not_eligible: return "you may not take this contact";
    case RouteError::nothing_waiting: return "no contact is waiting for you";
    case RouteError::bad_color: return "field \"color\" must be #rrggbb or empty";
    case RouteError::bad_outcome: return "field \"outcome\" is not allowed for this contact";
    default: return std::string("refused: ") + std::string(to_string(e));
    }
}

std::optional<ContactType> type_of_media(const std::string& s) { return contact_type_from(s); }

// Whether `now` differs from the record as its row was written only in how far the contact got: the last
// event's seq and the last message's time (see ContactWrite::row).
bool only_progress(const ContactRecord& now, const ContactRecord& written) {
    ContactRecord masked = now;
    masked.seq = written.seq;
    masked.contact.seq = written.contact.seq;
    masked.last_message = written.last_message;
    return masked == written;
}

bool is_http_url(const std::string& url) {
    return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

} // namespace

ContactHubOptions contact_hub_options(const ContactsConfig& c) {
    ContactHubOptions o;
    o.idle = std::chrono::seconds(c.idle_seconds);
    o.grace = std::chrono::seconds(c.grace_seconds);
    o.visitor_away = std::chrono::seconds(c.visitor_away_seconds);
    o.history_limit = static_cast<std::size_t>(c.history_limit);
    return o;
}

ContactHub::ContactHub(Store& store, const Clock& clock, const Config& config, ContactHubOptions options, Sender send)
    : store_(store), clock_(clock), options_(options), send_(std::move(send)),
      router_(RouterConfig{options.grace, std::chrono::seconds(10), std::chrono::seconds(60), false}) {
    for (const auto& s : config.services) services_[s.id] = s;
    for (const auto& s : config.sites) sites_[s.id] = s;
    for (const auto& a : config.agents) agents_[a.login] = a;
    media_ = config.media;
    file_limits_ = protocol::FileLimits{config.files.max_bytes, config.files.types};
}

std::vector<protocol::IceServer> ContactHub::ice_servers_for(const std::string& party) const {
    return server::ice_servers_for(media_, party, clock_.now());
}

// [SECTION] Start ----------------------------------------------------------------------------------------------

void ContactHub::start() {
    const TimePoint now = clock_.now();
    for (const auto& [id, sc] : services_) {
        auto r = router_.upsert_service(to_service(sc), now);
        if (!r) throw StoreError("service " + id + " refused by the router: " + std::string(to_string(*r.error)));
    }
    for (const auto& [login, ac] : agents_) {
        AgentProfile p;
        p.id = p.login = ac.login;
        p.name = ac.name;
        p.status = AgentStatus::offline;
        p.tags = ac.tags;
        p.languages = ac.languages;
        p.capacity = ac.capacity;
        router_.upsert_agent(std::move(p), now);
    }

    Batch b;
    b.now = now;
    std::set<std::string> holders;
    for (const auto& row : store_.open_contacts()) {
        ContactRecord rec = record_from_json(row.data);
        // Events written without the row (ContactWrite::row): the row is right but for these two.
        for (const auto& e : store_.events_after(row.id, rec.seq, std::numeric_limits<std::int32_t>::max())) {
            rec.seq = e.seq;
            if (e.kind == protocol::event_name(protocol::ev::Message{}) || e.kind == protocol::event_name(protocol::ev::File{}))
                rec.last_message = from_epoch_ms(e.at);
        }
        rec.contact.seq = rec.seq;
        const std::string id = rec.contact.id;
        written_[id] = rec;
        auto& log = cids_[id];
        for (const auto& c : store_.commands(id)) log.seqs.emplace(c.party + '\n' + c.cid, c.seq);
        if (rec.contact.state == ContactState::assigned && router_.agent(rec.contact.agent_id))
            holders.insert(rec.contact.agent_id);
        // Nobody is connected after a restart: every visitor counts as away until they say hello again.
        visitor_contacts_[rec.contact.visitor_id].insert(id);
        const bool was_present = rec.visitor_present;
        auto [it, added] = records_.emplace(id, std::move(rec));
        (void)added;
        auto res = router_.restore(it->second.contact, now);
        if (!res) {
            log_line("cannot restore contact " + id + ": " + std::string(to_string(*res.error)) + "; closing it");
            ContactRecord& r = it->second;
            r.contact.state = ContactState::closed;
            r.contact.outcome = Outcome::unfinalized;
            r.contact.closed_at = now;
            emit(b, r, protocol::ev::Closed{Outcome::unfinalized});
            visitor_contacts_[r.contact.visitor_id].erase(id);
            b.closed[id] = std::move(r);
            records_.erase(id);
            written_.erase(id);
            cids_.erase(id);
            continue;
        }
        if (it->second.contact.state == ContactState::assigned) schedule_idle(it->second);
        absorb(b, res.events);
        auto open = records_.find(id);
        if (open != records_.end() && was_present) {
            open->second.visitor_present = false;
            emit(b, open->second, protocol::ev::Presence{false});
        }
    }
    for (const auto& [visitor, contacts] : visitor_contacts_) {
        if (contacts.empty() || visitor_away_.count(visitor)) continue;
        visitor_away_[visitor] = now + options_.visitor_away;
        away_deadlines_.insert({now + options_.visitor_away, visitor});
    }
    // Agents keep no console across a restart: those holding contacts get the grace period to come back.
    for (const auto& login : holders) {
        absorb(b, router_.set_agent_status(login, AgentStatus::paused, now).events);
        absorb(b, router_.agent_disconnected(login, now).events);
    }
    for (auto it = visitor_contacts_.begin(); it != visitor_contacts_.end();)
        it = it->second.empty() ? visitor_contacts_.erase(it) : std::next(it);
    commit(b);
    notify_deadline();
    if (!records_.empty()) log_line("restored " + std::to_string(records_.size()) + " open contacts");
}

// [SECTION] Agents ---------------------------------------------------------------------------------------------

void ContactHub::agent_joined(ConnectionId conn, const std::string& login, AgentStatus status) {
    Batch b;
    b.now = clock_.now();
    if (agent_conns_[login].empty()) {
        absorb(b, router_.agent_reconnected(login, b.now).events);
        absorb(b, router_.set_agent_status(login, status, b.now).events);
    }
    commit(b); // the new connection is registered after: its welcome comes first, then its queue.waiting
    agent_conns_[login].insert(conn);
    agents_by_conn_[conn] = login;
    notify_deadline();
}

std::vector<protocol::ContactView> ContactHub::held_by(const std::string& login) const {
    std::vector<protocol::ContactView> out;
    for (const Contact* c : router_.held_by(login)) {
        auto it = records_.find(c->id);
        if (it != records_.end()) out.push_back(view(it->second));
    }
    return out;
}

protocol::ServiceInfo ContactHub::service_info(const ServiceConfig& s, bool with_colors) const {
    protocol::ServiceInfo info;
    info.id = s.id;
    info.name = s.name;
    info.language = s.language;
    info.color = s.color;
    if (with_colors)
        for (const auto& c : s.colors) info.colors.push_back(protocol::ColorMeaning{c.color, c.meaning});
    for (const auto& m : s.media)
        if (auto t = type_of_media(m)) info.media.push_back(*t);
    return info;
}

std::vector<protocol::ServiceInfo> ContactHub::services_for_agent(const std::string& login) const {
    std::vector<protocol::ServiceInfo> out;
    auto a = agents_.find(login);
    if (a == agents_.end()) return out;
    for (const auto& [id, s] : services_) {
        const auto& tags = a->second.tags;
        if (std::all_of(s.tags.begin(), s.tags.end(),
                        [&](const std::string& t) { return std::find(tags.begin(), tags.end(), t) != tags.end(); }))
        {
            out.push_back(service_info(s, true));
            out.back().translations = translations_for(s.language);
        }
    }
    return out;
}

void ContactHub::send_waiting(ConnectionId conn) {
    auto it = agents_by_conn_.find(conn);
    if (it != agents_by_conn_.end()) send(conn, waiting(it->second));
}

void ContactHub::agent_status(const std::string& login, AgentStatus status) {
    Batch b;
    b.now = clock_.now();
    absorb(b, router_.set_agent_status(login, status, b.now).events); // its list changes (queue.changed) if any
    commit(b);
    notify_deadline();
}

void ContactHub::agent_left(ConnectionId conn, bool logout) {
    auto it = agents_by_conn_.find(conn);
    if (it == agents_by_conn_.end()) return;
    const std::string login = it->second;
    agents_by_conn_.erase(it);
    typing_.erase(conn);
    auto& conns = agent_conns_[login];
    conns.erase(conn);
    if (!conns.empty()) return;
    agent_conns_.erase(login);
    Batch b;
    b.now = clock_.now();
    if (logout)
        absorb(b, router_.set_agent_status(login, AgentStatus::offline, b.now).events);
    else
        absorb(b, router_.agent_disconnected(login, b.now).events);
    commit(b);
    notify_deadline();
}

// [SECTION] Dispatch -------------------------------------------------------------------------------------------

void ContactHub::handle(ConnectionId conn, const protocol::ClientMessage& m) {
    struct InCommand {
        bool& flag;
        explicit InCommand(bool& f) : flag(f) { flag = true; }
        ~InCommand() { flag = false; }
    } in_command{in_command_};
    std::visit(overloaded{
                   [&](const protocol::VisitorHello& x) { hello(conn, x); },
                   [&](const protocol::ContactRequestMsg& x) { request(conn, x); },
                   [&](const protocol::ContactClaim& x) { claim(conn, x); },
                   [&](const protocol::ContactSend& x) { send_message(conn, x); },
                   [&](const protocol::ContactReadMsg& x) { read(conn, x); },
                   [&](const protocol::ContactTyping& x) { typing(conn, x); },
                   [&](const protocol::ContactPage& x) { page(conn, x); },
                   [&](const protocol::ContactColor& x) { color(conn, x); },
                   [&](const protocol::ContactLink& x) { link(conn, x); },
                   [&](const protocol::ContactChannel& x) { channel(conn, x); },
                   [&](const protocol::ContactStop& x) { stop(conn, x); },
                   [&](const protocol::ContactResume& x) { resume(conn, x); },
                   [&](const protocol::ContactMedia& x) { media(conn, x); },
                   [&](const protocol::ContactSignal& x) { signal(conn, x); },
                   [&](const protocol::ContactTranslate& x) { translate_contact(conn, x); },
                   [&](const auto&) {}, // agent session messages: SessionHub's
               },
               m);
    notify_deadline();
}

void ContactHub::connection_closed(ConnectionId conn) {
    try {
        typing_.erase(conn);
        if (agents_by_conn_.count(conn)) {
            agent_left(conn, false);
        } else if (auto it = visitors_by_conn_.find(conn); it != visitors_by_conn_.end()) {
            const std::string visitor = it->second.visitor_id;
            visitors_by_conn_.erase(it);
            auto& conns = visitor_conns_[visitor];
            conns.erase(conn);
            if (conns.empty()) {
                visitor_conns_.erase(visitor);
                Batch b;
                b.now = clock_.now();
                visitor_present(b, visitor, false);
                commit(b);
            }
        }
    } catch (const std::exception& e) {
        log_line(std::string("error while closing connection ") + std::to_string(conn) + ": " + e.what());
    }
    notify_deadline();
}

std::optional<ContactHub::Actor> ContactHub::actor_of(ConnectionId conn) const {
    if (auto a = agents_by_conn_.find(conn); a != agents_by_conn_.end()) return Actor{true, a->second};
    if (auto v = visitors_by_conn_.find(conn); v != visitors_by_conn_.end()) return Actor{false, v->second.visitor_id};
    return std::nullopt;
}

void ContactHub::error(ConnectionId conn, const std::string& cid, const char* code, std::string message) {
    send(conn, protocol::Error{cid, code, std::move(message)});
}

// [SECTION] Visitors -------------------------------------------------------------------------------------------

ContactHub::Batch ContactHub::command_batch(ConnectionId conn, const std::string& cid, TimePoint now) const {
    Batch b;
    b.now = now;
    b.requester = conn;
    b.requester_cid = cid;
    return b;
}

void ContactHub::refuse(Batch& b, ConnectionId conn, const std::string& cid, RouteError e) const {
    b.replies.emplace_back(conn, protocol::Error{cid, code_of(e), message_of(e)});
}

void ContactHub::hello(ConnectionId conn, const protocol::VisitorHello& x) {
    const TimePoint now = clock_.now();
    if (agents_by_conn_.count(conn)) {
        error(conn, x.cid, code::bad_field, "this connection is an agent's; open another for a visitor");
        return;
    }
    VisitorSession s;
    protocol::VisitorIdentity identity;
    if (x.visitor && !x.visitor->id.empty()) {
        auto known = store_.find_visitor(x.visitor->id);
        if (known && same_secret_hash(known->secret_hash, secret_hash(x.visitor->secret))) {
            identity = *x.visitor;
            s.returning = true;
        }
    }
    if (!s.returning) {
        identity.id = "v-" + random_hex(16);
        identity.secret = random_hex(32);
        store_.create_visitor(StoredVisitor{identity.id, secret_hash(identity.secret), to_epoch_ms(now)});
    }
    s.visitor_id = identity.id;
    if (country_of_) s.country = country_of_(conn);
    s.name = x.name;
    s.page = x.page;
    s.capabilities = x.capabilities;

    // A connection that said hello before becomes this visitor's (the widget may re-hello after a reset).
    if (auto old = visitors_by_conn_.find(conn); old != visitors_by_conn_.end()) {
        if (old->second.visitor_id != identity.id) {
            const std::string before = old->second.visitor_id;
            visitors_by_conn_.erase(old);
            visitor_conns_[before].erase(conn);
            if (visitor_conns_[before].empty()) {
                visitor_conns_.erase(before);
                Batch away;
                away.now = now;
                visitor_present(away, before, false);
                commit(away);
            }
        }
    }

    Batch b = command_batch(conn, x.cid, now);
    visitor_present(b, identity.id, true);
    if (!x.page.url.empty()) { // the widget runs on another page now
        auto it = visitor_contacts_.find(identity.id);
        if (it != visitor_contacts_.end())
            for (const auto& id : it->second) {
                ContactRecord& r = records_.at(id);
                if (r.page == x.page) continue;
                r.page = x.page;
                emit(b, r, protocol::ev::PageChanged{x.page});
                if (r.contact.state == ContactState::pending) b.relist.insert(id);
            }
    }
    commit(b);

    visitors_by_conn_[conn] = s;
    visitor_conns_[identity.id].insert(conn);
    protocol::VisitorWelcome w{x.cid, identity, s.returning, to_epoch_ms(now), {}, {}};
    w.ice_servers = ice_servers_for(identity.id);
    w.ice_transport_policy = media_.ice_transport_policy;
    w.files = file_limits_;
    for (const auto& [id, sc] : services_) w.services.push_back(service_info(sc, false));
    if (auto it = visitor_contacts_.find(identity.id); it != visitor_contacts_.end())
        for (const auto& id : it->second) w.contacts.push_back(view(records_.at(id)));
    std::sort(w.contacts.begin(), w.contacts.end(),
              [](const auto& a, const auto& b2) { return a.created_at < b2.created_at; });
    send(conn, w);
    for (const auto& c : w.contacts) // a widget on a new page shows the place in the queue again
        if (auto p = positions_.find(c.id); p != positions_.end() && c.state == ContactState::pending)
            send(conn, protocol::QueuePosition{c.id, p->second});
}

// The visitor's widget went away (no connection left) or came back: presence events on their open contacts.
void ContactHub::visitor_present(Batch& b, const std::string& visitor_id, bool present) {
    if (present) {
        if (auto it = visitor_away_.find(visitor_id); it != visitor_away_.end()) {
            away_deadlines_.erase({it->second, visitor_id});
            visitor_away_.erase(it);
        }
    }
    auto it = visitor_contacts_.find(visitor_id);
    if (it == visitor_contacts_.end() || it->second.empty()) return;
    for (const auto& id : it->second) {
        ContactRecord& r = records_.at(id);
        if (r.visitor_present == present) continue;
        r.visitor_present = present;
        emit(b, r, protocol::ev::Presence{present});
        if (r.contact.state == ContactState::pending) b.relist.insert(id);
    }
    if (!present && !visitor_away_.count(visitor_id)) {
        const TimePoint at = b.now + options_.visitor_away;
        visitor_away_[visitor_id] = at;
        away_deadlines_.insert({at, visitor_id});
    }
}

void ContactHub::request(ConnectionId conn, const protocol::ContactRequestMsg& x) {
    auto v = visitors_by_conn_.find(conn);
    if (v == visitors_by_conn_.end()) {
        error(conn, x.cid, code::not_logged_in, "send visitor.hello first");
        return;
    }
    const VisitorSession& s = v->second;
    if (x.service.empty()) return error(conn, x.cid, code::bad_field, "missing field \"service\"");
    if (x.type == ContactType::callback && (!x.callback || x.callback->phone.empty()))
        return error(conn, x.cid, code::bad_field, "a callback needs \"callback\" with a \"phone\"");
    if (x.type == ContactType::weblead &&
        (!x.weblead || x.weblead->message.empty() || (x.weblead->email.empty() && x.weblead->phone.empty())))
        return error(conn, x.cid, code::bad_field, "a weblead needs \"weblead\" with a \"message\" and an email or phone");

    const TimePoint now = clock_.now();
    auto service = services_.find(x.service);
    const protocol::Page origin = x.page.url.empty() ? s.page : x.page;
    ContactRequest r;
    r.id = "k-" + random_hex(8);
    r.type = x.type;
    r.service_id = x.service;
    r.visitor_id = s.visitor_id;
    r.returning_visitor = s.returning;
    r.customer_name = x.name.empty() ? s.name : x.name;
    r.country = s.country;
    r.origin = Origin{service != services_.end() ? service->second.site : std::string(), origin.url, origin.title};
    r.capabilities = VisitorCapabilities{s.capabilities.voice, s.capabilities.video, x.callback.has_value()};
    if (!x.agent.empty()) r.direct_agent_id = x.agent;
    auto res = router_.request(std::move(r), now);

    Batch b = command_batch(conn, x.cid, now);
    if (!res) {
        absorb(b, res.events);
        refuse(b, conn, x.cid, *res.error);
        commit(b);
        return;
    }
    ContactRecord rec;
    rec.contact = *router_.contact(res.contact_id);
    rec.page = origin;
    rec.visitor_present = true;
    rec.callback = x.callback;
    rec.weblead = x.weblead;
    records_.emplace(res.contact_id, std::move(rec));
    visitor_contacts_[s.visitor_id].insert(res.contact_id);
    const Actor who{false, s.visitor_id};
    absorb(b, res.events, res.contact_id, &who, x.cid);
    b.snapshots.push_back({conn, res.contact_id, x.cid, 0});
    commit(b);
}

// [SECTION] Agents' claims -------------------------------------------------------------------------------------

void ContactHub::claim(ConnectionId conn, const protocol::ContactClaim& x) {
    auto a = agents_by_conn_.find(conn);
    if (a == agents_by_conn_.end()) return error(conn, x.cid, code::not_logged_in, "log in as an agent first");
    const std::string login = a->second;
    Batch b = command_batch(conn, x.cid, clock_.now());
    if (!x.contact.empty()) { // a retried claim of a contact this agent already took: the same answer again
        auto held = records_.find(x.contact);
        if (held != records_.end() && held->second.contact.state == ContactState::assigned &&
            held->second.contact.agent_id == login) {
            b.snapshots.push_back({conn, x.contact, x.cid, 0});
            commit(b);
            return;
        }
    }
    auto res = x.contact.empty() ? router_.claim_oldest(login, b.now) : router_.claim(login, x.contact, b.now);
    const Actor who{true, login};
    absorb(b, res.events, res.contact_id, &who, x.cid);
    if (!res) {
        refuse(b, conn, x.cid, *res.error);
        b.full_lists.insert(conn); // a fresh queue.waiting follows the refusal
        commit(b);
        return;
    }
    b.snapshots.push_back({conn, res.contact_id, x.cid, 0});
    commit(b);
}

// [SECTION] Commands on a contact ------------------------------------------------------------------------------

ContactRecord* ContactHub::acting_on(ConnectionId conn, const Actor& who, const std::string& contact,
                                     const std::string& cid) {
    auto it = records_.find(contact);
    if (it != records_.end()) {
        const Contact& c = it->second.contact;
        const bool mine = who.agent ? (c.state == ContactState::assigned && c.agent_id == who.id) : c.visitor_id == who.id;
        if (mine) return &it->second;
        error(conn, cid, code::not_found, "no such contact");
        return nullptr;
    }
    // Closed (or unknown): `closed` to its parties, `not_found` to everybody else. The store must have
    // every batch of this turn to answer.
    flush_commits();
    auto stored = contact.empty() ? std::nullopt : store_.find_contact(contact);
    const bool party = stored && (who.agent ? stored->agent_id == who.id : stored->visitor_id == who.id);
    if (party && stored->state == "closed")
        error(conn, cid, code::closed, "the contact is closed");
    else
        error(conn, cid, code::not_found, "no such contact");
    return nullptr;
}

bool ContactHub::replayed(ConnectionId conn, const Actor& who, const std::string& contact, const std::string& cid) {
    if (cid.empty()) return false;
    // Applied, not durable yet (this turn's, or being written): answered once that batch is durable, with it.
    if (auto p = pending_cids_.find(contact + '\n' + who.key() + '\n' + cid); p != pending_cids_.end()) {
        p->second.first->replies.emplace_back(conn, protocol::Ack{cid, contact, p->second.second});
        return true;
    }
    auto log = cids_.find(contact);
    if (log == cids_.end()) return false;
    auto it = log->second.seqs.find(who.key() + '\n' + cid);
    if (it == log->second.seqs.end()) return false;
    send(conn, protocol::Ack{cid, contact, it->second});
    return true;
}

void ContactHub::send_message(ConnectionId conn, const protocol::ContactSend& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    if (x.text.empty()) return error(conn, x.cid, code::bad_field, "field \"text\" must not be empty");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    if (queue_for_translation(conn, *r, *who, x)) return; // sent once translated (contact_hub_translation.cpp)
    Batch b = command_batch(conn, x.cid, clock_.now());
    post_message(b, *r, *who, x.text, x.cid);
    commit(b);
}

void ContactHub::read(ConnectionId conn, const protocol::ContactReadMsg& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    if (x.up_to > r->seq) return error(conn, x.cid, code::bad_field, "field \"up_to\" is beyond the contact's last event");
    Batch b = command_batch(conn, x.cid, clock_.now());
    emit(b, *r, protocol::ev::Read{who->party(), x.up_to}, &*who, x.cid);
    commit(b);
}

bool ContactHub::typing_allowed(ConnectionId conn) {
    const TimePoint now = clock_.now();
    TypingWindow& w = typing_[conn];
    if (now < w.start || now - w.start >= std::chrono::seconds(1)) {
        w.start = now;
        w.count = 0;
    }
    return ++w.count <= options_.typing_per_second;
}

void ContactHub::typing(ConnectionId conn, const protocol::ContactTyping& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r) return;
    // Not stored and not numbered: a typing notice only matters now. Over the rate it is dropped silently.
    if (typing_allowed(conn)) {
        protocol::ContactTypingNotice n{x.contact, who->party(), x.typing};
        if (who->agent)
            send_to_visitor(r->contact.visitor_id, n);
        else if (r->contact.state == ContactState::assigned)
            send_to_agent(r->contact.agent_id, n);
    }
    if (!x.cid.empty()) send(conn, protocol::Ack{x.cid, x.contact, 0});
}

void ContactHub::page(ConnectionId conn, const protocol::ContactPage& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello first");
    if (who->agent) return error(conn, x.cid, code::bad_field, "contact.page is the visitor's");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    Batch b = command_batch(conn, x.cid, clock_.now());
    r->page = x.page;
    emit(b, *r, protocol::ev::PageChanged{x.page}, &*who, x.cid);
    if (r->contact.state == ContactState::pending) b.relist.insert(x.contact);
    commit(b);
}

void ContactHub::color(ConnectionId conn, const protocol::ContactColor& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "log in as an agent first");
    if (!who->agent) return error(conn, x.cid, code::bad_field, "contact.color is the agent's");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    Batch b = command_batch(conn, x.cid, clock_.now());
    const std::uint64_t before = r->seq;
    auto res = router_.set_color(x.contact, x.color, b.now, who->id);
    absorb(b, res.events, x.contact, &*who, x.cid);
    if (!res)
        refuse(b, conn, x.cid, *res.error);
    else if (records_.count(x.contact) && records_.at(x.contact).seq == before)
        b.replies.emplace_back(conn, protocol::Ack{x.cid, x.contact, 0}); // already that colour
    commit(b);
}

void ContactHub::link(ConnectionId conn, const protocol::ContactLink& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "log in as an agent first");
    if (!who->agent) return error(conn, x.cid, code::bad_field, "contact.link is the agent's");
    if (!is_http_url(x.url) || x.url.size() > 2048)
        return error(conn, x.cid, code::bad_field, "field \"url\" must be an http: or https: URL of at most 2048 bytes");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    Batch b = command_batch(conn, x.cid, clock_.now());
    emit(b, *r, protocol::ev::Link{x.url}, &*who, x.cid);
    commit(b);
}

void ContactHub::channel(ConnectionId conn, const protocol::ContactChannel& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    Batch b = command_batch(conn, x.cid, clock_.now());
    const std::uint64_t before = r->seq;
    auto res = router_.set_channel(x.contact, x.channel, x.state, b.now);
    absorb(b, res.events, x.contact, &*who, x.cid);
    if (!res)
        refuse(b, conn, x.cid, *res.error);
    else if (records_.count(x.contact) && records_.at(x.contact).seq == before)
        b.replies.emplace_back(conn, protocol::Ack{x.cid, x.contact, 0}); // already in that state
    commit(b);
}

void ContactHub::stop(ConnectionId conn, const protocol::ContactStop& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    if (who->agent && x.outcome && *x.outcome != Outcome::successful && *x.outcome != Outcome::no_interaction)
        return error(conn, x.cid, code::bad_field, "field \"outcome\" must be successful or no_interaction");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    Batch b = command_batch(conn, x.cid, clock_.now());
    RouterResult res;
    if (who->agent)
        res = router_.close(x.contact, x.outcome.value_or(Outcome::successful), b.now, who->id);
    else if (r->contact.state == ContactState::pending)
        res = router_.visitor_left(x.contact, b.now); // abandoned (waited 10 s or more) or cancelled
    else
        res = router_.close(x.contact, Outcome::successful, b.now); // the visitor ended the conversation
    absorb(b, res.events, x.contact, &*who, x.cid);
    if (!res) refuse(b, conn, x.cid, *res.error);
    commit(b);
}

void ContactHub::resume(ConnectionId conn, const protocol::ContactResume& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    flush_commits(); // the snapshot is read from the store, after the events sent before it
    auto rec = load(x.contact);
    bool allowed = false;
    if (rec) {
        const Contact& c = rec->contact;
        if (!who->agent)
            allowed = c.visitor_id == who->id;
        else if (c.state == ContactState::pending) // one the agent may claim: they may look at it
            allowed = !router_.check_claim(who->id, c.id).has_value();
        else
            allowed = c.agent_id == who->id; // held, or held last before it closed
    }
    if (!allowed) return error(conn, x.cid, code::not_found, "no such contact");
    if (x.after > rec->seq) return error(conn, x.cid, code::bad_field, "field \"after\" is beyond the contact's last event");
    auto snap = snapshot(*rec, x.cid, x.after);
    link_files(snap, conn);
    send(conn, snap);
}

// [SECTION] Calls ----------------------------------------------------------------------------------------------

void ContactHub::media(ConnectionId conn, const protocol::ContactMedia& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    const CallParty party = who->agent ? CallParty::agent : CallParty::visitor;
    auto plan = plan_call(r->contact, r->call, party, x.action, x.video);
    if (!plan) {
        switch (plan.error()) {
        case CallError::not_assigned: return error(conn, x.cid, code::bad_field, "only an assigned contact has calls");
        case CallError::media_busy: return error(conn, x.cid, code::media_busy, "a call is already offered or going on");
        case CallError::medium_unsupported:
            return error(conn, x.cid, code::medium_unsupported, "the visitor's browser cannot carry this call");
        case CallError::no_call: return error(conn, x.cid, code::no_call, "no call to " + std::string(to_string(x.action)));
        }
    }
    Batch b = command_batch(conn, x.cid, clock_.now());
    if (!plan->changed) {
        b.replies.emplace_back(conn, protocol::Ack{x.cid, x.contact, 0});
        commit(b);
        return;
    }
    r->call = plan->call;
    touch(b, x.contact);
    emit(b, *r, protocol::ev::Media{who->party(), x.action, x.video, x.reason}, &*who, x.cid);
    for (const auto& [channel, state] : plan->channels) {
        auto res = router_.set_channel(x.contact, channel, state, b.now);
        absorb(b, res.events);
        if (!res) log_line("call on " + x.contact + ": channel change refused: " + std::string(to_string(*res.error)));
    }
    commit(b);
}

void ContactHub::signal(ConnectionId conn, const protocol::ContactSignal& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, code::not_logged_in, "send visitor.hello or log in first");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r) return;
    if (!r->call || r->call->phase == CallPhase::offered)
        return error(conn, x.cid, code::no_call, "no accepted call on this contact");
    const protocol::ServerMessage notice = protocol::ContactSignalNotice{x.contact, who->party(), x.signal};
    if (who->agent)
        send_to_visitor(r->contact.visitor_id, notice);
    else
        send_to_agent(r->contact.agent_id, notice);
}

// [SECTION] Events ---------------------------------------------------------------------------------------------

void ContactHub::touch(Batch& b, const std::string& contact) {
    if (std::find(b.touched.begin(), b.touched.end(), contact) == b.touched.end()) b.touched.push_back(contact);
}

std::uint64_t ContactHub::emit(Batch& b, ContactRecord& r, protocol::EventBody body, const Actor* who,
                               const std::string& cid) {
    protocol::ContactEvent e;
    e.contact = r.contact.id;
    e.seq = ++r.seq;
    r.contact.seq = r.seq;
    e.at = to_epoch_ms(b.now);
    e.cid = cid;
    e.body = std::move(body);
    touch(b, e.contact);
    std::string json = protocol::event_to_json(e);
    b.events[e.contact].push_back(StoredEvent{e.contact, e.seq, e.at, std::string(protocol::event_name(e.body)),
                                              who ? who->key() : std::string(), cid, json});
    // Agents see the stream of the contacts they hold (and the end of one they held); visitors all of theirs.
    std::string agent;
    if (r.contact.state == ContactState::assigned ||
        (r.contact.state == ContactState::closed && r.contact.assigned_at && !r.contact.agent_id.empty()))
        agent = r.contact.agent_id;
    b.deliveries.push_back(Delivery{std::move(e), r.contact.visitor_id, agent, std::move(json)});
    return r.seq;
}

void ContactHub::absorb(Batch& b, const std::vector<RouterEvent>& events, const std::string& cause_contact,
                        const Actor* who, const std::string& cid) {
    namespace re = router_event;
    for (const auto& event : events) {
        if (auto* w = std::get_if<re::WaitingListChanged>(&event)) {
            auto& change = b.lists[w->agent_id];
            for (const auto& id : w->removed) change.remove(id);
            for (const auto& id : w->added) change.add(id);
            continue;
        }
        if (std::holds_alternative<re::AgentChanged>(event)) continue; // a list it changes comes as WaitingListChanged
        const Contact* c = contact_of(event);
        if (!c) continue;
        auto it = records_.find(c->id);
        if (it == records_.end()) {
            log_line("router event for unknown contact " + c->id);
            continue;
        }
        ContactRecord& r = it->second;
        const bool caused = c->id == cause_contact;
        const Actor* by = caused ? who : nullptr;
        const std::string& with_cid = caused ? cid : std::string();
        r.contact = *c;
        r.contact.seq = r.seq;
        std::visit(overloaded{
                       [&](const re::ContactPending& x) {
                           emit(b, r, protocol::ev::Pending{x.contact.dissuasion_deadline
                                                                ? std::optional(to_epoch_ms(*x.contact.dissuasion_deadline))
                                                                : std::nullopt},
                                by, with_cid);
                       },
                       [&](const re::ContactReturned& x) {
                           cancel_idle(r);
                           r.call.reset(); // the agent's side of any call is gone
                           emit(b, r, protocol::ev::Returned{});
                           emit(b, r, protocol::ev::Pending{x.contact.dissuasion_deadline
                                                                ? std::optional(to_epoch_ms(*x.contact.dissuasion_deadline))
                                                                : std::nullopt});
                       },
                       [&](const re::ContactAssigned& x) {
                           r.idle = false;
                           schedule_idle(r, b.now);
                           emit(b, r, protocol::ev::Assigned{{x.contact.agent_id, agent_name(x.contact.agent_id)},
                                                             x.contact.channels},
                                by, with_cid);
                           // A call or video contact: the visitor's call rings the agent who took it.
                           r.call = initial_call(x.contact.type);
                           if (r.call)
                               emit(b, r, protocol::ev::Media{protocol::Party::visitor, CallAction::offer, r.call->video,
                                                              std::nullopt});
                       },
                       [&](const re::ChannelChanged& x) {
                           emit(b, r, protocol::ev::ChannelChanged{x.channel, x.contact.channels[x.channel]}, by,
                                with_cid);
                       },
                       [&](const re::ColorChanged& x) { emit(b, r, protocol::ev::ColorChanged{x.contact.color}, by, with_cid); },
                       [&](const re::VisitorLeft&) {
                           if (r.visitor_present) {
                               r.visitor_present = false;
                               emit(b, r, protocol::ev::Presence{false}, by, with_cid);
                           }
                       },
                       [&](const re::ContactClosed& x) {
                           cancel_idle(r);
                           release_all_translated(b, r); // messages still being translated go first
                           r.call.reset();
                           emit(b, r, protocol::ev::Closed{x.contact.outcome.value_or(Outcome::unfinalized)}, by, with_cid);
                           const std::string id = r.contact.id;
                           auto vc = visitor_contacts_.find(r.contact.visitor_id);
                           if (vc != visitor_contacts_.end()) {
                               vc->second.erase(id);
                               if (vc->second.empty()) visitor_contacts_.erase(vc);
                           }
                           b.closed[id] = std::move(r);
                           records_.erase(id);
                           cids_.erase(id);
                           written_.erase(id);
                       },
                       [&](const auto&) {},
                   },
                   event);
    }
}

void ContactHub::schedule_idle(ContactRecord& r, std::optional<TimePoint> last_message) {
    cancel_idle(r);
    if (last_message) r.last_message = *last_message;
    idle_deadlines_.insert({r.last_message + options_.idle, r.contact.id});
}

void ContactHub::cancel_idle(const ContactRecord& r) { idle_deadlines_.erase({r.last_message + options_.idle, r.contact.id}); }

void ContactHub::commit(Batch& b) {
    // The rows as they are now: later commands of the same turn change records_ again.
    std::vector<ContactWrite>& writes = b.writes;
    writes.reserve(b.touched.size());
    for (const auto& id : b.touched) {
        const ContactRecord* r = nullptr;
        bool open = false;
        if (auto it = records_.find(id); it != records_.end()) {
            r = &it->second;
            open = true;
        } else if (auto cl = b.closed.find(id); cl != b.closed.end()) {
            r = &cl->second;
        }
        if (!r) continue;
        auto ev = b.events.find(id);
        ContactWrite w{{}, ev != b.events.end() ? std::move(ev->second) : std::vector<StoredEvent>{}};
        auto last = open ? written_.find(id) : written_.end();
        w.row = last == written_.end() || !only_progress(*r, last->second);
        if (w.row) {
            w.contact = to_stored(*r);
            if (open) written_[id] = *r;
        } else {
            w.contact.id = id; // the row stays; the events say how far the contact got
        }
        writes.push_back(std::move(w));
    }
    for (auto& f : b.files) // a file's row goes in its contact's write, with its `file` event
        for (auto& w : writes)
            if (w.contact.id == f.contact_id) w.files.push_back(f);
    for (const auto& w : writes) // a contact joined or left a queue: the positions behind it move
        for (const auto& e : w.events)
            if (e.kind == "assigned" || e.kind == "closed" || e.kind == "returned") { // (a new one joins at the end)
                b.queues_moved.insert(records_.count(w.contact.id) ? records_.at(w.contact.id).contact.service_id
                                                                   : b.closed.at(w.contact.id).contact.service_id);
                break;
            }
    for (const auto& w : b.writes)
        for (const auto& e : w.events)
            if (!e.cid.empty()) b.cids.push_back({w.contact.id + '\n' + e.party + '\n' + e.cid, e.seq});
    Batch& queued = pending_.emplace_back(std::move(b));
    for (const auto& c : queued.cids) pending_cids_.emplace(c.key, std::pair{&queued, c.seq});
    if (post_ && in_command_) {
        if (!flush_posted_) {
            flush_posted_ = true;
            post_([this] {
                flush_posted_ = false;
                end_of_turn();
            });
        }
        return;
    }
    flush_commits();
}

void ContactHub::end_of_turn() {
    if (!writer_) return flush_commits();
    if (writing_.empty()) start_write();
}

void ContactHub::flush_commits() {
    if (!writer_) {
        if (pending_.empty()) return;
        Batches group;
        group.swap(pending_);
        if (auto error = write_now(group)) return refused(group, *error);
        return written(group);
    }
    while (!writing_.empty() || !pending_.empty()) {
        if (writing_.empty()) start_write();
        finish_write();
    }
}

std::vector<ContactWrite> ContactHub::take_writes(Batches& group) {
    std::vector<ContactWrite> writes;
    for (auto& b : group)
        for (auto& w : b.writes) writes.push_back(std::move(w));
    return writes;
}

void ContactHub::start_write() {
    if (pending_.empty()) return;
    writing_.swap(pending_); // the batches keep their addresses (pending_cids_)
    const std::uint64_t number = ++write_number_;
    writer_->start(take_writes(writing_), [this, number, post = post_] {
        post([this, number] { // on the io thread, unless flush_commits() waited for it first
            if (!writing_.empty() && write_number_ == number) finish_write();
        });
    });
}

void ContactHub::finish_write() {
    auto error = writer_->wait();
    Batches group;
    group.swap(writing_);
    if (error) {
        // What waits behind was made on the assumption that this would be written (rows it would not
        // rewrite, sequence numbers after these): refused with it.
        Batches later;
        later.swap(pending_);
        refused(group, *error);
        return refused(later, *error);
    }
    std::set<std::string> snapshots; // contacts whose snapshot this group sends
    for (const auto& b : group)
        for (const auto& snap : b.snapshots) snapshots.insert(snap.contact);
    const bool changed_since = !snapshots.empty() && std::any_of(pending_.begin(), pending_.end(), [&](const Batch& b) {
        return std::any_of(b.touched.begin(), b.touched.end(), [&](const std::string& id) { return snapshots.count(id) > 0; });
    });
    if (changed_since) {
        // A snapshot is made of the record as it is now, which a waiting batch changed already: the waiting
        // batches must be durable too before it is sent.
        Batches later;
        later.swap(pending_);
        auto later_error = write_now(later);
        written(group);
        if (later_error) return refused(later, *later_error);
        written(later);
    } else {
        written(group);
    }
    if (!pending_.empty()) start_write();
}

std::optional<std::string> ContactHub::write_now(Batches& group) {
    try {
        if (!writer_) {
            store_.write_contacts(take_writes(group));
            return std::nullopt;
        }
        writer_->start(take_writes(group), nullptr);
        return writer_->wait();
    } catch (const StoreError& e) {
        return e.what();
    }
}

void ContactHub::refused(Batches& group, const std::string& why) {
    if (group.empty()) return;
    log_line("cannot store contact events: " + why);
    for (auto& b : group) {
        for (const auto& c : b.cids) pending_cids_.erase(c.key);
        for (const auto& id : b.touched) written_.erase(id); // their next write writes the row
        if (b.requester) error(b.requester, b.requester_cid, code::internal, "the server failed; the command was not applied");
        for (const auto& [login, change] : b.lists) unsent_lists_[login].then(change);
        unsent_relist_.insert(b.relist.begin(), b.relist.end());
    }
}

void ContactHub::written(Batches& group) {
    for (auto& b : group)
        for (const auto& c : b.cids) {
            pending_cids_.erase(c.key);
            const auto contact_end = c.key.find('\n');
            const std::string contact = c.key.substr(0, contact_end);
            if (!records_.count(contact)) continue; // closed: retries get `closed` before any cid lookup
            cids_[contact].seqs.emplace(c.key.substr(contact_end + 1), c.seq);
        }
    for (auto& b : group) deliver(b);
}

void ContactHub::deliver(Batch& b) {
    // Durable: now tell everybody.
    std::set<std::pair<ConnectionId, std::string>> gets_snapshot;
    for (const auto& s : b.snapshots) gets_snapshot.insert({s.conn, s.contact});
    for (const auto& d : b.deliveries) {
        protocol::ContactEventMsg m{d.event};
        // Every recipient gets the same frame, encoded once, except a file event: it carries each party's link.
        const bool same_for_all = send_frame_ && !std::holds_alternative<protocol::ev::File>(d.event.body);
        std::string frame;
        auto to = [&](const std::set<ConnectionId>& conns) {
            for (ConnectionId c : conns) {
                if (!gets_snapshot.empty() && gets_snapshot.count({c, d.event.contact})) continue;
                if (!same_for_all) {
                    send(c, m);
                    continue;
                }
                if (frame.empty()) frame = protocol::contact_event_frame(d.json);
                send_frame_(c, frame);
            }
        };
        if (auto v = visitor_conns_.find(d.visitor_id); v != visitor_conns_.end()) {
            link_file(m.event, "visitor:" + d.visitor_id); // a file event carries each party's own link
            to(v->second);
        }
        if (!d.agent_id.empty())
            if (auto a = agent_conns_.find(d.agent_id); a != agent_conns_.end()) {
                link_file(m.event, "agent:" + d.agent_id);
                to(a->second);
            }
    }
    for (const auto& s : b.snapshots) {
        auto rec = load(s.contact);
        if (!rec) continue;
        auto snap = snapshot(*rec, s.cid, s.after);
        link_files(snap, s.conn);
        send(s.conn, snap);
    }
    for (const auto& [conn, m] : b.replies) send(conn, m);

    send_lists(b);
    queue_positions(b);
}

void ContactHub::queue_positions(const Batch& b) {
    for (const auto& id : b.touched) { // new in a queue: its place is the number waiting up to it
        auto r = records_.find(id);
        if (r == records_.end() || r->second.contact.state != ContactState::pending || positions_.count(id)) continue;
        const Contact& c = r->second.contact;
        std::size_t position = 0;
        for (const auto& [other_id, o] : records_)
            if (o.contact.state == ContactState::pending && o.contact.service_id == c.service_id &&
                (o.contact.created_at < c.created_at ||
                 (o.contact.created_at == c.created_at && o.contact.queue_order <= c.queue_order)))
                ++position;
        positions_[id] = position;
        send_to_visitor(c.visitor_id, protocol::QueuePosition{id, position});
    }
    if (b.queues_moved.empty()) return;
    positions_dirty_.insert(b.queues_moved.begin(), b.queues_moved.end());
    if (!positions_due_) {
        positions_due_ = clock_.now() + std::chrono::seconds(1);
        notify_deadline();
    }
}

void ContactHub::send_positions(const std::set<std::string>& services) {
    if (services.empty()) return;
    std::vector<const ContactRecord*> waiting; // pending contacts of these services, in the queue's order
    for (const auto& [id, r] : records_)
        if (r.contact.state == ContactState::pending && services.count(r.contact.service_id)) waiting.push_back(&r);
    std::sort(waiting.begin(), waiting.end(), [](const ContactRecord* a, const ContactRecord* b2) {
        if (a->contact.service_id != b2->contact.service_id) return a->contact.service_id < b2->contact.service_id;
        if (a->contact.created_at != b2->contact.created_at) return a->contact.created_at < b2->contact.created_at;
        return a->contact.queue_order < b2->contact.queue_order;
    });
    std::set<std::string> listed;
    std::size_t position = 0;
    std::string service;
    for (const ContactRecord* r : waiting) {
        if (r->contact.service_id != service) {
            service = r->contact.service_id;
            position = 0;
        }
        ++position;
        listed.insert(r->contact.id);
        auto& told = positions_[r->contact.id];
        if (told == position) continue;
        told = position;
        send_to_visitor(r->contact.visitor_id, protocol::QueuePosition{r->contact.id, position});
    }
    for (auto it = positions_.begin(); it != positions_.end();) { // no longer waiting in these queues
        auto rec = records_.find(it->first);
        const bool gone = rec == records_.end() || rec->second.contact.state != ContactState::pending;
        if (gone || (services.count(rec->second.contact.service_id) && !listed.count(it->first)))
            it = positions_.erase(it);
        else
            ++it;
    }
}

void ContactHub::send_lists(Batch& b) {
    // Changes a failed commit kept back come first: compose them with this batch's.
    if (!unsent_lists_.empty()) {
        for (auto& [login, change] : b.lists) unsent_lists_[login].then(change);
        b.lists = std::move(unsent_lists_);
        unsent_lists_.clear();
    }
    if (!unsent_relist_.empty()) {
        b.relist.insert(unsent_relist_.begin(), unsent_relist_.end());
        unsent_relist_.clear();
    }
    // Pending contacts whose details changed (presence, page) are sent again to every agent listing them.
    for (const auto& id : b.relist) {
        auto r = records_.find(id);
        if (r == records_.end() || r->second.contact.state != ContactState::pending) continue;
        for (const auto& [login, conns] : agent_conns_)
            if (!router_.check_claim(login, id)) b.lists[login].add(id); // listed: eligible right now
    }
    const std::int64_t now = to_epoch_ms(clock_.now());
    // Agents whose lists changed alike (a new request, a claim) get the same frame: encode it once.
    std::map<std::string, std::string> frames; // count, added and removed ids -> encoded queue.changed
    for (const auto& [login, change] : b.lists) {
        if (change.empty()) continue;
        auto conns = agent_conns_.find(login);
        if (conns == agent_conns_.end()) continue; // nobody to tell: a new connection starts with queue.waiting
        std::string key;
        if (send_frame_) {
            key = std::to_string(router_.waiting_count(login));
            for (const auto& id : change.added) key.append("+").append(std::to_string(id.size())).append(":").append(id);
            for (const auto& id : change.removed) key.append("-").append(std::to_string(id.size())).append(":").append(id);
            if (auto f = frames.find(key); f != frames.end()) {
                for (ConnectionId c : conns->second)
                    if (!b.full_lists.count(c)) send_frame_(c, f->second);
                continue;
            }
        }
        protocol::QueueChanged q;
        q.now = now;
        q.count = router_.waiting_count(login);
        q.added.reserve(change.added.size());
        for (const auto& id : change.added)
            if (auto r = records_.find(id); r != records_.end()) q.added.push_back(view(r->second));
        std::sort(q.added.begin(), q.added.end(), [](const protocol::ContactView& x, const protocol::ContactView& y) {
            return x.created_at != y.created_at ? x.created_at < y.created_at : x.id < y.id;
        });
        q.removed.assign(change.removed.begin(), change.removed.end());
        const protocol::ServerMessage m{std::move(q)};
        if (send_frame_) {
            const std::string& frame = frames.emplace(std::move(key), protocol::encode(m)).first->second;
            for (ConnectionId c : conns->second)
                if (!b.full_lists.count(c)) send_frame_(c, frame); // those get the whole list below
            continue;
        }
        for (ConnectionId c : conns->second)
            if (!b.full_lists.count(c)) send(c, m); // those get the whole list below
    }
    for (ConnectionId c : b.full_lists) send_waiting(c);
}

// [SECTION] Views ----------------------------------------------------------------------------------------------

std::string ContactHub::agent_name(const std::string& login) const {
    auto it = agents_.find(login);
    return it != agents_.end() ? it->second.name : login;
}

protocol::ContactView ContactHub::view(const ContactRecord& r) const {
    const Contact& c = r.contact;
    protocol::ContactView v;
    v.id = c.id;
    v.type = c.type;
    v.state = c.state;
    if (auto s = services_.find(c.service_id); s != services_.end()) {
        v.service = protocol::ServiceRef{s->second.id, s->second.name, s->second.language};
    } else {
        v.service.id = c.service_id;
    }
    v.site.id = c.origin.site_id;
    if (auto s = sites_.find(c.origin.site_id); s != sites_.end()) v.site.name = s->second.name;
    v.customer = protocol::Customer{c.customer_name, c.country, c.returning_visitor};
    v.origin = protocol::Page{c.origin.url, c.origin.title};
    v.page = r.page;
    v.visitor_present = r.visitor_present;
    v.direct = c.direct();
    v.direct_agent = c.direct_agent_id.value_or("");
    v.created_at = to_epoch_ms(c.created_at);
    if (c.state == ContactState::pending && c.dissuasion_deadline) v.deadline = to_epoch_ms(*c.dissuasion_deadline);
    if (c.state == ContactState::assigned) v.agent = protocol::Ref{c.agent_id, agent_name(c.agent_id)};
    v.color = c.color;
    v.channels = c.channels;
    v.outcome = c.outcome;
    v.seq = r.seq;
    v.callback = r.callback;
    v.weblead = r.weblead;
    v.call = r.call;
    v.translation = r.translation;
    return v;
}

std::optional<ContactRecord> ContactHub::load(const std::string& contact) const {
    if (auto it = records_.find(contact); it != records_.end()) return it->second;
    if (contact.empty()) return std::nullopt;
    auto stored = store_.find_contact(contact);
    if (!stored) return std::nullopt;
    return record_from_json(stored->data);
}

protocol::ContactSnapshot ContactHub::snapshot(const ContactRecord& r, const std::string& cid, std::uint64_t after) {
    protocol::ContactSnapshot s;
    s.cid = cid;
    s.now = to_epoch_ms(clock_.now());
    s.contact = view(r);
    for (const auto& e : store_.events_after(r.contact.id, after, options_.history_limit)) {
        auto decoded = protocol::event_from_json(e.payload);
        if (!decoded) throw StoreError("stored event " + r.contact.id + "#" + std::to_string(e.seq) + " unreadable");
        s.events.push_back(*decoded);
    }
    return s;
}

protocol::QueueWaiting ContactHub::waiting(const std::string& login) const {
    protocol::QueueWaiting q;
    q.now = to_epoch_ms(clock_.now());
    for (const Contact* c : router_.waiting_for(login))
        if (auto it = records_.find(c->id); it != records_.end()) q.contacts.push_back(view(it->second));
    // The protocol's order (created_at, then id), which clients keep when they apply queue.changed; the router
    // breaks ties of the same millisecond by arrival instead.
    std::stable_sort(q.contacts.begin(), q.contacts.end(), [](const protocol::ContactView& x, const protocol::ContactView& y) {
        return x.created_at != y.created_at ? x.created_at < y.created_at : x.id < y.id;
    });
    return q;
}

void ContactHub::send_to_agent(const std::string& login, const protocol::ServerMessage& m) {
    auto it = agent_conns_.find(login);
    if (it == agent_conns_.end()) return;
    for (ConnectionId c : it->second) send(c, m);
}

void ContactHub::send_to_visitor(const std::string& visitor_id, const protocol::ServerMessage& m, ConnectionId except) {
    auto it = visitor_conns_.find(visitor_id);
    if (it == visitor_conns_.end()) return;
    for (ConnectionId c : it->second)
        if (c != except) send(c, m);
}

// [SECTION] Time -----------------------------------------------------------------------------------------------

void ContactHub::tick() {
    translation_tick(); // messages whose translation is late go without it
    Batch b;
    b.now = clock_.now();
    try {
        // Visitors gone for good from their pending contacts: abandoned or cancelled.
        while (!away_deadlines_.empty() && away_deadlines_.begin()->first <= b.now) {
            const std::string visitor = away_deadlines_.begin()->second;
            away_deadlines_.erase(away_deadlines_.begin());
            visitor_away_.erase(visitor);
            std::vector<std::string> pending;
            if (auto it = visitor_contacts_.find(visitor); it != visitor_contacts_.end())
                for (const auto& id : it->second)
                    if (records_.at(id).contact.state == ContactState::pending) pending.push_back(id);
            for (const auto& id : pending) absorb(b, router_.visitor_left(id, b.now).events);
        }
        // Assigned contacts without a message for the idle time.
        while (!idle_deadlines_.empty() && idle_deadlines_.begin()->first <= b.now) {
            const std::string id = idle_deadlines_.begin()->second;
            idle_deadlines_.erase(idle_deadlines_.begin());
            auto it = records_.find(id);
            if (it == records_.end() || it->second.contact.state != ContactState::assigned || it->second.idle) continue;
            it->second.idle = true;
            emit(b, it->second, protocol::ev::Idle{true});
        }
        absorb(b, router_.tick(b.now)); // grace expiries, dissuasions
        commit(b);
        if (positions_due_ && *positions_due_ <= b.now) {
            positions_due_.reset();
            std::set<std::string> moved;
            moved.swap(positions_dirty_);
            send_positions(moved);
        }
    } catch (const std::exception& e) {
        log_line(std::string("error in the contact timer: ") + e.what());
    }
    notify_deadline();
}

std::optional<TimePoint> ContactHub::next_deadline() const {
    std::optional<TimePoint> next = router_.next_deadline();
    auto consider = [&](TimePoint t) {
        if (!next || t < *next) next = t;
    };
    if (!idle_deadlines_.empty()) consider(idle_deadlines_.begin()->first);
    if (!away_deadlines_.empty()) consider(away_deadlines_.begin()->first);
    if (auto t = next_translation_deadline()) consider(*t);
    if (positions_due_) consider(*positions_due_);
    return next;
}

void ContactHub::notify_deadline() {
    auto next = next_deadline();
    if (next == notified_deadline_) return;
    notified_deadline_ = next;
    if (deadline_changed_) deadline_changed_();
}

} // namespace sb::server
