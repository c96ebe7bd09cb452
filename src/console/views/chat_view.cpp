#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <string>

namespace sb::console::views {
namespace {
// The message input's callback: grows the string, turns Enter (without Shift) into "send", and empties the
// field once sent (ImGui keeps its own copy of an active field's text, so it is emptied from inside).
struct InputContext {
    std::string* text;
    bool enter = false;
    std::string sent;
};

int input_callback(ImGuiInputTextCallbackData* d) {
    auto* ctx = static_cast<InputContext*>(d->UserData);
    switch (d->EventFlag) {
    case ImGuiInputTextFlags_CallbackResize:
        ctx->text->resize(static_cast<std::size_t>(d->BufTextLen));
        d->Buf = ctx->text->data();
        break;
    case ImGuiInputTextFlags_CallbackCharFilter:
        // A newline from the Enter key (not one pasted): Enter sends, Shift+Enter keeps the newline.
        if (d->EventChar == '\n' && !ImGui::GetIO().KeyShift &&
            (ImGui::IsKeyPressed(ImGuiKey_Enter, false) || ImGui::IsKeyPressed(ImGuiKey_KeypadEnter, false))) {
            ctx->enter = true;
            return 1;
        }
        break;
    case ImGuiInputTextFlags_CallbackAlways:
        if (ctx->enter && d->BufTextLen > 0) {
            ctx->sent.assign(d->Buf, static_cast<std::size_t>(d->BufTextLen));
            d->DeleteChars(0, d->BufTextLen);
        }
        break;
    default: break;
    }
    return 0;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

void entry_line(const HeldContact& c, const TranscriptEntry& t, Actions& out) {
    const ImU32 grey = theme::rgb(0x7c868c);
    ImGui::PushID(static_cast<int>(t.seq));
    switch (t.kind) {
    case TranscriptEntry::Kind::file: file_entry(c, t, out); break;
    case TranscriptEntry::Kind::note: {
        ImGui::PushStyleColor(ImGuiCol_Text, grey);
        ImGui::TextWrapped("%s  %s", format_time(t.at).c_str(), t.text.c_str());
        ImGui::PopStyleColor();
        break;
    }
    case TranscriptEntry::Kind::link: {
        ImGui::PushStyleColor(ImGuiCol_Text, grey);
        ImGui::Text("%s  %s Link pushed:", format_time(t.at).c_str(), icon::link);
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, theme::rgb(0x2e6da4));
        ImGui::TextUnformatted(t.text.c_str());
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) {
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
            ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, b.y), b, theme::rgb(0x2e6da4));
        }
        if (ImGui::IsItemClicked()) out.push_back(action::OpenUrl{t.text});
        break;
    }
    case TranscriptEntry::Kind::message: {
        const bool agent = t.from == protocol::Party::agent;
        ImGui::PushStyleColor(ImGuiCol_Text, grey);
        ImGui::TextUnformatted(format_time(t.at).c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        const std::string who = !t.author.empty() ? t.author : agent ? "You" : (c.view.customer.name.empty() ? "Visitor" : c.view.customer.name);
        ImGui::PushStyleColor(ImGuiCol_Text, agent ? theme::chat_box : theme::rgb(0xb0474e));
        ImGui::TextUnformatted(who.c_str());
        ImGui::PopStyleColor();
        if (agent) { // read mark: one grey check when sent, two teal checks once the visitor has read it
            ImGui::SameLine();
            const bool read = t.seq <= c.visitor_read_up_to;
            ImGui::PushStyleColor(ImGuiCol_Text, read ? theme::channel_active : grey);
            ImGui::TextUnformatted(read ? icon::check_double : icon::check);
            ImGui::PopStyleColor();
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", read ? "Read by the visitor" : "Sent");
        }
        ImGui::Indent(8);
        ImGui::TextWrapped("%s", t.text.c_str());
        translation_line(c, t); // its automatic translation, if any (translate_tool.cpp)
        ImGui::Unindent(8);
        break;
    }
    }
    ImGui::PopID();
}
} // namespace

void chat_view(const HeldContact& c, ContactUi& cu, UiState& ui, Actions& out, ImVec2 size) {
    const std::string base = "panel." + c.view.id;
    const bool closed = c.view.state == ContactState::closed;
    const float input_h = ImGui::GetTextLineHeight() * 3 + ImGui::GetStyle().FramePadding.y * 2;
    const float upload_h = has_upload_status(c) ? upload_status_height() : 0.0f;
    const float transcript_h = size.y - input_h - upload_h - ImGui::GetStyle().ItemSpacing.y;

    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32_WHITE);
    ImGui::BeginChild("##transcript", ImVec2(size.x, transcript_h > 40 ? transcript_h : 40), ImGuiChildFlags_Border);
    const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 4.0f;
    bool marker_drawn = false;
    for (const auto& t : c.transcript) {
        if (!marker_drawn && cu.marker_set && cu.marker_until > cu.marker_up_to && t.kind == TranscriptEntry::Kind::message &&
            t.from == protocol::Party::visitor && t.seq > cu.marker_up_to) {
            marker_drawn = true; // the unread marker: where the new messages start
            const ImVec2 p = ImGui::GetCursorScreenPos();
            const float w = ImGui::GetContentRegionAvail().x;
            const char* label = "new messages";
            const ImVec2 sz = ImGui::CalcTextSize(label);
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const float y = p.y + sz.y * 0.5f;
            dl->AddLine(ImVec2(p.x, y), ImVec2(p.x + (w - sz.x) * 0.5f - 6, y), theme::unread);
            dl->AddLine(ImVec2(p.x + (w + sz.x) * 0.5f + 6, y), ImVec2(p.x + w, y), theme::unread);
            dl->AddText(ImVec2(p.x + (w - sz.x) * 0.5f, p.y), theme::unread, label);
            ImGui::Dummy(ImVec2(w, sz.y));
            automation::mark(base + ".unread-marker");
        }
        entry_line(c, t, out);
    }
    if (c.visitor_typing) ImGui::TextDisabled("%s %s is writing...", icon::typing,
                                             c.view.customer.name.empty() ? "The visitor" : c.view.customer.name.c_str());
    if (cu.lines_seen != c.transcript.size()) { // follow new lines, unless the agent scrolled up to read
        if (at_bottom || cu.lines_seen == 0) ImGui::SetScrollHereY(1.0f);
        cu.lines_seen = c.transcript.size();
    }
    ImGui::EndChild();
    automation::mark(base + ".transcript");
    ImGui::PopStyleColor();

    upload_status(c, out); // the agent's file upload, if any: progress or why it failed
    // The input: Enter sends, Shift+Enter starts a new line.
    ImGui::BeginDisabled(closed);
    const float send_w = ImGui::CalcTextSize("Send").x + ImGui::GetStyle().FramePadding.x * 2 + 8;
    InputContext ctx{&cu.input, false, {}};
    if (ui.focus_input == c.view.id) { // Alt+I
        if (!closed) {
            ImGui::SetWindowFocus(); // the focus request only lands in the focused window's focus scope
            ImGui::SetKeyboardFocusHere();
        }
        ui.focus_input.clear();
    }
    const bool edited = ImGui::InputTextMultiline(
        "##input", cu.input.data(), cu.input.capacity() + 1,
        ImVec2(size.x - send_w - ImGui::GetStyle().ItemSpacing.x, input_h),
        ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_CallbackCharFilter |
            ImGuiInputTextFlags_CallbackAlways,
        &input_callback, &ctx);
    automation::mark(base + ".input");
    ImGui::SameLine();
    const bool clicked = primary_button("Send", send_w);
    automation::mark(base + ".send");
    ImGui::EndDisabled();

    std::string text;
    if (ctx.enter) {
        text = std::move(ctx.sent);
    } else if (clicked) {
        text = cu.input;
        cu.input.clear();
    }
    if (!text.empty() && !blank(text) && !closed) {
        out.push_back(action::Send{c.view.id, text});
        cu.typing_sent = false;
        cu.lines_seen = 0; // scroll to the end for the agent's own message
    } else if (edited && !closed) {
        const bool typing = !cu.input.empty();
        if (typing || cu.typing_sent) out.push_back(action::Typing{c.view.id, typing});
        cu.typing_sent = typing;
    }
}

} // namespace sb::console::views
