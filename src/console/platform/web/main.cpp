// Browser entry points of the console. JS (web/switchboard.js) owns the DOM: it forwards input and calls
// sb_frame() on an animation frame only when the console asked for one, so an idle console draws nothing.
#include "console/app.h"
#include "console/automation.h"
#include "console/fonts.h"
#include "console/platform/web/file_glue.h"
#include "console/platform/web/keys.h"
#include "console/platform/web/renderer_webgl2.h"
#include "console/platform/web/web_flags.h"
#include "console/platform/web/web_media.h"
#include "console/platform/web/web_transport.h"
#include "console/theme.h"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <map>
#include <memory>
#include <string>

extern "C" {
// web/console-glue.js
void sb_glue_request_frame();
void sb_glue_ready();
void sb_glue_text_input(int want);
void sb_glue_set_clipboard(const char* text);
void sb_glue_open_url(const char* url);
void sb_glue_announce(const char* text);
void sb_glue_notify(const char* kind, const char* title, const char* body, int sound, int desktop);
void sb_glue_save_settings(int sound, int desktop);
void sb_glue_ask_permission();
void sb_glue_load_emoji_font();
void sb_glue_save_theme(int dark);
}

namespace {
using namespace sb::console;

struct Console {
    std::unique_ptr<web::WebTransport> transport;
    std::unique_ptr<App> app;
    web::Renderer renderer;
    std::unique_ptr<web::WebMedia> media; // calls: the page's call engine and the videos' textures
    std::unique_ptr<web::WebFlags> flags; // the customers' country flags, in textures
    float css_w = 800, css_h = 600, ratio = 1;
    bool fonts_dirty = true;
    bool ready = false;
    bool reconnect_scheduled = false;
    bool stopped = false; // unmounted: no more frames, no reconnects
    int frames_owed = 0;
    double last_frame_ms = 0;
    std::string clipboard; // ImGui's clipboard: the last text copied in the console, or pasted into it
    int mods = 0;          // the modifier keys held, as sb_key last saw them
    std::string reply; // storage for strings returned to JS
    std::size_t announced_waiting = 0;              // for the screen reader mirror
    std::map<std::string, std::uint64_t> announced; // contact id -> last visitor message announced
    std::map<std::string, std::uint64_t> announced_calls; // contact id -> the visitor's call offer announced
    long alert_timer = 0;                           // the pending reminder check (emscripten timeout id)
};
Console* console = nullptr;

// Something changed: draw a few frames (ImGui settles hover and activation over two or three).
void wake() {
    if (!console) return;
    if (console->frames_owed < 3) console->frames_owed = 3;
    sb_glue_request_frame();
}

// A new video frame: one frame draws it (a playing video wakes the console once per video frame, no more).
void wake_once() {
    if (!console) return;
    if (console->frames_owed < 1) console->frames_owed = 1;
    sb_glue_request_frame();
}

// The hidden aria-live mirror: a new waiting contact and a visitor's new message are read out.
void announce_changes() {
    const ConsoleState& s = console->app->state();
    if (s.waiting.size() > console->announced_waiting) {
        const auto& c = s.waiting.back();
        const std::string text = std::to_string(s.waiting.size()) + " waiting. New contact: " +
                                 (c.customer.name.empty() ? std::string("a visitor") : c.customer.name) + ", " + c.service.name;
        sb_glue_announce(text.c_str());
    }
    console->announced_waiting = s.waiting.size();
    for (const auto& h : s.contacts) {
        auto& last = console->announced[h.view.id];
        if (h.last_visitor_message > last && !h.transcript.empty()) {
            for (auto it = h.transcript.rbegin(); it != h.transcript.rend(); ++it) {
                if (it->seq == h.last_visitor_message) {
                    const std::string text = (h.view.customer.name.empty() ? std::string("Visitor") : h.view.customer.name) + ": " + it->text;
                    sb_glue_announce(text.c_str());
                    break;
                }
            }
        }
        last = h.last_visitor_message;
        // The visitor's call (rung by the notifications) is read out too.
        if (h.call && h.call->call.offerer == sb::CallParty::visitor && h.call->call.phase == sb::CallPhase::offered) {
            auto& offer = console->announced_calls[h.view.id];
            if (h.call->offer_seq > offer) {
                offer = h.call->offer_seq;
                const std::string text = std::string(h.call->call.video ? "Incoming video call from " : "Incoming call from ") +
                                         (h.view.customer.name.empty() ? std::string("a visitor") : h.view.customer.name);
                sb_glue_announce(text.c_str());
            }
        }
    }
}

// Notifications are decided without drawing (a hidden page gets no animation frames): after each socket event
// and at the next reminder's time.
void schedule_alerts();
void alert_timeout(void*) {
    console->alert_timer = 0;
    if (console->stopped) return;
    console->app->check_alerts();
    schedule_alerts();
}
void schedule_alerts() {
    if (console->alert_timer) emscripten_clear_timeout(console->alert_timer);
    console->alert_timer = 0;
    const std::int64_t in = console->app->next_alert_in_ms();
    if (in >= 0 && !console->stopped)
        console->alert_timer = emscripten_set_timeout(&alert_timeout, static_cast<double>(in < 50 ? 50 : in), nullptr);
}

void reconnect(void*) {
    console->reconnect_scheduled = false;
    if (console->stopped) return;
    console->transport->connect();
    wake();
}

void after_socket_event() {
    announce_changes();
    console->app->check_alerts();
    schedule_alerts();
    if (!console->transport->active() && !console->reconnect_scheduled) {
        console->reconnect_scheduled = true;
        emscripten_set_timeout(&reconnect, static_cast<double>(console->app->reconnect_delay_ms()), nullptr);
    }
    wake();
}
} // namespace

extern "C" {

// kind: 0 text, 1 icons, 2 emoji (fetched when fonts::emoji_font_wanted says so).
EMSCRIPTEN_KEEPALIVE void sb_add_font(int kind, const unsigned char* data, int size) {
    if (kind < 0 || kind > 2) return;
    fonts::set_data(kind == 0 ? fonts::Kind::text : kind == 1 ? fonts::Kind::icons : fonts::Kind::emoji,
                    std::vector<unsigned char>(data, data + size));
    if (console) {
        console->fonts_dirty = true;
        wake();
    }
}

EMSCRIPTEN_KEEPALIVE int sb_start(const char* server_url, const char* canvas_selector, const char* token) {
    if (console) return 1;
    EmscriptenWebGLContextAttributes attrs;
    emscripten_webgl_init_context_attributes(&attrs);
    attrs.majorVersion = 2;
    attrs.minorVersion = 0;
    attrs.alpha = EM_FALSE;
    attrs.depth = EM_FALSE;
    attrs.stencil = EM_FALSE;
    attrs.antialias = EM_FALSE;
    attrs.preserveDrawingBuffer = EM_TRUE; // screenshots of the canvas between frames show the last frame
    EMSCRIPTEN_WEBGL_CONTEXT_HANDLE gl = emscripten_webgl_create_context(canvas_selector, &attrs);
    if (gl <= 0) return 0;
    emscripten_webgl_make_context_current(gl);

    console = new Console();
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.ConfigInputTextCursorBlink = false; // a blinking caret would need frames forever
    io.BackendPlatformName = "switchboard-web";
    io.BackendRendererName = "switchboard-webgl2";
    io.SetClipboardTextFn = [](void*, const char* text) {
        console->clipboard = text;
        sb_glue_set_clipboard(text);
    };
    io.GetClipboardTextFn = [](void*) -> const char* { return console->clipboard.c_str(); };
    theme::apply(theme::Variant::light); // until the page restores the agent's choice (sb_set_theme)
    if (!console->renderer.init()) return 0;

    console->transport = std::make_unique<web::WebTransport>(server_url, &after_socket_event);
    console->app = std::make_unique<App>(*console->transport);
    console->app->set_url_opener([](const std::string& url) { sb_glue_open_url(url.c_str()); });
    console->app->set_alert_sink([](const notify::Alert& a) {
        sb_glue_notify(std::string(notify::to_string(a.kind)).c_str(), a.title.c_str(), a.body.c_str(), a.sound ? 1 : 0,
                       a.desktop ? 1 : 0);
    });
    console->app->set_settings_saver([](const notify::Settings& st) { sb_glue_save_settings(st.sound ? 1 : 0, st.desktop ? 1 : 0); });
    console->app->set_permission_asker([] { sb_glue_ask_permission(); });
    console->app->set_theme_saver([](bool dark) { sb_glue_save_theme(dark ? 1 : 0); });
    console->flags = std::make_unique<web::WebFlags>(console->renderer);
    console->app->ui().flags = console->flags.get();
    console->transport->attach(*console->app);
    web::attach_files(*console->app, &wake);
    console->media = std::make_unique<web::WebMedia>(console->renderer);
    console->media->attach(*console->app);
    console->app->set_media(console->media.get());
    console->app->start(token ? token : "");
    wake();
    return 1;
}

// Settings saved by an earlier session (localStorage), restored by the page right after sb_start.
EMSCRIPTEN_KEEPALIVE void sb_set_notify(int sound, int desktop) {
    if (!console) return;
    console->app->load_settings(notify::Settings{sound != 0, desktop != 0});
    wake();
}

// The theme chosen in an earlier session (localStorage) or by the host page, restored right after sb_start.
EMSCRIPTEN_KEEPALIVE void sb_set_theme(int dark) {
    if (!console) return;
    console->app->load_theme(dark != 0);
    wake();
}

// The theme in use (the bridge's theme()): 1 dark, 0 light.
EMSCRIPTEN_KEEPALIVE int sb_theme() { return theme::current() == theme::Variant::dark ? 1 : 0; }

// A country flag asked for by the views (web_flags.cpp) loaded as an image: uploaded into a texture and drawn
// from the next frame on. Or it cannot be had (no such file, not an image): the code stays as text.
EMSCRIPTEN_KEEPALIVE void sb_flag_loaded(const char* code, int width, int height) {
    if (!console || console->stopped) return;
    if (console->flags->loaded(code, width, height)) wake();
}

EMSCRIPTEN_KEEPALIVE void sb_flag_missing(const char* code) {
    if (!console || console->stopped) return;
    console->flags->missing(code);
}

// document.visibilityState: a hidden page's panels are not in view.
EMSCRIPTEN_KEEPALIVE void sb_visibility(int visible) {
    if (!console) return;
    console->app->set_page_visible(visible != 0);
    if (visible) wake();
}

EMSCRIPTEN_KEEPALIVE void sb_stop() {
    if (!console) return;
    console->stopped = true;
    if (console->alert_timer) emscripten_clear_timeout(console->alert_timer);
    console->alert_timer = 0;
    console->transport->close();
}

EMSCRIPTEN_KEEPALIVE int sb_frame(double now_ms) {
    if (!console || console->stopped) return -1;
    ImGuiIO& io = ImGui::GetIO();
    if (console->fonts_dirty) {
        fonts::build(console->ratio);
        console->renderer.upload_fonts();
        console->fonts_dirty = false;
    }
    double dt = console->last_frame_ms > 0 ? (now_ms - console->last_frame_ms) / 1000.0 : 1.0 / 60.0;
    io.DeltaTime = static_cast<float>(dt < 1e-4 ? 1e-4 : dt > 0.5 ? 0.5 : dt);
    console->last_frame_ms = now_ms;
    io.DisplaySize = ImVec2(console->css_w, console->css_h);
    io.DisplayFramebufferScale = ImVec2(console->ratio, console->ratio);

    ImGui::NewFrame();
    console->app->draw();
    schedule_alerts();
    ImGui::Render();
    console->renderer.render(ImGui::GetDrawData(), static_cast<int>(console->css_w * console->ratio + 0.5f),
                             static_cast<int>(console->css_h * console->ratio + 0.5f), theme::palette().backdrop);
    if (!console->ready) {
        console->ready = true;
        sb_glue_ready();
    }
    sb_glue_text_input(io.WantTextInput ? 1 : 0);

    if (console->frames_owed > 0) --console->frames_owed;
    if (console->frames_owed > 0 || GImGui->InputEventsQueue.Size > 0) return 0;
    // Nothing to settle: draw again only when something on screen changes by itself (countdowns, clocks).
    const std::int64_t later = console->app->redraw_in_ms();
    return later < 0 ? -1 : static_cast<int>(later < 16 ? 16 : later > 60'000 ? 60'000 : later);
}

EMSCRIPTEN_KEEPALIVE void sb_resize(double css_w, double css_h, double ratio) {
    if (!console) return;
    if (ratio <= 0) ratio = 1;
    if (static_cast<float>(ratio) != console->ratio) console->fonts_dirty = true;
    console->css_w = static_cast<float>(css_w);
    console->css_h = static_cast<float>(css_h);
    console->ratio = static_cast<float>(ratio);
    wake();
}

EMSCRIPTEN_KEEPALIVE void sb_mouse_pos(double x, double y) {
    if (!console) return;
    ImGui::GetIO().AddMousePosEvent(static_cast<float>(x), static_cast<float>(y));
    wake();
}

EMSCRIPTEN_KEEPALIVE void sb_mouse_button(int button, int down) {
    if (!console || button < 0 || button >= ImGuiMouseButton_COUNT) return;
    ImGui::GetIO().AddMouseButtonEvent(button, down != 0);
    wake();
}

EMSCRIPTEN_KEEPALIVE void sb_wheel(double dx, double dy) {
    if (!console) return;
    ImGui::GetIO().AddMouseWheelEvent(static_cast<float>(dx), static_cast<float>(dy));
    wake();
}

EMSCRIPTEN_KEEPALIVE void sb_focus(int focused) {
    if (!console) return;
    ImGui::GetIO().AddFocusEvent(focused != 0);
    wake();
}

// mods: 1 ctrl, 2 shift, 4 alt, 8 meta. Returns 1 when the browser's default action should be prevented.
EMSCRIPTEN_KEEPALIVE int sb_key(const char* code, int down, int mods) {
    if (!console) return 0;
    ImGuiIO& io = ImGui::GetIO();
    const bool ctrl = mods & 1, shift = mods & 2, alt = mods & 4, meta = mods & 8;
    console->mods = mods;
    const ImGuiKey key = web::key_from_code(code);
    // Paste arrives as a browser 'paste' event with the text (sb_paste); ImGui must not paste its own copy.
    if ((ctrl || meta) && key == ImGuiKey_V) return 0;
    io.AddKeyEvent(ImGuiMod_Ctrl, ctrl);
    io.AddKeyEvent(ImGuiMod_Shift, shift);
    io.AddKeyEvent(ImGuiMod_Alt, alt);
    io.AddKeyEvent(ImGuiMod_Super, meta);
    if (key != ImGuiKey_None) io.AddKeyEvent(key, down != 0);
    wake();
    // The console's shortcuts (views/shortcuts.cpp) are not the browser's: F1 would open its help.
    if (key == ImGuiKey_F1) return 1;
    if (alt && !ctrl && !meta &&
        (key == ImGuiKey_N || key == ImGuiKey_I || key == ImGuiKey_R || key == ImGuiKey_UpArrow || key == ImGuiKey_DownArrow))
        return 1;
    // Keep browser shortcuts working outside the console: prevent only what ImGui uses right now.
    if (!io.WantCaptureKeyboard && !io.WantTextInput) return 0;
    switch (key) {
    case ImGuiKey_Tab:
    case ImGuiKey_Enter:
    case ImGuiKey_KeypadEnter:
    case ImGuiKey_Backspace:
    case ImGuiKey_Delete:
    case ImGuiKey_LeftArrow:
    case ImGuiKey_RightArrow:
    case ImGuiKey_UpArrow:
    case ImGuiKey_DownArrow:
    case ImGuiKey_Home:
    case ImGuiKey_End:
    case ImGuiKey_PageUp:
    case ImGuiKey_PageDown:
    case ImGuiKey_Escape: return 1;
    case ImGuiKey_A:
    case ImGuiKey_Z:
    case ImGuiKey_Y: return (ctrl || meta) && io.WantTextInput ? 1 : 0;
    default: return 0;
    }
}

// Whether the console's font has a glyph for a code point (the bridge's hasGlyph()).
EMSCRIPTEN_KEEPALIVE int sb_has_glyph(unsigned codepoint) {
    ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
    return font && font->FindGlyphNoFallback(static_cast<ImWchar>(codepoint)) ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE void sb_text(const char* utf8) {
    if (!console) return;
    if (fonts::emoji_font_wanted(utf8)) sb_glue_load_emoji_font();
    ImGui::GetIO().AddInputCharactersUTF8(utf8);
    wake();
}

// Text pasted into the console: the hidden textarea's 'paste' event (Ctrl+V, Shift+Insert, the browser's menu).
// ImGui pastes it itself, as one edit: the text becomes its clipboard and it sees Ctrl+V. (As typed characters it
// would be lost: ImGui ignores characters while Ctrl is held, and it is held during Ctrl+V.)
EMSCRIPTEN_KEEPALIVE void sb_paste(const char* utf8) {
    if (fonts::emoji_font_wanted(utf8)) sb_glue_load_emoji_font();
    if (!console || !utf8 || !*utf8) return;
    console->clipboard = utf8;
    ImGuiIO& io = ImGui::GetIO();
    io.AddKeyEvent(ImGuiMod_Ctrl, true);
    io.AddKeyEvent(ImGuiMod_Shift, false);
    io.AddKeyEvent(ImGuiMod_Alt, false);
    io.AddKeyEvent(ImGuiMod_Super, false);
    io.AddKeyEvent(ImGuiKey_V, true);
    io.AddKeyEvent(ImGuiKey_V, false);
    // Back to the modifiers the agent holds.
    io.AddKeyEvent(ImGuiMod_Ctrl, (console->mods & 1) != 0);
    io.AddKeyEvent(ImGuiMod_Shift, (console->mods & 2) != 0);
    io.AddKeyEvent(ImGuiMod_Alt, (console->mods & 4) != 0);
    io.AddKeyEvent(ImGuiMod_Super, (console->mods & 8) != 0);
    wake();
}

// The call engine's reports (web/switchboard.js, never from inside a glue call): a WebRTC message to relay,
// connected, failed (reason: permission_denied, no_device, unsupported, network).
EMSCRIPTEN_KEEPALIVE void sb_call_signal(const char* contact, const char* signal_json) {
    if (!console || console->stopped) return;
    console->app->on_call_signal(contact, signal_json);
}

EMSCRIPTEN_KEEPALIVE void sb_call_connected(const char* contact) {
    if (!console || console->stopped) return;
    console->app->on_call_connected(contact);
    wake();
}

EMSCRIPTEN_KEEPALIVE void sb_call_failed(const char* contact, const char* reason) {
    if (!console || console->stopped) return;
    console->app->on_call_failed(contact, reason);
    wake();
}

// A frame of a call's video is ready in its <video> (which: 0 the visitor's camera, 1 the agent's preview):
// uploaded into the feed's texture, and drawn by one console frame. Returns 0 when the call no longer runs.
EMSCRIPTEN_KEEPALIVE int sb_video_frame(const char* contact, int which, int width, int height) {
    if (!console || console->stopped) return 0;
    if (!console->media->frame(contact, which, width, height)) return 0;
    wake_once();
    return 1;
}

// A stream of the call lost its video.
EMSCRIPTEN_KEEPALIVE void sb_video_gone(const char* contact, int which) {
    if (!console || console->stopped) return;
    console->media->gone(contact, which);
    wake();
}

EMSCRIPTEN_KEEPALIVE const char* sb_state_json() {
    if (!console) return "null";
    console->reply = to_json(console->app->state(), console->app->now_ms());
    return console->reply.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* sb_flags_json() {
    if (!console) return "{}";
    console->reply = console->flags->json();
    return console->reply.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* sb_locate_json(const char* name) {
    if (!console) return "null";
    console->reply = automation::locate_json(name);
    return console->reply.c_str();
}

} // extern "C"
