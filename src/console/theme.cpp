#include "console/theme.h"

namespace sb::console::theme {
namespace {
ImVec4 v4(unsigned hex, float a = 1.0f) {
    return ImVec4(((hex >> 16) & 0xff) / 255.0f, ((hex >> 8) & 0xff) / 255.0f, (hex & 0xff) / 255.0f, a);
}

Variant in_use = Variant::light;

constexpr Palette light_palette{
    .backdrop = rgb(0xececeb),
    .panel = light_panel,
    .transcript = rgb(0xffffff),
    .muted_text = rgb(0x7c868c),
    .link = rgb(0x2e6da4),
    .agent_name = chat_box,
    .visitor_name = rgb(0xb0474e),
    .translation = rgb(0x1f7a8c),
    .accent = chat_box,
    .tool_on = rgb(0xaec8d5),
    .notice_bg = rgb(0xfbe3e4),
    .error_text = rgb(0xb8352a),
    .channel_ring = 0,
};

constexpr Palette dark_palette{
    .backdrop = rgb(0x1e272d),
    .panel = rgb(0x263239),
    .transcript = rgb(0x182025),
    .muted_text = rgb(0x8f9aa1),
    .link = rgb(0x74b3ea),
    .agent_name = rgb(0x7fbcd8),
    .visitor_name = rgb(0xf0959a),
    .translation = rgb(0x62c6d8),
    .accent = rgb(0x7fbcd8),
    .tool_on = rgb(0x4a7f99),
    .notice_bg = rgb(0x4a2428),
    .error_text = rgb(0xff9499),
    .channel_ring = rgb(0x6b7780),
};
} // namespace

const Palette& palette(Variant v) { return v == Variant::dark ? dark_palette : light_palette; }

void apply(Variant v) {
    in_use = v;
    if (ImGui::GetCurrentContext()) ImGui::GetStyle() = style(v);
}

Variant current() { return in_use; }

ImGuiStyle style(Variant v) {
    ImGuiStyle s;
    if (v == Variant::dark)
        ImGui::StyleColorsDark(&s);
    else
        ImGui::StyleColorsLight(&s);
    s.WindowRounding = 4.0f;
    s.FrameRounding = 4.0f;
    s.GrabRounding = 4.0f;
    s.PopupRounding = 4.0f;
    s.ChildRounding = 4.0f;
    s.FramePadding = ImVec2(8, 5);
    s.ItemSpacing = ImVec2(8, 6);
    s.WindowPadding = ImVec2(12, 10);
    s.WindowBorderSize = 0.0f;

    ImVec4* c = s.Colors;
    const ImVec4 teal = v4(0x316078), teal_dark = v4(0x295a71), teal_light = v4(0x4a7f99);
    if (v == Variant::light) {
        c[ImGuiCol_WindowBg] = v4(0xececeb);
        c[ImGuiCol_ChildBg] = v4(0xf7f7f6);
        c[ImGuiCol_PopupBg] = v4(0xfbfbfa);
        c[ImGuiCol_Text] = v4(0x1f2a30);
        c[ImGuiCol_TextDisabled] = v4(0x7c868c);
        c[ImGuiCol_FrameBg] = v4(0xffffff);
        c[ImGuiCol_FrameBgHovered] = v4(0xe3eef3);
        c[ImGuiCol_FrameBgActive] = v4(0xd3e5ee);
        c[ImGuiCol_Border] = v4(0xc4c9cc);
        c[ImGuiCol_MenuBarBg] = teal_dark;
        // Dark text on light buttons; primary buttons are teal with white text.
        c[ImGuiCol_Button] = v4(0xd6e2e8);
        c[ImGuiCol_ButtonHovered] = v4(0xc2d6e0);
        c[ImGuiCol_ButtonActive] = v4(0xaec8d5);
        c[ImGuiCol_Header] = v4(0xd6e2e8);
        c[ImGuiCol_HeaderHovered] = v4(0xc2d6e0);
        c[ImGuiCol_HeaderActive] = v4(0xaec8d5);
        c[ImGuiCol_TitleBg] = v4(0xd6e2e8);
        c[ImGuiCol_TitleBgActive] = v4(0xc2d6e0);
        c[ImGuiCol_CheckMark] = teal;
    } else {
        // Blue-grey surfaces in the teal's family; light text. Buttons are a neutral slate, so coloured icons
        // on them (a contact's colour tag) stay visible; primary buttons keep the teal.
        c[ImGuiCol_WindowBg] = v4(0x1e272d);
        c[ImGuiCol_ChildBg] = v4(0x232e35);
        c[ImGuiCol_PopupBg] = v4(0x26323a);
        c[ImGuiCol_Text] = v4(0xe8ecef);
        c[ImGuiCol_TextDisabled] = v4(0x8f9aa1);
        c[ImGuiCol_FrameBg] = v4(0x1a2329); // fields sink into the panels, like the transcript
        c[ImGuiCol_FrameBgHovered] = v4(0x22303a);
        c[ImGuiCol_FrameBgActive] = v4(0x293a45);
        c[ImGuiCol_Border] = v4(0x3d4a52);
        c[ImGuiCol_Separator] = v4(0x3d4a52);
        c[ImGuiCol_MenuBarBg] = teal_dark;
        c[ImGuiCol_Button] = v4(0x34444e);
        c[ImGuiCol_ButtonHovered] = v4(0x40535f);
        c[ImGuiCol_ButtonActive] = teal_light;
        c[ImGuiCol_Header] = v4(0x34444e);
        c[ImGuiCol_HeaderHovered] = v4(0x40535f);
        c[ImGuiCol_HeaderActive] = teal_light;
        c[ImGuiCol_TitleBg] = teal_dark;
        c[ImGuiCol_TitleBgActive] = teal;
        c[ImGuiCol_CheckMark] = v4(0x7fbcd8);
        c[ImGuiCol_ScrollbarBg] = v4(0x1a2227);
        c[ImGuiCol_TableRowBgAlt] = v4(0xffffff, 0.04f);
        c[ImGuiCol_ModalWindowDimBg] = v4(0x000000, 0.55f);
    }
    c[ImGuiCol_SliderGrab] = teal;
    c[ImGuiCol_NavHighlight] = v4(0xf0932b);
    return s;
}

} // namespace sb::console::theme
