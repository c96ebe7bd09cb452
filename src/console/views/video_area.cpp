#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <algorithm>
#include <cfloat>
#include <string>

namespace sb::console::views {
namespace {
// The largest rectangle of the feed's aspect inside (a, b), centred.
void fit(const VideoFeed& f, ImVec2 a, ImVec2 b, ImVec2& out_a, ImVec2& out_b) {
    const float w = b.x - a.x, h = b.y - a.y;
    const float aspect = static_cast<float>(f.width) / static_cast<float>(f.height);
    float fw = w, fh = w / aspect;
    if (fh > h) {
        fh = h;
        fw = h * aspect;
    }
    out_a = ImVec2(a.x + (w - fw) * 0.5f, a.y + (h - fh) * 0.5f);
    out_b = ImVec2(out_a.x + fw, out_a.y + fh);
}

bool drawable(const VideoFeed& f) {
    return f.texture != 0 && f.width > 0 && f.height > 0;
}

bool overlay_button(const char* glyph, const std::string& name, const char* tooltip, ImU32 colour,
                    float size) {
    ImGui::PushStyleColor(ImGuiCol_Button, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, colour);
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32_WHITE);
    const bool clicked = ImGui::Button(glyph, ImVec2(size, size));
    ImGui::PopStyleColor(4);
    automation::mark(name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tooltip);
    return clicked;
}
} // namespace

bool has_video_area(const HeldContact& c) {
    return c.call && c.call->mine && c.call->call.video && c.call->call.phase != CallPhase::offered &&
           c.view.state == ContactState::assigned;
}

void video_area(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out, ImVec2 size) {
    if (!has_video_area(c) || size.x < 16 || size.y < 16) return;
    const std::string base = "panel." + c.view.id;
    ContactUi& cu = ui.contacts[c.view.id];
    const auto feeds = ui.videos.find(c.view.id);
    const VideoFeed none;
    const VideoFeed& remote = feeds != ui.videos.end() ? feeds->second.remote : none;
    const VideoFeed& local = feeds != ui.videos.end() ? feeds->second.local : none;
    const bool active = c.call->call.phase == CallPhase::active;

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos(), q(p.x + size.x, p.y + size.y);
    dl->AddRectFilled(p, q, theme::rgb(0x141a1f), 4.0f);

    // The visitor's camera, as large as fits.
    if (drawable(remote)) {
        ImVec2 a, b;
        fit(remote, p, q, a, b);
        dl->AddImage(reinterpret_cast<ImTextureID>(remote.texture), a, b);
        automation::mark_rect(base + ".video.remote", a, b);
    } else {
        const char* text = !active ? "Connecting\u2026"
                           : c.call->call.offerer == CallParty::agent && !c.call->call.accepter_video
                               ? "The customer sees you without sending video"
                               : "Waiting for the customer's video\u2026";
        const ImVec2 sz = ImGui::CalcTextSize(text);
        dl->AddText(ImVec2(p.x + (size.x - sz.x) * 0.5f, p.y + (size.y - sz.y) * 0.5f), theme::rgb(0xc9dce6),
                    text);
    }
    // The agent's own camera, small in the bottom-right corner.
    if (drawable(local)) {
        const float pw = std::max(48.0f, size.x * 0.24f), margin = 8.0f;
        const float ph = pw * static_cast<float>(local.height) / static_cast<float>(local.width);
        const ImVec2 b(q.x - margin, q.y - margin), a(b.x - pw, b.y - ph);
        if (a.y > p.y + margin) {
            dl->AddRectFilled(ImVec2(a.x - 2, a.y - 2), ImVec2(b.x + 2, b.y + 2), IM_COL32_WHITE, 2.0f);
            dl->AddImage(reinterpret_cast<ImTextureID>(local.texture), a, b);
            automation::mark_rect(base + ".video.local", a, b);
        }
    }
    // Bottom-left: the duration, and the microphone when muted.
    std::string label;
    if (active) {
        const std::int64_t ms = server_now(s, ui.now_ms) - c.call->active_at;
        label = format_duration(ms);
        ui.redraw_in(1000 - (ms % 1000 + 1000) % 1000);
    }
    if (c.muted) label += std::string(label.empty() ? "" : "  ") + icon::microphone_off + " muted";
    if (!label.empty()) {
        const ImVec2 sz = ImGui::CalcTextSize(label.c_str());
        const ImVec2 a(p.x + 8, q.y - sz.y - 12);
        dl->AddRectFilled(a, ImVec2(a.x + sz.x + 12, a.y + sz.y + 6), IM_COL32(0, 0, 0, 150), 4.0f);
        dl->AddText(ImVec2(a.x + 6, a.y + 3), IM_COL32_WHITE, label.c_str());
    }

    // Top-right: detach / put back, mute, hang up.
    const float bs = ImGui::GetFrameHeight(), sp = 4.0f;
    ImGui::SetCursorScreenPos(ImVec2(q.x - 3 * bs - 2 * sp - 6, p.y + 6));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(sp, sp));
    ImGui::PushID("video");
    if (overlay_button(cu.video_detached ? icon::compress : icon::expand, base + ".video.toggle",
                       cu.video_detached ? "Put the video back in the panel"
                                         : "Detach the video into its own window",
                       IM_COL32(0, 0, 0, 140), bs))
        cu.video_detached = !cu.video_detached;
    ImGui::SameLine();
    if (overlay_button(c.muted ? icon::microphone_off : icon::microphone, base + ".mute",
                       c.muted ? "Microphone muted: click to unmute" : "Mute the microphone",
                       c.muted ? theme::dissuasion : IM_COL32(0, 0, 0, 140), bs))
        out.push_back(action::SetMuted{c.view.id, !c.muted});
    ImGui::SameLine();
    if (overlay_button(icon::hangup, base + ".hangup", "End the video call; the contact goes on",
                       theme::dissuasion, bs))
        out.push_back(action::Hangup{c.view.id});
    ImGui::PopID();
    ImGui::PopStyleVar();

    ImGui::SetCursorScreenPos(p);
    ImGui::Dummy(size);
    automation::mark_rect(base + ".video", p, q);
}

void video_window(const ConsoleState& s, const HeldContact& c, UiState& ui, Actions& out) {
    auto it = ui.contacts.find(c.view.id);
    if (it == ui.contacts.end() || !it->second.video_detached || !has_video_area(c)) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + 40, vp->WorkPos.y + 80), ImGuiCond_Appearing);
    ImGui::SetNextWindowSize(ImVec2(480, 330), ImGuiCond_Appearing);
    ImGui::SetNextWindowSizeConstraints(ImVec2(200, 150), ImVec2(FLT_MAX, FLT_MAX));
    const std::string who = c.view.customer.name.empty() ? std::string("Visitor") : c.view.customer.name;
    const std::string title = std::string(icon::video) + "  " + who + "###video-" + c.view.id;
    bool open = true;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 4));
    if (ImGui::Begin(title.c_str(), &open,
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse |
                         ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        automation::mark_rect("panel." + c.view.id + ".video.window", ImGui::GetWindowPos(),
                              ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                     ImGui::GetWindowPos().y + ImGui::GetWindowSize().y));
        ImGui::PushID(c.view.id.c_str());
        video_area(s, c, ui, out, ImGui::GetContentRegionAvail());
        ImGui::PopID();
    }
    ImGui::End();
    ImGui::PopStyleVar();
    if (!open) ui.contacts[c.view.id].video_detached = false; // closing the window puts the video back
}

} // namespace sb::console::views
