#include "console/automation.h"
#include "console/views/views.h"

#include <imgui.h>

namespace sb::console::views {

void home(const ConsoleState& s, UiState&, Actions&, float top) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + top));
    ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - top));
    ImGui::Begin("##home", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
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

} // namespace sb::console::views
