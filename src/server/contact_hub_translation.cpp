// ContactHub's part of automatic translations (docs/protocol.md, "Automatic translations"): contact.translate,
// and chat messages that wait for their translation.
//
// A contact's translation is on while ContactRecord::translation names the customer's language. Then every chat
// message is queued (translating_, per contact, in arrival order) and handed to the translator: the visitor's
// from the customer's language into the service's, the agent's the other way. A message leaves the queue only
// from its front, once answered or past its deadline (translation.timeout_ms): it is then stored and sent like
// any message (post_message), with `translation` when there is one. So messages keep their order, each is
// stored before anything acknowledges it, and a failing translator costs a delay, never a message. A retried
// command (same cid) of a queued message is not queued twice: the message's event answers both. Other events
// (read marks, pages, colours...) do not wait; closing the contact sends the queued messages first.
#include "server/contact_hub.h"

#include "protocol/codec.h"
#include "server/log.h"

#include <algorithm>

namespace sb::server {

void ContactHub::use_translator(translate::Translator* t, Duration timeout) {
    translator_ = t;
    translation_timeout_ = timeout;
}

std::vector<std::string> ContactHub::translations_for(const std::string& language) const {
    if (!translator_) return {};
    return translator_->both_ways(translate::primary_language(language));
}

void ContactHub::post_message(Batch& b, ContactRecord& r, const Actor& who, const std::string& text,
                              const std::string& cid, std::optional<protocol::ev::Translation> translation) {
    if (r.idle) {
        r.idle = false;
        emit(b, r, protocol::ev::Idle{false});
    }
    const std::string author = who.agent ? agent_name(who.id) : r.contact.customer_name;
    emit(b, r, protocol::ev::Message{who.party(), author, text, std::move(translation)}, &who, cid);
    if (r.contact.state == ContactState::assigned)
        schedule_idle(r, b.now);
    else
        r.last_message = b.now;
}

void ContactHub::translate_contact(ConnectionId conn, const protocol::ContactTranslate& x) {
    auto who = actor_of(conn);
    if (!who) return error(conn, x.cid, protocol::code::not_logged_in, "log in as an agent first");
    if (!who->agent) return error(conn, x.cid, protocol::code::bad_field, "contact.translate is the agent's");
    ContactRecord* r = acting_on(conn, *who, x.contact, x.cid);
    if (!r || replayed(conn, *who, x.contact, x.cid)) return;
    if (!x.language.empty()) {
        auto s = services_.find(r->contact.service_id);
        const std::string service_language = s != services_.end() ? s->second.language : std::string();
        const auto offered = translations_for(service_language);
        if (std::find(offered.begin(), offered.end(), x.language) == offered.end()) {
            std::string list;
            for (const auto& l : offered) list += (list.empty() ? "" : ", ") + l;
            return error(conn, x.cid, protocol::code::translation_unavailable,
                         "no automatic translation between " + service_language + " and " + x.language +
                             (list.empty() ? std::string("; none is installed for this service")
                                           : "; the service's contacts can be translated into " + list));
        }
    }
    Batch b = command_batch(conn, x.cid, clock_.now());
    if (r->translation == x.language) {
        b.replies.emplace_back(conn, protocol::Ack{x.cid, x.contact, 0}); // already so
    } else {
        r->translation = x.language;
        emit(b, *r, protocol::ev::TranslationChanged{x.language}, &*who, x.cid);
    }
    commit(b);
}

bool ContactHub::queue_for_translation(ConnectionId conn, ContactRecord& r, const Actor& who,
                                       const protocol::ContactSend& x) {
    const std::string id = r.contact.id;
    auto queued = translating_.find(id);
    if (queued != translating_.end() && !x.cid.empty() &&
        std::any_of(queued->second.begin(), queued->second.end(),
                    [&](const Translating& m) { return m.cid == x.cid && m.who.key() == who.key(); }))
        return true;
    const bool on = translator_ && !r.translation.empty();
    if (!on && queued == translating_.end()) return false;

    Translating m;
    m.ticket = ++next_ticket_;
    m.who = who;
    m.conn = conn;
    m.cid = x.cid;
    m.text = x.text;
    m.deadline = clock_.now() + translation_timeout_;
    if (!on) { // behind messages still being translated: ready, but not before them
        translating_[id].push_back(std::move(m));
        return true;
    }
    auto s = services_.find(r.contact.service_id);
    const std::string service_language = s != services_.end() ? s->second.language : std::string();
    const std::string from = who.agent ? service_language : r.translation;
    const std::string to = who.agent ? r.translation : service_language;
    m.language = to;
    m.waiting = true;
    const std::uint64_t ticket = m.ticket;
    translating_[id].push_back(std::move(m));
    std::weak_ptr<int> alive = alive_;
    translator_->translate(translate::primary_language(from), translate::primary_language(to), x.text,
                           [this, alive, id, ticket](translate::Result result) {
                               if (alive.lock()) translated(id, ticket, std::move(result));
                           });
    return true;
}

void ContactHub::translated(const std::string& contact, std::uint64_t ticket, translate::Result result) {
    auto queued = translating_.find(contact);
    if (queued == translating_.end()) return; // sent already (late answer)
    for (auto& m : queued->second) {
        if (m.ticket != ticket) continue;
        m.waiting = false;
        if (!result.ok)
            log_line("message on " + contact + " sent untranslated: " + result.error);
        else if (result.text.empty() || result.text.size() > protocol::max_translated)
            log_line("message on " + contact + " sent untranslated: the translation is empty or too long");
        else
            m.translated = std::move(result.text);
        break;
    }
    try {
        release_translated(contact);
    } catch (const std::exception& e) {
        log_line(std::string("error while sending translated messages: ") + e.what());
    }
    notify_deadline();
}

void ContactHub::release_translated(const std::string& contact) {
    auto queued = translating_.find(contact);
    if (queued == translating_.end()) return;
    auto rec = records_.find(contact);
    if (rec == records_.end()) { // closed: its messages went out before `closed`
        translating_.erase(queued);
        return;
    }
    auto& q = queued->second;
    while (!q.empty() && (!q.front().waiting || q.front().deadline <= clock_.now())) {
        Translating m = std::move(q.front());
        q.pop_front();
        Batch b = command_batch(m.conn, m.cid, clock_.now());
        std::optional<protocol::ev::Translation> t;
        if (m.translated) t = protocol::ev::Translation{m.language, std::move(*m.translated)};
        post_message(b, rec->second, m.who, m.text, m.cid, std::move(t));
        commit(b);
    }
    if (q.empty()) translating_.erase(queued);
}

void ContactHub::release_all_translated(Batch& b, ContactRecord& r) {
    auto queued = translating_.find(r.contact.id);
    if (queued == translating_.end()) return;
    auto q = std::move(queued->second);
    translating_.erase(queued);
    for (auto& m : q) {
        std::optional<protocol::ev::Translation> t;
        if (m.translated) t = protocol::ev::Translation{m.language, std::move(*m.translated)};
        post_message(b, r, m.who, m.text, m.cid, std::move(t));
    }
}

void ContactHub::translation_tick() {
    const TimePoint now = clock_.now();
    std::vector<std::string> late;
    for (const auto& [id, q] : translating_)
        if (!q.empty() && q.front().deadline <= now) late.push_back(id);
    for (const auto& id : late) {
        try {
            release_translated(id);
        } catch (const std::exception& e) {
            log_line(std::string("error while sending untranslated messages: ") + e.what());
        }
    }
}

std::optional<TimePoint> ContactHub::next_translation_deadline() const {
    std::optional<TimePoint> next;
    for (const auto& [id, q] : translating_)
        if (!q.empty() && (!next || q.front().deadline < *next)) next = q.front().deadline;
    return next;
}

} // namespace sb::server
