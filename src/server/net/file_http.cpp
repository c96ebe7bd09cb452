#include "server/net/file_http.h"

#include "server/files.h"
#include "server/log.h"
#include "server/net/http_session.h"

#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

namespace sb::server::net_detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

constexpr auto idle_timeout = std::chrono::seconds(30);   // no byte of an upload for this long: give up
constexpr std::size_t linger_bytes = 64 * 1024 * 1024;    // read and dropped after an early refusal, at most
constexpr auto linger_timeout = std::chrono::seconds(10);
constexpr std::size_t max_small_body = 8 * 1024;          // GET, HEAD and OPTIONS carry no real body

std::string query_param(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view rest = target.substr(q + 1);
    rest = rest.substr(0, rest.find('#'));
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name && eq != std::string_view::npos)
            return percent_decode(pair.substr(eq + 1)).value_or(std::string());
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
    }
    return {};
}

template <class Body> void files_headers(http::response<Body>& res) {
    res.set(http::field::server, "switchboard");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::access_control_allow_origin, "*"); // authorised by header or key, never by cookie
}

class FileExchange : public std::enable_shared_from_this<FileExchange> {
  public:
    // Parsers do not move; they convert to another body type, which carries on with the same request.
    FileExchange(beast::tcp_stream&& stream, beast::flat_buffer&& buffer, http::request_parser<http::string_body>& parser,
                 NetContext& ctx)
        : stream_(std::move(stream)), buffer_(std::move(buffer)), ctx_(ctx) {
        const auto& req = parser.get();
        version_ = req.version();
        keep_alive_ = req.keep_alive();
        method_ = req.method();
        target_ = std::string(req.target());
        path_ = target_.substr(0, target_.find_first_of("?#"));
        if (method_ == http::verb::post && path_ == "/files")
            body_.emplace(std::move(parser)); // the body goes to a file
        else
            head_.emplace(std::move(parser));
    }

    void run() {
        if (body_) return begin_upload();
        // Anything else has no body worth reading: read it whole, then answer.
        head_->body_limit(max_small_body);
        if (head_->is_done()) return answer();
        stream_.expires_after(idle_timeout);
        http::async_read(stream_, buffer_, *head_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec == http::error::body_limit) return self->refuse(FileRefusal{413, "too_large", "request body too large"}, false);
            if (ec) return; // dropped
            self->answer();
        });
    }

  private:
    // [SECTION] Upload
    void begin_upload() {
        const auto& req = body_->get();
        std::optional<std::uint64_t> length;
        if (auto l = body_->content_length()) length = *l;
        auto begun = ctx_.files->begin(std::string(req[http::field::authorization]), query_param(target_, "contact"),
                                       std::string(req["X-File-Name"]), std::string(req[http::field::content_type]), length);
        if (!begun) return refuse(begun.error(), false);
        upload_ = std::move(*begun);
        const bool expect_continue = beast::iequals(req[http::field::expect], "100-continue");
        body_->body_limit(ctx_.files->config().max_bytes);
        beast::error_code ec;
        body_->get().body().open(upload_->part.c_str(), beast::file_mode::write_new, ec);
        if (ec) {
            log_line("cannot write " + upload_->part.string() + ": " + ec.message());
            ctx_.files->abandon(*upload_);
            upload_.reset();
            return refuse(FileRefusal{500, "internal", "the server cannot store files now"}, false);
        }
        if (!expect_continue) return read_body();
        // The client waits for this before it sends the body.
        auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
        stream_.expires_after(idle_timeout);
        http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
            if (wec) return self->drop_upload();
            self->read_body();
        });
    }

    void read_body() {
        if (body_->is_done()) return end_upload();
        stream_.expires_after(idle_timeout); // an idle timeout: each chunk that arrives gives the next one time
        http::async_read_some(stream_, buffer_, *body_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec == http::error::body_limit) {
                self->drop_upload();
                const auto max = std::to_string(self->ctx_.files->config().max_bytes);
                return self->refuse(FileRefusal{413, "too_large", "the file is larger than " + max + " bytes"}, false);
            }
            if (ec) return self->drop_upload(); // reset, timeout, malformed chunk: nobody to answer
            self->read_body();
        });
    }

    void end_upload() {
        auto& body = body_->get().body();
        const bool flushed = ::fsync(body.file().native_handle()) == 0; // durable before its event is
        body.close();
        std::error_code size_ec;
        const auto size = std::filesystem::file_size(upload_->part, size_ec);
        if (!flushed || size_ec) {
            log_line("cannot flush " + upload_->part.string());
            drop_upload();
            return refuse(FileRefusal{500, "internal", "the server could not store the file"}, true);
        }
        auto done = ctx_.files->finish(*upload_, size);
        upload_.reset();
        if (!done) return refuse(done.error(), true);
        http::response<http::string_body> res{http::status::created, version_};
        files_headers(res);
        res.set(http::field::content_type, "application/json; charset=utf-8");
        res.body() = std::move(*done);
        res.keep_alive(keep_alive_);
        res.prepare_payload();
        write(std::move(res), true);
    }

    void drop_upload() {
        if (body_) body_->get().body().close();
        if (upload_) ctx_.files->abandon(*upload_);
        upload_.reset();
    }

    // [SECTION] Downloads and preflight
    void answer() {
        if (method_ == http::verb::options) {
            http::response<http::empty_body> res{http::status::no_content, version_};
            files_headers(res);
            res.set(http::field::access_control_allow_methods, "POST, GET, HEAD, OPTIONS");
            res.set(http::field::access_control_allow_headers, "Authorization, Content-Type, X-File-Name");
            res.set(http::field::access_control_max_age, "600");
            res.keep_alive(keep_alive_);
            return write(std::move(res), true);
        }
        if (path_ == "/files") return not_allowed("POST, OPTIONS");
        if (method_ != http::verb::get && method_ != http::verb::head) return not_allowed("GET, HEAD, OPTIONS");
        // /files/<id> or /files/<id>/<name>: the name is there for the browser's "save as" only.
        std::string_view rest = std::string_view(path_).substr(7);
        const std::string id(rest.substr(0, rest.find('/')));
        auto found = ctx_.files->download(id, query_param(target_, "key"));
        if (!found) return refuse(found.error(), true);

        const auto& d = *found;
        http::file_body::value_type body;
        beast::error_code ec;
        body.open(d.path.c_str(), beast::file_mode::scan, ec);
        if (ec) return refuse(FileRefusal{404, "not_found", "the file is gone"}, true);
        const auto size = body.size();
        auto headers = [&](auto& res) {
            files_headers(res);
            res.set(http::field::content_type, d.type);
            res.set("Content-Disposition", content_disposition(d.name));
            res.set("Content-Security-Policy", "default-src 'none'; sandbox");
            res.set("Referrer-Policy", "no-referrer");
            res.content_length(size);
            res.keep_alive(keep_alive_);
        };
        if (method_ == http::verb::head) {
            http::response<http::empty_body> res{http::status::ok, version_};
            headers(res);
            return write(std::move(res), true);
        }
        http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                            std::make_tuple(http::status::ok, version_)};
        headers(res);
        // Time for the whole file at a slow 64 KiB/s, and never less than the usual 30 s.
        stream_.expires_after(idle_timeout + std::chrono::seconds(size / (64 * 1024)));
        write(std::move(res), true, false);
    }

    void not_allowed(const char* allow) {
        FileRefusal r{405, "method_not_allowed", std::string("methods allowed here: ") + allow};
        auto res = error_response(r);
        res.set(http::field::allow, allow);
        write(std::move(res), true);
    }

    // [SECTION] Answers
    http::response<http::string_body> error_response(const FileRefusal& r) {
        http::response<http::string_body> res{static_cast<http::status>(r.status), version_};
        files_headers(res);
        res.set(http::field::content_type, "application/json; charset=utf-8");
        res.body() = refusal_json(r, ctx_.files->config());
        res.keep_alive(keep_alive_);
        res.prepare_payload();
        return res;
    }

    // body_read false: the request's body was not read, so the connection closes after the answer.
    void refuse(const FileRefusal& r, bool body_read) { write(error_response(r), body_read); }

    template <class Body> void write(http::response<Body>&& res, bool body_read, bool timed = true) {
        if (!body_read) res.keep_alive(false);
        if (timed) stream_.expires_after(idle_timeout);
        auto msg = std::make_shared<http::response<Body>>(std::move(res));
        const bool close = msg->need_eof();
        http::async_write(stream_, *msg, [self = shared_from_this(), msg, close, body_read](beast::error_code ec, std::size_t) {
            if (ec) return;
            if (!body_read) return self->linger();
            if (close) return self->shutdown();
            // The connection goes on: back to the ordinary HTTP session.
            std::make_shared<HttpSession>(std::move(self->stream_), std::move(self->buffer_), self->ctx_)->run();
        });
    }

    void shutdown() {
        beast::error_code ec;
        stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    }

    // After answering a request whose body was not read: stop sending, then read and drop what the client still
    // sends for a while, so that it reads the answer instead of a connection reset.
    void linger() {
        shutdown();
        drain();
    }

    void drain() {
        if (drained_ >= linger_bytes) return; // enough: the socket closes with this object
        stream_.expires_after(linger_timeout);
        stream_.async_read_some(asio::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->drained_ += n;
            if (!ec) self->drain();
        });
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::vector_body<char>>> head_; // any request but an upload
    std::optional<http::request_parser<http::file_body>> body_;
    NetContext& ctx_;
    std::optional<Files::Upload> upload_;
    unsigned version_ = 11;
    bool keep_alive_ = true;
    http::verb method_ = http::verb::unknown;
    std::string target_;
    std::string path_;
    std::size_t drained_ = 0;
    std::array<char, 16 * 1024> scratch_{};
};

} // namespace

bool is_files_path(std::string_view path) { return path == "/files" || path.rfind("/files/", 0) == 0; }

void serve_files(beast::tcp_stream&& stream, beast::flat_buffer&& buffer, http::request_parser<http::string_body>&& parser,
                 NetContext& ctx) {
    std::make_shared<FileExchange>(std::move(stream), std::move(buffer), parser, ctx)->run();
}

} // namespace sb::server::net_detail
