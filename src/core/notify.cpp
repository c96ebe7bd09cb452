#include "core/notify.h"

#include "core/console_state.h"

#include <algorithm>

namespace sb::console::notify {
namespace {
std::string who(const std::string& name, const char* fallback) { return name.empty() ? std::string(fallback) : name; }

Alert make(Kind kind, std::string contact, std::string title, std::string body, const Settings& st) {
    return Alert{kind, std::move(contact), std::move(title), std::move(body), st.sound, st.desktop};
}
} // namespace

std::string_view to_string(Kind k) {
    switch (k) {
    case Kind::contact: return "contact";
    case Kind::reminder: return "reminder";
    case Kind::message: return "message";
    case Kind::call: return "call";
    }
    return "contact";
}

std::vector<Alert> observe(Tracker& t, const ConsoleState& s, const Settings& settings, const Viewing& v,
                           std::int64_t now_ms) {
    std::vector<Alert> out;
    if (!s.agent) { // logged out: start again at the next login
        t = Tracker{};
        return out;
    }
    const bool ready = s.agent->status == AgentStatus::ready;
    const bool drawer_seen = v.drawer_open && v.page_visible;

    // Waiting contacts: the new ones, and those that left (taken, dissuaded, cancelled).
    std::set<std::string, std::less<>> now_waiting;
    const protocol::ContactView* newest = nullptr;
    int arrived = 0;
    for (const auto& c : s.waiting) {
        now_waiting.insert(c.id);
        if (t.waiting.contains(c.id)) continue;
        ++arrived;
        newest = &c;
        if (!drawer_seen && ready) t.unseen.insert(c.id);
    }
    std::erase_if(t.unseen, [&](const std::string& id) { return !now_waiting.contains(id); });
    t.waiting = std::move(now_waiting);
    if (drawer_seen || !ready) t.unseen.clear();

    if (arrived > 0 && ready && !drawer_seen) {
        const std::size_t n = s.waiting.size();
        std::string body = who(newest->customer.name, "A visitor");
        if (!newest->service.name.empty()) body += " - " + newest->service.name;
        if (n > 1) body += " (" + std::to_string(n) + " waiting)";
        out.push_back(make(Kind::contact, newest->id, "New contact waiting", std::move(body), settings));
        t.last_alert_ms = now_ms;
    } else if (!t.unseen.empty() && now_ms - t.last_alert_ms >= reminder_ms) {
        const std::size_t n = t.unseen.size();
        out.push_back(make(Kind::reminder, *t.unseen.begin(), "Contacts are waiting",
                           n == 1 ? std::string("1 contact is waiting for you") : std::to_string(n) + " contacts are waiting for you",
                           settings));
        t.last_alert_ms = now_ms;
    }

    // Visitors' messages in held contacts whose panel is not in view.
    for (const auto& h : s.contacts) {
        // Newly held: what the visitor wrote before is part of the contact just taken, not news. A contact whose
        // transcript is still being fetched (after a login or a gap) is recorded once it is complete.
        if (h.resume_needed && !t.messages.contains(h.view.id)) continue;
        auto [it, inserted] = t.messages.try_emplace(h.view.id, h.last_visitor_message);
        if (inserted) continue;
        if (h.last_visitor_message <= it->second) continue;
        it->second = h.last_visitor_message;
        const bool in_view = v.page_visible && s.expanded == h.view.id;
        if (in_view || h.view.state == ContactState::closed) continue;
        std::string text;
        for (auto e = h.transcript.rbegin(); e != h.transcript.rend(); ++e)
            if (e->seq == h.last_visitor_message) {
                text = e->text;
                break;
            }
        if (text.size() > 120) text = text.substr(0, 117) + "...";
        out.push_back(make(Kind::message, h.view.id, "Message from " + who(h.view.customer.name, "the visitor"),
                           std::move(text), settings));
    }
    std::erase_if(t.messages, [&](const auto& m) { return find_contact(s, m.first) == nullptr; });

    // The visitor calls: ring once per offer.
    for (const auto& h : s.contacts) {
        if (!h.call || h.call->call.offerer != CallParty::visitor || h.call->call.phase != CallPhase::offered ||
            h.view.state != ContactState::assigned)
            continue;
        const std::uint64_t offer = std::max<std::uint64_t>(h.call->offer_seq, 1); // 0: known from a contact object
        auto [it, inserted] = t.rung.try_emplace(h.view.id, 0);
        if (!inserted && it->second >= offer) continue;
        it->second = offer;
        out.push_back(make(Kind::call, h.view.id, h.call->call.video ? "Incoming video call" : "Incoming call",
                           who(h.view.customer.name, "A visitor"), settings));
    }
    std::erase_if(t.rung, [&](const auto& r) { return find_contact(s, r.first) == nullptr; });

    t.notified += static_cast<int>(out.size());
    if (!out.empty()) t.last_kind = out.back().kind;
    if (!settings.sound && !settings.desktop) out.clear();
    return out;
}

std::int64_t next_reminder_ms(const Tracker& t) {
    return t.unseen.empty() ? -1 : t.last_alert_ms + reminder_ms;
}

} // namespace sb::console::notify
