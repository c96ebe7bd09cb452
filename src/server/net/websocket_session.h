// One WebSocket connection: reads frames within the size limit, hands them to the SessionHub, and writes the
// hub's replies as text frames through its BatchedStream (one socket write in flight, the rest gathered).
#pragma once
#include "server/net/batched_stream.h"
#include "server/net/context.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <string>

namespace sb::server::net_detail {

class WebsocketSession : public std::enable_shared_from_this<WebsocketSession> {
  public:
    WebsocketSession(boost::asio::ip::tcp::socket&& socket, NetContext& ctx);
    ~WebsocketSession();
    void run(boost::beast::http::request<boost::beast::http::string_body> req);
    // The server stops: write what is queued, then close with 1001 (going away); frames read meanwhile are
    // dropped, so that nothing is acknowledged that the server may not store.
    void going_away();

  private:
    void on_accept(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void send(const std::string& frame);
    void close_after_writes();
    void do_close();

    boost::beast::websocket::stream<BatchedStream> ws_;
    boost::beast::flat_buffer buffer_;
    NetContext& ctx_;
    std::string address_; // the client's, from the socket and X-Forwarded-For (trusted proxies only)
    ConnectionId id_ = 0;
    bool closing_ = false;       // a close is asked for: nothing more is sent
    bool close_started_ = false; // async_close issued; nothing more is written
    boost::beast::websocket::close_code close_code_ = boost::beast::websocket::close_code::policy_error;
};

} // namespace sb::server::net_detail
