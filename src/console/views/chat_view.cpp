#include "console/automation.h"
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
} // namespace

void chat_view(const HeldContact& c, ContactUi& cu, UiState& ui, Actions& out, ImVec2 size) {
    const std::string base = "panel." + c.view.id;
    const bool closed = c.view.state == ContactState::closed;
    const float input_h = ImGui::GetTextLineHeight() * 3 + ImGui::GetStyle().FramePadding.y * 2;
    const float upload_h = has_upload_status(c) ? upload_status_height() : 0.0f;
    const float transcript_h = size.y - input_h - upload_h - ImGui::GetStyle().ItemSpacing.y;

    transcript(c, cu, out, ImVec2(size.x, transcript_h > 40 ? transcript_h : 40));

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
