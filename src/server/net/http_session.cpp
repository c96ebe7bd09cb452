#include "server/net/http_session.h"

#include "server/log.h"
#include "server/net/websocket_session.h"
#include "server/static_files.h"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>

namespace sb::server::net_detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

constexpr std::size_t max_request_body = 8 * 1024; // we serve files; requests carry no real body
constexpr auto request_timeout = std::chrono::seconds(30);
constexpr const char* server_name = "switchboard";

template <class Body> void common_headers(http::response<Body>& res) {
    res.set(http::field::server, server_name);
    res.set(http::field::cache_control, "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
}

http::response<http::string_body> text_response(const http::request<http::string_body>& req, http::status status,
                                                std::string body) {
    http::response<http::string_body> res{status, req.version()};
    common_headers(res);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) res.body() = std::move(body);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.content_length(body.size());
    return res;
}

} // namespace

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, NetContext& ctx) : stream_(std::move(socket)), ctx_(ctx) {}

void HttpSession::run() { asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this())); }

void HttpSession::do_read() {
    parser_.emplace();
    parser_->body_limit(max_request_body);
    stream_.expires_after(request_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) return; // timeout, reset or a malformed request: drop the connection

    auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    if (beast::websocket::is_upgrade(req)) {
        if (path == "/ws") {
            stream_.expires_never(); // the WebSocket stream keeps its own timeouts
            std::make_shared<WebsocketSession>(stream_.release_socket(), ctx_)->run(parser_->release());
            return;
        }
        return send(text_response(req, http::status::not_found, "WebSocket endpoint is /ws\n"));
    }
    handle(parser_->release());
}

void HttpSession::handle(http::request<http::string_body>&& req) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        auto res = text_response(req, http::status::method_not_allowed, "only GET and HEAD\n");
        res.set(http::field::allow, "GET, HEAD");
        return send(std::move(res));
    }
    std::string_view target(req.target().data(), req.target().size());
    std::string_view path = target.substr(0, target.find_first_of("?#"));
    if (path == "/") {
        auto res = text_response(req, http::status::found, "see /console/\n");
        res.set(http::field::location, "/console/");
        return send(std::move(res));
    }
    if (path == "/healthz") return send(text_response(req, http::status::ok, "ok"));
    if (path == "/ws") return send(text_response(req, http::status::upgrade_required, "WebSocket upgrade expected\n"));

    auto answer = resolve_static(ctx_.web_root, target);
    switch (answer.kind) {
    case StaticAnswer::Kind::bad_request: return send(text_response(req, http::status::bad_request, "bad path\n"));
    case StaticAnswer::Kind::not_found: return send(text_response(req, http::status::not_found, "not found\n"));
    case StaticAnswer::Kind::redirect: {
        auto res = text_response(req, http::status::found, "moved\n");
        res.set(http::field::location, answer.location);
        return send(std::move(res));
    }
    case StaticAnswer::Kind::file: break;
    }

    http::file_body::value_type body;
    beast::error_code ec;
    body.open(answer.file.c_str(), beast::file_mode::scan, ec);
    if (ec) return send(text_response(req, http::status::not_found, "not found\n"));
    auto size = body.size();
    if (req.method() == http::verb::head) {
        http::response<http::empty_body> res{http::status::ok, req.version()};
        common_headers(res);
        res.set(http::field::content_type, beast::string_view(answer.mime.data(), answer.mime.size()));
        res.content_length(size);
        res.keep_alive(req.keep_alive());
        return send(std::move(res));
    }
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    common_headers(res);
    res.set(http::field::content_type, beast::string_view(answer.mime.data(), answer.mime.size()));
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    send(std::move(res));
}

template <class Body> void HttpSession::send(http::response<Body>&& res) {
    auto msg = std::make_shared<http::response<Body>>(std::move(res));
    bool close = msg->need_eof();
    http::async_write(stream_, *msg, [self = shared_from_this(), msg, close](beast::error_code ec, std::size_t n) {
        self->on_write(close, ec, n);
    });
}

void HttpSession::on_write(bool close, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (close) return do_close();
    do_read();
}

void HttpSession::do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

} // namespace sb::server::net_detail
