#include "console/fonts.h"

#include "console/icons.h"

#include <imgui.h>

namespace sb::console::fonts {
namespace {
std::vector<unsigned char>& data(Kind k) {
    static std::vector<unsigned char> text, icons;
    return k == Kind::text ? text : icons;
}

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
    }
    io.Fonts->Build();
    io.FontGlobalScale = 1.0f / pixel_ratio;
}

} // namespace sb::console::fonts
