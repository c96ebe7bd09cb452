#include "console/automation.h"
#include "console/icons.h"
#include "console/views/views.h"

#include <imgui.h>

namespace sb::console::views {

void help_popup(const ConsoleState& s, UiState&, Actions& out) {
    if (!s.help_open) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.4f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowFocus();
    bool open = true;
    ImGui::Begin("Keyboard shortcuts##help", &open,
                 ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoMove);
    automation::mark_rect("help.window", ImGui::GetWindowPos(),
                          ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                 ImGui::GetWindowPos().y + ImGui::GetWindowSize().y));
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_PadOuterX)) {
        for (const auto& k : shortcut_list()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(k.keys);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(k.what);
        }
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::TextDisabled("%s Sound, desktop notifications and the dark theme: the bell in the top bar.", icon::bell);
    ImGui::Spacing();
    if (primary_button("Close", 120.0f)) open = false;
    automation::mark("help.close");
    ImGui::End();
    if (!open) out.push_back(action::ShowHelp{false});
}

} // namespace sb::console::views
