#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <imgui_internal.h>
#include <string>

namespace sb::console::views {
namespace {
// One row: loader with the type icon, name, country, "new visitor", star; language, service, site.
void row(const protocol::ContactView& c, std::int64_t server_ms, UiState& ui, Actions& out, float w, float h) {
    ImGui::PushID(c.id.c_str());
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (ImGui::InvisibleButton("##take", ImVec2(w, h))) out.push_back(action::Claim{c.id});
    automation::mark("drawer.contact." + c.id);
    const bool hovered = ImGui::IsItemHovered();
    if (hovered) ImGui::SetTooltip("Take this contact");

    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), hovered ? theme::rgb(0xd27a71) : theme::pending_drawer, 4.0f);
    const float r = h * 0.36f, pad = 8.0f;
    const ImVec2 centre(p.x + pad + r, p.y + h * 0.5f);
    const double progress = dissuasion_progress(c.created_at, c.deadline, server_ms);
    dissuasion_loader(dl, centre, r, progress, type_icon(c.type));
    if (c.deadline) ui.redraw_in(500); // the loader moves: twice a second

    const float fh = ImGui::GetFontSize();
    float x = centre.x + r + 12.0f;
    const float y1 = p.y + h * 0.5f - fh - 1.0f, y2 = p.y + h * 0.5f + 2.0f;
    const ImU32 white = IM_COL32_WHITE, soft = theme::rgb(0xf6dcd9);
    auto text = [&](float& at, float y, ImU32 col, const std::string& t) {
        dl->AddText(ImVec2(at, y), col, t.c_str());
        at += ImGui::CalcTextSize(t.c_str()).x + 8.0f;
    };
    if (c.direct) text(x, y1, theme::rgb(0xffd54a), icon::star);
    text(x, y1, white, c.customer.name.empty() ? std::string("Visitor") : c.customer.name);
    if (!c.customer.country.empty()) // the flag, or the code until it is loaded (or when there is none)
        x = country_badge(dl, ui, c.customer.country, ImVec2(x, y1), white, soft, "drawer.contact." + c.id);
    if (!c.customer.returning) {
        const char* label = "new visitor";
        const ImVec2 sz = ImGui::CalcTextSize(label);
        dl->AddRectFilled(ImVec2(x - 3, y1 - 1), ImVec2(x + sz.x + 3, y1 + sz.y + 1), theme::rgb(0xfbeae8), 3.0f);
        text(x, y1, theme::pending_drawer, label);
    }
    float x2 = centre.x + r + 12.0f;
    std::string lang = c.service.language;
    for (auto& ch : lang) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    if (!lang.empty()) text(x2, y2, white, lang);
    text(x2, y2, soft, c.service.name);
    if (!c.site.name.empty()) text(x2, y2, soft, "- " + c.site.name);

    if (c.deadline) { // time left, right-aligned
        const std::string left = format_duration(*c.deadline - server_ms);
        const ImVec2 sz = ImGui::CalcTextSize(left.c_str());
        dl->AddText(ImVec2(p.x + w - sz.x - pad, p.y + (h - sz.y) * 0.5f), white, left.c_str());
    }
    ImGui::PopID();
}
} // namespace

void pending_drawer(const ConsoleState& s, UiState& ui, Actions& out) {
    if (!ui.drawer_open || s.waiting.empty()) {
        ui.drawer_height = 0;
        return;
    }
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float row_h = ImGui::GetFontSize() * 2.0f + 20.0f, gap = 4.0f, pad = 6.0f;
    const float max_h = (vp->WorkPos.y + vp->WorkSize.y - ui.drawer_top) * 0.8f;
    const float want = static_cast<float>(s.waiting.size()) * (row_h + gap) + 2 * pad;
    ImGui::SetNextWindowPos(ImVec2(ui.drawer_left, ui.drawer_top));
    ui.drawer_height = want < max_h ? want : max_h;
    ImGui::SetNextWindowSize(ImVec2(ui.drawer_width, ui.drawer_height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, theme::rgb(0xb9554c));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad, pad));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, gap));
    ImGui::Begin("##drawer", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing);
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow()); // over the panels, whatever was clicked last
    automation::mark_rect("drawer", ImGui::GetWindowPos(),
                          ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(), ImGui::GetWindowPos().y + ImGui::GetWindowHeight()));
    const std::int64_t server_ms = server_now(s, ui.now_ms);
    const float w = ImGui::GetContentRegionAvail().x;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(s.waiting.size()), row_h + gap);
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
            row(s.waiting[static_cast<std::size_t>(i)], server_ms, ui, out, w, row_h);
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
}

} // namespace sb::console::views
