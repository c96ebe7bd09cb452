#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

namespace sb::console::views {

void notice(const ConsoleState& s, UiState& ui, Actions& out) {
    if (s.notice.empty()) return;
    const std::int64_t age = ui.now_ms - s.notice_at;
    if (s.notice_at > 0 && age >= notice_ms) return;
    if (s.notice_at > 0) ui.redraw_in(notice_ms - age); // to hide it on time
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight() + 8.0f;
    if (ImGui::InvisibleButton("##notice", ImVec2(w, h))) out.push_back(action::DismissNotice{});
    automation::mark("notice");
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), theme::palette().notice_bg);
    const std::string text = std::string(icon::warning) + "  " + s.notice;
    dl->AddText(ImVec2(p.x + 12, p.y + (h - ImGui::GetFontSize()) * 0.5f), theme::palette().error_text, text.c_str());
}

} // namespace sb::console::views
