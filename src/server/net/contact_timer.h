// The one timer of the contact hub: armed for ContactHub::next_deadline() (dissuasions, grace periods, idle
// contacts, visitors gone for good), it calls ContactHub::tick() when it fires. Re-armed whenever the hub
// says its next deadline changed. Lives on the io thread like everything else.
#pragma once
#include "server/contact_hub.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace sb::server::net_detail {

class ContactTimer : public std::enable_shared_from_this<ContactTimer> {
  public:
    ContactTimer(boost::asio::io_context& ioc, ContactHub& hub);
    void start(); // hooks into the hub and arms the timer
    void stop();

  private:
    void arm();

    ContactHub& hub_;
    boost::asio::steady_timer timer_;
    bool stopped_ = false;
};

} // namespace sb::server::net_detail
