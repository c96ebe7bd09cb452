// The console application without a platform: owns the state, reduces server events, draws the views and
// turns the agent's actions into protocol commands sent through a Transport.
#pragma once
#include "console/actions.h"
#include "console/ui_state.h"
#include "core/console_state.h"
#include "protocol/messages.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sb::console {

// The socket to the server, provided by the platform (emscripten WebSocket in the browser, a fake in tests).
class Transport {
  public:
    virtual ~Transport() = default;
    virtual void connect() = 0;
    virtual void send(std::string text) = 0;
    virtual void close() = 0;
};

class App {
  public:
    explicit App(Transport& transport) : transport_(transport) {}

    void start(std::string resume_token = {}); // opens the connection (resuming a session when given a token)

    // Platform callbacks.
    void on_open();
    void on_message(std::string_view frame);
    void on_close();

    // Draws one frame's content (between ImGui::NewFrame and ImGui::Render) and runs the actions it produced.
    void draw();
    void run(const Action& a);

    const ConsoleState& state() const { return state_; }
    UiState& ui() { return ui_; }
    // Milliseconds before the platform should call connect() again after a close.
    std::int64_t reconnect_delay_ms() const { return console::reconnect_delay_ms(state_.reconnect_attempt); }

  private:
    void apply(const Event& e) { state_ = reduce(std::move(state_), e); }
    void send(protocol::ClientMessage m);
    std::string next_cid();

    Transport& transport_;
    ConsoleState state_;
    UiState ui_;
    std::uint64_t cid_counter_ = 0;
};

} // namespace sb::console
