// Font Awesome 6 (solid) code points used by the console, merged into the text font (see fonts.cpp).
#pragma once

namespace sb::console::icon {
inline constexpr const char* chat = "\uf086";     // comments: chat channel
inline constexpr const char* sharing = "\uf1e0";  // share-nodes: data sharing channel
inline constexpr const char* voice = "\uf095";    // phone: voice channel / call
inline constexpr const char* video = "\uf03d";    // video: video channel / video call
inline constexpr const char* callback = "\uf2a0"; // phone-volume: callback contact
inline constexpr const char* weblead = "\uf0e0";  // envelope: weblead contact
inline constexpr const char* upload = "\uf093";
inline constexpr const char* translate = "\uf024"; // flag: translations
inline constexpr const char* color_tag = "\uf02b"; // tag
inline constexpr const char* stop = "\uf00d";      // xmark: stop contact / terminated
inline constexpr const char* page_change = "\uf0ac"; // globe
inline constexpr const char* typing = "\uf303";      // pencil
inline constexpr const char* unread = "\uf075";      // comment
inline constexpr const char* clock = "\uf017";
inline constexpr const char* star = "\uf005";
inline constexpr const char* user = "\uf007";
inline constexpr const char* link = "\uf0c1";
inline constexpr const char* file = "\uf15b";
inline constexpr const char* microphone = "\uf130";
inline constexpr const char* microphone_off = "\uf131";
inline constexpr const char* expand = "\uf065";
inline constexpr const char* compress = "\uf066";
inline constexpr const char* bell = "\uf0f3";
inline constexpr const char* help = "\uf128";
inline constexpr const char* plug = "\uf1e6";
inline constexpr const char* logout = "\uf2f5";
inline constexpr const char* check = "\uf00c";
inline constexpr const char* warning = "\uf071";
inline constexpr const char* check_double = "\uf560"; // read mark
inline constexpr const char* chevron_down = "\uf078";
inline constexpr const char* chevron_right = "\uf054";
inline constexpr const char* hangup = "\uf3dd"; // phone-slash: end a call

// Every code point above, for the font atlas (pairs of first/last, zero-terminated by the user).
inline constexpr unsigned short codepoints[] = {0xf086, 0xf1e0, 0xf095, 0xf03d, 0xf2a0, 0xf0e0, 0xf093, 0xf024,
                                                0xf02b, 0xf00d, 0xf0ac, 0xf303, 0xf075, 0xf017, 0xf005, 0xf007,
                                                0xf0c1, 0xf15b, 0xf130, 0xf131, 0xf065, 0xf066, 0xf0f3, 0xf128,
                                                0xf1e6, 0xf2f5, 0xf00c, 0xf071, 0xf560, 0xf078, 0xf054, 0xf3dd};
} // namespace sb::console::icon
