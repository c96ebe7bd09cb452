#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"
#include "core/uploads.h"

#include <algorithm>
#include <string>

namespace sb::console::views {
namespace {
ImU32 grey() { return theme::palette().muted_text; }
ImU32 link_blue() { return theme::palette().link; }

// "12:04  Maria sent a file:"
std::string file_heading(const HeldContact& c, const TranscriptEntry& t) {
    const bool agent = t.from == protocol::Party::agent;
    const std::string who = !t.author.empty() ? t.author : agent ? "You" : (c.view.customer.name.empty() ? "Visitor" : c.view.customer.name);
    return format_time(t.at) + "  " + who + " sent a file:";
}
std::string file_label(const TranscriptEntry& t) { return std::string(icon::file) + " " + t.text; }
std::string file_size(const TranscriptEntry& t) { return "(" + format_bytes(t.size) + ")"; }
} // namespace

void file_entry(const HeldContact& c, const TranscriptEntry& t, Actions& out) {
    ImGui::PushStyleColor(ImGuiCol_Text, grey());
    ImGui::TextUnformatted(file_heading(c, t).c_str());
    ImGui::PopStyleColor();
    ImGui::Indent(8);
    const std::string label = file_label(t);
    ImGui::PushStyleColor(ImGuiCol_Text, t.url.empty() ? grey() : link_blue());
    ImGui::TextUnformatted(label.c_str());
    ImGui::PopStyleColor();
    automation::mark("panel." + c.view.id + ".file." + std::to_string(t.seq));
    if (!t.url.empty() && ImGui::IsItemHovered()) {
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, b.y), b, link_blue());
        ImGui::SetTooltip("Open %s", t.text.c_str());
    }
    if (!t.url.empty() && ImGui::IsItemClicked()) out.push_back(action::OpenUrl{t.url});
    ImGui::SameLine();
    ImGui::TextDisabled("%s", file_size(t).c_str());
    ImGui::Unindent(8);
}

float file_entry_height(const HeldContact& c, const TranscriptEntry& t) {
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    return text_height(file_heading(c, t).c_str()) + gap +
           std::max(text_height(file_label(t).c_str()), text_height(file_size(t))) + gap;
}

bool has_upload_status(const HeldContact& c) { return c.upload.has_value(); }

float upload_status_height() { return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y; }

void upload_status(const HeldContact& c, Actions& out) {
    if (!c.upload) return;
    const FileUpload& u = *c.upload;
    const std::string base = "panel." + c.view.id;
    ImGui::PushID("##upload");
    const float close_w = ImGui::CalcTextSize("Cancel").x + ImGui::GetStyle().FramePadding.x * 2;
    const float avail = ImGui::GetContentRegionAvail().x;
    const float x0 = ImGui::GetCursorPosX();
    if (u.state == FileUpload::State::uploading) {
        const float fraction = u.size > 0 ? static_cast<float>(static_cast<double>(u.sent) / static_cast<double>(u.size)) : 0.0f;
        const std::string overlay = std::string(icon::upload) + " " + u.name + "  " +
                                    std::to_string(static_cast<int>(fraction * 100.0f + 0.5f)) + "%";
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, theme::chat_box);
        ImGui::ProgressBar(fraction, ImVec2(avail - close_w - ImGui::GetStyle().ItemSpacing.x, 0), overlay.c_str());
        ImGui::PopStyleColor();
        automation::mark(base + ".upload-status");
        ImGui::SameLine();
        if (ImGui::Button("Cancel", ImVec2(close_w, 0))) out.push_back(action::CancelUpload{c.view.id});
        automation::mark(base + ".upload-cancel");
    } else {
        ImGui::AlignTextToFramePadding();
        ImGui::PushStyleColor(ImGuiCol_Text, theme::dissuasion);
        const std::string text = std::string(icon::warning) + " " + u.error;
        ImGui::TextUnformatted(text.c_str()); // one line (the panel clips it); the tooltip has it whole
        ImGui::PopStyleColor();
        automation::mark(base + ".upload-status");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", u.error.c_str());
        ImGui::SameLine(x0 + avail - close_w);
        if (ImGui::Button(icon::stop, ImVec2(close_w, 0))) out.push_back(action::DismissUpload{c.view.id});
        automation::mark(base + ".upload-dismiss");
    }
    ImGui::PopID();
}

std::string upload_tip(const ConsoleState& s) {
    if (s.file_limits.max_bytes == 0) return "Send a file";
    return "Send a file (up to " + format_bytes(s.file_limits.max_bytes) + ")";
}

} // namespace sb::console::views
