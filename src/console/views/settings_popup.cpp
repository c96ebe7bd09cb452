#include "console/automation.h"
#include "console/views/views.h"

#include <imgui.h>

namespace sb::console::views {

void settings_popup(const ConsoleState& s, const UiState& ui, Actions& out) {
    if (!ImGui::BeginPopup(settings_popup_id)) return;
    ImGui::TextUnformatted("Notifications");
    ImGui::TextDisabled("A new waiting contact, and a message in a panel you are not looking at.");
    ImGui::Separator();
    notify::Settings st = s.notify_settings;
    bool changed = ImGui::Checkbox("Sound", &st.sound);
    automation::mark("settings.sound");
    changed |= ImGui::Checkbox("Desktop notifications", &st.desktop);
    automation::mark("settings.desktop");
    if (changed) out.push_back(action::SetNotify{st});
    ImGui::TextDisabled("Reminders repeat every %d s while a contact waits unseen.",
                        static_cast<int>(notify::reminder_ms / 1000));

    ImGui::Spacing();
    ImGui::TextUnformatted("Appearance");
    ImGui::Separator();
    bool dark = ui.dark_theme;
    if (ImGui::Checkbox("Dark theme", &dark)) out.push_back(action::SetTheme{dark});
    automation::mark("settings.dark");
    ImGui::EndPopup();
}

} // namespace sb::console::views
