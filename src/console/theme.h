// The console's look: colours taken from the original product's screenshots (ARCHITECTURE.md, "Look"), in a
// light and a dark variant. The domain colours (waiting area, chat box, dissuasion red, channel states) mean
// the same in both; the backgrounds and text colours views draw with come from palette(), which follows the
// variant in use.
#pragma once
#include <imgui.h>

namespace sb::console::theme {

enum class Variant { light, dark };

ImGuiStyle style(Variant v);

// Domain colours used by views (RGBA, ImU32).
inline constexpr ImU32 rgb(unsigned hex) {
    return IM_COL32((hex >> 16) & 0xff, (hex >> 8) & 0xff, hex & 0xff, 0xff);
}
inline constexpr ImU32 waiting_area = rgb(0x316078);
inline constexpr ImU32 chat_box = rgb(0x295a71);
inline constexpr ImU32 dissuasion = rgb(0xdd5b62);
inline constexpr ImU32 pending_drawer = rgb(0xc66157);
inline constexpr ImU32 light_panel = rgb(0xececeb);
inline constexpr ImU32 channel_active = rgb(0x3aa655);      // green
inline constexpr ImU32 channel_connecting = rgb(0xf0932b);  // orange
inline constexpr ImU32 channel_available = rgb(0x4a4f55);   // dark grey
inline constexpr ImU32 channel_unavailable = rgb(0xc9cccf); // light grey
inline constexpr ImU32 unread = rgb(0xdd565a);

// What views draw behind and in text that must follow the variant (readable on its backgrounds).
struct Palette {
    ImU32 backdrop;     // behind every window (the renderer's clear colour)
    ImU32 panel;        // an expanded contact's body (the spec's light panels, #ececeb)
    ImU32 transcript;   // the chat transcript's background
    ImU32 muted_text;   // times, notes, "sent" marks
    ImU32 link;         // links and files in the transcript
    ImU32 agent_name;   // the agent's name on their messages (the chat box's teal, lighter on dark)
    ImU32 visitor_name; // the customer's name on their messages
    ImU32 translation;  // a message's automatic translation
    ImU32 accent;       // hover rings, a colour tag's fallback: teal that stands out on `panel`
    ImU32 tool_on;      // a tool button that is on (translation active)
    ImU32 notice_bg;    // a notice's background (a lost claim, a failed call)
    ImU32 error_text;   // on `notice_bg`, on windows and panels
    ImU32 channel_ring; // around a dark-grey (available) channel, where `panel` is dark too; 0: none
};
const Palette& palette(Variant v);

// The variant in use: apply() sets ImGui's style for it (the current ImGui context's, if any), and palette()
// returns its colours from then on.
void apply(Variant v);
Variant current();
inline const Palette& palette() { return palette(current()); }

} // namespace sb::console::theme
