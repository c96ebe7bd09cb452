// Time for the pure domain code. Nothing in src/core reads the system clock by itself: operations take `now`
// explicitly, and whoever calls them (server, console, tests) owns a Clock. Tests use FakeClock.
#pragma once
#include <chrono>
#include <cstdint>

namespace sb {

// Milliseconds are the protocol's unit; TimePoint is wall-clock time (ms since the Unix epoch), so deadlines
// survive a restart and mean the same thing to the server and to every client.
using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Duration>;

inline std::int64_t to_epoch_ms(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_epoch_ms(std::int64_t ms) { return TimePoint{Duration{ms}}; }

class Clock {
  public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
  public:
    TimePoint now() const override {
        return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
    }
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
  public:
    explicit FakeClock(TimePoint start = from_epoch_ms(1'700'000'000'000)) : now_(start) {}
    TimePoint now() const override { return now_; }
    void advance(Duration d) { now_ += d; }
    void set(TimePoint t) { now_ = t; }

  private:
    TimePoint now_;
};

} // namespace sb
