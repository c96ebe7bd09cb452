#include "server/net/retention_timer.h"

#include <boost/asio/post.hpp>

namespace sb::server::net_detail {

RetentionTimer::RetentionTimer(boost::asio::io_context& ioc, FileRetention& retention, std::chrono::milliseconds period)
    : ioc_(ioc), retention_(retention), timer_(ioc), period_(period) {}

void RetentionTimer::start() {
    boost::asio::post(ioc_, [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->sweep();
    });
}

void RetentionTimer::stop() {
    stopped_ = true;
    timer_.cancel();
}

void RetentionTimer::sweep() {
    if (stopped_) return;
    const auto done = retention_.sweep();
    if (done.more) return start(); // the rest of a backlog, after what waits on the io thread
    timer_.expires_after(period_);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec) return; // cancelled: stopped
        if (auto self = weak.lock()) self->sweep();
    });
}

} // namespace sb::server::net_detail
