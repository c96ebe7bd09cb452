// Files over real sockets (docs/protocol.md, "Files"): the real switchboard-server, an agent and a visitor on
// WebSocket, uploads and downloads over HTTP both ways, the refusals (no credentials, someone else's contact,
// too large, type not allowed, bad links), keep-alive and 100-continue, a restart that keeps the files, and the
// retention that deletes those of contacts closed long ago.
#include "protocol/codec.h"

#include "server_process.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace protocol = sb::protocol;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

using sb::test::TempDir;

// The server on the test's folder (config.json, site/, db.sqlite), on a free port.
class Server {
  public:
    explicit Server(const TempDir& dir)
        : process_({"--config", (dir / "config.json").string(), "--port", "0", "--db", (dir / "db.sqlite").string(),
                    "--web-root", (dir / "site").string()},
                   dir / "stderr.txt"),
          port(process_.listening_port()) {}
    // SIGTERM; the exit status.
    int stop() {
        process_.terminate();
        return process_.wait_exit().value_or(-1);
    }

  private:
    sb::test::ServerProcess process_;

  public:
    const unsigned short port; // 0 if it did not start
};

class WsClient {
  public:
    explicit WsClient(unsigned short port) : ws_(ioc_) {
        beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        ws_.handshake("127.0.0.1", "/ws");
    }
    void send(const protocol::ClientMessage& m) {
        ws_.text(true);
        ws_.write(asio::buffer(protocol::encode(m)));
    }
    // The next message of type T, skipping others (waiting lists, presence...); T{} after a timeout.
    template <class T> T next(std::function<bool(const T&)> match = nullptr) {
        for (int i = 0; i < 50; ++i) {
            beast::flat_buffer buffer;
            bool done = false;
            beast::error_code result;
            ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
                result = ec;
                done = true;
            });
            ioc_.restart();
            ioc_.run_for(10s);
            if (!done) {
                beast::get_lowest_layer(ws_).cancel();
                ioc_.restart();
                ioc_.run();
                ADD_FAILURE() << "no message in time";
                return T{};
            }
            if (result) {
                ADD_FAILURE() << result.message();
                return T{};
            }
            auto m = protocol::decode_server(beast::buffers_to_string(buffer.data()));
            if (!m) continue;
            if (auto* x = std::get_if<T>(&*m); x && (!match || match(*x))) return *x;
        }
        ADD_FAILURE() << "no such message";
        return T{};
    }

  private:
    asio::io_context ioc_;
    websocket::stream<beast::tcp_stream> ws_;
};

struct Reply {
    unsigned status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    json data() const { return json::parse(body, nullptr, false); }
};

// One HTTP/1.1 connection, kept open between requests.
class Http {
  public:
    explicit Http(unsigned short port) : stream_(ioc_) {
        stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
    Reply request(http::verb verb, const std::string& target, const std::map<std::string, std::string>& headers = {},
                  const std::string& body = "", bool chunked = false) {
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        for (const auto& [k, v] : headers) req.set(k, v);
        req.body() = body;
        if (chunked)
            req.chunked(true);
        else if (verb == http::verb::post || !body.empty())
            req.prepare_payload();
        beast::error_code ec;
        http::write(stream_, req, ec);
        if (ec) return Reply{0, {}, "write: " + ec.message()};
        return read(verb == http::verb::head);
    }
    Reply read(bool head = false) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        parser.skip(head);
        beast::error_code ec;
        stream_.expires_after(15s);
        http::read(stream_, buffer_, parser, ec);
        if (ec) return Reply{0, {}, "read: " + ec.message()};
        Reply r{parser.get().result_int(), {}, parser.get().body()};
        for (const auto& f : parser.get()) r.headers[std::string(f.name_string())] = std::string(f.value());
        return r;
    }
    beast::tcp_stream& stream() { return stream_; }
    beast::flat_buffer& buffer() { return buffer_; }

  private:
    asio::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
};

Reply http_once(unsigned short port, http::verb verb, const std::string& target,
                const std::map<std::string, std::string>& headers = {}, const std::string& body = "", bool chunked = false) {
    Http h(port);
    return h.request(verb, target, headers, body, chunked);
}

const char* config_json = R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://127.0.0.1/demo/"}],
  "services": [{"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "site": "demo"}],
  "agents": [{"login": "alice", "name": "Alice Rossi", "password": "alice-demo", "tags": ["sales"], "capacity": 3}],
  "files": {"max_bytes": 65536, "types": ["text/plain", "image/png"], "dir": "FILES_DIR"}
})";

class FilesOverHttp : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir / "site/console");
        std::ofstream(dir / "site/console/console.html") << "<!doctype html><title>console</title>";
        std::string text = config_json;
        text.replace(text.find("FILES_DIR"), 9, (dir / "files").string());
        std::ofstream(dir / "config.json") << text;
        start();
    }
    void start() {
        server.reset();
        server.emplace(dir);
        ASSERT_NE(server->port, 0) << "the server did not start";
        port = server->port;
    }

    // Alice (logged in, ready) holds a chat of a new visitor.
    void contact() {
        agent.emplace(port);
        agent->send(protocol::AgentLogin{"l", "alice", "alice-demo"});
        auto welcome = agent->next<protocol::Welcome>();
        token = welcome.token;
        EXPECT_EQ(welcome.files, (protocol::FileLimits{65536, {"text/plain", "image/png"}}));
        agent->send(protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
        visitor.emplace(port);
        protocol::VisitorHello hello;
        hello.cid = "h";
        hello.name = "Maria";
        visitor->send(hello);
        auto vw = visitor->next<protocol::VisitorWelcome>();
        who = vw.visitor;
        EXPECT_EQ(vw.files.max_bytes, 65536u);
        protocol::ContactRequestMsg r;
        r.cid = "q";
        r.service = "sales";
        visitor->send(r);
        id = visitor->next<protocol::ContactSnapshot>().contact.id;
        agent->send(protocol::ContactClaim{"k", id});
        EXPECT_EQ(agent->next<protocol::ContactSnapshot>().contact.state, sb::ContactState::assigned);
    }
    std::map<std::string, std::string> as_agent(const std::string& name, const std::string& type = "text/plain") {
        return {{"Authorization", "Bearer " + token}, {"X-File-Name", name}, {"Content-Type", type}};
    }
    std::map<std::string, std::string> as_visitor(const std::string& name, const std::string& type = "text/plain") {
        return {{"Authorization", "Visitor " + who.id + ":" + who.secret}, {"X-File-Name", name}, {"Content-Type", type}};
    }
    std::string files_path() const { return "/files?contact=" + id; }
    // The next file event a client receives.
    static protocol::FileInfo file_event(WsClient& c) {
        auto e = c.next<protocol::ContactEventMsg>(
            [](const protocol::ContactEventMsg& m) { return std::holds_alternative<protocol::ev::File>(m.event.body); });
        return std::holds_alternative<protocol::ev::File>(e.event.body) ? std::get<protocol::ev::File>(e.event.body).file
                                                                        : protocol::FileInfo{};
    }
    bool alive() { return http_once(port, http::verb::get, "/healthz").body == "ok"; }

    TempDir dir;
    std::optional<Server> server;
    unsigned short port = 0;
    std::optional<WsClient> agent, visitor;
    std::string token, id;
    protocol::VisitorIdentity who;
};

} // namespace

TEST_F(FilesOverHttp, FilesGoBothWaysAndOnlyThePartiesDownloadThem) {
    contact();
    const std::string bytes = "Offerta speciale: 10% di sconto\n";
    auto up = http_once(port, http::verb::post, files_path(), as_agent("offerta%20n%C2%B01.txt"), bytes);
    ASSERT_EQ(up.status, 201u) << up.body;
    EXPECT_EQ(up.headers["Content-Type"], "application/json; charset=utf-8");
    EXPECT_EQ(up.headers["Access-Control-Allow-Origin"], "*");
    auto answer = up.data();
    EXPECT_EQ(answer["file"]["name"], "offerta n°1.txt");
    EXPECT_EQ(answer["file"]["size"], bytes.size());

    const auto to_visitor = file_event(*visitor);
    const auto to_agent = file_event(*agent);
    EXPECT_EQ(to_visitor.id, answer["file"]["id"]);
    EXPECT_EQ(to_agent.url, answer["file"]["url"]);
    EXPECT_NE(to_visitor.url, to_agent.url);

    auto down = http_once(port, http::verb::get, to_visitor.url);
    ASSERT_EQ(down.status, 200u) << down.body;
    EXPECT_EQ(down.body, bytes);
    EXPECT_EQ(down.headers["Content-Type"], "text/plain");
    EXPECT_EQ(down.headers["Content-Disposition"],
              "attachment; filename=\"offerta n_1.txt\"; filename*=UTF-8''offerta%20n%C2%B01.txt");
    EXPECT_EQ(down.headers["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(down.headers["Cache-Control"], "no-store");
    auto head = http_once(port, http::verb::head, to_agent.url);
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.headers["Content-Length"], std::to_string(bytes.size()));
    EXPECT_TRUE(head.body.empty());

    // Links are the parties' only: a changed key, no key, an unknown file.
    std::string forged = to_visitor.url;
    forged.back() = forged.back() == '0' ? '1' : '0';
    auto refused = http_once(port, http::verb::get, forged);
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(refused.data()["code"], "forbidden");
    EXPECT_EQ(http_once(port, http::verb::get, "/files/" + to_visitor.id).status, 403u);
    EXPECT_EQ(http_once(port, http::verb::get, "/files/f-00000000000000000000000000000000/x?key=00").status, 404u);
    EXPECT_EQ(http_once(port, http::verb::get, "/files/..%2fdb.sqlite?key=00").status, 404u);

    // The visitor's file reaches the agent.
    const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    up = http_once(port, http::verb::post, files_path(), as_visitor("scontrino.png", "image/png"), png);
    ASSERT_EQ(up.status, 201u) << up.body;
    const auto from_visitor = file_event(*agent);
    EXPECT_EQ(from_visitor.name, "scontrino.png");
    down = http_once(port, http::verb::get, from_visitor.url);
    EXPECT_EQ(down.status, 200u);
    EXPECT_EQ(down.body, png);
    EXPECT_EQ(down.headers["Content-Type"], "image/png");
}

TEST_F(FilesOverHttp, RefusalsAreJsonWithTheirStatusAndTheServerGoesOn) {
    contact();
    auto code = [](const Reply& r) { return r.data().value("code", std::string("(none: ") + r.body + ")"); };

    auto r = http_once(port, http::verb::post, files_path(), {{"X-File-Name", "a.txt"}, {"Content-Type", "text/plain"}}, "x");
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(code(r), "not_logged_in");
    EXPECT_EQ(r.headers["Content-Type"], "application/json; charset=utf-8");

    // Another visitor may not send on this contact.
    WsClient stranger(port);
    protocol::VisitorHello hello;
    hello.cid = "h2";
    stranger.send(hello);
    auto other = stranger.next<protocol::VisitorWelcome>().visitor;
    r = http_once(port, http::verb::post, files_path(),
                  {{"Authorization", "Visitor " + other.id + ":" + other.secret}, {"X-File-Name", "a.txt"}, {"Content-Type", "text/plain"}},
                  "x");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(code(r), "not_found");

    r = http_once(port, http::verb::post, files_path(), as_visitor("big.txt"), std::string(65537, 'x'));
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(code(r), "too_large");
    EXPECT_EQ(r.data()["max_bytes"], 65536);
    r = http_once(port, http::verb::post, files_path(), as_visitor("big.txt"), std::string(200000, 'x'), true);
    EXPECT_EQ(r.status, 413u) << "chunked: cut at the limit";
    EXPECT_EQ(code(r), "too_large");
    r = http_once(port, http::verb::post, files_path(), as_visitor("page.html", "text/html"), "<script>");
    EXPECT_EQ(r.status, 415u);
    EXPECT_EQ(code(r), "type_not_allowed");
    EXPECT_EQ(r.data()["types"], json::array({"text/plain", "image/png"}));
    r = http_once(port, http::verb::post, files_path(), {{"Authorization", "Bearer " + token}, {"Content-Type", "text/plain"}}, "x");
    EXPECT_EQ(r.status, 400u) << "no X-File-Name";
    r = http_once(port, http::verb::post, "/files", as_visitor("a.txt"), "x");
    EXPECT_EQ(r.status, 400u) << "no contact";
    r = http_once(port, http::verb::post, files_path(), as_visitor("empty.txt"), "");
    EXPECT_EQ(r.status, 400u);
    r = http_once(port, http::verb::put, files_path(), as_visitor("a.txt"), "x");
    EXPECT_EQ(r.status, 405u);
    EXPECT_EQ(r.headers["Allow"], "POST, OPTIONS");

    // CORS preflight: the widget runs on other sites.
    r = http_once(port, http::verb::options, files_path(),
                  {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.headers["Access-Control-Allow-Origin"], "*");
    EXPECT_EQ(r.headers["Access-Control-Allow-Headers"], "Authorization, Content-Type, X-File-Name");

    EXPECT_TRUE(alive());
    EXPECT_TRUE(fs::is_empty(dir / "files")) << "refused uploads leave nothing behind";

    // Closed: the contact takes no more files.
    agent->send(protocol::ContactStop{"st", id, sb::Outcome::successful});
    r = http_once(port, http::verb::post, files_path(), as_visitor("late.txt"), "x");
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(code(r), "closed");
}

TEST_F(FilesOverHttp, KeepAliveAndExpectContinue) {
    contact();
    // Upload then download on one connection.
    Http h(port);
    auto up = h.request(http::verb::post, files_path(), as_agent("one.txt"), "first");
    ASSERT_EQ(up.status, 201u) << up.body;
    auto url = file_event(*agent).url;
    auto down = h.request(http::verb::get, url);
    EXPECT_EQ(down.status, 200u);
    EXPECT_EQ(down.body, "first");
    EXPECT_EQ(h.request(http::verb::get, "/healthz").body, "ok") << "back to the ordinary HTTP session";

    // Expect: 100-continue: the body goes once the server said so.
    Http c(port);
    const std::string body = "second file";
    std::string head = "POST " + files_path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                       "\r\nX-File-Name: two.txt\r\nContent-Type: text/plain\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n";
    asio::write(c.stream().socket(), asio::buffer(head));
    asio::streambuf line;
    c.stream().expires_after(10s);
    asio::read_until(c.stream().socket(), line, "\r\n\r\n");
    std::string interim((std::istreambuf_iterator<char>(&line)), std::istreambuf_iterator<char>());
    EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
    asio::write(c.stream().socket(), asio::buffer(body));
    auto done = c.read();
    EXPECT_EQ(done.status, 201u) << done.body;

    // A refused Expect: 100-continue: the answer comes at once, no body needed.
    Http d(port);
    std::string big = "POST " + files_path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                      "\r\nX-File-Name: big.txt\r\nContent-Type: text/plain\r\nContent-Length: 999999999\r\n"
                      "Expect: 100-continue\r\n\r\n";
    asio::write(d.stream().socket(), asio::buffer(big));
    auto refused = d.read();
    EXPECT_EQ(refused.status, 413u);
    EXPECT_EQ(refused.headers["Connection"], "close");
    EXPECT_TRUE(alive());
}

TEST_F(FilesOverHttp, ARestartKeepsTheFilesAndTheirLinks) {
    contact();
    auto up = http_once(port, http::verb::post, files_path(), as_visitor("kept.txt"), "still here");
    ASSERT_EQ(up.status, 201u) << up.body;
    const std::string url = up.data()["file"]["url"];
    agent.reset();
    visitor.reset();
    EXPECT_EQ(server->stop(), 0);

    start();
    auto down = http_once(port, http::verb::get, url);
    EXPECT_EQ(down.status, 200u) << down.body;
    EXPECT_EQ(down.body, "still here");
    // The visitor comes back and resumes: the event carries the same link.
    WsClient v(port);
    protocol::VisitorHello hello;
    hello.cid = "h";
    hello.visitor = who;
    v.send(hello);
    v.next<protocol::VisitorWelcome>();
    v.send(protocol::ContactResume{"r", id, 0});
    auto snap = v.next<protocol::ContactSnapshot>();
    bool found = false;
    for (const auto& e : snap.events)
        if (auto* f = std::get_if<protocol::ev::File>(&e.body)) found = f->file.url == url;
    EXPECT_TRUE(found);
}

TEST_F(FilesOverHttp, AContactClosedLongerThanTheRetentionLosesItsFilesBytes) {
    contact();
    auto up = http_once(port, http::verb::post, files_path(), as_visitor("old.txt"), "old bytes");
    ASSERT_EQ(up.status, 201u) << up.body;
    const std::string url = up.data()["file"]["url"];
    const std::string file_id = up.data()["file"]["id"];
    agent->send(protocol::ContactStop{"st", id, sb::Outcome::successful});
    agent->next<protocol::ContactEventMsg>(
        [](const protocol::ContactEventMsg& m) { return std::holds_alternative<protocol::ev::Closed>(m.event.body); });
    agent.reset();
    visitor.reset();
    EXPECT_EQ(server->stop(), 0);

    // The contact closed two days ago (in its stored record), and files are now kept one day.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "db.sqlite").c_str(), &db), SQLITE_OK);
    const std::string age = "UPDATE contacts SET data = json_set(data, '$.closed_at', "
                            "json_extract(data, '$.closed_at') - 2 * 86400000) WHERE id = '" + id + "'";
    EXPECT_EQ(sqlite3_exec(db, age.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
    std::string text = config_json;
    text.replace(text.find("FILES_DIR"), 9, (dir / "files").string());
    text.replace(text.find("\"dir\""), 5, "\"retention_days\": 1, \"dir\"");
    std::ofstream(dir / "config.json") << text;

    start(); // the first sweep runs before the first connection is served
    auto down = http_once(port, http::verb::get, url);
    EXPECT_EQ(down.status, 410u) << down.body;
    EXPECT_EQ(down.data()["code"], "file_expired");
    EXPECT_EQ(down.headers["Content-Type"], "application/json; charset=utf-8");
    EXPECT_EQ(down.headers["Access-Control-Allow-Origin"], "*");
    EXPECT_EQ(http_once(port, http::verb::head, url).status, 410u);
    EXPECT_FALSE(fs::exists(dir / "files" / file_id)) << "the bytes are deleted";
    EXPECT_TRUE(alive());

    // The transcript keeps the file event, with its name and size.
    WsClient v(port);
    protocol::VisitorHello hello;
    hello.cid = "h";
    hello.visitor = who;
    v.send(hello);
    v.next<protocol::VisitorWelcome>();
    v.send(protocol::ContactResume{"r", id, 0});
    auto snap = v.next<protocol::ContactSnapshot>();
    std::optional<protocol::FileInfo> kept;
    for (const auto& e : snap.events)
        if (auto* f = std::get_if<protocol::ev::File>(&e.body)) kept = f->file;
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->name, "old.txt");
    EXPECT_EQ(kept->size, 9u);
}
