#include "console/platform/headless/headless.h"

#include "console/automation.h"

#include <cfloat>
#include <cstdlib>
#include <imgui.h>
#include <nlohmann/json.hpp>
#include <string_view>

namespace sb::console::headless {

Console::Console(float width, float height) : app(transport), context_(ImGui::CreateContext()) {
    app.set_clock([this] { return clock_ms; });
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    io.ConfigInputTextCursorBlink = false;
    io.Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h); // builds the atlas; no texture is needed headless
    // The variant is the process's: each console starts light, or dark when SB_CONSOLE_THEME=dark (the view
    // tests run again that way: tests/unit/console/CMakeLists.txt).
    const char* variant = std::getenv("SB_CONSOLE_THEME");
    app.load_theme(variant && std::string_view(variant) == "dark");
}

Console::~Console() { ImGui::DestroyContext(context_); }

void Console::frame() {
    ImGui::SetCurrentContext(context_);
    ImGui::NewFrame();
    app.draw();
    ImGui::Render();
}

bool Console::drawn(std::string_view item) const { return automation::drawn(item); }

bool Console::click(std::string_view item) {
    auto j = nlohmann::json::parse(automation::locate_json(item));
    if (j.is_null()) return false;
    ImGuiIO& io = ImGui::GetIO();
    const float x = j["x"].get<float>() + j["w"].get<float>() / 2, y = j["y"].get<float>() + j["h"].get<float>() / 2;
    io.AddMousePosEvent(x, y);
    frame();
    io.AddMouseButtonEvent(0, true);
    frame();
    io.AddMouseButtonEvent(0, false);
    frames(2);
    return true;
}

bool Console::hover(std::string_view item) {
    auto j = nlohmann::json::parse(automation::locate_json(item));
    if (j.is_null()) return false;
    ImGui::GetIO().AddMousePosEvent(j["x"].get<float>() + j["w"].get<float>() / 2,
                                    j["y"].get<float>() + j["h"].get<float>() / 2);
    frames(2);
    return true;
}

void Console::mouse_away() {
    ImGui::GetIO().AddMousePosEvent(-FLT_MAX, -FLT_MAX);
    frames(2);
}

void Console::press_with(int imgui_mod, int imgui_key) {
    ImGuiIO& io = ImGui::GetIO();
    io.AddKeyEvent(static_cast<ImGuiKey>(imgui_mod), true);
    io.AddKeyEvent(static_cast<ImGuiKey>(imgui_key), true);
    frame();
    io.AddKeyEvent(static_cast<ImGuiKey>(imgui_key), false);
    io.AddKeyEvent(static_cast<ImGuiKey>(imgui_mod), false);
    frames(2);
}

void Console::type(std::string_view utf8) {
    ImGui::GetIO().AddInputCharactersUTF8(std::string(utf8).c_str());
    frames(2);
}

void Console::press(int imgui_key) {
    ImGuiIO& io = ImGui::GetIO();
    io.AddKeyEvent(static_cast<ImGuiKey>(imgui_key), true);
    frame();
    io.AddKeyEvent(static_cast<ImGuiKey>(imgui_key), false);
    frames(2);
}

} // namespace sb::console::headless
