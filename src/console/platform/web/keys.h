// KeyboardEvent.code -> ImGuiKey.
#pragma once
#include <cstring>
#include <imgui.h>

namespace sb::console::web {

inline ImGuiKey key_from_code(const char* code) {
    if (std::strncmp(code, "Key", 3) == 0 && code[3] >= 'A' && code[3] <= 'Z' && code[4] == 0)
        return static_cast<ImGuiKey>(ImGuiKey_A + (code[3] - 'A'));
    if (std::strncmp(code, "Digit", 5) == 0 && code[5] >= '0' && code[5] <= '9' && code[6] == 0)
        return static_cast<ImGuiKey>(ImGuiKey_0 + (code[5] - '0'));
    if (code[0] == 'F' && code[1] >= '1' && code[1] <= '9') {
        int n = code[1] - '0';
        if (code[2] >= '0' && code[2] <= '9' && code[3] == 0) n = n * 10 + (code[2] - '0');
        else if (code[2] != 0) return ImGuiKey_None;
        if (n >= 1 && n <= 12) return static_cast<ImGuiKey>(ImGuiKey_F1 + n - 1);
        return ImGuiKey_None;
    }
    struct Entry {
        const char* code;
        ImGuiKey key;
    };
    static const Entry table[] = {
        {"Tab", ImGuiKey_Tab},           {"ArrowLeft", ImGuiKey_LeftArrow},   {"ArrowRight", ImGuiKey_RightArrow},
        {"ArrowUp", ImGuiKey_UpArrow},   {"ArrowDown", ImGuiKey_DownArrow},   {"PageUp", ImGuiKey_PageUp},
        {"PageDown", ImGuiKey_PageDown}, {"Home", ImGuiKey_Home},             {"End", ImGuiKey_End},
        {"Insert", ImGuiKey_Insert},     {"Delete", ImGuiKey_Delete},         {"Backspace", ImGuiKey_Backspace},
        {"Space", ImGuiKey_Space},       {"Enter", ImGuiKey_Enter},           {"NumpadEnter", ImGuiKey_KeypadEnter},
        {"Escape", ImGuiKey_Escape},     {"ShiftLeft", ImGuiKey_LeftShift},   {"ShiftRight", ImGuiKey_RightShift},
        {"ControlLeft", ImGuiKey_LeftCtrl}, {"ControlRight", ImGuiKey_RightCtrl}, {"AltLeft", ImGuiKey_LeftAlt},
        {"AltRight", ImGuiKey_RightAlt}, {"MetaLeft", ImGuiKey_LeftSuper},   {"MetaRight", ImGuiKey_RightSuper},
        {"Slash", ImGuiKey_Slash},       {"Period", ImGuiKey_Period},         {"Comma", ImGuiKey_Comma},
        {"Minus", ImGuiKey_Minus},       {"Equal", ImGuiKey_Equal},           {"Semicolon", ImGuiKey_Semicolon},
        {"Quote", ImGuiKey_Apostrophe},  {"BracketLeft", ImGuiKey_LeftBracket}, {"BracketRight", ImGuiKey_RightBracket},
        {"Backslash", ImGuiKey_Backslash}, {"Backquote", ImGuiKey_GraveAccent},
    };
    for (const auto& e : table)
        if (std::strcmp(code, e.code) == 0) return e.key;
    return ImGuiKey_None;
}

} // namespace sb::console::web
