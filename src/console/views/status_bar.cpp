#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <imgui.h>
#include <string>

namespace sb::console::views {
namespace {
ImU32 connection_color(Connection c) {
    switch (c) {
    case Connection::connected: return theme::channel_active;
    case Connection::connecting:
    case Connection::reconnecting: return theme::channel_connecting;
    case Connection::offline: return theme::channel_unavailable;
    }
    return theme::channel_unavailable;
}
} // namespace

float status_bar(const ConsoleState& s, UiState& ui, Actions& out) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float height = ImGui::GetFrameHeight() + 16.0f;
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, theme::chat_box);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12, 8));
    ImGui::Begin("##statusbar", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);

    // Connection: a coloured dot and a word.
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float r = 5.0f, fh = ImGui::GetFrameHeight();
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + r, p.y + fh * 0.5f), r, connection_color(s.connection));
    ImGui::Dummy(ImVec2(2 * r + 4, fh));
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    const char* words = s.connection == Connection::connected      ? "Connected"
                        : s.connection == Connection::reconnecting ? "Reconnecting..."
                        : s.connection == Connection::connecting   ? "Connecting..."
                                                                   : "Offline";
    ImGui::TextColored(ImColor(IM_COL32_WHITE), "%s", words);
    automation::mark("status.connection");

    if (s.agent) {
        ImGui::SameLine(0, 24);
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImColor(IM_COL32_WHITE), "%s %s", icon::user, s.agent->name.c_str());
        automation::mark("status.agent");

        // Settings: notifications and theme (the bell: grey when both notifications are off); the shortcuts help.
        ImGui::SameLine(0, 16);
        const bool muted = !s.notify_settings.sound && !s.notify_settings.desktop;
        ImGui::PushStyleColor(ImGuiCol_Text, muted ? theme::rgb(0x9aa3a8) : IM_COL32_WHITE);
        ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(0, 0, 0, 0));
        if (ImGui::Button((std::string(icon::bell) + "##settings").c_str())) ImGui::OpenPopup(settings_popup_id);
        automation::mark("status.settings");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", muted ? "Notifications are off; theme" : "Notifications and theme");
        ImGui::SameLine(0, 4);
        if (ImGui::Button("?##help")) out.push_back(action::ShowHelp{!s.help_open});
        automation::mark("status.help");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keyboard shortcuts (F1)");
        ImGui::PopStyleColor(2);
        settings_popup(s, ui, out);

        // Status switch (ready / paused) and log out, right-aligned.
        const bool ready = s.agent->status == AgentStatus::ready;
        const char* label = ready ? "Ready" : "Paused";
        const float toggle_w = 110.0f, logout_w = ImGui::CalcTextSize("Log out").x + 2 * ImGui::GetStyle().FramePadding.x + 20;
        ImGui::SameLine(ImGui::GetWindowWidth() - toggle_w - logout_w - 32);
        ImGui::PushStyleColor(ImGuiCol_Button, ready ? theme::channel_active : theme::channel_available);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ready ? theme::rgb(0x46b864) : theme::rgb(0x5c626a));
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32_WHITE);
        ImGui::BeginDisabled(s.connection != Connection::connected);
        const bool toggled = ImGui::Button(label, ImVec2(toggle_w, 0));
        ImGui::PopStyleColor();
        if (toggled) out.push_back(action::SetStatus{ready ? AgentStatus::paused : AgentStatus::ready});
        automation::mark("status.toggle");
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", ready ? "You receive new contacts. Click to pause."
                                          : "You receive no new contacts. Click to be ready.");
        ImGui::PopStyleColor(2);
        ImGui::SameLine();
        if (ImGui::Button((std::string(icon::logout) + " Log out").c_str())) out.push_back(action::Logout{});
        automation::mark("status.logout");
        ImGui::EndDisabled();
    }
    ImGui::End();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    return height;
}

} // namespace sb::console::views
