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
#include <optional>
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

// The browser's side of calls (WebRTC), provided by the platform: web/media/call.js through the glue in the
// browser, a recorder in tests. One call per contact: the App starts it once the call is accepted (in the
// console that offered or accepted it) and hangs it up when the call ends; the platform reports back through
// App::on_call_signal / on_call_connected / on_call_failed, never from inside these calls.
class MediaEngine {
  public:
    virtual ~MediaEngine() = default;
    // ice_json: {"iceServers":[…],"iceTransportPolicy":"all"|"relay"}, as RTCPeerConnection takes them.
    virtual void start(const std::string& contact, const CallPlan& plan, const std::string& ice_json) = 0;
    // The other party's WebRTC message: the `signal` object of a contact.signal, as JSON.
    virtual void signal(const std::string& contact, const std::string& signal_json) = 0;
    virtual void set_muted(const std::string& contact, bool muted) = 0;
    virtual void hangup(const std::string& contact) = 0;
};

// The browser's side of file uploads, provided by the platform: the file picker and the HTTP upload with its
// progress (web/console-glue.js and switchboard.js in the browser, a recorder in tests). It reports back through
// App::on_file_chosen / on_upload_progress / on_upload_done.
class FileUploader {
  public:
    virtual ~FileUploader() = default;
    virtual void pick(const std::string& contact) = 0;                            // opens the file picker
    virtual void upload(const std::string& contact, const std::string& token) = 0; // POST /files the file picked
    virtual void cancel(const std::string& contact) = 0;                          // abort that upload
};

class App {
  public:
    using LocalClock = std::function<std::int64_t()>; // ms since the Unix epoch on this machine
    using UrlOpener = std::function<void(const std::string&)>;
    using AlertSink = std::function<void(const notify::Alert&)>;           // plays / shows one alert
    using SettingsSaver = std::function<void(const notify::Settings&)>;    // persists the agent's choice
    using PermissionAsker = std::function<void()>; // asks the browser for notification permission (user gesture)
    using ThemeSaver = std::function<void(bool dark)>;                  // persists the agent's choice of theme

    explicit App(Transport& transport);

    void start(std::string resume_token = {}); // opens the connection (resuming a session when given a token)
    void set_clock(LocalClock clock) { clock_ = std::move(clock); }
    void set_url_opener(UrlOpener open) { open_url_ = std::move(open); }
    void set_alert_sink(AlertSink sink) { alert_sink_ = std::move(sink); }
    void set_settings_saver(SettingsSaver save) { save_settings_ = std::move(save); }
    void set_permission_asker(PermissionAsker ask) { ask_permission_ = std::move(ask); }
    void set_theme_saver(ThemeSaver save) { save_theme_ = std::move(save); }
    void set_media(MediaEngine* media) { media_ = media; } // without one, the console makes no calls
    void set_uploader(FileUploader* uploader) { uploader_ = uploader; } // without one, no uploads
    // Settings restored by the platform at start (not saved again).
    void load_settings(const notify::Settings& s) { apply(event::NotifySettingsChanged{s}); }
    // The theme restored by the platform at start (applied to ImGui's style, not saved again).
    void load_theme(bool dark);
    // The page became hidden / visible (a hidden page's panels are not in view).
    void set_page_visible(bool visible) { page_visible_ = visible; }

    // Platform callbacks.
    void on_open();
    void on_message(std::string_view frame);
    void on_close();

    // The media engine's reports about a contact's call.
    void on_call_signal(std::string_view contact, std::string_view signal_json); // sent as contact.signal
    void on_call_connected(std::string_view contact); // WebRTC connected: contact.media connected
    void on_call_failed(std::string_view contact, std::string_view reason); // contact.media failed
    // Contacts whose call runs in this console's engine now.
    bool call_running(std::string_view contact) const { return calls_.find(contact) != calls_.end(); }

    // The uploader's reports (app_files.cpp): a file was picked (checked against the limits, then sent or
    // refused), bytes sent, and the server's answer (status 0: none, the network failed).
    void on_file_chosen(std::string_view contact, std::string_view name, std::uint64_t size, std::string_view type);
    void on_upload_progress(std::string_view contact, std::uint64_t sent);
    void on_upload_done(std::string_view contact, int status, std::string_view body);

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
    void apply(const Event& e) {
        state_ = reduce(std::move(state_), e);
        alerts_observed_ = false;
    }
    void send(protocol::ClientMessage m);
    void resume_gaps(); // contact.resume for every held contact with a gap
    std::string next_cid();
    // contact.media with a cid of its own (unique across this agent's tabs), recorded as this console's.
    void send_media(const std::string& contact, CallAction action, bool video = false,
                    std::optional<CallFailure> reason = std::nullopt);
    // Brings the engine in line with the calls in the state: answers calls taken here, starts, hangs up,
    // mutes, and sends the engine's pending reports.
    void sync_calls();

    struct RunningCall {
        CallPlan plan;
        bool muted = false;
        bool connected = false;      // the engine reported it connected
        bool connected_sent = false; // contact.media connected sent
        std::optional<CallFailure> failed; // the engine failed: contact.media failed is due
        bool failed_sent = false;
        bool hung_up = false;        // the engine was told to hang up (it stays listed until the call ends)
    };

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
    ThemeSaver save_theme_;
    MediaEngine* media_ = nullptr;
    FileUploader* uploader_ = nullptr;
    std::map<std::string, RunningCall, std::less<>> calls_;
    std::string media_tag_; // this App's part of its contact.media cids
    bool page_visible_ = true;
    // check_alerts() has observed the state as it is, with what the agent sees: it observes again only once
    // either changes or a reminder is due (observing 500 waiting contacts on every frame was most of a frame).
    bool alerts_observed_ = false;
    notify::Viewing alerts_viewing_;
    std::map<std::string, TypingSent, std::less<>> typing_;
    std::uint64_t cid_counter_ = 0;
};

// Typing notices: at most one "typing" per this many ms per contact (the server relays at most 2 a second).
inline constexpr std::int64_t typing_repeat_ms = 3000;

} // namespace sb::console
