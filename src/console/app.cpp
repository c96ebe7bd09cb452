#include "console/app.h"

#include "console/automation.h"
#include "console/views/views.h"
#include "protocol/codec.h"

#include <cstring>
#include <imgui.h>

namespace sb::console {
namespace {
template <class... F> struct overloaded : F... {
    using F::operator()...;
};
template <class... F> overloaded(F...) -> overloaded<F...>;
} // namespace

void App::start(std::string resume_token) {
    state_.token = std::move(resume_token);
    state_.connection = Connection::connecting;
    transport_.connect();
}

void App::on_open() {
    apply(event::SocketOpened{});
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
    apply(*m);
    if (refused) { // a refused password is cleared so the agent types it again
        ui_.password.fill('\0');
    }
}

void App::on_close() { apply(event::SocketClosed{}); }

void App::send(protocol::ClientMessage m) { transport_.send(protocol::encode(m)); }

std::string App::next_cid() { return "c" + std::to_string(++cid_counter_); }

void App::run(const Action& a) {
    std::visit(overloaded{
                   [&](const action::Login& l) {
                       apply(event::LoginSent{});
                       send(protocol::AgentLogin{next_cid(), l.login, l.password});
                   },
                   [&](const action::SetStatus& st) { send(protocol::AgentSetStatus{next_cid(), st.status}); },
                   [&](const action::Logout&) {
                       send(protocol::AgentLogout{next_cid()});
                       apply(event::LoggedOut{});
                       ui_.password.fill('\0');
                       ui_.focus_login = true;
                   },
               },
               a);
}

void App::draw() {
    automation::begin_frame();
    Actions actions;
    if (!state_.agent) {
        views::login(state_, ui_, actions);
    } else {
        float top = views::status_bar(state_, ui_, actions);
        views::home(state_, ui_, actions, top);
    }
    for (const auto& a : actions) run(a);
}

} // namespace sb::console
