#include "console/automation.h"
#include "console/flags.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <imgui_internal.h>

namespace sb::console::views {
namespace {
constexpr float pi = 3.14159265358979f;
}

bool primary_button(const char* label, float width) {
    ImGui::PushStyleColor(ImGuiCol_Button, theme::waiting_area);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, theme::rgb(0x3d7592));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, theme::chat_box);
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32_WHITE);
    bool clicked = ImGui::Button(label, ImVec2(width, 0));
    ImGui::PopStyleColor(4);
    return clicked;
}

ImU32 loader_color(double progress) {
    // Teal while there is time, progressively red (#dd5b62) as the deadline nears.
    const ImVec4 from = ImGui::ColorConvertU32ToFloat4(theme::rgb(0x3d8cb0));
    const ImVec4 to = ImGui::ColorConvertU32ToFloat4(theme::dissuasion);
    const float t = static_cast<float>(progress < 0 ? 0 : progress > 1 ? 1 : progress);
    const float k = t * t; // stays calm for most of the time, turns fast near the end
    return ImGui::ColorConvertFloat4ToU32(ImVec4(from.x + (to.x - from.x) * k, from.y + (to.y - from.y) * k,
                                                 from.z + (to.z - from.z) * k, 1.0f));
}

void dissuasion_loader(ImDrawList* dl, ImVec2 c, float r, double progress, const char* icon) {
    const float thickness = std::max(3.0f, r * 0.2f);
    const ImU32 col = loader_color(progress);
    dl->AddCircleFilled(c, r, IM_COL32_WHITE, 32);
    dl->AddCircle(c, r - thickness * 0.5f, theme::rgb(0xe3e6e8), 32, thickness);
    if (progress > 0.0) {
        const float a0 = -pi * 0.5f;
        const float a1 = a0 + static_cast<float>(progress) * 2.0f * pi;
        dl->PathArcTo(c, r - thickness * 0.5f, a0, a1, 32);
        dl->PathStroke(col, 0, thickness);
    }
    const ImVec2 sz = ImGui::CalcTextSize(icon);
    dl->AddText(ImVec2(c.x - sz.x * 0.5f, c.y - sz.y * 0.5f), col, icon);
}

const char* type_icon(ContactType t) {
    switch (t) {
    case ContactType::chat: return icon::chat;
    case ContactType::callback: return icon::callback;
    case ContactType::call: return icon::voice;
    case ContactType::video: return icon::video;
    case ContactType::weblead: return icon::weblead;
    }
    return icon::chat;
}

const char* channel_icon(Channel c) {
    switch (c) {
    case Channel::chat: return icon::chat;
    case Channel::sharing: return icon::sharing;
    case Channel::voice: return icon::voice;
    case Channel::video: return icon::video;
    }
    return icon::chat;
}

ImU32 channel_color(ChannelState s) {
    switch (s) {
    case ChannelState::active: return theme::channel_active;
    case ChannelState::connecting: return theme::channel_connecting;
    case ChannelState::available: return theme::channel_available;
    case ChannelState::unavailable: return theme::channel_unavailable;
    }
    return theme::channel_unavailable;
}

std::string format_duration(std::int64_t ms) {
    if (ms < 0) ms = 0;
    const long long total = ms / 1000, h = total / 3600, m = (total / 60) % 60, sec = total % 60;
    char buf[32];
    if (h > 0)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", h, m, sec);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", m, sec);
    return buf;
}

std::string format_time(std::int64_t epoch_ms) {
    const std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", tm.tm_hour, tm.tm_min);
    return buf;
}

bool input_text(const char* id, std::string& text, ImGuiInputTextFlags flags) {
    auto grow = [](ImGuiInputTextCallbackData* d) {
        if (d->EventFlag == ImGuiInputTextFlags_CallbackResize) {
            auto* str = static_cast<std::string*>(d->UserData);
            str->resize(static_cast<std::size_t>(d->BufTextLen));
            d->Buf = str->data();
        }
        return 0;
    };
    return ImGui::InputText(id, text.data(), text.capacity() + 1, flags | ImGuiInputTextFlags_CallbackResize, grow,
                            &text);
}

float country_badge(ImDrawList* dl, UiState& ui, const std::string& country, ImVec2 at, ImU32 text_col,
                    ImU32 box_col, const std::string& name) {
    const float fh = ImGui::GetFontSize();
    const FlagImage flag = ui.flags && flag_code(country) ? ui.flags->flag(country) : FlagImage{}; // never a path
    if (flag.texture && flag.width > 0 && flag.height > 0) {
        // 16x11 at the base font size, scaled with the text; framed, for white flags on light rows.
        const float h = std::max(8.0f, std::round(fh * 0.75f));
        const float w = std::round(h * static_cast<float>(flag.width) / static_cast<float>(flag.height));
        const ImVec2 a(at.x, at.y + std::round((fh - h) * 0.5f)), b(a.x + w, a.y + h);
        dl->AddImage(reinterpret_cast<ImTextureID>(flag.texture), a, b);
        dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), box_col);
        automation::mark_rect(name + ".flag", a, b, country);
        if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(a, b)) {
            ImGui::BeginTooltipEx(ImGuiTooltipFlags_OverridePrevious, ImGuiWindowFlags_None); // instead of the row's
            ImGui::TextUnformatted(country.c_str());
            automation::mark("country.tooltip", country);
            ImGui::EndTooltip();
        }
        return b.x + 10.0f;
    }
    const ImVec2 sz = ImGui::CalcTextSize(country.c_str());
    dl->AddRect(ImVec2(at.x - 3, at.y - 1), ImVec2(at.x + sz.x + 3, at.y + sz.y + 1), box_col, 3.0f);
    dl->AddText(at, text_col, country.c_str());
    automation::mark_rect(name + ".country", at, ImVec2(at.x + sz.x, at.y + sz.y), country);
    return at.x + sz.x + 10.0f;
}

ImU32 parse_color(const std::string& hex, ImU32 fallback) {
    if (hex.size() != 7 || hex[0] != '#') return fallback;
    unsigned v = 0;
    for (std::size_t i = 1; i < 7; ++i) {
        const char ch = hex[i];
        unsigned d = 0;
        if (ch >= '0' && ch <= '9') d = static_cast<unsigned>(ch - '0');
        else if (ch >= 'a' && ch <= 'f') d = static_cast<unsigned>(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F') d = static_cast<unsigned>(ch - 'A' + 10);
        else return fallback;
        v = v * 16 + d;
    }
    return theme::rgb(v);
}

std::span<const NamedColor> color_palette() {
    static constexpr NamedColor palette[] = {
        {"#2e86de", "General inquiry"},       {"#27ae60", "Technical support"},
        {"#e67e22", "Problems filling forms"}, {"#8e44ad", "Cannot find information"},
        {"#dd5b62", "Complaint"},              {"#f1c40f", "Priority"},
    };
    return palette;
}

} // namespace sb::console::views
