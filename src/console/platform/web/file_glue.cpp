#include "console/platform/web/file_glue.h"

#include <emscripten/emscripten.h>

#include <cstdint>

extern "C" {
// web/console-glue.js
void sb_glue_pick_file(const char* contact);
void sb_glue_upload_file(const char* contact, const char* token);
void sb_glue_cancel_upload(const char* contact);
}

namespace sb::console::web {
namespace {

class WebUploader final : public FileUploader {
  public:
    void pick(const std::string& contact) override { sb_glue_pick_file(contact.c_str()); }
    void upload(const std::string& contact, const std::string& token) override {
        sb_glue_upload_file(contact.c_str(), token.c_str());
    }
    void cancel(const std::string& contact) override { sb_glue_cancel_upload(contact.c_str()); }
};

WebUploader uploader;
App* files_app = nullptr;
void (*files_wake)() = nullptr;

void woke() {
    if (files_wake) files_wake();
}

// JS numbers are doubles: sizes up to 2^53 are exact.
std::uint64_t bytes(double n) { return n <= 0 ? 0 : static_cast<std::uint64_t>(n); }

} // namespace

void attach_files(App& app, void (*wake)()) {
    files_app = &app;
    files_wake = wake;
    app.set_uploader(&uploader);
}

} // namespace sb::console::web

using sb::console::web::files_app;

extern "C" {

EMSCRIPTEN_KEEPALIVE void sb_file_chosen(const char* contact, const char* name, double size, const char* type) {
    if (!files_app) return;
    files_app->on_file_chosen(contact, name, sb::console::web::bytes(size), type);
    sb::console::web::woke();
}

EMSCRIPTEN_KEEPALIVE void sb_upload_progress(const char* contact, double sent) {
    if (!files_app) return;
    files_app->on_upload_progress(contact, sb::console::web::bytes(sent));
    sb::console::web::woke();
}

EMSCRIPTEN_KEEPALIVE void sb_upload_done(const char* contact, int status, const char* body) {
    if (!files_app) return;
    files_app->on_upload_done(contact, status, body);
    sb::console::web::woke();
}

} // extern "C"
