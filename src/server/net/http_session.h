// One HTTP connection: static files, /healthz, the redirect of "/", and the upgrade of /ws to a WebSocket.
#pragma once
#include "server/net/context.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

namespace sb::server::net_detail {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(boost::asio::ip::tcp::socket&& socket, NetContext& ctx);
    void run();

  private:
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
    void handle(boost::beast::http::request<boost::beast::http::string_body>&& req);
    template <class Body> void send(boost::beast::http::response<Body>&& res);
    void do_close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    NetContext& ctx_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

} // namespace sb::server::net_detail
