#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {
namespace {
bool small_button(const char* label, const std::string& name, ImU32 colour = 0) {
    if (colour) {
        ImGui::PushStyleColor(ImGuiCol_Button, colour);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, colour);
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32_WHITE);
    }
    const bool clicked = ImGui::SmallButton(label);
    if (colour) ImGui::PopStyleColor(3);
    automation::mark(name);
    return clicked;
}
} // namespace

void call_status(const HeldContact& c, Actions& out) {
    const std::string base = "panel." + c.view.id + ".call";
    const std::string& id = c.view.id;
    if (c.call && c.call->call.phase == CallPhase::offered && c.view.state == ContactState::assigned) {
        const Call& call = c.call->call;
        ImGui::AlignTextToFramePadding();
        if (call.offerer == CallParty::agent) {
            // The customer is asked: voice (and video) are orange until they answer.
            ImGui::PushStyleColor(ImGuiCol_Text, theme::channel_connecting);
            ImGui::TextUnformatted("Waiting for the customer to answer\u2026");
            ImGui::PopStyleColor();
            automation::mark(base + ".waiting");
            ImGui::SameLine();
            if (small_button("Cancel", base + ".cancel")) out.push_back(action::Hangup{id});
        } else if (c.call->answered || c.auto_answer) {
            ImGui::TextDisabled("%s Answering the %s\u2026", icon::voice, call.video ? "video call" : "call");
            automation::mark(base + ".answering");
        } else {
            ImGui::PushStyleColor(ImGuiCol_Text, theme::channel_connecting);
            ImGui::Text("%s %s", call.video ? icon::video : icon::voice,
                        call.video ? "Incoming video call" : "Incoming call");
            ImGui::PopStyleColor();
            automation::mark(base + ".incoming");
            ImGui::SameLine();
            if (small_button("Accept", base + ".accept", theme::channel_active))
                out.push_back(action::AnswerCall{id, true, call.video});
            if (call.video) {
                ImGui::SameLine();
                if (small_button("Without camera", base + ".accept-voice"))
                    out.push_back(action::AnswerCall{id, true, false});
            }
            ImGui::SameLine();
            if (small_button("Refuse", base + ".refuse", theme::dissuasion))
                out.push_back(action::AnswerCall{id, false, false});
        }
    }
    if (!c.call_notice.empty()) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight() + 4.0f;
        if (ImGui::InvisibleButton("##call-notice", ImVec2(w, h)))
            out.push_back(action::DismissCallNotice{id});
        automation::mark(base + ".notice");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Dismiss");
        dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), theme::palette().notice_bg, 3.0f);
        const std::string text = std::string(icon::warning) + "  " + c.call_notice;
        const float ty = p.y + (h - ImGui::GetFontSize()) * 0.5f;
        dl->PushClipRect(p, ImVec2(p.x + w - 20, p.y + h), true);
        dl->AddText(ImVec2(p.x + 8, ty), theme::palette().error_text, text.c_str());
        dl->PopClipRect();
        dl->AddText(ImVec2(p.x + w - 16, ty), theme::palette().error_text, icon::stop);
    }
}

} // namespace sb::console::views
