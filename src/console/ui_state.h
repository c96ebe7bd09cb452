// Widget buffers and view-only settings: what the agent is typing, which popup is open, the frame's clock.
// Not console state: nothing here comes from the server.
#pragma once
#include "core/transcript_layout.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace sb::console {

class Flags; // console/flags.h

// Per assigned contact.
struct ContactUi {
    std::string input;               // the message being written
    std::string link = "https://";   // the push-link dialog's field
    bool typing_sent = false;        // the view told the App "typing" and not yet "stopped"
    std::uint64_t marker_up_to = 0;  // the unread marker sits after this seq while the panel stays expanded,
    std::uint64_t marker_until = 0;  // when messages up to this one were unread at the opening
    bool marker_set = false;
    std::size_t lines_seen = 0;      // transcript size at the last frame, to follow new lines
    TranscriptLayout layout;         // the transcript's entry heights, so only the entries on screen are drawn
    TranscriptLayout::Range transcript_drawn; // the entries the last frame laid out and drew
    bool video_detached = false;     // the call's video in its own movable window instead of the panel
};

// A video the platform keeps in a GL texture (the visitor's camera, or the agent's own preview), set by the
// platform as frames arrive. texture 0: no frame yet.
struct VideoFeed {
    std::uintptr_t texture = 0; // an ImTextureID
    int width = 0, height = 0;
};
struct ContactVideo {
    VideoFeed remote, local;
};

struct UiState {
    std::array<char, 65> login{};
    std::array<char, 257> password{};
    bool focus_login = true; // put the cursor in the login field on the next frame

    // The frame's local clock (ms since the epoch), set by the App before drawing.
    std::int64_t now_ms = 0;
    // Set by views while drawing: the soonest something on screen changes by itself (a countdown, a clock), in
    // ms from now; -1 when nothing does. The platform draws the next frame after that delay.
    std::int64_t redraw_in_ms = -1;
    void redraw_in(std::int64_t ms) {
        if (ms < 0) return;
        if (redraw_in_ms < 0 || ms < redraw_in_ms) redraw_in_ms = ms;
    }

    bool drawer_open = false;    // the pending drawer (open while the waiting area or the drawer is hovered)
    float drawer_top = 0, drawer_left = 0, drawer_width = 0; // where the waiting area puts it
    float drawer_height = 0;     // its height in the last frame (0: not drawn), to keep it open while hovered

    std::map<std::string, ContactUi, std::less<>> contacts; // per contact id
    std::map<std::string, ContactVideo, std::less<>> videos; // per contact id with a call, set by the platform
    std::string focus_input; // put the cursor in this contact's chat input when its panel is next drawn

    // The customers' country flags, kept by the platform (none: countries show as their codes).
    Flags* flags = nullptr;
    // The dark variant of the theme, chosen in the settings popup (kept by the platform, applied by the App).
    bool dark_theme = false;
};

} // namespace sb::console
