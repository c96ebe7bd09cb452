// Accepts TCP connections and hands each to an HttpSession.
#pragma once
#include "server/net/context.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sb::server::net_detail {

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& ioc, NetContext& ctx);

    // Opens, binds and listens; the reason on failure ("address already in use").
    std::optional<std::string> open(const boost::asio::ip::tcp::endpoint& endpoint);
    unsigned short port() const;
    void run();
    void stop();

  private:
    void do_accept();

    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    NetContext& ctx_;
};

} // namespace sb::server::net_detail
