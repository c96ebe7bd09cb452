#include "console/automation.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {

// Data sharing, chat, voice and video as coloured circles with the channel's icon. Starting voice or video
// (clicking an available channel) comes with media signalling (issue 6); until then the icons only show state.
void media_toolbar(const HeldContact& c) {
    static constexpr Channel order[] = {Channel::sharing, Channel::chat, Channel::voice, Channel::video};
    const bool closed = c.view.state == ContactState::closed;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float d = ImGui::GetFrameHeight() + 4.0f;
    for (Channel ch : order) {
        const ChannelState st = closed ? ChannelState::unavailable : c.view.channels[ch];
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::Dummy(ImVec2(d, d));
        automation::mark("panel." + c.view.id + ".channel." + std::string(to_string(ch)));
        const ImVec2 centre(p.x + d * 0.5f, p.y + d * 0.5f);
        dl->AddCircleFilled(centre, d * 0.5f, channel_color(st), 24);
        const char* glyph = channel_icon(ch);
        const ImVec2 sz = ImGui::CalcTextSize(glyph);
        dl->AddText(ImVec2(centre.x - sz.x * 0.5f, centre.y - sz.y * 0.5f), IM_COL32_WHITE, glyph);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s: %s", std::string(to_string(ch)).c_str(), std::string(to_string(st)).c_str());
        ImGui::SameLine(0, 6);
    }
}

} // namespace sb::console::views
