#include "server/net/server.h"

#include "server/log.h"
#include "server/net/context.h"
#include "server/net/contact_timer.h"
#include "server/net/listener.h"
#include "server/net/retention_timer.h"
#include "server/net/websocket_session.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <memory>
#include <mutex>
#include <vector>

namespace sb::server {

std::optional<std::string> run_server(const ServerOptions& options, SessionHub& hub,
                                      const std::function<void(unsigned short port)>& on_listening) {
    namespace asio = boost::asio;
    using tcp = asio::ip::tcp;
    using net_detail::Listener;

    // Declared before the io_context: sessions still queued in it at shutdown refer to it when destroyed.
    net_detail::NetContext ctx{hub, options.web_root, options.max_frame_bytes, {}, options.admin};
    ctx.files = options.files;
    for (const auto& p : options.trusted_proxies)
        if (auto n = geo::Network::parse(p)) ctx.trusted_proxies.push_back(*n);
    asio::io_context ioc{1};
    // Work posted from other threads runs on the io thread while it serves; after that, nowhere.
    struct PostGate {
        std::mutex mutex;
        asio::io_context* ioc = nullptr;
    };
    auto gate = std::make_shared<PostGate>();
    gate->ioc = &ioc;
    if (options.on_io)
        options.on_io([gate](std::function<void()> f) {
            std::lock_guard lock(gate->mutex);
            if (gate->ioc) asio::post(*gate->ioc, std::move(f));
        });
    struct CloseGate {
        std::shared_ptr<PostGate> gate;
        ~CloseGate() {
            std::lock_guard lock(gate->mutex);
            gate->ioc = nullptr;
        }
    } close_gate{gate}; // declared after ioc: closed before ioc is destroyed, whichever way this returns

    std::string where = options.host + ":" + std::to_string(options.port);
    boost::system::error_code ec;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
    if (ec || endpoints.empty()) return "cannot listen on " + where + ": cannot resolve host " + options.host;

    auto listener = std::make_shared<Listener>(ioc, ctx);
    if (auto why = listener->open(endpoints.begin()->endpoint())) return "cannot listen on " + where + ": " + *why;

    std::shared_ptr<net_detail::ContactTimer> timer;
    if (hub.contacts()) {
        timer = std::make_shared<net_detail::ContactTimer>(ioc, *hub.contacts());
        timer->start();
    }
    std::shared_ptr<net_detail::RetentionTimer> retention;
    if (options.retention) { // posted before the listener runs: the first sweep comes before any connection
        retention = std::make_shared<net_detail::RetentionTimer>(ioc, *options.retention);
        retention->start();
    }

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    // Shutdown: no new connections; every WebSocket gets its queued frames and a close 1001 (going away), so
    // clients reconnect to the next server at once; whoever has not answered in 3 s is cut off.
    asio::steady_timer last_call(ioc);
    signals.async_wait([&](const boost::system::error_code& wait_ec, int signal) {
        if (wait_ec) return;
        log_line(std::string("shutting down on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ": closing " +
                 std::to_string(ctx.sessions.size()) + " WebSocket connections");
        if (timer) timer->stop();
        if (retention) retention->stop();
        if (hub.contacts()) { // what is being written is sent before the goodbye
            try {
                hub.contacts()->flush_commits();
            } catch (const std::exception& e) {
                log_line(std::string("cannot finish the contact writes: ") + e.what());
            }
        }
        listener->stop();
        ctx.shutting_down = true;
        ctx.on_all_closed = [&ioc] { ioc.stop(); };
        if (ctx.sessions.empty()) return ioc.stop();
        const std::vector<net_detail::WebsocketSession*> open(ctx.sessions.begin(), ctx.sessions.end());
        for (auto* s : open) s->going_away();
        last_call.expires_after(std::chrono::seconds(3));
        last_call.async_wait([&ioc](const boost::system::error_code& ec) {
            if (!ec) ioc.stop();
        });
    });

    on_listening(listener->port());
    listener->run();
    ioc.run();
    ctx.on_all_closed = nullptr; // the sessions still in the io_context go with it, below
    return std::nullopt;
}

} // namespace sb::server
