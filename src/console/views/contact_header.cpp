#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {

void contact_header(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out) {
    const auto& v = c.view;
    const bool expanded = s.expanded == v.id;
    const bool closed = v.state == ContactState::closed;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight() + 12.0f;

    if (ImGui::InvisibleButton("##header", ImVec2(w, h))) out.push_back(action::Expand{expanded ? "" : v.id});
    automation::mark("panel." + v.id + ".header");
    const bool hovered = ImGui::IsItemHovered();

    // A collapsed panel with news flashes (twice a second) until it is opened.
    bool flash_on = false;
    if (c.flashing && !expanded) {
        flash_on = (ui.now_ms / 500) % 2 == 0;
        ui.redraw_in(500 - ui.now_ms % 500);
    }
    const ImU32 bg = flash_on ? theme::dissuasion : hovered ? theme::rgb(0x346d88) : theme::chat_box;
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), bg);
    // Colour tag: a band on the left edge.
    dl->AddRectFilled(p, ImVec2(p.x + 6, p.y + h), parse_color(v.color, theme::chat_box));

    const float fh = ImGui::GetFontSize(), ty = p.y + (h - fh) * 0.5f;
    float x = p.x + 16;
    const ImU32 white = IM_COL32_WHITE, soft = theme::rgb(0xc9dce6);
    auto put = [&](ImU32 col, const std::string& t) {
        dl->AddText(ImVec2(x, ty), col, t.c_str());
        x += ImGui::CalcTextSize(t.c_str()).x + 10.0f;
    };
    put(soft, expanded ? icon::chevron_down : icon::chevron_right);
    put(white, v.customer.name.empty() ? std::string("Visitor") : v.customer.name);

    // Duration clock: from the assignment to now (or to the close). Running clocks count to the last whole
    // second of the server's clock, so every panel's clock ticks at the same instant: one frame a second
    // however many panels there are (each ticking on its own second drew up to one frame per panel).
    const std::int64_t server_ms = server_now(s, ui.now_ms);
    const std::int64_t into_second = (server_ms % 1000 + 1000) % 1000;
    const std::int64_t start = c.started_at > 0 ? c.started_at : v.created_at;
    const std::int64_t end = closed && c.closed_at > 0 ? c.closed_at : server_ms - into_second;
    put(soft, std::string(icon::clock) + " " + format_duration(end > start ? end - start : 0));
    if (!closed) ui.redraw_in(1000 - into_second);

    // Status icons, right-aligned: changing page, typing, unread, idle, terminated.
    struct Status {
        bool on;
        std::string text;
        ImU32 col;
        const char* name;
    };
    const Status icons[] = {
        {!v.visitor_present && !closed, icon::page_change, white, "changing-page"},
        {c.visitor_typing, icon::typing, white, "typing"},
        {c.unread > 0, std::string(icon::unread) + " " + std::to_string(c.unread), theme::unread, "unread"},
        {c.idle && !closed, "zZZ", white, "idle"},
        {closed, icon::stop, theme::rgb(0xffb3b6), "closed"},
    };
    float rx = p.x + w - 10.0f;
    for (auto it = std::rbegin(icons); it != std::rend(icons); ++it) {
        if (!it->on) continue;
        const ImVec2 sz = ImGui::CalcTextSize(it->text.c_str());
        rx -= sz.x;
        if (it->col == theme::unread) // the red comment stands out on a white pill
            dl->AddRectFilled(ImVec2(rx - 4, ty - 2), ImVec2(rx + sz.x + 4, ty + sz.y + 2), white, 8.0f);
        dl->AddText(ImVec2(rx, ty), it->col, it->text.c_str());
        rx -= 12.0f;
    }
    if (hovered) {
        std::string tip = v.service.name;
        if (!v.page.url.empty()) tip += "\n" + (v.page.title.empty() ? v.page.url : v.page.title + " - " + v.page.url);
        ImGui::SetTooltip("%s", tip.c_str());
    }
}

} // namespace sb::console::views
