#include "console/app.h"

#include "console/automation.h"
#include "console/theme.h"
#include "console/views/views.h"
#include "protocol/codec.h"

#include <chrono>
#include <cstring>
#include <imgui.h>
#include <nlohmann/json.hpp>

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
    // contact.media cids must not collide with another tab's (its own calls are recognised by them).
    static int apps = 0;
    std::int64_t t = clock_();
    for (int i = 0; i < 8 && t > 0; ++i, t /= 36) media_tag_ += "0123456789abcdefghijklmnopqrstuvwxyz"[t % 36];
    media_tag_ += std::to_string(++apps);
    state_.token = std::move(resume_token);
    state_.connection = Connection::connecting;
    transport_.connect();
}

void App::load_theme(bool dark) {
    ui_.dark_theme = dark;
    theme::apply(dark ? theme::Variant::dark : theme::Variant::light);
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
    if (const auto* sig = std::get_if<protocol::ContactSignalNotice>(&*m)) {
        // The other party's WebRTC message, for the call running here (dropped when none is).
        if (media_ && calls_.find(sig->contact) != calls_.end() && sig->from == protocol::Party::visitor) {
            const auto frame = nlohmann::json::parse(protocol::encode(*m), nullptr, false);
            if (frame.is_object() && frame.contains("signal")) media_->signal(sig->contact, frame["signal"].dump());
        }
        return;
    }
    apply(event::Received{std::move(*m), clock_()});
    if (refused) { // a refused password is cleared so the agent types it again
        ui_.password.fill('\0');
    }
    resume_gaps();
    sync_calls();
}

void App::on_close() { apply(event::SocketClosed{}); }

void App::send(protocol::ClientMessage m) { transport_.send(protocol::encode(m)); }

std::string App::next_cid() { return "c" + std::to_string(++cid_counter_); }

void App::send_media(const std::string& contact, CallAction action, bool video, std::optional<CallFailure> reason) {
    const std::string cid = "m" + media_tag_ + "-" + std::to_string(++cid_counter_);
    apply(event::MediaSent{contact, cid, action});
    send(protocol::ContactMedia{cid, contact, action, video, reason});
}

void App::on_call_signal(std::string_view contact, std::string_view signal_json) {
    if (calls_.find(contact) == calls_.end() || state_.connection != Connection::connected) return;
    // Validated by the codec like any frame: the engine's JSON becomes a contact.signal only if it is one.
    auto signal = nlohmann::json::parse(signal_json, nullptr, false);
    if (signal.is_discarded()) return;
    const nlohmann::json frame{{"v", protocol::version},
                               {"type", "contact.signal"},
                               {"contact", contact},
                               {"signal", std::move(signal)}};
    auto m = protocol::decode_client(frame.dump());
    if (m && std::holds_alternative<protocol::ContactSignal>(*m)) send(std::move(*m));
}

void App::on_call_connected(std::string_view contact) {
    auto it = calls_.find(contact);
    if (it == calls_.end()) return;
    it->second.connected = true;
    sync_calls();
}

void App::on_call_failed(std::string_view contact, std::string_view reason) {
    auto it = calls_.find(contact);
    if (it == calls_.end()) return;
    it->second.failed = call_failure_from(reason).value_or(CallFailure::network);
    sync_calls();
}

void App::sync_calls() {
    const bool online = state_.connection == Connection::connected && state_.agent.has_value();
    if (!media_) return;
    // (Sending applies an event, which replaces state_: decide first, then send.)
    std::vector<std::pair<std::string, bool>> answer; // Call / Video Call contacts taken here: taking was the answer
    std::vector<std::string> connected;               // the engine connected: tell the server
    std::vector<std::pair<std::string, CallFailure>> failed;
    for (auto it = calls_.begin(); it != calls_.end();) {
        RunningCall& rc = it->second;
        const HeldContact* h = find_contact(state_, it->first);
        const auto plan = h ? call_plan(*h) : std::nullopt;
        if (!plan || *plan != rc.plan) { // the call ended (or is another one now)
            const std::string id = it->first;
            const bool hung_up = rc.hung_up;
            it = calls_.erase(it);
            if (!hung_up) media_->hangup(id);
            continue;
        }
        if (rc.failed && !rc.failed_sent && online) { // the engine broke: the call ends for both parties
            rc.failed_sent = true;
            failed.emplace_back(it->first, *rc.failed);
        }
        if (rc.failed && !rc.hung_up) {
            rc.hung_up = true;
            media_->hangup(it->first);
        }
        if (rc.muted != h->muted && !rc.hung_up) {
            rc.muted = h->muted;
            media_->set_muted(it->first, h->muted);
        }
        if (rc.connected && !rc.connected_sent && !rc.failed && online) {
            rc.connected_sent = true;
            if (h->call->call.phase != CallPhase::active) connected.push_back(it->first);
        }
        ++it;
    }
    for (const auto& h : state_.contacts) {
        if (online && should_auto_answer(h)) answer.emplace_back(h.view.id, h.call->call.video);
        const auto plan = call_plan(h);
        if (!plan || calls_.find(h.view.id) != calls_.end()) continue;
        calls_.emplace(h.view.id, RunningCall{*plan, h.muted});
        nlohmann::json servers = nlohmann::json::array();
        for (const auto& x : state_.ice_servers) {
            nlohmann::json j{{"urls", x.urls}};
            if (!x.username.empty()) j["username"] = x.username;
            if (!x.credential.empty()) j["credential"] = x.credential;
            servers.push_back(std::move(j));
        }
        const nlohmann::json ice{{"iceServers", std::move(servers)},
                                 {"iceTransportPolicy", state_.ice_transport_policy}};
        media_->start(h.view.id, *plan, ice.dump());
        if (h.muted) media_->set_muted(h.view.id, true);
    }
    for (const auto& [id, video] : answer) send_media(id, CallAction::accept, video);
    for (const auto& id : connected) send_media(id, CallAction::connected);
    for (const auto& [id, reason] : failed) send_media(id, CallAction::failed, false, reason);
}

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
                       const std::string cid = next_cid();
                       apply(event::ClaimSent{cid});
                       send(protocol::ContactClaim{cid, c.contact});
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
                   [&](const action::Translate& t) { send(protocol::ContactTranslate{next_cid(), t.contact, t.language}); },
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
                   [&](const action::SetTheme& t) {
                       // Actions run after the views drew: no style change is pushed, the whole style can go.
                       load_theme(t.dark);
                       if (save_theme_) save_theme_(t.dark);
                   },
                   [&](const action::OfferCall& o) { send_media(o.contact, CallAction::offer, o.video); },
                   [&](const action::AnswerCall& x) {
                       const HeldContact* h = find_contact(state_, x.contact);
                       if (!h || !h->call) return;
                       send_media(x.contact, x.accept ? CallAction::accept : CallAction::refuse, x.accept && x.video);
                   },
                   [&](const action::Hangup& x) { send_media(x.contact, CallAction::hangup); },
                   [&](const action::SetMuted& m) { apply(event::MuteSet{m.contact, m.muted}); },
                   [&](const action::DismissCallNotice& d) { apply(event::CallNoticeDismissed{d.contact}); },
                   [&](const action::PickFile& p) {
                       const HeldContact* h = find_contact(state_, p.contact);
                       const bool busy = h && h->upload && h->upload->state == FileUpload::State::uploading;
                       if (uploader_ && h && !busy && h->view.state == ContactState::assigned) uploader_->pick(p.contact);
                   },
                   [&](const action::CancelUpload& c) {
                       if (uploader_) uploader_->cancel(c.contact);
                       apply(event::UploadEnded{c.contact, "Upload cancelled."});
                   },
                   [&](const action::DismissUpload& d) { apply(event::UploadDismissed{d.contact}); },
               },
               a);
    sync_calls();
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
    const notify::Viewing viewing{page_visible_, ui_.drawer_open};
    const std::int64_t now = clock_();
    const std::int64_t reminder = notify::next_reminder_ms(state_.alerts);
    // observe() decides nothing new from what it has seen already (a frame drawn for a mouse move).
    if (alerts_observed_ && viewing == alerts_viewing_ && (reminder < 0 || now < reminder)) return;
    alerts_observed_ = true;
    alerts_viewing_ = viewing;
    notify::Tracker t = state_.alerts;
    const auto alerts = notify::observe(t, state_, state_.notify_settings, viewing, now);
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
