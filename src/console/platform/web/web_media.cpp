#include "console/platform/web/web_media.h"

extern "C" {
// web/console-glue.js
void sb_glue_call_start(const char* contact, int initiator, int send_video, int receive_video,
                        const char* ice_json);
void sb_glue_call_signal(const char* contact, const char* signal_json);
void sb_glue_call_mute(const char* contact, int muted);
void sb_glue_call_hangup(const char* contact);
int sb_glue_video_upload(unsigned texture, const char* contact, int which);
}

namespace sb::console::web {

void WebMedia::start(const std::string& contact, const CallPlan& plan, const std::string& ice_json) {
    sb_glue_call_start(contact.c_str(), plan.initiator ? 1 : 0, plan.send_video ? 1 : 0,
                       plan.receive_video ? 1 : 0, ice_json.c_str());
}

void WebMedia::signal(const std::string& contact, const std::string& signal_json) {
    sb_glue_call_signal(contact.c_str(), signal_json.c_str());
}

void WebMedia::set_muted(const std::string& contact, bool muted) {
    sb_glue_call_mute(contact.c_str(), muted ? 1 : 0);
}

void WebMedia::hangup(const std::string& contact) {
    sb_glue_call_hangup(contact.c_str()); // stops the frame callbacks before the textures go
    if (!app_) return;
    auto& videos = app_->ui().videos;
    auto it = videos.find(contact);
    if (it == videos.end()) return;
    renderer_.delete_texture(static_cast<GLuint>(it->second.remote.texture));
    renderer_.delete_texture(static_cast<GLuint>(it->second.local.texture));
    videos.erase(it);
}

bool WebMedia::frame(const std::string& contact, int which, int width, int height) {
    if (!app_ || !app_->call_running(contact) || width <= 0 || height <= 0) return false;
    VideoFeed& feed = which == 0 ? app_->ui().videos[contact].remote : app_->ui().videos[contact].local;
    if (!feed.texture) feed.texture = renderer_.create_texture();
    if (!sb_glue_video_upload(static_cast<unsigned>(feed.texture), contact.c_str(), which)) return false;
    feed.width = width;
    feed.height = height;
    return true;
}

void WebMedia::gone(const std::string& contact, int which) {
    if (!app_) return;
    auto it = app_->ui().videos.find(contact);
    if (it == app_->ui().videos.end()) return;
    VideoFeed& feed = which == 0 ? it->second.remote : it->second.local;
    renderer_.delete_texture(static_cast<GLuint>(feed.texture));
    feed = VideoFeed{};
}

} // namespace sb::console::web
