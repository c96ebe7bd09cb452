#include "console/automation.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {
namespace {
// What a click on the voice / video icon does in its present state.
enum class Click { none, offer, cancel, end };

Click click_of(const HeldContact& c, Channel ch) {
    if (c.view.state != ContactState::assigned) return Click::none;
    const ChannelState st = c.view.channels[ch];
    if (st == ChannelState::available) {
        // A call needs voice available, and video too for a video call; one call at a time.
        if (c.call || c.view.channels[Channel::voice] != ChannelState::available) return Click::none;
        return Click::offer;
    }
    if (!c.call || (ch == Channel::video && !c.call->call.video)) return Click::none;
    if (c.call->call.phase == CallPhase::offered && c.call->call.offerer == CallParty::visitor)
        return Click::none; // the visitor's call is answered with the buttons under the toolbar
    return st == ChannelState::active ? Click::end : Click::cancel;
}

std::string tip(const HeldContact& c, Channel ch, ChannelState st, Click click) {
    const bool video = ch == Channel::video;
    switch (click) {
    case Click::offer:
        return video ? "Start a video call" : "Call the customer";
    case Click::cancel:
        return video ? "Cancel the video call" : "Cancel the call";
    case Click::end:
        return video ? "End the video and return to chat only; the contact goes on"
                     : "Hang up; the contact goes on";
    case Click::none:
        break;
    }
    if (c.view.state == ContactState::closed) return "The contact is closed";
    if (st == ChannelState::unavailable) {
        switch (ch) {
        case Channel::voice:
            return "Voice is unavailable: the customer's browser has no microphone or no WebRTC";
        case Channel::video:
            return "Video is unavailable: the customer's browser has no camera or no WebRTC";
        case Channel::chat:
            return "Chat: closed";
        case Channel::sharing:
            return "Data sharing: unavailable";
        }
    }
    if ((video || ch == Channel::voice) && st == ChannelState::available)
        return "A call is already being set up or going on";
    if (c.call && c.call->call.phase == CallPhase::offered && c.call->call.offerer == CallParty::visitor)
        return c.call->call.video ? "The customer asks for a video call" : "The customer asks for a call";
    return std::string(to_string(ch)) + ": " + std::string(to_string(st));
}

void voice_popup(const HeldContact& c, Actions& out) {
    if (!ImGui::BeginPopup("##voice")) return;
    const std::string base = "panel." + c.view.id + ".voice";
    ImGui::TextDisabled("Voice call");
    if (ImGui::Selectable("Browser call")) {
        out.push_back(action::OfferCall{c.view.id, false});
        ImGui::CloseCurrentPopup();
    }
    automation::mark(base + ".browser");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A voice call in the browser (WebRTC)");
    // Phone calls through a telephony provider: not configured on this server.
    ImGui::Selectable("Phone call (PSTN)", false, ImGuiSelectableFlags_Disabled);
    automation::mark(base + ".pstn");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("not configured");
    ImGui::EndPopup();
}
} // namespace

// Data sharing, chat, voice and video as coloured circles with the channel's icon.
void media_toolbar(const HeldContact& c, Actions& out) {
    static constexpr Channel order[] = {Channel::sharing, Channel::chat, Channel::voice, Channel::video};
    const bool closed = c.view.state == ContactState::closed;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float d = ImGui::GetFrameHeight() + 4.0f;
    for (Channel ch : order) {
        const ChannelState st = closed ? ChannelState::unavailable : c.view.channels[ch];
        const Click click = ch == Channel::voice || ch == Channel::video ? click_of(c, ch) : Click::none;
        const std::string name = "panel." + c.view.id + ".channel." + std::string(to_string(ch));
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::PushID(static_cast<int>(ch));
        const bool clicked = ImGui::InvisibleButton("##channel", ImVec2(d, d)) && click != Click::none;
        ImGui::PopID();
        automation::mark(name);
        const bool hovered = ImGui::IsItemHovered();
        const ImVec2 centre(p.x + d * 0.5f, p.y + d * 0.5f);
        dl->AddCircleFilled(centre, d * 0.5f, channel_color(st), 24);
        if (st == ChannelState::available && theme::palette().channel_ring)
            dl->AddCircle(centre, d * 0.5f - 0.5f, theme::palette().channel_ring, 24, 1.0f);
        if (hovered && click != Click::none)
            dl->AddCircle(centre, d * 0.5f - 1.0f, theme::palette().accent, 24, 2.0f);
        const char* glyph = channel_icon(ch);
        const ImVec2 sz = ImGui::CalcTextSize(glyph);
        dl->AddText(ImVec2(centre.x - sz.x * 0.5f, centre.y - sz.y * 0.5f), IM_COL32_WHITE, glyph);
        if (hovered) {
            if (click != Click::none) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            ImGui::SetTooltip("%s", tip(c, ch, st, click).c_str());
        }
        if (clicked) {
            if (click == Click::offer && ch == Channel::video)
                out.push_back(action::OfferCall{c.view.id, true});
            else if (click == Click::offer)
                ImGui::OpenPopup("##voice");
            else
                out.push_back(action::Hangup{c.view.id});
        }
        ImGui::SameLine(0, 6);
    }
    voice_popup(c, out);
}

} // namespace sb::console::views
