#include "server/net/contact_timer.h"

#include <algorithm>
#include <chrono>

namespace sb::server::net_detail {

ContactTimer::ContactTimer(boost::asio::io_context& ioc, ContactHub& hub) : hub_(hub), timer_(ioc) {}

void ContactTimer::start() {
    std::weak_ptr<ContactTimer> weak = shared_from_this();
    hub_.on_deadline_changed([weak] {
        if (auto self = weak.lock()) self->arm();
    });
    arm();
}

void ContactTimer::stop() {
    stopped_ = true;
    hub_.on_deadline_changed({});
    timer_.cancel();
}

void ContactTimer::arm() {
    if (stopped_) return;
    timer_.cancel();
    auto next = hub_.next_deadline();
    if (!next) return;
    // Deadlines are wall-clock times; wait on the steady clock for the time left. Wake at least once a minute
    // so that a wall clock set forward is caught up with.
    Duration left = *next - from_epoch_ms(hub_.now_ms());
    left = std::clamp(left, Duration(0), Duration(60'000));
    timer_.expires_after(left);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec) return; // cancelled: re-armed or stopped
        if (auto self = weak.lock(); self && !self->stopped_) {
            self->hub_.tick(); // notifies a changed deadline, which re-arms
            self->arm();
        }
    });
}

} // namespace sb::server::net_detail
