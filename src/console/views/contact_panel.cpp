#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <algorithm>

namespace sb::console::views {

void contact_panel(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out, float height) {
    ImGui::PushID(c.view.id.c_str());
    ContactUi& cu = ui.contacts[c.view.id];
    video_window(s, c, ui, out); // a detached video stays on screen whichever panel is expanded
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
    ImGui::PushStyleColor(ImGuiCol_ChildBg, theme::palette().panel);
    ImGui::BeginChild("##body", ImVec2(0, body_h), ImGuiChildFlags_AlwaysUseWindowPadding,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    media_toolbar(c, out);
    contact_tools(s, c, cu, out);
    call_status(c, out);
    if (has_video_area(c) && !cu.video_detached) {
        // The video takes up to half of the panel, the chat keeps the rest.
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float h = std::min(avail.x * 0.75f, std::max(120.0f, avail.y * 0.5f));
        video_area(s, c, ui, out, ImVec2(avail.x, h));
    } else if (has_video_area(c)) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s  The video is in its own window", icon::video);
        ImGui::SameLine();
        if (ImGui::SmallButton("Put it back")) cu.video_detached = false;
        automation::mark("panel." + c.view.id + ".video.attach");
    } else {
        call_bar(s, c, ui, out);
    }
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
