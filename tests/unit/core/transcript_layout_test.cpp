// The transcript's layout: heights kept while they hold, the marker's band, and the entries a scroll position
// shows, found without walking the transcript.
#include "core/transcript_layout.h"

#include <gtest/gtest.h>

using namespace sb::console;

namespace {
std::vector<TranscriptEntry> entries(std::size_t n, std::uint64_t first_seq = 1) {
    std::vector<TranscriptEntry> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i].seq = first_seq + i;
    return out;
}

const TranscriptLayout::Metrics narrow{300, 15, 1, 6};

// Every entry 20 high, except entry 2 (50).
TranscriptLayout measured(const std::vector<TranscriptEntry>& es) {
    TranscriptLayout l;
    for (std::size_t i = l.sync(narrow, es); i < es.size(); ++i) l.add(es[i], i == 2 ? 50.0f : 20.0f);
    return l;
}
} // namespace

TEST(TranscriptLayout, EntriesStackInOrder) {
    const auto es = entries(5);
    const auto l = measured(es);
    ASSERT_EQ(l.size(), 5u);
    EXPECT_FLOAT_EQ(l.top(0), 0);
    EXPECT_FLOAT_EQ(l.top(2), 40);
    EXPECT_FLOAT_EQ(l.top(3), 90);
    EXPECT_FLOAT_EQ(l.height(2), 50);
    EXPECT_FLOAT_EQ(l.total(), 130);
}

TEST(TranscriptLayout, HeightsAreKeptForTheSameEntriesAndMetrics) {
    auto es = entries(5);
    auto l = measured(es);
    EXPECT_EQ(l.sync(narrow, es), 5u) << "nothing to measure again";
    es.push_back(TranscriptEntry{});
    es.back().seq = 6;
    EXPECT_EQ(l.sync(narrow, es), 5u) << "only the new entry is measured";
    l.add(es.back(), 20);
    EXPECT_FLOAT_EQ(l.total(), 150);
}

TEST(TranscriptLayout, AnotherWidthFontOrTranscriptForgetsEveryHeight) {
    const auto es = entries(5);
    auto wider = narrow;
    wider.wrap_width = 400;
    auto l = measured(es);
    EXPECT_EQ(l.sync(wider, es), 0u) << "text wraps elsewhere";
    l = measured(es);
    auto bigger = narrow;
    bigger.font_size = 18;
    EXPECT_EQ(l.sync(bigger, es), 0u);
    l = measured(es);
    auto other_font = narrow;
    other_font.font = 2;
    EXPECT_EQ(l.sync(other_font, es), 0u) << "a font of the same size with other glyphs";
    l = measured(es);
    EXPECT_EQ(l.sync(narrow, entries(3)), 0u) << "a shorter transcript is another one";
    l = measured(es);
    EXPECT_EQ(l.sync(narrow, entries(6, 10)), 0u) << "other seqs: another transcript";
    l = measured(es);
    auto changed = entries(6);
    changed[4].seq = 40;
    EXPECT_EQ(l.sync(narrow, changed), 0u) << "the last entry measured is not there any more";
    EXPECT_FLOAT_EQ(l.total(), 0);
}

TEST(TranscriptLayout, TheMarkerBandSitsAboveItsEntryAndPushesTheRestDown) {
    const auto es = entries(5);
    auto l = measured(es);
    l.set_marker(3, 21);
    EXPECT_FLOAT_EQ(l.marker_top(), 90);
    EXPECT_FLOAT_EQ(l.top(2), 40) << "entries above the band do not move";
    EXPECT_FLOAT_EQ(l.top(3), 111);
    EXPECT_FLOAT_EQ(l.top(4), 131);
    EXPECT_FLOAT_EQ(l.total(), 151);
    l.set_marker(std::nullopt, 21);
    EXPECT_FLOAT_EQ(l.top(3), 90);
    l.set_marker(9, 21);
    EXPECT_FALSE(l.marker()) << "no such entry: no band";
    EXPECT_FLOAT_EQ(l.total(), 130);
}

TEST(TranscriptLayout, VisibleEntriesAreThoseOverlappingTheView) {
    const auto es = entries(5); // 0-20, 20-40, 40-90, 90-110, 110-130
    const auto l = measured(es);
    EXPECT_EQ(l.visible(0, 30), (TranscriptLayout::Range{0, 2}));
    EXPECT_EQ(l.visible(20, 40), (TranscriptLayout::Range{1, 2})) << "an entry ending where the view starts is out";
    EXPECT_EQ(l.visible(45, 60), (TranscriptLayout::Range{2, 3})) << "inside one tall entry";
    EXPECT_EQ(l.visible(100, 500), (TranscriptLayout::Range{3, 5}));
    EXPECT_EQ(l.visible(200, 300), (TranscriptLayout::Range{5, 5})) << "below the end: nothing";
    EXPECT_EQ(TranscriptLayout{}.visible(0, 100), (TranscriptLayout::Range{0, 0}));
}

TEST(TranscriptLayout, AVisibleMarkerBandBringsItsEntry) {
    const auto es = entries(5);
    auto l = measured(es);
    l.set_marker(3, 21); // band 90-111, entry 3 at 111-131
    EXPECT_EQ(l.visible(0, 95), (TranscriptLayout::Range{0, 4})) << "the band shows: entry 3 is drawn with it";
    EXPECT_EQ(l.visible(0, 90), (TranscriptLayout::Range{0, 3}));
    EXPECT_EQ(l.visible(112, 140), (TranscriptLayout::Range{3, 5}));
}

TEST(TranscriptLayout, ACorrectedHeightMovesTheEntriesBelow) {
    const auto es = entries(5);
    auto l = measured(es);
    l.set_height(1, 35);
    EXPECT_FLOAT_EQ(l.height(1), 35);
    EXPECT_FLOAT_EQ(l.top(2), 55);
    EXPECT_FLOAT_EQ(l.height(2), 50) << "the others keep their heights";
    EXPECT_FLOAT_EQ(l.total(), 145);
}

// Finding the first visible entry is a search, not a walk: 100,000 entries cost nothing to look up.
TEST(TranscriptLayout, ALongTranscriptFindsTheEntriesOfAnyScrollPosition) {
    const auto es = entries(100'000);
    TranscriptLayout l;
    for (std::size_t i = l.sync(narrow, es); i < es.size(); ++i) l.add(es[i], 20);
    EXPECT_FLOAT_EQ(l.total(), 2'000'000);
    EXPECT_EQ(l.visible(1'000'010, 1'000'400), (TranscriptLayout::Range{50'000, 50'020}));
    EXPECT_EQ(l.visible(1'999'990, 2'000'400), (TranscriptLayout::Range{99'999, 100'000}));
}
