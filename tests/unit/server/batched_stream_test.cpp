// The WebSocket session's write layer (src/server/net/batched_stream.h) against a real Beast client over
// loopback: frames written in a burst arrive whole and in order, those of one turn leave in one write, Beast's
// own pongs and close still work.
#include "server/net/batched_stream.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using sb::server::net_detail::append_text_frame;
using sb::server::net_detail::BatchedStream;

TEST(WebsocketFrame, HeaderUsesTheShortestLengthForm) {
    std::string out;
    append_text_frame(out, "Hello"); // RFC 6455 section 5.7: a single-frame unmasked text message
    EXPECT_EQ(out, std::string("\x81\x05Hello", 7));

    out.clear();
    append_text_frame(out, std::string(125, 'a'));
    EXPECT_EQ(out.substr(0, 2), std::string("\x81\x7d", 2));
    EXPECT_EQ(out.size(), 2u + 125u);

    out.clear();
    append_text_frame(out, std::string(256, 'a')); // RFC 6455 section 5.7: 256 bytes, 16-bit length
    EXPECT_EQ(out.substr(0, 4), std::string("\x81\x7e\x01\x00", 4));

    out.clear();
    append_text_frame(out, std::string(65535, 'a'));
    EXPECT_EQ(out.substr(0, 4), std::string("\x81\x7e\xff\xff", 4));

    out.clear();
    append_text_frame(out, std::string(65536, 'a')); // RFC 6455 section 5.7: 64 KiB, 64-bit length
    EXPECT_EQ(out.substr(0, 10), std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
    EXPECT_EQ(out.size(), 10u + 65536u);

    out.clear();
    append_text_frame(out, "");
    EXPECT_EQ(out, std::string("\x81\x00", 2));
}

// The server side of one connection, owned by a shared_ptr as the real session is.
struct ServerSide : std::enable_shared_from_this<ServerSide> {
    explicit ServerSide(tcp::socket&& s) : ws(std::move(s)) {}
    websocket::stream<BatchedStream> ws;
    beast::flat_buffer buffer;
    bool accepted = false;
    beast::error_code read_error;
    bool read_done = false;
    void read() {
        ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->read_error = ec;
                self->read_done = true;
                return;
            }
            self->buffer.consume(self->buffer.size());
            self->read();
        });
    }
};

class BatchedStreamTest : public ::testing::Test {
  protected:
    asio::io_context io;
    tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::shared_ptr<ServerSide> server;

    // Runs the server's handlers until `done` holds (the client runs on its own thread).
    template <class Pred> void run_until(Pred done) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!done() && std::chrono::steady_clock::now() < give_up) io.run_one_for(std::chrono::milliseconds(100));
        ASSERT_TRUE(done());
    }

    void accept() {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
            ASSERT_FALSE(ec);
            server = std::make_shared<ServerSide>(std::move(s));
            server->ws.next_layer().hold(server);
            server->ws.async_accept([s = server](beast::error_code e) {
                ASSERT_FALSE(e);
                s->accepted = true;
                s->read();
            });
        });
        run_until([&] { return server && server->accepted; });
    }

    unsigned short port() const { return acceptor.local_endpoint().port(); }
};

// A synchronous Beast client on its own thread.
struct Client {
    asio::io_context io;
    websocket::stream<tcp::socket> ws{io};
    void connect(unsigned short port) {
        ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        ws.handshake("127.0.0.1", "/ws");
    }
    std::string read() {
        beast::flat_buffer b;
        ws.read(b);
        return beast::buffers_to_string(b.data());
    }
};

TEST_F(BatchedStreamTest, FramesWrittenInABurstArriveWholeAndInOrder) {
    Client client;
    auto connected = std::async(std::launch::async, [&] { client.connect(port()); });
    accept();
    connected.get();

    std::vector<std::string> sent;
    for (int i = 0; i < 300; ++i) {
        // Small frames, and now and then one needing the 16- and the 64-bit length.
        const std::size_t size = i % 100 == 7 ? 70000 : i % 10 == 3 ? 300 : 20;
        std::string text = std::to_string(i) + ":";
        text.resize(size, static_cast<char>('a' + i % 26));
        sent.push_back(text);
        server->ws.next_layer().write_text(text);
    }
    // Nothing is on the socket yet: the first write starts when the loop runs.
    EXPECT_EQ(server->ws.next_layer().frames_queued(), 300u);

    auto received = std::async(std::launch::async, [&] {
        std::vector<std::string> got;
        for (std::size_t i = 0; i < sent.size(); ++i) got.push_back(client.read());
        return got;
    });
    run_until([&] { return received.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    EXPECT_EQ(received.get(), sent);
    EXPECT_EQ(server->ws.next_layer().frames_queued(), 0u);
    EXPECT_EQ(server->ws.next_layer().bytes_queued(), 0u);
}

// A write starts only once the event loop has run what it had ready: the frames queued meanwhile (here three,
// queued in one handler) leave in one socket write and reach the peer as one read.
TEST_F(BatchedStreamTest, FramesQueuedInOneTurnLeaveInOneWrite) {
    Client client;
    auto connected = std::async(std::launch::async, [&] { client.connect(port()); });
    accept();
    connected.get();
    auto& raw = client.ws.next_layer();
    ASSERT_EQ(raw.available(), 0u);

    std::string expected;
    for (const char* text : {"first", "second", "third"}) {
        server->ws.next_layer().write_text(text);
        append_text_frame(expected, text);
    }
    EXPECT_EQ(raw.available(), 0u) << "nothing is written before the loop runs the posted write";
    EXPECT_EQ(server->ws.next_layer().frames_queued(), 3u);

    run_until([&] { return server->ws.next_layer().frames_queued() == 0; });
    std::string got(expected.size() * 2, '\0');
    const std::size_t n = raw.read_some(asio::buffer(got)); // blocks until the first bytes arrive
    got.resize(n);
    EXPECT_EQ(got, expected) << "one read returns the three frames: they were one write";
}

TEST_F(BatchedStreamTest, BeastStillAnswersPingsBetweenTheSessionsFrames) {
    Client client;
    auto connected = std::async(std::launch::async, [&] { client.connect(port()); });
    accept();
    connected.get();

    std::atomic<bool> pong{false};
    client.ws.control_callback([&](websocket::frame_type kind, beast::string_view payload) {
        if (kind == websocket::frame_type::pong && payload == "are you there") pong = true;
    });
    // The client pings, then reads: its read sees the pong (queued by Beast through the batch) and then the
    // frame the server writes once the pong has arrived.
    auto read = std::async(std::launch::async, [&] {
        client.ws.ping("are you there");
        return client.read();
    });
    run_until([&] { return pong.load(); });
    server->ws.next_layer().write_text("after the pong");
    run_until([&] { return read.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    EXPECT_EQ(read.get(), "after the pong");
}

TEST_F(BatchedStreamTest, ACloseFollowsTheFramesQueuedBeforeIt) {
    Client client;
    auto connected = std::async(std::launch::async, [&] { client.connect(port()); });
    accept();
    connected.get();

    for (int i = 0; i < 50; ++i) server->ws.next_layer().write_text("frame " + std::to_string(i));
    bool closed = false;
    server->ws.async_close(websocket::close_code::going_away, [&, s = server](beast::error_code ec) {
        EXPECT_FALSE(ec);
        closed = true;
    });
    auto read = std::async(std::launch::async, [&] {
        std::vector<std::string> got;
        beast::error_code ec;
        for (;;) {
            beast::flat_buffer b;
            client.ws.read(b, ec);
            if (ec) break;
            got.push_back(beast::buffers_to_string(b.data()));
        }
        return std::make_pair(got, ec);
    });
    run_until([&] { return closed && server->read_done; });
    auto [got, ec] = read.get();
    ASSERT_EQ(got.size(), 50u);
    EXPECT_EQ(got.front(), "frame 0");
    EXPECT_EQ(got.back(), "frame 49");
    EXPECT_EQ(ec, websocket::error::closed);
    EXPECT_EQ(client.ws.reason().code, websocket::close_code::going_away);
}

TEST_F(BatchedStreamTest, ThePeersCloseIsAnsweredAndEndsTheRead) {
    Client client;
    auto connected = std::async(std::launch::async, [&] { client.connect(port()); });
    accept();
    connected.get();

    auto closed = std::async(std::launch::async, [&] { client.ws.close(websocket::close_code::normal); });
    run_until([&] { return server->read_done; });
    run_until([&] { return closed.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    closed.get(); // throws if the close handshake failed
    EXPECT_EQ(server->read_error, websocket::error::closed);
    EXPECT_FALSE(server->ws.is_open());
}

} // namespace
