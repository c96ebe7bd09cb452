// Transport over the emscripten WebSocket API. Callbacks only hand frames to the App; the frame loop draws.
#pragma once
#include "console/app.h"

#include <emscripten/websocket.h>
#include <functional>
#include <string>

namespace sb::console::web {

class WebTransport final : public Transport {
  public:
    // on_event runs after every socket event so the platform can schedule a redraw or a reconnect.
    WebTransport(std::string url, std::function<void()> on_event) : url_(std::move(url)), on_event_(std::move(on_event)) {}
    void attach(App& app) { app_ = &app; }

    void connect() override;
    void send(std::string text) override;
    void close() override;
    bool active() const { return socket_ != 0; }

  private:
    static EM_BOOL opened(int, const EmscriptenWebSocketOpenEvent*, void* self);
    static EM_BOOL message(int, const EmscriptenWebSocketMessageEvent* e, void* self);
    static EM_BOOL closed(int, const EmscriptenWebSocketCloseEvent*, void* self);
    static EM_BOOL failed(int, const EmscriptenWebSocketErrorEvent*, void* self);
    void drop();

    std::string url_;
    std::function<void()> on_event_;
    App* app_ = nullptr;
    EMSCRIPTEN_WEBSOCKET_T socket_ = 0;
    bool open_ = false;
};

} // namespace sb::console::web
