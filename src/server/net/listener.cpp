#include "server/net/listener.h"

#include "server/log.h"
#include "server/net/http_session.h"

namespace sb::server::net_detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
std::string reason(const boost::system::error_code& ec) {
    std::string s = ec.message();
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}
} // namespace

Listener::Listener(asio::io_context& ioc, NetContext& ctx) : ioc_(ioc), acceptor_(ioc), retry_(ioc), ctx_(ctx) {}

std::optional<std::string> Listener::open(const tcp::endpoint& endpoint) {
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return reason(ec);
    return std::nullopt;
}

unsigned short Listener::port() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void Listener::run() { do_accept(); }

void Listener::stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    retry_.cancel();
}

void Listener::do_accept() {
    acceptor_.async_accept(ioc_, [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return; // stopped
        if (!ec) {
            // Small frames (chat, typing, acks) go out at once instead of waiting for Nagle's delayed ACK.
            boost::system::error_code opt_ec;
            socket.set_option(tcp::no_delay(true), opt_ec);
            std::make_shared<HttpSession>(std::move(socket), self->ctx_)->run();
            self->do_accept();
            return;
        }
        // Out of descriptors or similar: pause instead of spinning.
        log_line("accept failed: " + ec.message());
        self->retry_.expires_after(std::chrono::milliseconds(100));
        self->retry_.async_wait([self](boost::system::error_code wait_ec) {
            if (!wait_ec) self->do_accept();
        });
    });
}

} // namespace sb::server::net_detail
