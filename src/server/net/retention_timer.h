// Runs the file retention's sweep (server/file_retention.h) on the io thread: once at start, before the first
// connection is served, then every `period` (an hour). A full batch is followed at once by the next one, posted,
// so connections are served in between.
#pragma once
#include "server/file_retention.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace sb::server::net_detail {

class RetentionTimer : public std::enable_shared_from_this<RetentionTimer> {
  public:
    RetentionTimer(boost::asio::io_context& ioc, FileRetention& retention,
                   std::chrono::milliseconds period = std::chrono::hours(1));
    void start(); // posts the first sweep
    void stop();

  private:
    void sweep();

    boost::asio::io_context& ioc_;
    FileRetention& retention_;
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds period_;
    bool stopped_ = false;
};

} // namespace sb::server::net_detail
