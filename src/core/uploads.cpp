#include "core/uploads.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace sb::console {
namespace {

HeldContact* held(ConsoleState& s, std::string_view id) {
    for (auto& c : s.contacts)
        if (c.view.id == id) return &c;
    return nullptr;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

bool file_type_allowed(const std::vector<std::string>& types, std::string_view type) {
    // "text/plain; charset=utf-8" -> "text/plain"
    std::string t = lower(type.substr(0, type.find(';')));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    const auto slash = t.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == t.size()) return false;
    for (const auto& allowed : types) {
        if (allowed == t) return true;
        if (allowed.size() == slash + 2 && allowed.compare(0, slash + 1, t, 0, slash + 1) == 0 && allowed.back() == '*')
            return true;
    }
    return false;
}

std::string format_bytes(std::uint64_t n) {
    if (n < 1024) return std::to_string(n) + (n == 1 ? " byte" : " bytes");
    const char* units[] = {"KB", "MB", "GB", "TB"};
    double v = static_cast<double>(n) / 1024.0;
    int u = 0;
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, v < 100.0 ? "%.1f" : "%.0f", v); // one decimal below 100: "12.4 MB", "1.5 KB"
    std::string text(buf);
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2); // not "10.0 MB"
    return text + " " + units[u];
}

std::string upload_problem(const protocol::FileLimits& limits, const std::string& name, std::uint64_t size,
                           std::string_view type) {
    if (limits.max_bytes == 0) return "This server does not take files.";
    if (size == 0) return name + " is empty.";
    if (size > limits.max_bytes) {
        std::string is = format_bytes(size), limit = format_bytes(limits.max_bytes);
        if (is == limit) { // just over: "64 KB: the limit is 64 KB" would say nothing
            is = std::to_string(size) + " bytes";
            limit = std::to_string(limits.max_bytes) + " bytes";
        }
        return name + " is " + is + ": the limit is " + limit + ".";
    }
    if (!file_type_allowed(limits.types, type))
        return name + ": files of this type (" + (type.empty() ? std::string("unknown") : std::string(type)) +
               ") cannot be sent.";
    return {};
}

std::string upload_error(int status, std::string_view body, const protocol::FileLimits& limits) {
    if (status == 0) return "The upload failed: no answer from the server.";
    std::string code, message;
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object()) {
        if (auto c = j.find("code"); c != j.end() && c->is_string()) code = c->get<std::string>();
        if (auto m = j.find("message"); m != j.end() && m->is_string()) message = m->get<std::string>();
    }
    if (code == "too_large" && limits.max_bytes > 0)
        return "The file is too large: the limit is " + format_bytes(limits.max_bytes) + ".";
    if (code == "type_not_allowed") return "Files of this type cannot be sent.";
    if (code == "closed") return "The contact is closed.";
    if (!message.empty()) return "The server refused the file: " + message;
    return "The server refused the file (HTTP " + std::to_string(status) + ").";
}

void apply_upload(ConsoleState& s, const event::UploadStarted& e) {
    if (HeldContact* h = held(s, e.contact)) h->upload = FileUpload{e.name, e.size, 0, FileUpload::State::uploading, {}};
}

void apply_upload(ConsoleState& s, const event::UploadProgress& e) {
    HeldContact* h = held(s, e.contact);
    if (!h || !h->upload || h->upload->state != FileUpload::State::uploading) return;
    h->upload->sent = std::min(std::max(h->upload->sent, e.sent), h->upload->size);
}

void apply_upload(ConsoleState& s, const event::UploadEnded& e) {
    HeldContact* h = held(s, e.contact);
    if (!h || !h->upload || h->upload->state != FileUpload::State::uploading) return;
    if (e.error.empty()) {
        h->upload.reset(); // its `file` event shows it in the transcript
        return;
    }
    h->upload->state = FileUpload::State::failed;
    h->upload->error = e.error;
}

void apply_upload(ConsoleState& s, const event::UploadRefused& e) {
    if (HeldContact* h = held(s, e.contact)) h->upload = FileUpload{e.name, e.size, 0, FileUpload::State::failed, e.error};
}

void apply_upload(ConsoleState& s, const event::UploadDismissed& e) {
    HeldContact* h = held(s, e.contact);
    if (h && h->upload && h->upload->state == FileUpload::State::failed) h->upload.reset();
}

nlohmann::json upload_json(const HeldContact& h) {
    if (!h.upload) return nullptr;
    const FileUpload& u = *h.upload;
    return {{"name", u.name},
            {"size", u.size},
            {"sent", u.sent},
            {"state", u.state == FileUpload::State::uploading ? "uploading" : "failed"},
            {"error", u.error}};
}

} // namespace sb::console
