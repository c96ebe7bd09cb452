// The App's part of file uploads: what the platform's FileUploader reports (app.h), turned into console events.
// The checks and texts are pure (core/uploads.h).
#include "console/app.h"

#include "core/uploads.h"

namespace sb::console {

void App::on_file_chosen(std::string_view contact, std::string_view name, std::uint64_t size, std::string_view type) {
    const std::string id(contact);
    const HeldContact* h = find_contact(state_, id);
    if (!h || h->view.state != ContactState::assigned) return; // closed (or lost) while the picker was open
    if (h->upload && h->upload->state == FileUpload::State::uploading) return;
    const std::string file_name(name);
    // The server's limits, checked here first: a refusal comes at once, before any byte is sent.
    if (auto problem = upload_problem(state_.file_limits, file_name, size, type); !problem.empty()) {
        apply(event::UploadRefused{id, file_name, size, problem});
        return;
    }
    if (!uploader_) return;
    apply(event::UploadStarted{id, file_name, size});
    uploader_->upload(id, state_.token);
}

void App::on_upload_progress(std::string_view contact, std::uint64_t sent) {
    apply(event::UploadProgress{std::string(contact), sent});
}

void App::on_upload_done(std::string_view contact, int status, std::string_view body) {
    const bool taken = status == 201;
    apply(event::UploadEnded{std::string(contact), taken ? std::string() : upload_error(status, body, state_.file_limits)});
}

} // namespace sb::console
