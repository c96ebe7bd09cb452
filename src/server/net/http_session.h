// One HTTP connection: static files, /healthz, the redirect of "/", and the upgrade of /ws to a WebSocket.
#pragma once
#include "server/net/context.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace sb::server::net_detail {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(boost::asio::ip::tcp::socket&& socket, NetContext& ctx);
    // A connection handed back after another handler answered one request on it (net/file_http.cpp).
    HttpSession(boost::beast::tcp_stream&& stream, boost::beast::flat_buffer&& buffer, NetContext& ctx);
    void run();

  private:
    void do_read();
    void on_header(boost::beast::error_code ec, std::size_t bytes);
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void too_large(); // 413 for the request whose header was read, then close (lingering)
    // After a 413 the client may still be sending its body: read and drop it for a while before closing, so the
    // close does not reset the connection before the client has read the answer.
    void linger(std::shared_ptr<std::vector<char>> scratch, std::size_t dropped);
    void handle_admin(const boost::beast::http::request<boost::beast::http::string_body>& req);
    void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
    void handle(boost::beast::http::request<boost::beast::http::string_body>&& req);
    template <class Body> void send(boost::beast::http::response<Body>&& res);
    void do_close();
    bool linger_ = false; // the answer being written is a 413: linger after it

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    NetContext& ctx_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

} // namespace sb::server::net_detail
