#include "console/automation.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <algorithm>

namespace sb::console::views {
namespace {
constexpr ImGuiWindowFlags fixed_window = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;

// The contact column: waiting area on top, a notice, then one panel per held contact.
void contact_column(const ConsoleState& s, UiState& ui, Actions& out, ImVec2 pos, ImVec2 size) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8, 4));
    ImGui::Begin("##contacts", nullptr, fixed_window);
    waiting_box(s, ui, out);
    notice(s, ui, out);

    // Collapsed panels are one header high; the expanded one takes what is left (at least 300 px).
    const float header = ImGui::GetFrameHeight() + 12.0f;
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float collapsed = static_cast<float>(s.contacts.size()) * (header + spacing);
    const float left = ImGui::GetContentRegionAvail().y - collapsed;
    const float expanded_h = std::max(300.0f, left + header);
    for (const auto& c : s.contacts) contact_panel(s, c, ui, out, expanded_h);
    if (s.contacts.empty()) {
        ImGui::Dummy(ImVec2(0, 12));
        ImGui::Indent(12);
        ImGui::TextDisabled("%s", s.agent && s.agent->status == AgentStatus::ready
                                      ? "No contact assigned. Take one from the waiting box."
                                      : "No contact assigned.");
        ImGui::Unindent(12);
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
}
} // namespace

void home(const ConsoleState& s, UiState& ui, Actions& out, float top) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 origin(vp->WorkPos.x, vp->WorkPos.y + top);
    const ImVec2 area(vp->WorkSize.x, vp->WorkSize.y - top);
    // The contact column sits on the right (as in the original product); narrow screens give it everything.
    const float column_w = area.x < 760 ? area.x : std::clamp(area.x * 0.42f, 420.0f, 560.0f);

    if (column_w < area.x) {
        ImGui::SetNextWindowPos(origin);
        ImGui::SetNextWindowSize(ImVec2(area.x - column_w, area.y));
        ImGui::Begin("##home", nullptr, fixed_window);
        if (s.agent) {
            ImGui::TextWrapped("%s", s.agent->status == AgentStatus::ready
                                         ? "You are ready: new contacts for your services will appear here."
                                         : "You are paused: switch to Ready to receive contacts.");
            automation::mark("home.hint");
        }
        if (!s.last_error.empty()) {
            ImGui::Spacing();
            ImGui::TextDisabled("Last server error: %s", s.last_error.c_str());
        }
        ImGui::End();
    }
    contact_column(s, ui, out, ImVec2(origin.x + area.x - column_w, origin.y), ImVec2(column_w, area.y));
    pending_drawer(s, ui, out);
}

} // namespace sb::console::views
