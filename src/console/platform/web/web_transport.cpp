#include "console/platform/web/web_transport.h"

#include "console/fonts.h"

extern "C" void sb_glue_load_emoji_font(); // web/console-glue.js

namespace sb::console::web {

void WebTransport::connect() {
    drop();
    EmscriptenWebSocketCreateAttributes attrs;
    emscripten_websocket_init_create_attributes(&attrs);
    attrs.url = url_.c_str();
    attrs.createOnMainThread = EM_TRUE;
    socket_ = emscripten_websocket_new(&attrs);
    if (socket_ <= 0) {
        socket_ = 0;
        if (app_) app_->on_close();
        on_event_();
        return;
    }
    emscripten_websocket_set_onopen_callback(socket_, this, &WebTransport::opened);
    emscripten_websocket_set_onmessage_callback(socket_, this, &WebTransport::message);
    emscripten_websocket_set_onclose_callback(socket_, this, &WebTransport::closed);
    emscripten_websocket_set_onerror_callback(socket_, this, &WebTransport::failed);
}

void WebTransport::send(std::string text) {
    if (socket_ && open_) emscripten_websocket_send_utf8_text(socket_, text.c_str());
}

void WebTransport::close() { drop(); }

void WebTransport::drop() {
    if (!socket_) return;
    emscripten_websocket_set_onclose_callback(socket_, nullptr, nullptr);
    emscripten_websocket_set_onerror_callback(socket_, nullptr, nullptr);
    emscripten_websocket_set_onmessage_callback(socket_, nullptr, nullptr);
    emscripten_websocket_set_onopen_callback(socket_, nullptr, nullptr);
    emscripten_websocket_close(socket_, 1000, "bye");
    emscripten_websocket_delete(socket_);
    socket_ = 0;
    open_ = false;
}

EM_BOOL WebTransport::opened(int, const EmscriptenWebSocketOpenEvent*, void* self) {
    auto* t = static_cast<WebTransport*>(self);
    t->open_ = true;
    if (t->app_) t->app_->on_open();
    t->on_event_();
    return EM_TRUE;
}

EM_BOOL WebTransport::message(int, const EmscriptenWebSocketMessageEvent* e, void* self) {
    auto* t = static_cast<WebTransport*>(self);
    if (e->isText && e->numBytes > 0 && t->app_) {
        // Text frames arrive NUL-terminated; numBytes counts the terminator.
        const std::string_view text(reinterpret_cast<const char*>(e->data), e->numBytes - 1);
        if (fonts::emoji_font_wanted(text)) sb_glue_load_emoji_font(); // comes back through sb_add_font
        t->app_->on_message(text);
    }
    t->on_event_();
    return EM_TRUE;
}

EM_BOOL WebTransport::closed(int, const EmscriptenWebSocketCloseEvent*, void* self) {
    auto* t = static_cast<WebTransport*>(self);
    // An error is always followed by a close: the close alone reports the loss of the socket.
    emscripten_websocket_delete(t->socket_);
    t->socket_ = 0;
    t->open_ = false;
    if (t->app_) t->app_->on_close();
    t->on_event_();
    return EM_TRUE;
}

EM_BOOL WebTransport::failed(int, const EmscriptenWebSocketErrorEvent*, void*) { return EM_TRUE; }

} // namespace sb::console::web
