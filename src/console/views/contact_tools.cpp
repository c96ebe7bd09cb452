#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {
namespace {
bool tool_button(const char* glyph, const std::string& name, const char* tip, bool on = false) {
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, theme::palette().tool_on);
    const bool clicked = ImGui::Button(glyph, ImVec2(ImGui::GetFrameHeight() + 6, 0));
    if (on) ImGui::PopStyleColor();
    automation::mark(name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
    return clicked;
}

bool web_url(const std::string& u) {
    const bool http = u.rfind("http://", 0) == 0, https = u.rfind("https://", 0) == 0;
    return (http && u.size() > 7) || (https && u.size() > 8);
}

void color_popup(const ConsoleState& s, const HeldContact& c, Actions& out) {
    if (!ImGui::BeginPopup("##colors")) return;
    const std::string& id = c.view.id;
    ImGui::TextDisabled("Colour tag");
    // The service default first (the colour its contacts get), then the service's colours with their meaning
    // (agent.welcome's services), or a fixed palette for a service the console knows nothing about.
    const ImU32 def = parse_color(default_color(s, c.view.service.id), theme::palette().accent);
    auto entry = [&](ImU32 col, const std::string& label, const std::string& name, const std::string& value) {
        ImGui::PushID(name.c_str());
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float fh = ImGui::GetFontSize();
        if (ImGui::Selectable(("      " + label).c_str(), value == c.view.color && !value.empty())) {
            out.push_back(action::SetColor{id, value});
            ImGui::CloseCurrentPopup();
        }
        automation::mark(name);
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x + 2, p.y + 1), ImVec2(p.x + 2 + fh * 1.4f, p.y + fh), col, 3.0f);
        ImGui::PopID();
    };
    entry(def, "Service default", "color.default", "");
    const auto* service = find_service(s, c.view.service.id);
    if (service && !service->colors.empty()) {
        for (const auto& m : service->colors)
            if (m.color.size() == 7) entry(parse_color(m.color, def), m.meaning.empty() ? m.color : m.meaning, "color." + m.color.substr(1), m.color);
    } else {
        for (const auto& nc : color_palette()) entry(parse_color(nc.hex, def), nc.meaning, std::string("color.") + (nc.hex + 1), nc.hex);
    }
    ImGui::EndPopup();
}

void link_popup(const HeldContact& c, ContactUi& cu, Actions& out) {
    if (!ImGui::BeginPopup("##link")) return;
    ImGui::TextUnformatted("Push a link: the visitor's browser opens it");
    ImGui::SetNextItemWidth(360);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter = input_text("##url", cu.link, ImGuiInputTextFlags_EnterReturnsTrue);
    automation::mark("link.url");
    const bool ok = web_url(cu.link);
    ImGui::BeginDisabled(!ok);
    const bool send = primary_button((std::string(icon::link) + " Send link").c_str());
    automation::mark("link.send");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    automation::mark("link.cancel");
    if (!ok) ImGui::TextDisabled("An http:// or https:// address");
    if ((send || enter) && ok) {
        out.push_back(action::PushLink{c.view.id, cu.link});
        cu.link = "https://";
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

void stop_popup(const HeldContact& c, Actions& out) {
    ImGui::SetNextWindowSize(ImVec2(340, 0));
    if (!ImGui::BeginPopupModal("Close contact###stop", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings))
        return;
    const std::string who = c.view.customer.name.empty() ? "this visitor" : c.view.customer.name;
    ImGui::TextWrapped("Close the contact with %s? The conversation ends for both of you.", who.c_str());
    ImGui::Spacing();
    if (ImGui::Button("Cancel", ImVec2(120, 0))) ImGui::CloseCurrentPopup();
    automation::mark("stop.cancel");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Button, theme::dissuasion);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, theme::rgb(0xe77a80));
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32_WHITE);
    if (ImGui::Button("Close contact", ImVec2(-1, 0))) {
        out.push_back(action::Stop{c.view.id});
        ImGui::CloseCurrentPopup();
    }
    ImGui::PopStyleColor(3);
    automation::mark("stop.confirm");
    ImGui::EndPopup();
}
} // namespace

void contact_tools(const ConsoleState& s, const HeldContact& c, ContactUi& cu, Actions& out) {
    const std::string base = "panel." + c.view.id;
    const bool closed = c.view.state == ContactState::closed;
    const float bw = ImGui::GetFrameHeight() + 6, sp = ImGui::GetStyle().ItemSpacing.x;
    const float right = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
    ImGui::SameLine(right - 5 * bw - 4 * sp);

    // Translations: the customer's language or off, from a popup (translate_tool.cpp).
    ImGui::BeginDisabled(closed);
    if (tool_button(icon::translate, base + ".translate", translate_tip(c).c_str(), !c.view.translation.empty()))
        ImGui::OpenPopup(translate_popup_id);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(closed);
    ImGui::PushStyleColor(ImGuiCol_Text, parse_color(c.view.color, theme::palette().accent));
    if (tool_button(icon::color_tag, base + ".color", "Colour tag")) ImGui::OpenPopup("##colors");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (tool_button(icon::link, base + ".link", "Push a link")) ImGui::OpenPopup("##link");
    ImGui::SameLine();
    const bool uploading = c.upload && c.upload->state == FileUpload::State::uploading;
    ImGui::BeginDisabled(uploading || s.file_limits.max_bytes == 0);
    if (tool_button(icon::upload, base + ".upload", upload_tip(s).c_str())) out.push_back(action::PickFile{c.view.id});
    ImGui::EndDisabled();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (tool_button(icon::stop, base + ".stop", closed ? "Remove this panel" : "Close the contact")) {
        if (closed)
            out.push_back(action::Dismiss{c.view.id});
        else
            ImGui::OpenPopup("###stop");
    }
    translate_popup(s, c, out);
    color_popup(s, c, out);
    link_popup(c, cu, out);
    stop_popup(c, out);
}

} // namespace sb::console::views
