// The console's theme, headless: the settings popup's "Dark theme" switches the variant at once and hands the
// choice to the platform to keep; views draw with the variant's colours; text stays readable on both. (Every
// view test also runs under the dark variant: the "dark." tests, tests/unit/console/CMakeLists.txt.)
#include "console/theme.h"
#include "console_fixtures.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <imgui.h>
#include <set>

using namespace sb;
using namespace sb::console;
using namespace sb::console::fixtures;

namespace {
// Every vertex colour the last frame drew.
std::set<ImU32> drawn_colours() {
    std::set<ImU32> out;
    const ImDrawData* d = ImGui::GetDrawData();
    for (int i = 0; d && i < d->CmdListsCount; ++i)
        for (const ImDrawVert& v : d->CmdLists[i]->VtxBuffer)
            out.insert(v.col);
    return out;
}

ImU32 style_colour(ImGuiCol c) {
    return ImGui::ColorConvertFloat4ToU32(ImGui::GetStyle().Colors[c]);
}
ImU32 style_colour(theme::Variant v, ImGuiCol c) {
    return ImGui::ColorConvertFloat4ToU32(theme::style(v).Colors[c]);
}

// WCAG 2 contrast ratio of two opaque colours.
double contrast(ImU32 a, ImU32 b) {
    auto lum = [](ImU32 c) {
        auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        const ImVec4 f = ImGui::ColorConvertU32ToFloat4(c);
        return 0.2126 * lin(f.x) + 0.7152 * lin(f.y) + 0.0722 * lin(f.z);
    };
    const double la = lum(a), lb = lum(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
} // namespace

TEST(Theme, TheSettingsCheckboxSwitchesToTheDarkThemeAtOnceAndHandsTheChoiceToThePlatform) {
    headless::Console c;
    c.app.load_theme(false);
    std::vector<bool> saved;
    c.app.set_theme_saver([&](bool dark) { saved.push_back(dark); });
    log_in(c);
    ASSERT_TRUE(c.click("status.settings"));
    ASSERT_TRUE(c.drawn("settings.dark"));
    EXPECT_EQ(style_colour(ImGuiCol_WindowBg), style_colour(theme::Variant::light, ImGuiCol_WindowBg));

    ASSERT_TRUE(c.click("settings.dark"));
    EXPECT_TRUE(c.app.ui().dark_theme);
    EXPECT_EQ(theme::current(), theme::Variant::dark);
    EXPECT_EQ(style_colour(ImGuiCol_WindowBg), style_colour(theme::Variant::dark, ImGuiCol_WindowBg));
    EXPECT_EQ(style_colour(ImGuiCol_Text), style_colour(theme::Variant::dark, ImGuiCol_Text));
    EXPECT_EQ(saved, std::vector<bool>{true});
    EXPECT_TRUE(c.drawn("settings.dark")) << "the popup stays open";

    ASSERT_TRUE(c.click("settings.dark"));
    EXPECT_FALSE(c.app.ui().dark_theme);
    EXPECT_EQ(style_colour(ImGuiCol_WindowBg), style_colour(theme::Variant::light, ImGuiCol_WindowBg));
    EXPECT_EQ(saved, (std::vector<bool>{true, false}));
}

TEST(Theme, AThemeRestoredByThePlatformIsAppliedNotSavedAgain) {
    headless::Console c;
    int saves = 0;
    c.app.set_theme_saver([&](bool) { ++saves; });
    c.app.load_theme(true);
    c.frames(2);
    EXPECT_TRUE(c.app.ui().dark_theme);
    EXPECT_EQ(style_colour(ImGuiCol_WindowBg), style_colour(theme::Variant::dark, ImGuiCol_WindowBg));
    EXPECT_EQ(saves, 0);
}

TEST(Theme, ThePanelAndTranscriptFollowTheVariant) {
    headless::Console c;
    log_in(c);
    take(c);
    c.app.load_theme(false);
    c.frames(2);
    auto light = drawn_colours();
    EXPECT_TRUE(light.count(theme::palette(theme::Variant::light).panel));
    EXPECT_TRUE(light.count(theme::palette(theme::Variant::light).transcript));

    c.app.load_theme(true);
    c.frames(2);
    auto dark = drawn_colours();
    const theme::Palette& d = theme::palette(theme::Variant::dark);
    EXPECT_TRUE(dark.count(d.panel));
    EXPECT_TRUE(dark.count(d.transcript));
    EXPECT_TRUE(dark.count(d.agent_name)) << "the agent's name on their message";
    EXPECT_TRUE(dark.count(d.link)) << "the pushed link";
    EXPECT_FALSE(dark.count(theme::palette(theme::Variant::light).panel)) << "no light surface left";
    // The domain colours keep their meaning: the header's chat box teal, the active chat channel's green.
    EXPECT_TRUE(dark.count(theme::chat_box));
    EXPECT_TRUE(dark.count(theme::channel_active));
}

TEST(Theme, TextIsReadableOnItsBackgroundInBothVariants) {
    for (theme::Variant v : {theme::Variant::light, theme::Variant::dark}) {
        const theme::Palette& p = theme::palette(v);
        const ImGuiStyle s = theme::style(v);
        const ImU32 text = ImGui::ColorConvertFloat4ToU32(s.Colors[ImGuiCol_Text]);
        const ImU32 window = ImGui::ColorConvertFloat4ToU32(s.Colors[ImGuiCol_WindowBg]);
        const ImU32 disabled = ImGui::ColorConvertFloat4ToU32(s.Colors[ImGuiCol_TextDisabled]);
        const char* name = v == theme::Variant::dark ? "dark" : "light";
        EXPECT_GE(contrast(text, window), 7.0) << name;
        EXPECT_GE(contrast(text, p.panel), 7.0) << name;
        EXPECT_GE(contrast(text, p.transcript), 7.0) << name;
        EXPECT_GE(contrast(disabled, p.panel), 3.0) << name;
        EXPECT_GE(contrast(p.muted_text, p.transcript), 3.0) << name;
        for (ImU32 words : {p.link, p.agent_name, p.visitor_name, p.translation})
            EXPECT_GE(contrast(words, p.transcript), 4.5) << name;
        EXPECT_GE(contrast(p.error_text, p.notice_bg), 4.5) << name;
        EXPECT_GE(contrast(p.error_text, window), 4.5) << name;
        EXPECT_GE(contrast(p.accent, p.panel), 3.0) << name;
        // The unread marker and the dissuasion red stay visible on the transcript and the panel.
        EXPECT_GE(contrast(theme::unread, p.transcript), 3.0) << name;
        EXPECT_GE(contrast(theme::dissuasion, p.panel), 3.0) << name;
        // A dark-grey (available) channel stands out from the panel, by itself or by its ring.
        EXPECT_GE(contrast(p.channel_ring ? p.channel_ring : theme::channel_available, p.panel), 2.5) << name;
    }
}
