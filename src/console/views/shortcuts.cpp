#include "console/views/views.h"

#include <imgui.h>

namespace sb::console::views {
namespace {
constexpr Shortcut list[] = {
    {"Alt+N", "Take the next contact (the longest-waiting one)"},
    {"Alt+Down", "Next contact panel"},
    {"Alt+Up", "Previous contact panel"},
    {"Alt+I", "Focus the chat input of the open panel"},
    {"Alt+R", "Switch between Ready and Paused"},
    {"F1", "Show or hide this help"},
    {"Esc", "Close this help"},
};

bool alt_pressed(ImGuiKey key) {
    const ImGuiIO& io = ImGui::GetIO();
    return io.KeyAlt && !io.KeyCtrl && !io.KeySuper && ImGui::IsKeyPressed(key, false);
}

// The panel after (step 1) or before (step -1) the expanded one, wrapping around; the first / last when none is.
std::string neighbour(const ConsoleState& s, int step) {
    const int n = static_cast<int>(s.contacts.size());
    if (n == 0) return {};
    int at = -1;
    for (int i = 0; i < n; ++i)
        if (s.contacts[static_cast<std::size_t>(i)].view.id == s.expanded) at = i;
    const int next = at < 0 ? (step > 0 ? 0 : n - 1) : ((at + step) % n + n) % n;
    return s.contacts[static_cast<std::size_t>(next)].view.id;
}
} // namespace

std::span<const Shortcut> shortcut_list() { return list; }

void shortcuts(const ConsoleState& s, UiState& ui, Actions& out) {
    if (!s.agent) return;
    if (ImGui::IsKeyPressed(ImGuiKey_F1, false)) out.push_back(action::ShowHelp{!s.help_open});
    if (s.help_open && ImGui::IsKeyPressed(ImGuiKey_Escape, false)) out.push_back(action::ShowHelp{false});

    if (alt_pressed(ImGuiKey_N) && !s.waiting.empty()) out.push_back(action::Claim{});
    if (alt_pressed(ImGuiKey_DownArrow) || alt_pressed(ImGuiKey_UpArrow)) {
        const std::string id = neighbour(s, alt_pressed(ImGuiKey_DownArrow) ? 1 : -1);
        if (!id.empty() && id != s.expanded) out.push_back(action::Expand{id});
    }
    if (alt_pressed(ImGuiKey_I)) {
        std::string id = s.expanded.empty() ? neighbour(s, 1) : s.expanded;
        if (!id.empty()) {
            if (id != s.expanded) out.push_back(action::Expand{id});
            ui.focus_input = id;
        }
    }
    if (alt_pressed(ImGuiKey_R) && s.connection == Connection::connected)
        out.push_back(action::SetStatus{s.agent->status == AgentStatus::ready ? AgentStatus::paused : AgentStatus::ready});
}

} // namespace sb::console::views
