#include "core/transcript_layout.h"

namespace sb::console {

std::size_t TranscriptLayout::sync(const Metrics& m, std::span<const TranscriptEntry> entries) {
    const std::size_t n = size();
    const bool same = m == metrics_ && entries.size() >= n &&
                      (n == 0 || (entries.front().seq == first_seq_ && entries[n - 1].seq == last_seq_));
    if (!same) {
        metrics_ = m;
        bottoms_.clear();
        if (marker_before_) marker_before_.reset();
    }
    return size();
}

void TranscriptLayout::add(const TranscriptEntry& entry, float height) {
    if (bottoms_.empty()) first_seq_ = entry.seq;
    last_seq_ = entry.seq;
    bottoms_.push_back(above(size()) + height);
}

void TranscriptLayout::set_height(std::size_t i, float height) {
    if (i >= size()) return;
    const float change = height - this->height(i);
    for (std::size_t j = i; j < size(); ++j) bottoms_[j] += change;
}

void TranscriptLayout::set_marker(std::optional<std::size_t> before, float height) {
    marker_before_ = before && *before < size() ? before : std::nullopt;
    marker_height_ = marker_before_ ? height : 0.0f;
}

float TranscriptLayout::marker_top() const { return marker_before_ ? above(*marker_before_) : 0.0f; }

float TranscriptLayout::height(std::size_t i) const { return i < size() ? bottoms_[i] - above(i) : 0.0f; }

float TranscriptLayout::top(std::size_t i) const {
    if (i > size()) i = size();
    const bool below_marker = marker_before_ && i >= *marker_before_;
    return above(i) + (below_marker ? marker_height_ : 0.0f);
}

TranscriptLayout::Range TranscriptLayout::visible(float from, float to) const {
    // The first index in [lo, size()) for which `past` holds (it holds for every later index too).
    auto first_where = [&](std::size_t lo, auto past) {
        std::size_t hi = size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (past(mid))
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    };
    // Entry i's space runs from its band (when the marker is just above it) to its bottom.
    const std::size_t first = first_where(0, [&](std::size_t i) { return top(i) + height(i) > from; });
    const std::size_t last =
        first_where(first, [&](std::size_t i) { return above(i) + band_above(i) >= to; });
    return Range{first, last};
}

} // namespace sb::console
