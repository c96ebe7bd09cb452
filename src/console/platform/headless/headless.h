// A console without a browser: ImGui with no backend, a recording transport, and input injected through
// ImGui's event queue. Native tests drive the real views with it.
#pragma once
#include "console/app.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct ImGuiContext;

namespace sb::console::headless {

class RecordingTransport final : public Transport {
  public:
    void connect() override { ++connects; }
    void send(std::string text) override { sent.push_back(std::move(text)); }
    void close() override { ++closes; }
    std::vector<std::string> sent;
    int connects = 0, closes = 0;
};

class Console {
  public:
    explicit Console(float width = 1000, float height = 700);
    ~Console();
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;

    void frame();                          // one ImGui frame: NewFrame, App::draw, Render
    void frames(int n) { for (int i = 0; i < n; ++i) frame(); }
    bool click(std::string_view item);     // moves the mouse to a named item and clicks it; false if not drawn
    bool hover(std::string_view item);     // moves the mouse over a named item (two frames)
    void mouse_away();                     // moves the mouse off every window
    void type(std::string_view utf8);      // text into the focused field
    void press(int imgui_key);             // a key press and release
    void press_with(int imgui_mod, int imgui_key); // a key pressed with a modifier held (ImGuiMod_Shift, ...)
    bool drawn(std::string_view item) const;

    std::int64_t clock_ms = 1'764'000'000'000; // the app's local clock; tests move it by hand
    RecordingTransport transport; // before app, which holds a reference to it
    App app;

  private:
    ::ImGuiContext* context_;
};

} // namespace sb::console::headless
