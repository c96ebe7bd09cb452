// Country flags in the pending drawer, headless: the code as text while the platform has no flag for it, the
// flag's image once it has, the code as the flag's tooltip; and which codes may ever be fetched.
#include "console/automation.h"
#include "console/flags.h"
#include "console_fixtures.h"

#include <gtest/gtest.h>
#include <imgui.h>
#include <map>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;
using namespace sb::console::fixtures;
using namespace sb::protocol;

namespace {
// The platform's flags, faked: the images it has, and every code the views asked for.
struct FakeFlags final : Flags {
    std::map<std::string, FlagImage, std::less<>> have;
    std::vector<std::string> asked;
    FlagImage flag(std::string_view country) override {
        asked.emplace_back(country);
        auto it = have.find(country);
        return it == have.end() ? FlagImage{} : it->second;
    }
};

// Whether the last frame drew anything from this texture.
bool drew_texture(std::uintptr_t texture) {
    const ImDrawData* d = ImGui::GetDrawData();
    for (int i = 0; d && i < d->CmdListsCount; ++i)
        for (const ImDrawCmd& cmd : d->CmdLists[i]->CmdBuffer)
            if (reinterpret_cast<std::uintptr_t>(cmd.GetTexID()) == texture && cmd.ElemCount > 0) return true;
    return false;
}

void open_drawer(headless::Console& c, std::vector<ContactView> waiting) {
    log_in(c);
    feed(c, QueueWaiting{T0, std::move(waiting)});
    ASSERT_TRUE(c.hover("waiting.area"));
    ASSERT_TRUE(c.drawn("drawer"));
}
} // namespace

TEST(FlagCode, OnlyTwoLettersMakeAFlagFileName) {
    EXPECT_EQ(flag_code("IT"), "it");
    EXPECT_EQ(flag_code("it"), "it");
    EXPECT_EQ(flag_code("gB"), "gb");
    for (const char* bad : {"", "I", "ITA", "..", "./", "i/", "1T", "I ", "\xc3\xa9", "%2e"})
        EXPECT_FALSE(flag_code(bad).has_value()) << bad;
    EXPECT_FALSE(flag_code(std::string_view("I\0", 2)).has_value());
}

TEST(CountryFlags, TheDrawerShowsTheCodeWhenThePlatformHasNoFlags) {
    headless::Console c; // no Flags at all: the native console, or a platform without them
    open_drawer(c, {pending("k-1", T0 - 20'000)});
    EXPECT_TRUE(c.drawn("drawer.contact.k-1.country"));
    EXPECT_EQ(automation::text("drawer.contact.k-1.country"), "IT");
    EXPECT_FALSE(c.drawn("drawer.contact.k-1.flag"));
}

TEST(CountryFlags, TheCodeShowsUntilTheFlagIsThereThenTheImage) {
    headless::Console c;
    FakeFlags flags;
    c.app.ui().flags = &flags;
    open_drawer(c, {pending("k-1", T0 - 20'000), pending("k-2", T0 - 5000, "John", "us")});
    ASSERT_FALSE(flags.asked.empty()) << "drawing a country asks the platform for its flag";
    EXPECT_EQ(flags.asked.front(), "IT");
    EXPECT_TRUE(c.drawn("drawer.contact.k-1.country")) << "no flag yet: the code";
    EXPECT_EQ(automation::text("drawer.contact.k-2.country"), "us");

    flags.have["IT"] = FlagImage{77, 16, 11}; // the platform loaded it
    c.frames(2);
    EXPECT_TRUE(c.drawn("drawer.contact.k-1.flag"));
    EXPECT_FALSE(c.drawn("drawer.contact.k-1.country"));
    EXPECT_EQ(automation::text("drawer.contact.k-1.flag"), "IT");
    EXPECT_TRUE(drew_texture(77)) << "the flag is drawn from the platform's texture";
    EXPECT_TRUE(c.drawn("drawer.contact.k-2.country"))
        << "another country keeps its code until its flag comes";

    // Drawn at the image's proportions, about the height of the text.
    auto r = nlohmann::json::parse(automation::locate_json("drawer.contact.k-1.flag"));
    EXPECT_NEAR(r["w"].get<float>() / r["h"].get<float>(), 16.0f / 11.0f, 0.1f);
    EXPECT_LE(r["h"].get<float>(), ImGui::GetFontSize());
}

TEST(CountryFlags, HoveringTheFlagShowsTheCode) {
    headless::Console c;
    FakeFlags flags;
    flags.have["IT"] = FlagImage{77, 16, 11};
    c.app.ui().flags = &flags;
    open_drawer(c, {pending("k-1", T0 - 20'000)});
    EXPECT_FALSE(c.drawn("country.tooltip")) << "the mouse is on the waiting area";
    ASSERT_TRUE(c.hover("drawer.contact.k-1.flag"));
    ASSERT_TRUE(c.drawn("drawer")) << "the drawer stays open under the mouse";
    EXPECT_TRUE(c.drawn("country.tooltip"));
    EXPECT_EQ(automation::text("country.tooltip"), "IT");

    // Elsewhere on the row: the row's own tooltip, not the country.
    auto row = nlohmann::json::parse(automation::locate_json("drawer.contact.k-1"));
    ImGui::GetIO().AddMousePosEvent(row["x"].get<float>() + row["w"].get<float>() - 4,
                                    row["y"].get<float>() + 4);
    c.frames(2);
    EXPECT_TRUE(c.drawn("drawer"));
    EXPECT_FALSE(c.drawn("country.tooltip"));
}

TEST(CountryFlags, NoCountryOrAMalformedOneIsNeverAskedFor) {
    headless::Console c;
    FakeFlags flags;
    c.app.ui().flags = &flags;
    open_drawer(c, {pending("k-1", T0 - 20'000, "Maria", ""), pending("k-2", T0 - 5000, "Eve", "../../x")});
    EXPECT_TRUE(flags.asked.empty());
    EXPECT_FALSE(c.drawn("drawer.contact.k-1.country"));
    EXPECT_FALSE(c.drawn("drawer.contact.k-1.flag"));
    EXPECT_TRUE(c.drawn("drawer.contact.k-2.country")) << "shown as the server sent it, as text";
    EXPECT_EQ(automation::text("drawer.contact.k-2.country"), "../../x");
}
