#include "core/console_state.h"

#include "core/uploads.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <string_view>
#include <nlohmann/json.hpp>

namespace sb::console {
namespace {
template <class... F> struct overloaded : F... {
    using F::operator()...;
};
template <class... F> overloaded(F...) -> overloaded<F...>;

using protocol::ContactEvent;
using protocol::Party;

HeldContact* find_held(ConsoleState& s, std::string_view id) {
    for (auto& c : s.contacts)
        if (c.view.id == id) return &c;
    return nullptr;
}

void recount_unread(HeldContact& h) {
    int n = 0;
    for (auto it = h.transcript.rbegin(); it != h.transcript.rend() && it->seq > h.agent_read_up_to; ++it)
        if ((it->kind == TranscriptEntry::Kind::message || it->kind == TranscriptEntry::Kind::file) &&
            it->from == Party::visitor)
            ++n;
    h.unread = n;
}

std::string outcome_note(Outcome o) {
    switch (o) {
    case Outcome::successful: return "Contact closed";
    case Outcome::no_interaction: return "Contact closed (no interaction)";
    case Outcome::dissuaded: return "Contact dissuaded";
    case Outcome::abandoned: return "The visitor left";
    case Outcome::cancelled: return "The visitor cancelled";
    case Outcome::unfinalized: return "Contact ended";
    }
    return "Contact closed";
}

std::string customer_of(const HeldContact& h) {
    return h.view.customer.name.empty() ? std::string("The customer") : h.view.customer.name;
}

void note(HeldContact& h, const ContactEvent& e, std::string text) {
    TranscriptEntry t{TranscriptEntry::Kind::note, e.seq, e.at, Party::visitor, {}, std::move(text)};
    h.transcript.push_back(std::move(t));
}

// A media event: the call offered, accepted, refused, connected, hung up or failed. Returns true for news
// (the visitor's offer, a refusal, a failure).
bool apply_media(HeldContact& h, const ContactEvent& e, const protocol::ev::Media& m) {
    const auto& cids = h.media_cids;
    const bool ours = !e.cid.empty() && std::find(cids.begin(), cids.end(), e.cid) != cids.end();
    const CallParty from = m.from == Party::agent ? CallParty::agent : CallParty::visitor;
    const bool video = h.call ? h.call->call.video : m.video;
    const char* kind = video ? "video call" : "call";
    switch (m.action) {
    case CallAction::offer:
        h.call = HeldCall{Call{from, m.video, CallPhase::offered, false}, ours, false, e.seq, 0};
        h.muted = false;
        h.call_notice.clear();
        note(h, e, from == CallParty::agent ? std::string("You offered a ") + (m.video ? "video call" : "call")
                                            : customer_of(h) + " asks for a " + (m.video ? "video call" : "call"));
        return from == CallParty::visitor;
    case CallAction::accept:
        if (!h.call) return false;
        h.call->call.phase = CallPhase::accepted;
        h.call->call.accepter_video = h.call->call.video && m.video;
        if (ours) h.call->mine = true;
        if (from == CallParty::visitor && h.call->call.video && !m.video)
            note(h, e, customer_of(h) + " accepted the video call without camera");
        return false;
    case CallAction::connected:
        if (!h.call || h.call->call.phase == CallPhase::active) return false;
        h.call->call.phase = CallPhase::active;
        h.call->active_at = e.at;
        note(h, e, video ? "Video call started" : "Call started");
        return false;
    case CallAction::refuse:
        h.call.reset();
        h.auto_answer = false;
        if (from == CallParty::visitor) {
            h.call_notice = std::string("The customer refused the ") + kind;
            note(h, e, h.call_notice);
            return true;
        }
        note(h, e, std::string("You refused the ") + kind);
        return false;
    case CallAction::hangup: {
        const bool was_active = h.call && h.call->call.phase == CallPhase::active;
        const bool offered = h.call && h.call->call.phase == CallPhase::offered;
        h.call.reset();
        h.auto_answer = false;
        const bool agent = from == CallParty::agent;
        if (offered)
            note(h, e, agent ? std::string("You withdrew the ") + kind : customer_of(h) + " withdrew the " + kind);
        else if (agent)
            note(h, e, std::string(was_active ? "You ended the " : "You cancelled the ") + kind);
        else
            note(h, e, customer_of(h) + " ended the " + kind);
        return from == CallParty::visitor;
    }
    case CallAction::failed:
        h.call.reset();
        h.auto_answer = false;
        h.call_notice = call_failure_text(m.from, m.reason.value_or(CallFailure::network));
        note(h, e, h.call_notice);
        return true;
    }
    return false;
}

// The contact object's `call` is the truth about the call (a snapshot, a welcome); what this console knows
// about it (its own, answered, when it started) stays.
void adopt_call(HeldContact& h) {
    if (!h.view.call) {
        h.call.reset();
        return;
    }
    const Call& c = *h.view.call;
    // Another call than the one followed (events were missed): nothing this console knew applies to it.
    if (h.call && (h.call->call.offerer != c.offerer || h.call->call.video != c.video ||
                   (c.phase == CallPhase::offered && h.call->call.phase != CallPhase::offered)))
        h.call.reset();
    if (!h.call) h.call = HeldCall{};
    h.call->call = c;
}

// Applies one event to a held contact. live: the event is newer than the contact object we hold, so the
// object changes too; otherwise (events of a snapshot, whose object is already current) only the transcript
// and the derived flags do. Returns true when the event is news worth flashing a collapsed panel for.
bool apply_event(HeldContact& h, const ContactEvent& e, bool live) {
    auto& v = h.view;
    bool news = false;
    std::visit(overloaded{
                   [&](const protocol::ev::Pending& p) {
                       if (live) {
                           v.state = ContactState::pending;
                           v.deadline = p.deadline;
                       }
                   },
                   [&](const protocol::ev::Assigned& a) {
                       h.started_at = e.at;
                       if (live) {
                           v.state = ContactState::assigned;
                           v.agent = a.agent;
                           v.channels = a.channels;
                           v.deadline.reset();
                       }
                   },
                   [&](const protocol::ev::Returned&) {
                       if (live) v.state = ContactState::pending;
                   },
                   [&](const protocol::ev::Message& m) {
                       h.transcript.push_back(
                           TranscriptEntry{TranscriptEntry::Kind::message, e.seq, e.at, m.from, m.author, m.text});
                       if (m.translation) {
                           h.transcript.back().translation = m.translation->text;
                           h.transcript.back().translation_language = m.translation->language;
                       }
                       if (m.from == Party::visitor) {
                           h.last_visitor_message = e.seq;
                           h.visitor_typing = false;
                           news = true;
                       }
                       h.idle = false;
                   },
                   [&](const protocol::ev::Read& r) {
                       if (r.from == Party::agent)
                           h.agent_read_up_to = std::max(h.agent_read_up_to, r.up_to);
                       else
                           h.visitor_read_up_to = std::max(h.visitor_read_up_to, r.up_to);
                   },
                   [&](const protocol::ev::PageChanged& p) {
                       if (live) v.page = p.page;
                       h.transcript.push_back(TranscriptEntry{TranscriptEntry::Kind::note, e.seq, e.at, Party::visitor,
                                                              {}, "Visitor is on " + (p.page.title.empty() ? p.page.url : p.page.title)});
                   },
                   [&](const protocol::ev::Presence& p) {
                       if (live) v.visitor_present = p.present;
                       if (!p.present) h.visitor_typing = false;
                       news = true;
                   },
                   [&](const protocol::ev::ChannelChanged& c) {
                       if (live) v.channels[c.channel] = c.state;
                       news = true;
                   },
                   [&](const protocol::ev::ColorChanged& c) {
                       if (live) v.color = c.color;
                   },
                   [&](const protocol::ev::Link& l) {
                       h.transcript.push_back(
                           TranscriptEntry{TranscriptEntry::Kind::link, e.seq, e.at, Party::agent, {}, l.url});
                   },
                   [&](const protocol::ev::Idle& i) { h.idle = i.idle; },
                   [&](const protocol::ev::TranslationChanged& t) {
                       if (live) v.translation = t.language;
                       h.transcript.push_back(TranscriptEntry{
                           TranscriptEntry::Kind::note, e.seq, e.at, Party::agent, {},
                           t.language.empty() ? "Automatic translation off" : "Automatic translation: " + t.language});
                   },
                   [&](const protocol::ev::File& f) {
                       h.transcript.push_back(TranscriptEntry{TranscriptEntry::Kind::file, e.seq, e.at, f.from, f.author,
                                                              f.file.name, f.file.url, f.file.size});
                       if (f.from == Party::visitor) { // news like a message: unread, marked read, announced
                           h.last_visitor_message = e.seq;
                           news = true;
                       }
                       h.idle = false;
                   },
                   [&](const protocol::ev::Media& m) {
                       news = apply_media(h, e, m);
                       if (live) v.call = h.call ? std::optional<Call>(h.call->call) : std::nullopt;
                   },
                   [&](const protocol::ev::Closed& c) {
                       h.closed_at = e.at;
                       h.visitor_typing = false;
                       h.call.reset(); // closing the contact ends its call
                       h.auto_answer = false;
                       if (live) {
                           v.state = ContactState::closed;
                           v.outcome = c.outcome;
                           v.call.reset();
                       }
                       h.transcript.push_back(TranscriptEntry{TranscriptEntry::Kind::note, e.seq, e.at, Party::visitor,
                                                              {}, outcome_note(c.outcome)});
                       news = true;
                   },
               },
               e.body);
    h.applied_seq = std::max(h.applied_seq, e.seq);
    if (live) v.seq = std::max(v.seq, e.seq);
    return news;
}

// Applies the held-back events that follow applied_seq without a gap; a gap left means a resume is needed.
bool drain_held_back(HeldContact& h) {
    bool news = false;
    std::sort(h.held_back.begin(), h.held_back.end(),
              [](const ContactEvent& a, const ContactEvent& b) { return a.seq < b.seq; });
    std::size_t i = 0;
    for (; i < h.held_back.size(); ++i) {
        const auto& e = h.held_back[i];
        if (e.seq <= h.applied_seq) continue;
        if (e.seq != h.applied_seq + 1) break;
        news |= apply_event(h, e, e.seq > h.view.seq);
    }
    h.held_back.erase(h.held_back.begin(), h.held_back.begin() + static_cast<std::ptrdiff_t>(i));
    if (!h.held_back.empty() && !h.resume_needed) {
        h.resume_needed = true;
        h.resume_sent = false;
    }
    return news;
}

void mark_news(ConsoleState& s, HeldContact& h, bool news) {
    if (news && s.expanded != h.view.id) h.flashing = true;
    recount_unread(h);
}

bool is_mine(const ConsoleState& s, const protocol::ContactView& c) {
    return s.agent && c.agent && c.agent->id == s.agent->id;
}

void learn_service_color(ConsoleState& s, const protocol::ContactView& c) {
    if (!c.service.id.empty() && !c.color.empty()) s.service_colors.emplace(c.service.id, c.color);
}

// The waiting list's order (protocol: created_at, then id).
bool waits_before(const protocol::ContactView& a, const protocol::ContactView& b) {
    if (a.created_at != b.created_at) return a.created_at < b.created_at;
    return a.id < b.id;
}

void sort_waiting(std::vector<protocol::ContactView>& list) { std::stable_sort(list.begin(), list.end(), waits_before); }

// queue.changed: drop the removed ids and the listed copies of the added ones, then merge the added contacts
// in their places. Duplicates within `added`: the last one wins.
void apply_queue_changed(std::vector<protocol::ContactView>& list, const protocol::QueueChanged& q) {
    if (q.removed.empty() && q.added.empty()) return;
    std::vector<std::string> drop = q.removed;
    for (const auto& c : q.added) drop.push_back(c.id);
    std::sort(drop.begin(), drop.end());
    std::erase_if(list, [&](const protocol::ContactView& c) { return std::binary_search(drop.begin(), drop.end(), c.id); });
    std::vector<protocol::ContactView> added;
    added.reserve(q.added.size());
    std::set<std::string_view> seen;
    for (auto it = q.added.rbegin(); it != q.added.rend(); ++it)
        if (seen.insert(it->id).second) added.push_back(*it);
    sort_waiting(added);
    std::vector<protocol::ContactView> merged;
    merged.reserve(list.size() + added.size());
    std::merge(std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()),
               std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()), std::back_inserter(merged),
               waits_before);
    list = std::move(merged);
}

void on_snapshot(ConsoleState& s, const protocol::ContactSnapshot& snap) {
    const auto& c = snap.contact;
    HeldContact* h = find_held(s, c.id);
    const bool taken_here = !snap.cid.empty() &&
                            std::find(s.claim_cids.begin(), s.claim_cids.end(), snap.cid) != s.claim_cids.end();
    if (taken_here) std::erase(s.claim_cids, snap.cid);
    const bool fresh = !h;
    if (!h) {
        if (c.state != ContactState::assigned || !is_mine(s, c)) return;
        s.contacts.push_back(HeldContact{});
        h = &s.contacts.back();
        h->started_at = snap.now;
        h->auto_answer = taken_here && (c.type == ContactType::call || c.type == ContactType::video);
        // A full history without a colour event shows the service's default colour.
        const bool full = snap.events.empty() || snap.events.front().seq <= 1;
        const bool recolored = std::any_of(snap.events.begin(), snap.events.end(), [](const ContactEvent& e) {
            return std::holds_alternative<protocol::ev::ColorChanged>(e.body);
        });
        if (full && !recolored) learn_service_color(s, c);
        // The contact the agent just took (or the first one) opens.
        if (!snap.cid.empty() || s.expanded.empty()) s.expanded = c.id;
    }
    h->view = c;
    bool news = false;
    for (const auto& e : snap.events)
        if (e.seq > h->applied_seq) news |= apply_event(*h, e, false);
    h->resume_needed = false;
    h->resume_sent = false;
    news |= drain_held_back(*h);
    // The contact object is current: nothing before its seq can be asked for again (a truncated history).
    if (h->applied_seq < c.seq) {
        h->applied_seq = c.seq;
        std::erase_if(h->held_back, [&](const ContactEvent& e) { return e.seq <= c.seq; });
        news |= drain_held_back(*h);
    }
    if (c.state == ContactState::closed && h->closed_at == 0) h->closed_at = snap.now;
    adopt_call(*h);
    if (fresh) h->call_notice.clear(); // refusals before this agent took it are not news to them
    mark_news(s, *h, news);
}

void on_event(ConsoleState& s, const ContactEvent& e) {
    HeldContact* h = find_held(s, e.contact);
    if (!h || e.seq <= h->applied_seq) return; // not ours, or already applied
    if (std::holds_alternative<protocol::ev::Returned>(e.body) ||
        (std::holds_alternative<protocol::ev::Pending>(e.body) && h->view.state == ContactState::assigned)) {
        // The server gave the contact back to the queue: this agent no longer holds it.
        const std::string id = h->view.id;
        std::erase_if(s.contacts, [&](const HeldContact& c) { return c.view.id == id; });
        if (s.expanded == id) s.expanded.clear();
        return;
    }
    if (e.seq != h->applied_seq + 1) { // a gap: keep it for later and ask for what is missing
        if (std::none_of(h->held_back.begin(), h->held_back.end(), [&](const ContactEvent& x) { return x.seq == e.seq; }))
            h->held_back.push_back(e);
        if (!h->resume_needed) {
            h->resume_needed = true;
            h->resume_sent = false;
        }
        return;
    }
    bool news = apply_event(*h, e, e.seq > h->view.seq);
    news |= drain_held_back(*h);
    if (h->held_back.empty()) h->resume_needed = false;
    mark_news(s, *h, news);
}

void on_welcome(ConsoleState& s, const protocol::Welcome& w) {
    // Held contacts the server no longer gives us were lost (returned to the queue): drop them, except closed
    // ones, which stay until the agent dismisses them.
    std::erase_if(s.contacts, [&](const HeldContact& h) {
        if (h.view.state == ContactState::closed) return false;
        return std::none_of(w.contacts.begin(), w.contacts.end(),
                            [&](const protocol::ContactView& c) { return c.id == h.view.id; });
    });
    for (const auto& c : w.contacts) {
        HeldContact* h = find_held(s, c.id);
        if (!h) {
            s.contacts.push_back(HeldContact{});
            h = &s.contacts.back();
            h->view = c;
            h->started_at = w.now;
            adopt_call(*h);
            if (s.expanded.empty()) s.expanded = c.id;
        }
        if (c.seq > h->applied_seq) { // missed events (or a new replica): ask for them
            h->resume_needed = true;
            h->resume_sent = false;
        }
    }
    if (!s.expanded.empty() && !find_held(s, s.expanded)) s.expanded.clear();
}

std::string notice_for(const protocol::Error& err) {
    namespace c = protocol::code;
    if (err.code == c::already_taken) return "Another agent took that contact first.";
    if (err.code == c::not_eligible) return "You cannot take that contact.";
    if (err.code == c::at_capacity) return "You already hold as many contacts as you can.";
    if (err.code == c::not_ready) return "Switch to Ready to take contacts.";
    if (err.code == c::nothing_waiting) return "Nobody is waiting.";
    if (err.code == c::not_found) return "That contact is no longer there.";
    if (err.code == c::closed) return "That contact is closed.";
    return {};
}

void on_server(ConsoleState& s, const protocol::ServerMessage& m, std::int64_t local_ms, bool has_local) {
    auto clock = [&](std::int64_t now) {
        if (now > 0) s.server_offset_ms = has_local ? now - local_ms : 0;
    };
    std::visit(overloaded{
                   [&](const protocol::Welcome& w) {
                       s.agent = w.agent;
                       s.token = w.token;
                       s.login_pending = false;
                       s.login_error.clear();
                       clock(w.now);
                       s.services = w.services;
                       s.file_limits = w.files;
                       s.ice_servers = w.ice_servers;
                       s.ice_transport_policy = w.ice_transport_policy.empty() ? "all" : w.ice_transport_policy;
                       on_welcome(s, w);
                   },
                   [&](const protocol::AgentUpdate& u) { s.agent = u.agent; },
                   [&](const protocol::Error& err) {
                       if (err.code == protocol::code::bad_credentials ||
                           (s.login_pending && err.code == protocol::code::rate_limited)) {
                           s.login_pending = false;
                           s.login_error = err.message.empty() ? "Wrong login or password" : err.message;
                       } else if (err.code == protocol::code::bad_token) {
                           // The session is gone (server restarted or logged out): log in again.
                           s.agent.reset();
                           s.token.clear();
                           s.login_pending = false;
                           s.login_error = "Your session has ended; please log in again";
                           s.contacts.clear();
                           s.waiting.clear();
                           s.expanded.clear();
                       } else {
                           s.last_error = err.code + ": " + err.message;
                           if (auto n = notice_for(err); !n.empty()) {
                               s.notice = std::move(n);
                               s.notice_at = local_ms;
                           }
                       }
                   },
                   [&](const protocol::Pong&) {},
                   [&](const protocol::VisitorWelcome&) {},
                   [&](const protocol::QueueWaiting& q) {
                       clock(q.now);
                       s.waiting = q.contacts;
                       sort_waiting(s.waiting);
                       for (const auto& c : s.waiting) learn_service_color(s, c);
                   },
                   [&](const protocol::QueueChanged& q) {
                       clock(q.now);
                       apply_queue_changed(s.waiting, q);
                       for (const auto& c : q.added) learn_service_color(s, c);
                   },
                   [&](const protocol::ContactSnapshot& snap) {
                       clock(snap.now);
                       on_snapshot(s, snap);
                   },
                   [&](const protocol::ContactEventMsg& e) { on_event(s, e.event); },
                   [&](const protocol::ContactTypingNotice& t) {
                       if (t.from != Party::visitor) return;
                       if (HeldContact* h = find_held(s, t.contact)) h->visitor_typing = t.typing;
                   },
                   [&](const protocol::Ack&) {},
                   [&](const protocol::ContactSignalNotice&) {}, // for the call's WebRTC side (App)
                   [&](const protocol::QueuePosition&) {},       // visitors only
               },
               m);
}

std::int64_t now_of(const protocol::ServerMessage& m) {
    return std::visit(overloaded{
                          [](const protocol::Welcome& w) { return w.now; },
                          [](const protocol::QueueWaiting& q) { return q.now; },
                          [](const protocol::QueueChanged& q) { return q.now; },
                          [](const protocol::ContactSnapshot& c) { return c.now; },
                          [](const auto&) -> std::int64_t { return 0; },
                      },
                      m);
}
} // namespace

std::string_view to_string(Connection c) {
    switch (c) {
    case Connection::offline: return "offline";
    case Connection::connecting: return "connecting";
    case Connection::connected: return "connected";
    case Connection::reconnecting: return "reconnecting";
    }
    return "offline";
}

ConsoleState reduce(ConsoleState s, const Event& e) {
    std::visit(overloaded{
                   [&](const event::SocketOpened&) {
                       s.connection = Connection::connected;
                       s.reconnect_attempt = 0;
                   },
                   [&](const event::SocketClosed&) {
                       // A logged-in console keeps its agent and token and resumes on the next connection.
                       s.connection = s.agent ? Connection::reconnecting : Connection::connecting;
                       s.login_pending = false;
                       ++s.reconnect_attempt;
                       for (auto& h : s.contacts) h.resume_sent = false;
                   },
                   [&](const event::LoginSent&) {
                       s.login_pending = true;
                       s.login_error.clear();
                   },
                   [&](const event::LoggedOut&) {
                       s.agent.reset();
                       s.token.clear();
                       s.contacts.clear();
                       s.waiting.clear();
                       s.expanded.clear();
                       s.notice.clear();
                       s.help_open = false;
                   },
                   [&](const protocol::ServerMessage& m) { on_server(s, m, now_of(m), false); },
                   [&](const event::Received& r) { on_server(s, r.message, r.local_ms, true); },
                   [&](const event::ClaimSent& c) {
                       s.notice.clear();
                       if (!c.cid.empty()) {
                           s.claim_cids.push_back(c.cid);
                           if (s.claim_cids.size() > 16) s.claim_cids.erase(s.claim_cids.begin());
                       }
                   },
                   [&](const event::Expand& x) {
                       s.expanded = x.contact;
                       if (HeldContact* h = find_held(s, x.contact)) h->flashing = false;
                   },
                   [&](const event::ReadSent& r) {
                       if (HeldContact* h = find_held(s, r.contact)) {
                           h->agent_read_up_to = std::max(h->agent_read_up_to, r.up_to);
                           recount_unread(*h);
                       }
                   },
                   [&](const event::ResumeSent& r) {
                       if (HeldContact* h = find_held(s, r.contact)) h->resume_sent = true;
                   },
                   [&](const event::Dismissed& d) {
                       std::erase_if(s.contacts, [&](const HeldContact& h) { return h.view.id == d.contact; });
                       if (s.expanded == d.contact) s.expanded = s.contacts.empty() ? "" : s.contacts.front().view.id;
                   },
                   [&](const event::NoticeDismissed&) { s.notice.clear(); },
                   [&](const event::NotifySettingsChanged& n) { s.notify_settings = n.settings; },
                   [&](const event::HelpShown& h) { s.help_open = h.open; },
                   [&](const event::UploadStarted& x) { apply_upload(s, x); },
                   [&](const event::UploadProgress& x) { apply_upload(s, x); },
                   [&](const event::UploadEnded& x) { apply_upload(s, x); },
                   [&](const event::UploadRefused& x) { apply_upload(s, x); },
                   [&](const event::UploadDismissed& x) { apply_upload(s, x); },
                   [&](const event::MediaSent& m) {
                       HeldContact* h = find_held(s, m.contact);
                       if (!h) return;
                       h->media_cids.push_back(m.cid);
                       if (h->media_cids.size() > 16) h->media_cids.erase(h->media_cids.begin());
                       if (m.action == CallAction::offer) h->call_notice.clear();
                       if ((m.action == CallAction::accept || m.action == CallAction::refuse) && h->call)
                           h->call->answered = true;
                       if (m.action == CallAction::accept || m.action == CallAction::refuse) h->auto_answer = false;
                   },
                   [&](const event::MuteSet& m) {
                       if (HeldContact* h = find_held(s, m.contact)) h->muted = m.muted;
                   },
                   [&](const event::CallNoticeDismissed& d) {
                       if (HeldContact* h = find_held(s, d.contact)) h->call_notice.clear();
                   },
               },
               e);
    return s;
}

std::int64_t reconnect_delay_ms(int attempt) {
    if (attempt <= 0) return 0;
    std::int64_t d = 500;
    for (int i = 1; i < attempt && d < 10'000; ++i) d *= 2;
    return std::min<std::int64_t>(d, 10'000);
}

double dissuasion_progress(std::int64_t created_at, std::optional<std::int64_t> deadline, std::int64_t now) {
    if (!deadline) return 0.0;
    if (*deadline <= created_at) return 1.0;
    const double f = static_cast<double>(now - created_at) / static_cast<double>(*deadline - created_at);
    return f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
}

std::optional<CallPlan> call_plan(const HeldContact& h) {
    if (!h.call || !h.call->mine || h.view.state != ContactState::assigned) return std::nullopt;
    const Call& c = h.call->call;
    if (c.phase == CallPhase::offered) return std::nullopt;
    if (c.offerer == CallParty::agent) return CallPlan{true, c.video, c.accepter_video};
    // The visitor's call: the visitor sends its camera in a video call; the agent answered with theirs.
    return CallPlan{false, c.accepter_video, c.video};
}

bool should_auto_answer(const HeldContact& h) {
    return h.auto_answer && h.call && !h.call->answered && h.call->call.phase == CallPhase::offered &&
           h.call->call.offerer == CallParty::visitor && h.view.state == ContactState::assigned;
}

std::string call_failure_text(Party from, CallFailure reason) {
    const bool visitor = from == Party::visitor;
    switch (reason) {
    case CallFailure::permission_denied:
        return visitor ? "The customer's camera or microphone permission was denied"
                       : "Camera or microphone permission denied";
    case CallFailure::no_device:
        return visitor ? "The customer has no usable camera or microphone" : "No usable camera or microphone";
    case CallFailure::unsupported:
        return visitor ? "The customer's browser cannot make calls" : "This browser cannot make calls";
    case CallFailure::network: return "The call could not connect (network)";
    }
    return "The call failed";
}

const HeldContact* find_contact(const ConsoleState& s, std::string_view id) {
    for (const auto& c : s.contacts)
        if (c.view.id == id) return &c;
    return nullptr;
}

const protocol::ContactView* find_waiting(const ConsoleState& s, std::string_view id) {
    for (const auto& c : s.waiting)
        if (c.id == id) return &c;
    return nullptr;
}

const protocol::ServiceInfo* find_service(const ConsoleState& s, std::string_view id) {
    for (const auto& x : s.services)
        if (x.id == id) return &x;
    return nullptr;
}

std::string default_color(const ConsoleState& s, std::string_view service_id) {
    if (const auto* x = find_service(s, service_id); x && !x->color.empty()) return x->color;
    auto it = s.service_colors.find(std::string(service_id));
    return it != s.service_colors.end() ? it->second : std::string();
}

std::string to_json(const ConsoleState& s, std::int64_t local_ms) {
    using nlohmann::json;
    json j{
        {"connection", to_string(s.connection)},
        {"loginPending", s.login_pending},
        {"loginError", s.login_error},
        {"lastError", s.last_error},
        {"reconnectAttempt", s.reconnect_attempt},
    };
    if (s.agent) {
        j["agent"] = {{"id", s.agent->id},
                      {"login", s.agent->login},
                      {"name", s.agent->name},
                      {"status", to_string(s.agent->status)}};
    } else {
        j["agent"] = nullptr;
    }
    const std::int64_t now = local_ms > 0 ? server_now(s, local_ms) : 0;
    json waiting = json::array();
    for (const auto& c : s.waiting) {
        const std::int64_t at = now > 0 ? now : c.created_at;
        waiting.push_back({{"id", c.id},
                           {"customer", c.customer.name},
                           {"country", c.customer.country},
                           {"returning", c.customer.returning},
                           {"direct", c.direct},
                           {"type", to_string(c.type)},
                           {"service", c.service.name},
                           {"serviceId", c.service.id},
                           {"language", c.service.language},
                           {"site", c.site.name},
                           {"createdAt", c.created_at},
                           {"deadline", c.deadline ? json(*c.deadline) : json(nullptr)},
                           {"progress", dissuasion_progress(c.created_at, c.deadline, at)}});
    }
    j["waiting"] = {{"count", s.waiting.size()}, {"contacts", std::move(waiting)}};

    json contacts = json::array();
    for (const auto& h : s.contacts) {
        const auto& v = h.view;
        json channels = json::object();
        for (Channel ch : all_channels) channels[std::string(to_string(ch))] = to_string(v.channels[ch]);
        int messages = 0;
        for (const auto& t : h.transcript)
            if (t.kind == TranscriptEntry::Kind::message) ++messages;
        json recent = json::array();
        const std::size_t first = h.transcript.size() > 10 ? h.transcript.size() - 10 : 0;
        for (std::size_t i = first; i < h.transcript.size(); ++i) {
            const auto& t = h.transcript[i];
            recent.push_back({{"seq", t.seq},
                              {"kind", t.kind == TranscriptEntry::Kind::message ? "message"
                                       : t.kind == TranscriptEntry::Kind::link  ? "link"
                                       : t.kind == TranscriptEntry::Kind::file  ? "file"
                                                                                : "note"},
                              {"from", protocol::to_string(t.from)},
                              {"text", t.text},
                              {"read", t.from == Party::agent && t.seq <= h.visitor_read_up_to}});
            if (t.kind == TranscriptEntry::Kind::file) {
                recent.back()["url"] = t.url;
                recent.back()["size"] = t.size;
            }
            if (!t.translation.empty())
                recent.back()["translation"] = {{"language", t.translation_language}, {"text", t.translation}};
        }
        const bool closed = v.state == ContactState::closed;
        json call = nullptr;
        if (h.call) {
            const Call& c = h.call->call;
            call = {{"state", to_string(c.phase)},
                    {"offerer", to_string(c.offerer)},
                    {"video", c.video},
                    {"accepterVideo", c.accepter_video},
                    {"mine", h.call->mine},
                    {"muted", h.muted},
                    {"activeAt", h.call->active_at > 0 ? json(h.call->active_at) : json(nullptr)}};
        }
        contacts.push_back({{"id", v.id},
                            {"customer", v.customer.name},
                            {"type", to_string(v.type)},
                            {"state", to_string(v.state)},
                            {"outcome", v.outcome ? json(to_string(*v.outcome)) : json(nullptr)},
                            {"channels", std::move(channels)},
                            {"color", v.color},
                            {"unread", h.unread},
                            {"typing", h.visitor_typing},
                            {"messages", messages},
                            {"expanded", s.expanded == v.id},
                            {"flashing", h.flashing},
                            {"status",
                             {{"changingPage", !v.visitor_present && !closed},
                              {"typing", h.visitor_typing},
                              {"unread", h.unread > 0},
                              {"idle", h.idle},
                              {"closed", closed}}},
                            {"visitorReadUpTo", h.visitor_read_up_to},
                            {"agentReadUpTo", h.agent_read_up_to},
                            {"page", v.page.url},
                            {"translation", v.translation},
                            {"recent", std::move(recent)},
                            {"call", std::move(call)},
                            {"callNotice", h.call_notice},
                            {"upload", upload_json(h)}});
    }
    j["contacts"] = std::move(contacts);
    j["expanded"] = s.expanded.empty() ? json(nullptr) : json(s.expanded);
    j["notice"] = s.notice;
    j["helpOpen"] = s.help_open;
    j["files"] = {{"maxBytes", s.file_limits.max_bytes}, {"types", s.file_limits.types}};
    j["notify"] = {{"sound", s.notify_settings.sound},
                   {"desktop", s.notify_settings.desktop},
                   {"notified", s.alerts.notified},
                   {"lastKind", s.alerts.notified > 0 ? json(notify::to_string(s.alerts.last_kind)) : json(nullptr)},
                   {"unseen", s.alerts.unseen.size()}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace sb::console
