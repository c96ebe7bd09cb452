#include "console/app.h"

#include "console/automation.h"
#include "console/views/views.h"
#include "protocol/codec.h"

#include <chrono>
#include <cstring>
#include <imgui.h>

namespace sb::console {
namespace {
template <class... F> struct overloaded : F... {
    using F::operator()...;
};
template <class... F> overloaded(F...) -> overloaded<F...>;

std::int64_t system_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
} // namespace

App::App(Transport& transport) : transport_(transport), clock_(&system_ms) {}

void App::start(std::string resume_token) {
    state_.token = std::move(resume_token);
    state_.connection = Connection::connecting;
    transport_.connect();
}

void App::on_open() {
    apply(event::SocketOpened{});
    typing_.clear();
    if (!state_.token.empty()) send(protocol::AgentResume{next_cid(), state_.token});
}

void App::on_message(std::string_view frame) {
    auto m = protocol::decode_server(frame);
    if (!m) {
        state_.last_error = "unreadable message from the server: " + m.error().message;
        return;
    }
    const bool refused = std::holds_alternative<protocol::Error>(*m) &&
                         std::get<protocol::Error>(*m).code == protocol::code::bad_credentials;
    apply(event::Received{std::move(*m), clock_()});
    if (refused) { // a refused password is cleared so the agent types it again
        ui_.password.fill('\0');
    }
    resume_gaps();
}

void App::on_close() { apply(event::SocketClosed{}); }

void App::send(protocol::ClientMessage m) { transport_.send(protocol::encode(m)); }

std::string App::next_cid() { return "c" + std::to_string(++cid_counter_); }

void App::resume_gaps() {
    if (state_.connection != Connection::connected || !state_.agent) return;
    for (const auto& h : state_.contacts) {
        if (!h.resume_needed || h.resume_sent) continue;
        send(protocol::ContactResume{next_cid(), h.view.id, h.applied_seq});
        apply(event::ResumeSent{h.view.id});
    }
}

void App::run(const Action& a) {
    std::visit(overloaded{
                   [&](const action::Login& l) {
                       apply(event::LoginSent{});
                       // The login click / Enter is a user gesture: the moment to ask for notification permission.
                       if (state_.notify_settings.desktop && ask_permission_) ask_permission_();
                       send(protocol::AgentLogin{next_cid(), l.login, l.password});
                   },
                   [&](const action::SetStatus& st) { send(protocol::AgentSetStatus{next_cid(), st.status}); },
                   [&](const action::Logout&) {
                       send(protocol::AgentLogout{next_cid()});
                       apply(event::LoggedOut{});
                       ui_.password.fill('\0');
                       ui_.focus_login = true;
                       ui_.contacts.clear();
                       typing_.clear();
                   },
                   [&](const action::Claim& c) {
                       apply(event::ClaimSent{});
                       send(protocol::ContactClaim{next_cid(), c.contact});
                   },
                   [&](const action::Expand& x) { apply(event::Expand{x.contact}); },
                   [&](const action::Send& m) {
                       if (m.text.empty()) return;
                       send(protocol::ContactSend{next_cid(), m.contact, m.text});
                       // A sent message ends the typing notice on the visitor's side by itself.
                       typing_[m.contact] = TypingSent{false, clock_()};
                   },
                   [&](const action::Typing& t) {
                       auto& last = typing_[t.contact];
                       const std::int64_t now = clock_();
                       const bool due = t.typing ? (!last.typing || now - last.at >= typing_repeat_ms) : last.typing;
                       if (!due) return;
                       send(protocol::ContactTyping{next_cid(), t.contact, t.typing});
                       last = TypingSent{t.typing, now};
                   },
                   [&](const action::MarkRead& r) {
                       const HeldContact* h = find_contact(state_, r.contact);
                       if (!h || r.up_to <= h->agent_read_up_to) return;
                       send(protocol::ContactReadMsg{next_cid(), r.contact, r.up_to});
                       apply(event::ReadSent{r.contact, r.up_to});
                   },
                   [&](const action::SetColor& c) { send(protocol::ContactColor{next_cid(), c.contact, c.color}); },
                   [&](const action::PushLink& l) { send(protocol::ContactLink{next_cid(), l.contact, l.url}); },
                   [&](const action::Stop& s) {
                       send(protocol::ContactStop{next_cid(), s.contact, Outcome::successful});
                   },
                   [&](const action::Dismiss& d) {
                       apply(event::Dismissed{d.contact});
                       ui_.contacts.erase(d.contact);
                       typing_.erase(d.contact);
                   },
                   [&](const action::DismissNotice&) { apply(event::NoticeDismissed{}); },
                   [&](const action::OpenUrl& u) {
                       if (open_url_) open_url_(u.url);
                   },
                   [&](const action::ShowHelp& h) { apply(event::HelpShown{h.open}); },
                   [&](const action::SetNotify& n) {
                       const bool asked = n.settings.desktop && !state_.notify_settings.desktop;
                       apply(event::NotifySettingsChanged{n.settings});
                       if (save_settings_) save_settings_(n.settings);
                       if (asked && ask_permission_) ask_permission_();
                   },
               },
               a);
}

void App::draw() {
    automation::begin_frame();
    ui_.now_ms = clock_();
    ui_.redraw_in_ms = -1;
    Actions actions;
    if (!state_.agent) {
        views::login(state_, ui_, actions);
    } else {
        views::shortcuts(state_, ui_, actions);
        float top = views::status_bar(state_, ui_, actions);
        views::home(state_, ui_, actions, top);
        views::help_popup(state_, ui_, actions);
    }
    for (const auto& a : actions) run(a);
    check_alerts();
}

void App::check_alerts() {
    notify::Tracker t = state_.alerts;
    const auto alerts = notify::observe(t, state_, state_.notify_settings,
                                        notify::Viewing{page_visible_, ui_.drawer_open}, clock_());
    state_.alerts = std::move(t);
    if (alert_sink_)
        for (const auto& a : alerts) alert_sink_(a);
}

std::int64_t App::next_alert_in_ms() const {
    const std::int64_t at = notify::next_reminder_ms(state_.alerts);
    if (at < 0) return -1;
    const std::int64_t in = at - clock_();
    return in < 0 ? 0 : in;
}

} // namespace sb::console
