// The automation bridge's view side: views name the items tests may click, and the bridge reports where
// ImGui drew them (window.switchboard.locate(name) in the browser).
#pragma once
#include <imgui.h>
#include <string>
#include <string_view>

namespace sb::console::automation {

void begin_frame();             // forget the previous frame's items
// Record the last ImGui item's rectangle under this name; text: what the item shows when it is not plain ImGui
// text a test could not read otherwise (a country code drawn on a row, a tooltip's words).
void mark(std::string_view name, std::string_view text = {});
void mark_rect(std::string_view name, ImVec2 min, ImVec2 max, std::string_view text = {}); // a window, a region
// {"x":..,"y":..,"w":..,"h":..} in display (CSS) pixels, or "null" when the item was not drawn.
std::string locate_json(std::string_view name);
bool drawn(std::string_view name);
std::string text(std::string_view name); // the text marked with the item, "" when none or not drawn

} // namespace sb::console::automation
