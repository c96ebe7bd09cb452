// The console's look: colours taken from the original product's screenshots (ARCHITECTURE.md, "Look").
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
inline constexpr ImU32 error_text = rgb(0xc0392b);
inline constexpr ImU32 ok_text = rgb(0x2e8b57);

} // namespace sb::console::theme
