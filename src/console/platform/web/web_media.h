// Calls in the browser: the App's MediaEngine over the page's call engine (web/media/call.js, driven by the
// host object in web/switchboard.js through web/console-glue.js), and the GL textures the calls' videos are
// drawn from. JS keeps a hidden <video> per stream; at each of its frames it asks frame() for the texture to
// upload the frame into (the texture and the feed's size are what the views draw with ImGui::Image).
#pragma once
#include "console/app.h"
#include "console/platform/web/renderer_webgl2.h"

#include <string>

namespace sb::console::web {

class WebMedia final : public MediaEngine {
  public:
    explicit WebMedia(Renderer& renderer) : renderer_(renderer) {}
    void attach(App& app) { app_ = &app; }

    void start(const std::string& contact, const CallPlan& plan, const std::string& ice_json) override;
    void signal(const std::string& contact, const std::string& signal_json) override;
    void set_muted(const std::string& contact, bool muted) override;
    void hangup(const std::string& contact) override;

    // A frame of a contact's video is ready in its <video> (which: 0 the visitor's, 1 the agent's preview):
    // uploads it into the feed's texture (made on the first frame). False when no call of this console runs
    // for the contact (a late frame after a hangup).
    bool frame(const std::string& contact, int which, int width, int height);
    // The stream has no video any more: its texture goes.
    void gone(const std::string& contact, int which);

  private:
    Renderer& renderer_;
    App* app_ = nullptr;
};

} // namespace sb::console::web
