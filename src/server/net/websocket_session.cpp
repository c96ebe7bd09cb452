#include "server/net/websocket_session.h"

#include "server/log.h"

namespace sb::server::net_detail {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

namespace {
// A client that does not read its replies is dropped rather than allowed to grow our memory.
constexpr std::size_t max_queued_frames = 1024;
constexpr std::size_t max_queued_bytes = 8 * 1024 * 1024;
} // namespace

WebsocketSession::WebsocketSession(asio::ip::tcp::socket&& socket, NetContext& ctx) : ws_(std::move(socket)), ctx_(ctx) {
    ctx_.sessions.insert(this);
}

WebsocketSession::~WebsocketSession() {
    if (id_ != 0) ctx_.hub.closed(id_);
    ctx_.sessions.erase(this);
    if (ctx_.shutting_down && ctx_.sessions.empty() && ctx_.on_all_closed) ctx_.on_all_closed();
}

void WebsocketSession::going_away() {
    close_code_ = websocket::close_code::going_away;
    if (id_ == 0) { // still in the handshake: nothing to say goodbye on
        beast::get_lowest_layer(ws_).close();
        return;
    }
    close_after_writes();
}

void WebsocketSession::run(beast::http::request<beast::http::string_body> req) {
    beast::error_code ep_ec;
    const auto remote = beast::get_lowest_layer(ws_).socket().remote_endpoint(ep_ec);
    const std::string peer = ep_ec ? std::string() : remote.address().to_string();
    const auto forwarded = req["X-Forwarded-For"];
    address_ = geo::client_address(peer, std::string_view(forwarded.data(), forwarded.size()), ctx_.trusted_proxies);
    ws_.next_layer().hold(weak_from_this());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "switchboard"); }));
    // Our own limit is enforced in on_read, so that the client gets a too_large error before the close;
    // Beast's limit would close first. Reads never append more than max_frame_bytes + 1 bytes anyway.
    ws_.read_message_max(0);
    ws_.text(true);
    ws_.async_accept(req, beast::bind_front_handler(&WebsocketSession::on_accept, shared_from_this()));
}

void WebsocketSession::on_accept(beast::error_code ec) {
    if (ec) return;
    std::weak_ptr<WebsocketSession> weak = shared_from_this();
    id_ = ctx_.hub.open(Peer{
        [weak](const std::string& frame) {
            if (auto self = weak.lock()) self->send(frame);
        },
        [weak] {
            if (auto self = weak.lock()) self->close_after_writes();
        },
        address_,
    });
    do_read();
}

void WebsocketSession::do_read() {
    std::size_t room = ctx_.max_frame_bytes + 1 - buffer_.size();
    ws_.async_read_some(buffer_, room, beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this()));
}

void WebsocketSession::on_read(beast::error_code ec, std::size_t) {
    if (ec) return; // closed by the peer, timed out or reset: the destructor tells the hub
    if (buffer_.size() > ctx_.max_frame_bytes) {
        close_code_ = websocket::close_code::too_big;
        ctx_.hub.frame_too_large(id_); // replies and asks us to close; no more reading
        return;
    }
    if (!ws_.is_message_done()) return do_read();
    if (ctx_.shutting_down) {
        buffer_.consume(buffer_.size());
        return do_read(); // until the peer answers our close
    }
    if (ws_.got_binary()) {
        ctx_.hub.receive_binary(id_);
    } else {
        auto data = buffer_.cdata();
        ctx_.hub.receive_text(id_, std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer_.consume(buffer_.size());
    if (!close_started_) do_read();
}

void WebsocketSession::send(const std::string& frame) {
    if (closing_ || close_started_ || !ws_.is_open()) return; // is_open: false once the peer's close is read
    auto& out = ws_.next_layer();
    if (out.frames_queued() >= max_queued_frames || out.bytes_queued() + frame.size() > max_queued_bytes) {
        log_line("connection " + std::to_string(id_) + " does not read its replies; dropping it");
        beast::get_lowest_layer(ws_).close();
        return;
    }
    out.write_text(frame);
}

// The close frame is queued behind every frame sent before it (BatchedStream keeps the order).
void WebsocketSession::close_after_writes() {
    closing_ = true;
    do_close();
}

void WebsocketSession::do_close() {
    if (close_started_) return;
    close_started_ = true;
    ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code) {});
}

} // namespace sb::server::net_detail
