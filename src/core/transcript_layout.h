// Where the entries of a contact's transcript sit, top to bottom, so the chat view lays out and draws only
// the entries on screen (a transcript may hold thousands). The view measures each entry once for a given wrap
// width and font; this keeps those heights with their running sum, places the unread marker's band, and finds
// the entries a scroll position shows. Pure: no ImGui.
#pragma once
#include "core/console_state.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sb::console {

class TranscriptLayout {
  public:
    // What an entry's height depends on besides the entry: its text wraps at a width, in a font, with a gap
    // under each line of items.
    struct Metrics {
        float wrap_width = 0;
        float font_size = 0;
        std::uint64_t font = 0; // tells fonts of one size apart (the view's fingerprint of the font it uses)
        float item_gap = 0;
        bool operator==(const Metrics&) const = default;
    };
    // Entries [first, last).
    struct Range {
        std::size_t first = 0, last = 0;
        bool operator==(const Range&) const = default;
    };

    // Keeps the heights measured so far while they still hold: the same metrics and the same entries (a
    // transcript only grows; a shorter one, or one whose first or last measured entry has another seq, is
    // another transcript). Returns how many entries are measured; the view measures the rest, in order, with
    // add().
    std::size_t sync(const Metrics& m, std::span<const TranscriptEntry> entries);
    void add(const TranscriptEntry& entry, float height); // the next entry and its height
    void set_height(std::size_t i, float height); // entry i turned out another height when drawn

    // The unread marker: a band `height` high just above entry `before` (nullopt: no marker).
    void set_marker(std::optional<std::size_t> before, float height);
    std::optional<std::size_t> marker() const { return marker_before_; }
    float marker_top() const; // where the band starts (0 without a marker)

    std::size_t size() const { return bottoms_.size(); } // entries measured
    float height(std::size_t i) const;
    // Where entry i starts (under the marker's band when the band is just above it); top(size()): the end.
    float top(std::size_t i) const;
    float total() const { return top(size()); }
    // The entries that overlap [from, to), positions from the transcript's top. The marker's band counts as
    // part of the entry under it, so an entry is drawn whenever its band shows.
    Range visible(float from, float to) const;

  private:
    float above(std::size_t i) const { return i == 0 ? 0.0f : bottoms_[i - 1]; } // entries before i, no band
    float band_above(std::size_t i) const { // the marker's band when it lies above entry i's own space
        return marker_before_ && i > *marker_before_ ? marker_height_ : 0.0f;
    }

    Metrics metrics_;
    std::uint64_t first_seq_ = 0, last_seq_ = 0; // the first and last entry measured
    std::vector<float> bottoms_;                 // bottoms_[i]: where entry i ends, the marker left out
    std::optional<std::size_t> marker_before_;
    float marker_height_ = 0;
};

} // namespace sb::console
