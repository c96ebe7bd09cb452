// The console's views: functions of the state that draw with ImGui and emit actions. One per file.
#pragma once
#include "console/actions.h"
#include "console/ui_state.h"
#include "core/console_state.h"

namespace sb::console::views {

// Login screen (before the agent is logged in).
void login(const ConsoleState& s, UiState& ui, Actions& out);
// Top bar: connection, agent name and status switch, log out. Returns its height.
float status_bar(const ConsoleState& s, UiState& ui, Actions& out);
// The logged-in agent's work area under the status bar.
void home(const ConsoleState& s, UiState& ui, Actions& out, float top);

// A teal button with white text, for the main action of a screen.
bool primary_button(const char* label, float width = 0.0f);

} // namespace sb::console::views
