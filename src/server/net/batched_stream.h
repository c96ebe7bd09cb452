// The layer under a WebSocket session's Beast stream: one write in flight on the socket at a time, and whatever
// is written meanwhile (the session's frames, Beast's own handshake reply, pongs and close) goes out together
// in the next one. A write does not start at once: it is posted, so it runs after the handlers the event loop
// has ready, and everything they queue for this connection goes in the same `sendmsg`. The busier the loop,
// the more each write gathers (several waiting-list changes, or a contact event fanned out to one agent's many
// contacts, in one `sendmsg` instead of one each); an idle loop runs the posted write at once.
#pragma once
#include "server/net/websocket_frame.h"

#include <utility> // before asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sb::server::net_detail {

class BatchedStream {
  public:
    using next_layer_type = boost::beast::tcp_stream;
    using executor_type = next_layer_type::executor_type;

    explicit BatchedStream(boost::asio::ip::tcp::socket&& socket) : stream_(std::move(socket)) {}

    executor_type get_executor() noexcept { return stream_.get_executor(); }
    next_layer_type& next_layer() noexcept { return stream_; }
    const next_layer_type& next_layer() const noexcept { return stream_; }

    // The owner of this stream (the session): kept alive by each write in flight. Set before any write.
    void hold(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

    template <class Buffers, class Handler> auto async_read_some(const Buffers& buffers, Handler&& handler) {
        return stream_.async_read_some(buffers, std::forward<Handler>(handler));
    }

    // Beast's writes: taken whole into the batch; the handler runs (posted) as soon as they are queued.
    template <class Buffers, class Handler> auto async_write_some(const Buffers& buffers, Handler&& handler) {
        return boost::asio::async_initiate<Handler, void(boost::beast::error_code, std::size_t)>(
            [this](auto h, const Buffers& b) {
                std::size_t n = 0;
                if (!failed_) {
                    for (auto it = boost::asio::buffer_sequence_begin(b); it != boost::asio::buffer_sequence_end(b); ++it) {
                        const boost::asio::const_buffer part = *it;
                        pending_.append(static_cast<const char*>(part.data()), part.size());
                        n += part.size();
                    }
                    flush();
                }
                boost::asio::post(stream_.get_executor(), boost::beast::bind_front_handler(std::move(h), failed_, n));
            },
            handler, buffers);
    }

    // One text frame of the session's.
    void write_text(std::string_view payload) {
        if (failed_) return;
        append_text_frame(pending_, payload);
        ++pending_frames_;
        flush();
    }

    std::size_t frames_queued() const { return pending_frames_ + writing_frames_; }
    std::size_t bytes_queued() const { return pending_.size() + writing_.size(); }

    // Runs `done` once everything queued so far is on the socket (or the socket failed).
    void when_written(std::function<void()> done) {
        if (!in_flight_) return done();
        on_written_.push_back(std::move(done));
    }

  private:
    // Posts the start of the next write, unless one is in flight or posted (then it takes what is queued now).
    void flush() {
        if (in_flight_ || pending_.empty()) return;
        auto keep = owner_.lock();
        if (!keep) return; // the session is going: nobody reads the result
        in_flight_ = true;
        boost::asio::post(stream_.get_executor(), [this, keep = std::move(keep)]() mutable {
            in_flight_ = false;
            start(std::move(keep));
            if (!in_flight_) written();
        });
    }

    // Writes what is queued, if anything (nothing is queued once the socket failed).
    void start(std::shared_ptr<void> keep) {
        if (pending_.empty()) return;
        std::swap(pending_, writing_); // both keep their capacity
        pending_.clear();
        writing_frames_ = pending_frames_;
        pending_frames_ = 0;
        in_flight_ = true;
        boost::asio::async_write(stream_, boost::asio::buffer(writing_),
                                 [this, keep = std::move(keep)](boost::beast::error_code ec, std::size_t) {
                                     in_flight_ = false;
                                     writing_.clear();
                                     if (writing_.capacity() > keep_capacity) std::string().swap(writing_);
                                     writing_frames_ = 0;
                                     if (ec) {
                                         failed_ = ec;
                                         pending_.clear();
                                         pending_frames_ = 0;
                                         boost::beast::error_code ignored;
                                         stream_.socket().close(ignored); // the session's read ends with it
                                     } else {
                                         start(std::move(keep)); // what was gathered meanwhile goes now
                                     }
                                     if (!in_flight_) written();
                                 });
    }

    void written() {
        auto done = std::move(on_written_);
        on_written_.clear();
        for (auto& f : done) f();
    }

    // Buffers keep their capacity between writes, up to this: a snapshot of a long transcript is not kept.
    static constexpr std::size_t keep_capacity = 16 * 1024;

    next_layer_type stream_;
    std::string pending_, writing_; // gathered while a write is in flight / the write in flight
    std::size_t pending_frames_ = 0, writing_frames_ = 0;
    bool in_flight_ = false; // a write is on the socket, or its start is posted
    boost::beast::error_code failed_;
    std::weak_ptr<void> owner_;
    std::vector<std::function<void()>> on_written_;
};

// Beast closes a WebSocket with these (found by argument-dependent lookup): the close frame and everything
// before it are written first, then the TCP stream is torn down as usual.
template <class Handler> void async_teardown(boost::beast::role_type role, BatchedStream& s, Handler&& handler) {
    auto h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
    s.when_written([role, &s, h] {
        using boost::beast::async_teardown;
        async_teardown(role, s.next_layer(), std::move(*h));
    });
}

inline void teardown(boost::beast::role_type role, BatchedStream& s, boost::beast::error_code& ec) {
    using boost::beast::teardown;
    teardown(role, s.next_layer(), ec);
}

} // namespace sb::server::net_detail
