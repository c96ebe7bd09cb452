// The console's fonts (console/fonts.h): which texts need the emoji font, and that the atlas then draws emoji
// and dingbats with the files scripts/setup places in assets/fonts.
#include "console/fonts.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace sb::console {
namespace {

std::vector<unsigned char> font_file(const std::string& name) {
    std::ifstream in(std::string(SB_FONTS_DIR) + "/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Fonts, OnlyTextsWithEmojiNeedTheEmojiFont) {
    EXPECT_TRUE(fonts::has_emoji("Grazie \xF0\x9F\x99\x82"));              // U+1F642
    EXPECT_TRUE(fonts::has_emoji("{\"text\":\"\xF0\x9F\x9A\x80 ok\"}"));   // U+1F680, inside a frame
    EXPECT_FALSE(fonts::has_emoji("Citt\xC3\xA0, \xE2\x9D\xA4, \xE6\x97\xA5\xE6\x9C\xAC")); // à, the heart, 日本
    EXPECT_FALSE(fonts::has_emoji("\xF0\x90\x8D\x88"));                      // U+10348, Gothic: not an emoji block
    EXPECT_FALSE(fonts::has_emoji("cut short \xF0"));
    EXPECT_FALSE(fonts::has_emoji(""));
}

TEST(Fonts, TheEmojiFontIsAskedForOnce) {
    EXPECT_FALSE(fonts::emoji_font_wanted("no emoji here"));
    EXPECT_TRUE(fonts::emoji_font_wanted("\xF0\x9F\x98\x80"));
    EXPECT_FALSE(fonts::emoji_font_wanted("\xF0\x9F\x98\x80 again"));
}

TEST(Fonts, TheAtlasDrawsEmojiOnceTheEmojiFontIsThere) {
    const auto text = font_file("DejaVuSans.ttf"), emoji = font_file("emoji.ttf");
    ASSERT_FALSE(text.empty()) << "run scripts/setup: " << SB_FONTS_DIR << "/DejaVuSans.ttf";
    ASSERT_FALSE(emoji.empty()) << "run scripts/setup: " << SB_FONTS_DIR << "/emoji.ttf";
    ImGui::CreateContext();
    fonts::set_data(fonts::Kind::text, text);
    fonts::build(1.0f);
    ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
    EXPECT_NE(font->FindGlyphNoFallback(0x2764), nullptr);  // the heart, a dingbat: DejaVu has it
    EXPECT_EQ(font->FindGlyphNoFallback(0x1F642), nullptr); // no emoji yet
    fonts::set_data(fonts::Kind::emoji, emoji);
    fonts::build(2.0f);
    font = ImGui::GetIO().Fonts->Fonts[0];
    for (ImWchar cp : {0x1F642, 0x1F600, 0x1F44D, 0x1F680, 0x1F914})
        EXPECT_NE(font->FindGlyphNoFallback(cp), nullptr) << std::hex << cp;
    EXPECT_NE(font->FindGlyphNoFallback(U'à'), nullptr); // text still from DejaVu
    fonts::set_data(fonts::Kind::text, {});
    fonts::set_data(fonts::Kind::emoji, {});
    ImGui::DestroyContext();
}

} // namespace
} // namespace sb::console
