// The console application without a platform: owns the state, reduces server events, draws the views and
// turns the agent's actions into protocol commands sent through a Transport.
#pragma once
#include "console/actions.h"
#include "console/ui_state.h"
#include "core/console_state.h"
#include "protocol/messages.h"

#include <cstdint>
#include <functional>
#include <map>
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
    using LocalClock = std::function<std::int64_t()>; // ms since the Unix epoch on this machine
    using UrlOpener = std::function<void(const std::string&)>;
    using AlertSink = std::function<void(const notify::Alert&)>;           // plays / shows one alert
    using SettingsSaver = std::function<void(const notify::Settings&)>;    // persists the agent's choice
    using PermissionAsker = std::function<void()>; // asks the browser for notification permission (user gesture)

    explicit App(Transport& transport);

    void start(std::string resume_token = {}); // opens the connection (resuming a session when given a token)
    void set_clock(LocalClock clock) { clock_ = std::move(clock); }
    void set_url_opener(UrlOpener open) { open_url_ = std::move(open); }
    void set_alert_sink(AlertSink sink) { alert_sink_ = std::move(sink); }
    void set_settings_saver(SettingsSaver save) { save_settings_ = std::move(save); }
    void set_permission_asker(PermissionAsker ask) { ask_permission_ = std::move(ask); }
    // Settings restored by the platform at start (not saved again).
    void load_settings(const notify::Settings& s) { apply(event::NotifySettingsChanged{s}); }
    // The page became hidden / visible (a hidden page's panels are not in view).
    void set_page_visible(bool visible) { page_visible_ = visible; }

    // Platform callbacks.
    void on_open();
    void on_message(std::string_view frame);
    void on_close();

    // Draws one frame's content (between ImGui::NewFrame and ImGui::Render) and runs the actions it produced.
    void draw();
    void run(const Action& a);

    const ConsoleState& state() const { return state_; }
    UiState& ui() { return ui_; }
    std::int64_t now_ms() const { return clock_(); }
    // Milliseconds before the platform should call connect() again after a close.
    std::int64_t reconnect_delay_ms() const { return console::reconnect_delay_ms(state_.reconnect_attempt); }
    // After draw(): ms until something on screen changes by itself (countdowns, clocks), -1 if nothing does.
    std::int64_t redraw_in_ms() const { return ui_.redraw_in_ms; }
    // Decides the notifications due now (notify::observe) and hands them to the alert sink. draw() runs it;
    // the platform also runs it after socket events and at next_alert_in_ms(), for a hidden page draws nothing.
    void check_alerts();
    // ms until check_alerts() should run again for a reminder, -1 if none is due.
    std::int64_t next_alert_in_ms() const;

  private:
    void apply(const Event& e) { state_ = reduce(std::move(state_), e); }
    void send(protocol::ClientMessage m);
    void resume_gaps(); // contact.resume for every held contact with a gap
    std::string next_cid();

    struct TypingSent {
        bool typing = false;
        std::int64_t at = 0;
    };

    Transport& transport_;
    ConsoleState state_;
    UiState ui_;
    LocalClock clock_;
    UrlOpener open_url_;
    AlertSink alert_sink_;
    SettingsSaver save_settings_;
    PermissionAsker ask_permission_;
    bool page_visible_ = true;
    std::map<std::string, TypingSent, std::less<>> typing_;
    std::uint64_t cid_counter_ = 0;
};

// Typing notices: at most one "typing" per this many ms per contact (the server relays at most 2 a second).
inline constexpr std::int64_t typing_repeat_ms = 3000;

} // namespace sb::console
