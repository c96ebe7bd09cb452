#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {

void call_bar(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out) {
    if (!c.call || c.call->call.phase == CallPhase::offered || c.view.state != ContactState::assigned) return;
    const std::string base = "panel." + c.view.id;
    const bool active = c.call->call.phase == CallPhase::active;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight() + 10.0f;
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), active ? theme::channel_active : theme::channel_connecting,
                      4.0f);

    // Left: what the call is and how long it has lasted.
    std::string text = std::string(icon::voice) + "  ";
    if (!c.call->mine) {
        text += "The call goes on in another console window";
    } else if (active) {
        const std::int64_t ms = server_now(s, ui.now_ms) - c.call->active_at;
        text += std::string(c.call->call.video ? "Video call " : "Call ") + format_duration(ms);
        ui.redraw_in(1000 - (ms % 1000 + 1000) % 1000);
    } else {
        text += "Connecting\u2026";
    }
    const float ty = p.y + (h - ImGui::GetFontSize()) * 0.5f;
    dl->AddText(ImVec2(p.x + 10, ty), IM_COL32_WHITE, text.c_str());
    ImGui::Dummy(ImVec2(w, h));
    automation::mark(base + ".callbar");
    const ImVec2 after = ImGui::GetCursorScreenPos();

    // Right: mute (its state shown), hang up.
    const float bw = ImGui::GetFrameHeight() + 6, sp = ImGui::GetStyle().ItemSpacing.x;
    ImGui::SetCursorScreenPos(ImVec2(p.x + w - 2 * bw - sp - 5, p.y + 5));
    if (c.call->mine) {
        ImGui::PushStyleColor(ImGuiCol_Button, c.muted ? theme::dissuasion : theme::rgb(0xffffff));
        ImGui::PushStyleColor(ImGuiCol_Text, c.muted ? IM_COL32_WHITE : theme::chat_box);
        if (ImGui::Button(c.muted ? icon::microphone_off : icon::microphone, ImVec2(bw, 0)))
            out.push_back(action::SetMuted{c.view.id, !c.muted});
        ImGui::PopStyleColor(2);
        automation::mark(base + ".mute");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", c.muted ? "Microphone muted: click to unmute" : "Mute the microphone");
    } else {
        ImGui::Dummy(ImVec2(bw, 0));
    }
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Button, theme::dissuasion);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, theme::rgb(0xe77a80));
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32_WHITE);
    if (ImGui::Button(icon::hangup, ImVec2(bw, 0))) out.push_back(action::Hangup{c.view.id});
    ImGui::PopStyleColor(3);
    automation::mark(base + ".hangup");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Hang up; the contact goes on");
    ImGui::SetCursorScreenPos(after);
    ImGui::Dummy(ImVec2(0, 0));
}

} // namespace sb::console::views
