// The console's views: functions of the state that draw with ImGui and emit actions. One per file.
#pragma once
#include "console/actions.h"
#include "console/ui_state.h"
#include "core/console_state.h"

#include <cstdint>
#include <imgui.h>
#include <span>
#include <string>
#include <string_view>

namespace sb::console::views {

// Login screen (before the agent is logged in).
void login(const ConsoleState& s, UiState& ui, Actions& out);
// Top bar: connection, agent name and status switch, log out. Returns its height.
float status_bar(const ConsoleState& s, UiState& ui, Actions& out);
// Keyboard shortcuts of the logged-in console (Alt+N take next, Alt+Up/Down panels, Alt+I input, Alt+R
// ready/paused, F1 help): reads the frame's keys and emits actions.
void shortcuts(const ConsoleState& s, UiState& ui, Actions& out);
struct Shortcut {
    const char* keys;
    const char* what;
};
std::span<const Shortcut> shortcut_list();
// The keyboard shortcuts help (while s.help_open).
void help_popup(const ConsoleState& s, UiState& ui, Actions& out);
// The settings popup (notifications, dark theme), opened by the status bar's bell (ImGui::OpenPopup(settings_popup_id) in
// the same window).
inline constexpr const char* settings_popup_id = "##notify-settings";
void settings_popup(const ConsoleState& s, const UiState& ui, Actions& out);
// The logged-in agent's work area under the status bar: a hint on the left, the contact column on the right.
void home(const ConsoleState& s, UiState& ui, Actions& out, float top);

// [SECTION] Contact column (drawn by home) ------------------------------------------------------------------
// Waiting area: the waiting box with the number of waiting contacts (click: take the longest-waiting one).
// Hovering it opens the pending drawer. Draws at the cursor, full width of the current window.
void waiting_box(const ConsoleState& s, UiState& ui, Actions& out);
// The pending drawer: its own window under the waiting area, listing every waiting contact.
void pending_drawer(const ConsoleState& s, UiState& ui, Actions& out);
// A short notice (a claim lost to another agent); hides itself after notice_ms.
void notice(const ConsoleState& s, UiState& ui, Actions& out);
inline constexpr std::int64_t notice_ms = 6000;
// One interaction panel: header, and when expanded the media toolbar, the tools and the chat view.
// height: the height of the expanded panel.
void contact_panel(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out, float height);
// The panel's header (customer, duration clock, status icons, colour tag); click expands / collapses.
void contact_header(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out);
// The four channel icons in their states' colours. Voice and video start calls (dark grey: the phone asks
// which kind of call), cancel them (orange) and end them (green); light grey cannot be clicked.
void media_toolbar(const HeldContact& c, Actions& out);
// Under the toolbar: the waiting message and Cancel while the customer is asked, the visitor's incoming call
// with its answer buttons, and the notice of a refused or failed call (click to dismiss).
void call_status(const HeldContact& c, Actions& out);
// A voice call accepted or going on: duration, mute, hang up.
void call_bar(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out);
// A video call's video: the visitor's camera drawn from its GL texture, the agent's preview in a corner,
// buttons to detach (expand) or put back (collapse) the video, mute and hang up. In the panel at the given
// size, or detached in its own movable, resizable window (video_window, drawn whatever panel is expanded).
void video_area(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out, ImVec2 size);
void video_window(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out);
// Whether the contact's call shows video here: a video call accepted or going on in this console.
bool has_video_area(const HeldContact& c);
// Translations (translate_tool.cpp): the flag tool's tooltip and popup (opened with
// ImGui::OpenPopup(translate_popup_id) in the same ID scope), listing the languages the contact's service
// offers and "off"; a translated message's translation line, drawn under the original by the chat view.
inline constexpr const char* translate_popup_id = "##translate";
std::string translate_tip(const HeldContact& c);
void translate_popup(const ConsoleState& s, const HeldContact& c, Actions& out);
void translation_line(const HeldContact& c, const TranscriptEntry& t);
float translation_line_height(const TranscriptEntry& t, float wrap_width); // 0 without a translation
std::string language_name(const std::string& code); // "es" -> "Spanish"; unknown codes as they are
// Translations tool, colour tag picker, push link dialog, file upload (the browser's picker), stop with
// confirmation (right-aligned on the line).
void contact_tools(const ConsoleState& s, const HeldContact& c, ContactUi& cu, Actions& out);
// Files (file_views.cpp): a file in the transcript (name and size; a click opens its download link), and the
// line of the agent's upload above the input (progress with Cancel, or why it failed, with a close button).
void file_entry(const HeldContact& c, const TranscriptEntry& t, Actions& out);
float file_entry_height(const HeldContact& c, const TranscriptEntry& t);
bool has_upload_status(const HeldContact& c);
float upload_status_height();
void upload_status(const HeldContact& c, Actions& out);
// The upload tool's tooltip, with the size limit ("Send a file (up to 10 MB)").
std::string upload_tip(const ConsoleState& s);
// Transcript (transcript_view.cpp), upload status, multi-line input (Enter sends, Shift+Enter newline).
void chat_view(const HeldContact& c, ContactUi& cu, UiState& ui, Actions& out, ImVec2 size);
// The transcript in its scrolling child: times, read marks, links, files, translations, the unread marker and the
// visitor's typing; follows new entries while scrolled to the bottom. Lays out and draws only the entries on
// screen (heights measured once, in cu.layout); each is marked "panel.<id>.entry.<seq>", a pushed link's address
// "panel.<id>.link.<seq>".
void transcript(const HeldContact& c, ContactUi& cu, Actions& out, ImVec2 size);
// Wrapped text of a whole string, and its height at a wrap width (0: no wrapping), so the transcript measures
// exactly what it draws (ImGui::TextWrapped formats into a buffer that cuts long text).
void text_wrapped(std::string_view s);
float text_height(std::string_view s, float wrap_width = 0.0f);

// [SECTION] Shared drawing helpers (widgets.cpp) --------------------------------------------------------------
// A teal button with white text, for the main action of a screen.
bool primary_button(const char* label, float width = 0.0f);
// The circular dissuasion loader: fills clockwise and turns from teal to red as progress goes 0 -> 1, with the
// contact type's icon in its centre.
void dissuasion_loader(ImDrawList* dl, ImVec2 centre, float radius, double progress, const char* icon);
ImU32 loader_color(double progress);
const char* type_icon(ContactType t);
const char* channel_icon(Channel c);
ImU32 channel_color(ChannelState s);
// "m:ss" or "h:mm:ss".
std::string format_duration(std::int64_t ms);
// "HH:MM" of a server time, in the local time zone.
std::string format_time(std::int64_t epoch_ms);
// InputText over a std::string (grows as needed).
bool input_text(const char* id, std::string& text, ImGuiInputTextFlags flags = 0);
// The customer's country on a line drawn at `at` (its top-left; one text line high): the flag when ui.flags has
// it (hovering shows the code), else the code in a thin box of box_col. Marks name + ".flag" or name + ".country"
// with the code. Returns the x where the line goes on.
float country_badge(ImDrawList* dl, UiState& ui, const std::string& country, ImVec2 at, ImU32 text_col,
                    ImU32 box_col, const std::string& name);
// "#rrggbb" -> colour (opaque); fallback when unreadable.
ImU32 parse_color(const std::string& hex, ImU32 fallback);

// Colour tags: the service's palette comes with agent.welcome; this fixed palette of named colours stands in
// for a service the console has no palette for. The service default (contact.color "") is always first.
struct NamedColor {
    const char* hex;
    const char* meaning;
};
std::span<const NamedColor> color_palette();

} // namespace sb::console::views
