#include "server/net/http_session.h"

#include "server/log.h"
#include "server/net/file_http.h"
#include "server/net/websocket_session.h"
#include "server/static_files.h"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>
#include <limits>

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

// An admin API answer as HTTP: JSON, never cached.
http::response<http::string_body> admin_reply(const http::request<http::string_body>& req, const AdminResponse& a) {
    http::response<http::string_body> res{static_cast<http::status>(a.status), req.version()};
    common_headers(res);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : a.headers) res.set(name, value);
    if (!a.body.empty()) {
        res.set(http::field::content_type, "application/json; charset=utf-8");
        res.body() = a.body;
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

} // namespace

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, NetContext& ctx) : stream_(std::move(socket)), ctx_(ctx) {}

HttpSession::HttpSession(beast::tcp_stream&& stream, beast::flat_buffer&& buffer, NetContext& ctx)
    : stream_(std::move(stream)), buffer_(std::move(buffer)), ctx_(ctx) {}

void HttpSession::run() { asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this())); }

void HttpSession::do_read() {
    parser_.emplace();
    // No limit until the header is in (on_header sets it per path). Not boost::none: Beast 1.74 compares a
    // Content-Length with the optional limit, and any length is "greater" than none (error body_limit).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

// The body limit depends on the path: the admin API takes JSON bodies, the rest none worth the name.
void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
    if (ec) return on_read(ec, bytes);
    const auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    // Files (uploads stream to disk under their own limit): net/file_http.cpp takes the connection.
    if (ctx_.files && is_files_path(target.substr(0, target.find_first_of("?#"))) && !beast::websocket::is_upgrade(req))
        return serve_files(std::move(stream_), std::move(buffer_), std::move(*parser_), ctx_);
    const std::size_t limit =
        AdminApi::handles(target.substr(0, target.find_first_of("?#"))) ? AdminApi::max_body_bytes : max_request_body;
    if (auto length = parser_->content_length(); length && *length > limit) return too_large();
    parser_->body_limit(limit); // a chunked body is cut there (on_read)
    if (parser_->is_done()) return on_read(ec, bytes);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::too_large() {
    const auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    http::response<http::string_body> res;
    if (ctx_.admin && AdminApi::handles(target.substr(0, target.find_first_of("?#")))) {
        res = admin_reply(req, AdminApi::too_large());
    } else {
        res = text_response(req, http::status::payload_too_large, "request body too large\n");
    }
    res.keep_alive(false); // the unread body stays behind: close after the answer
    linger_ = true;
    send(std::move(res));
}

void HttpSession::linger(std::shared_ptr<std::vector<char>> scratch, std::size_t dropped) {
    constexpr std::size_t max_dropped = 1024 * 1024;
    if (dropped > max_dropped) return; // the socket closes with the session
    stream_.expires_after(std::chrono::seconds(5));
    auto& bytes = *scratch;
    stream_.async_read_some(asio::buffer(bytes), [self = shared_from_this(), scratch = std::move(scratch),
                                                  dropped](beast::error_code ec, std::size_t n) mutable {
        if (!ec) self->linger(std::move(scratch), dropped + n);
    });
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::body_limit) return too_large();
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

void HttpSession::handle_admin(const http::request<http::string_body>& req) {
    AdminRequest a;
    a.method = std::string(req.method_string());
    a.target = std::string(req.target());
    a.authorization = std::string(req[http::field::authorization]);
    a.content_type = std::string(req[http::field::content_type]);
    a.body = req.body();
    beast::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    const auto forwarded = req["X-Forwarded-For"];
    a.address = geo::client_address(ec ? std::string() : remote.address().to_string(),
                                    std::string_view(forwarded.data(), forwarded.size()), ctx_.trusted_proxies);
    send(admin_reply(req, ctx_.admin->handle(a)));
}

void HttpSession::handle(http::request<http::string_body>&& req) {
    if (ctx_.admin) {
        std::string_view target(req.target().data(), req.target().size());
        if (AdminApi::handles(target.substr(0, target.find_first_of("?#")))) return handle_admin(req);
    }
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
    if (close && linger_) {
        do_close();
        return linger(std::make_shared<std::vector<char>>(16 * 1024), 0);
    }
    if (close) return do_close();
    do_read();
}

void HttpSession::do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

} // namespace sb::server::net_detail
