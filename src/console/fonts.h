// Fonts: DejaVu Sans for text (Latin, Greek, Cyrillic, ...) with Font Awesome icons merged in, and emoji
// (monochrome, from Debian's Symbola, subset by scripts/setup) merged in once a text needs them.
#pragma once
#include <string_view>
#include <vector>

namespace sb::console::fonts {

enum class Kind { text, icons, emoji };

inline constexpr float base_size = 15.0f; // CSS pixels

// Font file bytes handed over by the platform (the browser fetches them from /assets/fonts/).
void set_data(Kind kind, std::vector<unsigned char> bytes);

// Whether UTF-8 text has a code point of the emoji blocks (U+1F000-U+1FFFF), which only the emoji font has.
bool has_emoji(std::string_view utf8);

// True the first time text with emoji goes by (has_emoji): the platform then fetches the emoji font, which
// most agents never need (about 500 KB gzip), and hands it over with set_data(Kind::emoji, ...).
bool emoji_font_wanted(std::string_view utf8);

// Rebuilds the atlas for the pixel ratio (fonts are rasterised at size x ratio and drawn scaled back, so
// text stays sharp on HiDPI screens). Without font data, falls back to ImGui's built-in font.
void build(float pixel_ratio);

} // namespace sb::console::fonts
