#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {

void waiting_box(const ConsoleState& s, UiState& ui, Actions& out) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = ImGui::GetFrameHeight() * 2.4f;
    const int count = static_cast<int>(s.waiting.size());

    // The waiting area: a teal strip; hovering anywhere on it opens the drawer.
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), theme::waiting_area);
    ImGui::Dummy(ImVec2(w, h));
    automation::mark("waiting.area");
    const bool area_hovered = ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);

    // The waiting box: the number, big; a click takes the longest-waiting contact.
    const float box_w = h * 1.6f, pad = 8.0f;
    const ImVec2 b0(p.x + pad, p.y + pad), b1(p.x + pad + box_w, p.y + h - pad);
    ImGui::SetCursorScreenPos(b0);
    ImGui::BeginDisabled(count == 0);
    const bool clicked = ImGui::InvisibleButton("waiting.box", ImVec2(b1.x - b0.x, b1.y - b0.y));
    ImGui::EndDisabled();
    automation::mark("waiting.box");
    const bool box_hovered = ImGui::IsItemHovered();
    const ImU32 box_col = count == 0 ? theme::rgb(0x3f6f87) : box_hovered ? theme::rgb(0xe06a70) : theme::dissuasion;
    dl->AddRectFilled(b0, b1, box_col, 6.0f);
    const std::string n = std::to_string(count);
    const float big = ImGui::GetFontSize() * 1.9f;
    const ImVec2 nsz = ImGui::CalcTextSize(n.c_str());
    const float nw = nsz.x * big / ImGui::GetFontSize();
    dl->AddText(ImGui::GetFont(), big, ImVec2((b0.x + b1.x - nw) * 0.5f, b0.y + 2.0f), IM_COL32_WHITE, n.c_str());
    const char* label = "waiting";
    const ImVec2 lsz = ImGui::CalcTextSize(label);
    dl->AddText(ImVec2((b0.x + b1.x - lsz.x) * 0.5f, b1.y - lsz.y - 3.0f), IM_COL32_WHITE, label);
    if (clicked && count > 0) out.push_back(action::Claim{});

    // Beside the box: what a hover shows.
    const char* hint = count == 0 ? "Nobody is waiting"
                       : count == 1 ? "1 contact waiting: hover to see it, click the box to take it"
                                    : "Contacts waiting: hover to see them, click the box to take the oldest";
    const float tx = b1.x + 12.0f;
    ImGui::PushClipRect(ImVec2(tx, p.y), ImVec2(p.x + w - 8, p.y + h), true);
    dl->AddText(nullptr, 0.0f, ImVec2(tx, p.y + (h - ImGui::GetFontSize()) * 0.5f), theme::rgb(0xdde8ee), hint, nullptr,
                p.x + w - tx - 8.0f);
    ImGui::PopClipRect();
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + h));
    ImGui::Dummy(ImVec2(w, 0));

    ui.drawer_left = p.x;
    ui.drawer_top = p.y + h;
    ui.drawer_width = w;
    // The drawer stays open while the mouse is over it (its rectangle in the last frame).
    const bool over_drawer = ui.drawer_height > 0 &&
                             ImGui::IsMouseHoveringRect(ImVec2(ui.drawer_left, ui.drawer_top),
                                                        ImVec2(ui.drawer_left + ui.drawer_width, ui.drawer_top + ui.drawer_height),
                                                        false);
    ui.drawer_open = count > 0 && (area_hovered || over_drawer);
}

} // namespace sb::console::views
