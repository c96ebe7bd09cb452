// Automatic translations in the console (docs/protocol.md, "Automatic translations"): the popup of the flag
// tool, which lists the languages the contact's service offers (agent.welcome's `translations`) and turns
// translation on for one of them or off; and a translated message's translation line in the transcript.
#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {

std::string language_name(const std::string& code) {
    static const std::pair<const char*, const char*> names[] = {
        {"an", "Aragonese"}, {"ast", "Asturian"}, {"ca", "Catalan"}, {"da", "Danish"},   {"de", "German"},
        {"en", "English"},   {"eo", "Esperanto"}, {"es", "Spanish"}, {"eu", "Basque"},   {"fr", "French"},
        {"gl", "Galician"},  {"it", "Italian"},   {"nl", "Dutch"},   {"oc", "Occitan"},  {"pt", "Portuguese"},
        {"ro", "Romanian"},  {"ru", "Russian"},   {"sc", "Sardinian"}, {"sv", "Swedish"}, {"uk", "Ukrainian"},
    };
    for (const auto& [c, n] : names)
        if (code == c) return n;
    return code;
}

std::string translate_tip(const HeldContact& c) {
    return c.view.translation.empty() ? "Translations (off)" : "Translations: " + language_name(c.view.translation);
}

void translate_popup(const ConsoleState& s, const HeldContact& c, Actions& out) {
    if (!ImGui::BeginPopup(translate_popup_id)) return;
    const std::string& id = c.view.id;
    const std::string& on = c.view.translation;
    ImGui::TextDisabled("Automatic translation: the customer writes");
    const auto* service = find_service(s, c.view.service.id);
    if (!service || service->translations.empty()) {
        ImGui::TextDisabled("No translation is available for %s contacts",
                            language_name(c.view.service.language).c_str());
        automation::mark("translate.none");
    } else {
        for (const auto& l : service->translations) {
            ImGui::PushID(l.c_str());
            if (ImGui::Selectable((language_name(l) + " (" + l + ")").c_str(), l == on)) {
                if (l != on) out.push_back(action::Translate{id, l});
                ImGui::CloseCurrentPopup();
            }
            automation::mark("translate." + l);
            ImGui::PopID();
        }
    }
    ImGui::Separator();
    if (ImGui::Selectable("Off: no translation", on.empty())) {
        if (!on.empty()) out.push_back(action::Translate{id, ""});
        ImGui::CloseCurrentPopup();
    }
    automation::mark("translate.off");
    ImGui::EndPopup();
}

namespace {
std::string translation_text(const TranscriptEntry& t) {
    return std::string(icon::translate) + " " + t.translation_language + ": " + t.translation;
}
} // namespace

void translation_line(const HeldContact& c, const TranscriptEntry& t) {
    if (t.translation.empty()) return;
    // Under the original, in the flag's teal and with the language it is in: the words the agent reads (the
    // customer's message) or the ones the customer reads (the agent's).
    ImGui::PushStyleColor(ImGuiCol_Text, theme::palette().translation);
    text_wrapped(translation_text(t));
    ImGui::PopStyleColor();
    automation::mark("panel." + c.view.id + ".translation." + std::to_string(t.seq));
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", t.from == protocol::Party::agent ? "What the customer reads (automatic translation)"
                                                                 : "Automatic translation of the customer's message");
}

float translation_line_height(const TranscriptEntry& t, float wrap_width) {
    if (t.translation.empty()) return 0.0f;
    return text_height(translation_text(t), wrap_width) + ImGui::GetStyle().ItemSpacing.y;
}

} // namespace sb::console::views
