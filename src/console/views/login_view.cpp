#include "console/automation.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <imgui.h>

namespace sb::console::views {


void login(const ConsoleState& s, UiState& ui, Actions& out) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 size(360, 0);
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.4f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("Switchboard agent login", nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings);

    const bool online = s.connection == Connection::connected;
    const bool busy = s.login_pending;
    bool submit = false;

    ImGui::TextUnformatted("Login");
    ImGui::SetNextItemWidth(-1);
    if (ui.focus_login) {
        ImGui::SetKeyboardFocusHere();
        ui.focus_login = false;
    }
    if (ImGui::InputText("##login", ui.login.data(), ui.login.size(), ImGuiInputTextFlags_EnterReturnsTrue))
        submit = true;
    automation::mark("login.login");

    ImGui::TextUnformatted("Password");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputText("##password", ui.password.data(), ui.password.size(),
                         ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue))
        submit = true;
    automation::mark("login.password");

    if (!s.login_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme::palette().error_text);
        ImGui::TextWrapped("%s", s.login_error.c_str());
        ImGui::PopStyleColor();
        automation::mark("login.error");
    }

    ImGui::Spacing();
    ImGui::BeginDisabled(!online || busy);
    if (primary_button(busy ? "Logging in..." : "Log in", -1)) submit = true;
    automation::mark("login.submit");
    ImGui::EndDisabled();

    ImGui::Spacing();
    ImGui::TextDisabled("%s", online                                ? "Connected to the server"
                              : s.connection == Connection::offline ? "Not connected"
                                                                    : "Connecting to the server...");
    automation::mark("status.connection");

    if (submit && online && !busy && ui.login[0] != '\0') {
        out.push_back(action::Login{ui.login.data(), ui.password.data()});
    }
    ImGui::End();
}

} // namespace sb::console::views
