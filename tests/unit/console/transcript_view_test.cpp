// The transcript headless with thousands of entries: only the entries on screen are laid out, the wheel reaches
// the first message, new messages are followed from the bottom and not otherwise, links and files far down take
// their clicks, and the heights measured without drawing are those drawn.
#include "console/platform/headless/headless.h"
#include "console_fixtures.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <imgui.h>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
using fixtures::T0;
using fixtures::assigned;
using fixtures::feed;
const std::string id = "k-1";

const char* const sentences[] = {
    "Buongiorno, vorrei sapere se la giacca blu è disponibile anche nella taglia L.",
    "Ok",
    "L'ordine di martedì non è ancora arrivato e il tracciamento non dice niente da tre giorni: potete controllare "
    "se è partito dal magazzino e quando posso aspettarmelo?",
    "Grazie!\nA presto.",
};

ContactEvent message(std::uint64_t seq, Party from = Party::visitor) {
    return ContactEvent{id, seq, T0 + static_cast<std::int64_t>(seq) * 1000, "",
                        ev::Message{from, from == Party::visitor ? "Maria" : "Alice Rossi",
                                    std::to_string(seq) + ". " + sentences[seq % 4]}};
}

// Alice logged in, holding k-1 with `messages` messages from the visitor (seq 2 on), read, its panel open;
// `extra` replaces the events of some seqs.
void holding(headless::Console& c, int messages, std::map<std::uint64_t, ContactEvent> extra = {}) {
    c.app.start();
    c.app.on_open();
    feed(c, Welcome{"c1", "tok", AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3},
                    T0, {}, {}});
    std::vector<ContactEvent> events{ContactEvent{id, 1, T0, "", ev::Assigned{{"alice", "Alice Rossi"}, {}}}};
    std::uint64_t seq = 2;
    for (int i = 0; i < messages; ++i, ++seq) {
        auto e = extra.find(seq);
        events.push_back(e != extra.end() ? e->second : message(seq, i % 3 == 1 ? Party::agent : Party::visitor));
    }
    events.push_back(ContactEvent{id, seq, T0, "", ev::Read{Party::agent, seq - 1}});
    feed(c, ContactSnapshot{"c2", T0, assigned(id, seq), events});
    ASSERT_EQ(c.app.state().expanded, id);
}

const ContactUi& ui_of(headless::Console& c) { return c.app.ui().contacts.at(id); }
std::string entry(std::uint64_t seq) { return "panel." + id + ".entry." + std::to_string(seq); }

// Wheel notches over the transcript (positive: up, towards the first message).
void wheel(headless::Console& c, float notches) {
    ImGui::GetIO().AddMouseWheelEvent(0, notches);
    c.frames(2);
}

int drawn_entries(headless::Console& c, std::uint64_t last_seq) {
    int n = 0;
    for (std::uint64_t s = 2; s <= last_seq; ++s) n += c.drawn(entry(s)) ? 1 : 0;
    return n;
}

} // namespace

TEST(Transcript, ALongTranscriptLaysOutOnlyTheEntriesOnScreen) {
    headless::Console c;
    holding(c, 2000); // seq 2 to 2001
    EXPECT_TRUE(c.drawn(entry(2001))) << "opened at the bottom";
    EXPECT_FALSE(c.drawn(entry(2)));
    const auto drawn = ui_of(c).transcript_drawn;
    EXPECT_EQ(drawn.last, 2000u) << "the last entry";
    EXPECT_LE(drawn.last - drawn.first, 30u) << "a screenful, not 2,000 entries";
    EXPECT_GE(drawn.last - drawn.first, static_cast<std::size_t>(drawn_entries(c, 2001)));
    EXPECT_GE(drawn_entries(c, 2001), 4);

}

// The frame costs what a screenful costs: as many vertices with 2,000 messages as with 200 (ending alike).
TEST(Transcript, TheFramesVerticesDoNotGrowWithTheTranscript) {
    auto frame_vertices = [](int messages) {
        headless::Console c; // one ImGui context at a time
        holding(c, messages);
        return ImGui::GetDrawData()->TotalVtxCount;
    };
    const int shorter = frame_vertices(200), longer = frame_vertices(2000);
    EXPECT_GT(shorter, 0);
    EXPECT_NEAR(longer, shorter, shorter / 20);
}

TEST(Transcript, TheWheelReachesTheFirstMessageAndBackTheLast) {
    headless::Console c;
    holding(c, 2000);
    ASSERT_TRUE(c.hover("panel.k-1.transcript"));
    wheel(c, 100'000); // far past the top
    EXPECT_TRUE(c.drawn(entry(2))) << "the first message";
    EXPECT_FALSE(c.drawn(entry(2001)));
    EXPECT_EQ(ui_of(c).transcript_drawn.first, 0u);
    EXPECT_LE(ui_of(c).transcript_drawn.last, 30u);

    // A notch at a time from the top: every message shows on the way, the entries keep their order.
    wheel(c, -3);
    EXPECT_GT(ui_of(c).transcript_drawn.first, 0u);
    wheel(c, -100'000);
    EXPECT_TRUE(c.drawn(entry(2001))) << "back at the last message";
}

TEST(Transcript, ANewMessageIsFollowedFromTheBottomOnly) {
    headless::Console c;
    holding(c, 2000);
    ASSERT_TRUE(c.hover("panel.k-1.transcript"));
    feed(c, ContactEventMsg{message(2003)});
    EXPECT_TRUE(c.drawn(entry(2003))) << "at the bottom: the view follows";
    EXPECT_FALSE(c.drawn(entry(1990)));

    // Scrolled up to read: new messages do not move the view.
    wheel(c, 8);
    EXPECT_FALSE(c.drawn(entry(2003)));
    const auto before = ui_of(c).transcript_drawn;
    feed(c, ContactEventMsg{message(2004)});
    feed(c, ContactEventMsg{message(2005, Party::agent)});
    EXPECT_FALSE(c.drawn(entry(2005)));
    EXPECT_EQ(ui_of(c).transcript_drawn, before) << "the same entries, in the same place";

    // The agent's own message brings the view to the bottom.
    ASSERT_TRUE(c.click("panel.k-1.input"));
    c.type("Eccomi");
    c.press(ImGuiKey_Enter);
    feed(c, ContactEventMsg{ContactEvent{id, 2006, T0 + 3'000'000, "c3", ev::Message{Party::agent, "Alice Rossi", "Eccomi"}}});
    EXPECT_TRUE(c.drawn(entry(2006)));
}

TEST(Transcript, APanelOpenedAgainShowsTheMessagesThatCameWhileItWasClosed) {
    headless::Console c;
    holding(c, 200); // seq 2 to 201, read up to 202; open at the bottom
    ASSERT_TRUE(c.click("panel.k-1.header"));
    ASSERT_EQ(c.app.state().expanded, "");
    for (std::uint64_t s = 203; s <= 262; ++s) feed(c, ContactEventMsg{message(s)}); // more than a screenful
    ASSERT_TRUE(c.click("panel.k-1.header"));
    ASSERT_EQ(c.app.state().expanded, id);
    c.frames(2);
    EXPECT_TRUE(c.drawn(entry(262))) << "the newest message";
}

TEST(Transcript, LinksFilesAndTranslationsFarDownTakeTheirClicks) {
    headless::Console c;
    ContactEvent translated = message(1200);
    std::get<ev::Message>(translated.body).translation = ev::Translation{"en", "1200. I would like to know if the blue jacket is also available in size L."};
    holding(c, 2000, {{1000, ContactEvent{id, 1000, T0, "", ev::Link{"https://shop.example/offer"}}},
                      {1100, ContactEvent{id, 1100, T0, "", ev::File{Party::visitor, "Maria",
                                                                        FileInfo{"f-1", "scontrino.png", 2048, "image/png",
                                                                                 "/files/f-1/scontrino.png?key=ab"}}}},
                      {1200, translated}});
    std::vector<std::string> opened;
    c.app.set_url_opener([&](const std::string& u) { opened.push_back(u); });
    ASSERT_TRUE(c.hover("panel.k-1.transcript"));
    wheel(c, 100'000);
    ASSERT_TRUE(c.drawn(entry(2)));
    EXPECT_FALSE(c.drawn("panel.k-1.link.1000"));

    // Down a notch at a time until each shows: then a click opens it.
    auto scroll_to = [&](const std::string& item) {
        for (int i = 0; i < 2000 && !c.drawn(item); ++i) wheel(c, -1);
        return c.drawn(item);
    };
    ASSERT_TRUE(scroll_to("panel.k-1.link.1000"));
    ASSERT_TRUE(c.click("panel.k-1.link.1000"));
    ASSERT_TRUE(scroll_to("panel.k-1.file.1100"));
    ASSERT_TRUE(c.click("panel.k-1.file.1100"));
    EXPECT_EQ(opened, (std::vector<std::string>{"https://shop.example/offer", "/files/f-1/scontrino.png?key=ab"}));
    EXPECT_TRUE(scroll_to("panel.k-1.translation.1200"));
}

// Heights are measured without drawing (CalcTextSize at the wrap width) and corrected when drawing finds them
// wrong; a correction would change the total. Scrolling through every kind of entry corrects nothing, at two
// widths, and a wider contact column wraps less.
TEST(Transcript, HeightsMeasuredAreTheHeightsDrawn) {
    headless::Console c;
    std::map<std::uint64_t, ContactEvent> extra;
    for (std::uint64_t s = 5; s < 300; s += 7) {
        switch (s % 4) {
        case 0: extra[s] = ContactEvent{id, s, T0, "", ev::Link{"https://shop.example/offer/" + std::to_string(s)}}; break;
        case 1:
            extra[s] = ContactEvent{id, s, T0, "", ev::File{Party::agent, "Alice Rossi",
                                                             FileInfo{"f", "listino prezzi 2026.pdf", 120'000, "application/pdf", "/files/f"}}};
            break;
        case 2: extra[s] = ContactEvent{id, s, T0, "", ev::PageChanged{Page{"https://shop.example/a/very/long/path/" + std::string(120, 'x'), "Offerte"}}}; break;
        default: {
            ContactEvent m = message(s);
            std::get<ev::Message>(m.body).translation = ev::Translation{"en", std::string(300, 'w') + " translated"};
            extra[s] = m;
        }
        }
    }
    holding(c, 300, extra);
    auto scroll_through = [&] {
        ASSERT_TRUE(c.hover("panel.k-1.transcript"));
        wheel(c, 100'000);
        ASSERT_TRUE(c.drawn(entry(2)));
        for (int i = 0; i < 3000 && !c.drawn(entry(301)); ++i) wheel(c, -1);
        ASSERT_TRUE(c.drawn(entry(301)));
    };
    const float total = ui_of(c).layout.total();
    ASSERT_GT(total, 0);
    scroll_through();
    EXPECT_FLOAT_EQ(ui_of(c).layout.total(), total) << "no entry was drawn at another height than measured";

    ImGui::GetIO().DisplaySize = ImVec2(1400, 700); // the contact column widens
    c.frames(2);
    const float wide = ui_of(c).layout.total();
    EXPECT_LT(wide, total) << "measured again for the new width: fewer lines";
    scroll_through();
    EXPECT_FLOAT_EQ(ui_of(c).layout.total(), wide);
}

TEST(Transcript, TheUnreadMarkerShowsInALongTranscript) {
    headless::Console c;
    holding(c, 1000); // seq 2 to 1001, read
    // Another panel opens, 500 visitor messages arrive in k-1's collapsed panel, then the agent opens it again.
    ContactView other = assigned(id, 2);
    other.id = "k-2";
    feed(c, ContactSnapshot{"c3", T0, other, {ContactEvent{"k-2", 1, T0, "", ev::Assigned{{"alice", "Alice Rossi"}, {}}}}});
    ASSERT_EQ(c.app.state().expanded, "k-2");
    for (std::uint64_t s = 1003; s < 1503; ++s) feed(c, ContactEventMsg{message(s)});
    ASSERT_TRUE(c.click("panel.k-1.header"));
    ASSERT_EQ(c.app.state().expanded, id);

    ASSERT_TRUE(c.hover("panel.k-1.transcript"));
    wheel(c, 100'000);
    EXPECT_FALSE(c.drawn("panel.k-1.unread-marker"));
    for (int i = 0; i < 3000 && !c.drawn("panel.k-1.unread-marker"); ++i) wheel(c, -1);
    ASSERT_TRUE(c.drawn("panel.k-1.unread-marker"));
    EXPECT_TRUE(c.drawn(entry(1003))) << "the marker sits above the first new message";
    EXPECT_FALSE(c.drawn(entry(1502)));
    wheel(c, -100'000);
    EXPECT_TRUE(c.drawn(entry(1502)));
    EXPECT_FALSE(c.drawn("panel.k-1.unread-marker"));
}
