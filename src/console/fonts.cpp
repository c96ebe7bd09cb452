#include "console/fonts.h"

#include "console/icons.h"

#include <imgui.h>

#include <string_view>

namespace sb::console::fonts {
namespace {
std::vector<unsigned char>& data(Kind k) {
    static std::vector<unsigned char> text, icons, emoji;
    return k == Kind::text ? text : k == Kind::icons ? icons : emoji;
}

bool emoji_requested = false;

const ImWchar* text_ranges() {
    static const ImWchar ranges[] = {
        0x0020, 0x00FF, // Basic Latin + Latin-1
        0x0100, 0x024F, // Latin Extended-A and -B
        0x0370, 0x03FF, // Greek
        0x0400, 0x052F, // Cyrillic + supplement
        0x1E00, 0x1EFF, // Latin Extended Additional (Vietnamese)
        0x2000, 0x206F, // General Punctuation
        0x20A0, 0x20CF, // Currency symbols
        0x2100, 0x218F, // Letterlike, number forms
        0x2190, 0x21FF, // Arrows
        0x2600, 0x26FF, // Miscellaneous symbols
        0x2700, 0x27BF, // Dingbats (check marks, the heart)
        0,
    };
    return ranges;
}

const ImWchar* emoji_ranges() {
    static const ImWchar ranges[] = {
        0x1F300, 0x1F5FF, // Miscellaneous Symbols and Pictographs
        0x1F600, 0x1F64F, // Emoticons
        0x1F680, 0x1F6FF, // Transport and Map Symbols
        0x1F900, 0x1F9FF, // Supplemental Symbols and Pictographs
        0,
    };
    return ranges;
}

const ImWchar* icon_ranges() {
    static ImVector<ImWchar> ranges;
    if (ranges.empty()) {
        ImFontGlyphRangesBuilder b;
        for (auto cp : icon::codepoints) b.AddChar(cp);
        b.BuildRanges(&ranges);
    }
    return ranges.Data;
}
} // namespace

void set_data(Kind kind, std::vector<unsigned char> bytes) { data(kind) = std::move(bytes); }

bool has_emoji(std::string_view utf8) {
    // U+1F000-U+1FFFF is F0 9F xx xx in UTF-8; neither byte appears elsewhere in valid UTF-8 at that place.
    for (std::size_t i = utf8.find('\xF0'); i != std::string_view::npos && i + 1 < utf8.size(); i = utf8.find('\xF0', i + 1))
        if (utf8[i + 1] == '\x9F') return true;
    return false;
}

bool emoji_font_wanted(std::string_view utf8) {
    if (emoji_requested || !has_emoji(utf8)) return false;
    emoji_requested = true;
    return true;
}

void build(float pixel_ratio) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const float px = base_size * pixel_ratio;
    auto& text = data(Kind::text);
    if (text.empty()) {
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f * pixel_ratio;
        io.Fonts->AddFontDefault(&cfg);
    } else {
        ImFontConfig cfg;
        cfg.FontDataOwnedByAtlas = false; // we keep the bytes to rebuild when the pixel ratio changes
        io.Fonts->AddFontFromMemoryTTF(text.data(), static_cast<int>(text.size()), px, &cfg, text_ranges());
        auto& icons = data(Kind::icons);
        if (!icons.empty()) {
            ImFontConfig icfg;
            icfg.FontDataOwnedByAtlas = false;
            icfg.MergeMode = true;
            icfg.PixelSnapH = true;
            icfg.GlyphMinAdvanceX = px; // icons line up in toolbars
            io.Fonts->AddFontFromMemoryTTF(icons.data(), static_cast<int>(icons.size()), px * 0.9f, &icfg,
                                           icon_ranges());
        }
        auto& emoji = data(Kind::emoji);
        if (!emoji.empty()) {
            ImFontConfig ecfg;
            ecfg.FontDataOwnedByAtlas = false;
            ecfg.MergeMode = true;
            io.Fonts->AddFontFromMemoryTTF(emoji.data(), static_cast<int>(emoji.size()), px, &ecfg, emoji_ranges());
        }
    }
    io.Fonts->Build();
    io.FontGlobalScale = 1.0f / pixel_ratio;
}

} // namespace sb::console::fonts
