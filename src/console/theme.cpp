#include "console/theme.h"

namespace sb::console::theme {
namespace {
ImVec4 v4(unsigned hex, float a = 1.0f) {
    return ImVec4(((hex >> 16) & 0xff) / 255.0f, ((hex >> 8) & 0xff) / 255.0f, (hex & 0xff) / 255.0f, a);
}
} // namespace

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
    } else {
        c[ImGuiCol_WindowBg] = v4(0x1e272d);
        c[ImGuiCol_ChildBg] = v4(0x232e35);
        c[ImGuiCol_PopupBg] = v4(0x26323a);
        c[ImGuiCol_Text] = v4(0xe8ecef);
        c[ImGuiCol_FrameBg] = v4(0x2c3a43);
        c[ImGuiCol_MenuBarBg] = teal_dark;
    }
    if (v == Variant::light) { // dark text on light buttons; primary buttons are teal with white text
        c[ImGuiCol_Button] = v4(0xd6e2e8);
        c[ImGuiCol_ButtonHovered] = v4(0xc2d6e0);
        c[ImGuiCol_ButtonActive] = v4(0xaec8d5);
        c[ImGuiCol_Header] = v4(0xd6e2e8);
        c[ImGuiCol_HeaderHovered] = v4(0xc2d6e0);
        c[ImGuiCol_HeaderActive] = v4(0xaec8d5);
    } else {
        c[ImGuiCol_Button] = teal;
        c[ImGuiCol_ButtonHovered] = teal_light;
        c[ImGuiCol_ButtonActive] = teal_dark;
        c[ImGuiCol_Header] = teal;
        c[ImGuiCol_HeaderHovered] = teal_light;
        c[ImGuiCol_HeaderActive] = teal_dark;
    }
    c[ImGuiCol_TitleBg] = v == Variant::light ? v4(0xd6e2e8) : teal_dark;
    c[ImGuiCol_TitleBgActive] = v == Variant::light ? v4(0xc2d6e0) : teal;
    c[ImGuiCol_CheckMark] = teal;
    c[ImGuiCol_SliderGrab] = teal;
    c[ImGuiCol_NavHighlight] = v4(0xf0932b);
    return s;
}

} // namespace sb::console::theme
