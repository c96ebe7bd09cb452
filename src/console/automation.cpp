#include "console/automation.h"

#include <imgui.h>
#include <cstdio>
#include <map>
#include <string>

namespace sb::console::automation {
namespace {
struct Rect {
    float x, y, w, h;
    std::string text;
};
std::map<std::string, Rect, std::less<>>& items() {
    static std::map<std::string, Rect, std::less<>> m;
    return m;
}
} // namespace

void begin_frame() { items().clear(); }

void mark(std::string_view name, std::string_view text) {
    mark_rect(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), text);
}

void mark_rect(std::string_view name, ImVec2 min, ImVec2 max, std::string_view text) {
    // Only the part inside the window's clip rectangle can be clicked.
    ImVec2 clip_min = ImGui::GetWindowDrawList()->GetClipRectMin();
    ImVec2 clip_max = ImGui::GetWindowDrawList()->GetClipRectMax();
    min.x = min.x > clip_min.x ? min.x : clip_min.x;
    min.y = min.y > clip_min.y ? min.y : clip_min.y;
    max.x = max.x < clip_max.x ? max.x : clip_max.x;
    max.y = max.y < clip_max.y ? max.y : clip_max.y;
    if (max.x <= min.x || max.y <= min.y) return;
    items().insert_or_assign(std::string(name), Rect{min.x, min.y, max.x - min.x, max.y - min.y, std::string(text)});
}

bool drawn(std::string_view name) { return items().find(name) != items().end(); }

std::string text(std::string_view name) {
    auto it = items().find(name);
    return it == items().end() ? std::string() : it->second.text;
}

std::string locate_json(std::string_view name) {
    auto it = items().find(name);
    if (it == items().end()) return "null";
    const Rect& r = it->second;
    char buf[160];
    std::snprintf(buf, sizeof buf, R"({"x":%.1f,"y":%.1f,"w":%.1f,"h":%.1f})", r.x, r.y, r.w, r.h);
    return buf;
}

} // namespace sb::console::automation
