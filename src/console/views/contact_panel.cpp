#include "console/automation.h"
#include "console/theme.h"
#include "console/views/views.h"

namespace sb::console::views {

void contact_panel(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out, float height) {
    ImGui::PushID(c.view.id.c_str());
    ContactUi& cu = ui.contacts[c.view.id];
    contact_header(s, c, ui, out);
    const bool expanded = s.expanded == c.view.id;
    if (!expanded) {
        cu.marker_set = false; // the unread marker is placed again on the next opening
        ImGui::PopID();
        return;
    }
    if (!cu.marker_set) {
        cu.marker_up_to = c.agent_read_up_to;
        cu.marker_until = c.last_visitor_message;
        cu.marker_set = true;
    }

    const float header = ImGui::GetFrameHeight() + 12.0f;
    const float body_h = height - header - ImGui::GetStyle().ItemSpacing.y;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10, 8));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8, 6));
    ImGui::PushStyleColor(ImGuiCol_ChildBg, theme::light_panel);
    ImGui::BeginChild("##body", ImVec2(0, body_h), ImGuiChildFlags_AlwaysUseWindowPadding,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    media_toolbar(c);
    contact_tools(s, c, cu, out);
    ImGui::Separator();
    chat_view(c, cu, ui, out, ImGui::GetContentRegionAvail());
    ImGui::EndChild();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);

    // The expanded panel is what the agent looks at: what the visitor wrote is read.
    if (c.last_visitor_message > c.agent_read_up_to && c.view.state != ContactState::closed)
        out.push_back(action::MarkRead{c.view.id, c.last_visitor_message});
    ImGui::PopID();
}

} // namespace sb::console::views
