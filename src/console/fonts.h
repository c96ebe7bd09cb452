// Fonts: DejaVu Sans for text (Latin, Greek, Cyrillic, ...) with Font Awesome icons merged in.
#pragma once
#include <vector>

namespace sb::console::fonts {

enum class Kind { text, icons };

inline constexpr float base_size = 15.0f; // CSS pixels

// Font file bytes handed over by the platform (the browser fetches them from /assets/fonts/).
void set_data(Kind kind, std::vector<unsigned char> bytes);

// Rebuilds the atlas for the pixel ratio (fonts are rasterised at size x ratio and drawn scaled back, so
// text stays sharp on HiDPI screens). Without font data, falls back to ImGui's built-in font.
void build(float pixel_ratio);

} // namespace sb::console::fonts
