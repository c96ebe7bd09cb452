// Starts the real switchboard-server and talks to it over HTTP and WebSocket, plus its start-up failures.
// PostgresServerTest runs some of it on PostgreSQL (ctest's fixture "pg"; label postgres).
#include "protocol/codec.h"

#include "pg_test_db.h"
#include "server_process.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace protocol = sb::protocol;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

using sb::test::ServerProcess;
using sb::test::TempDir;

const char* valid_config = R"({
  "listen": {"host": "127.0.0.1", "port": 8080},
  "limits": {"max_frame_bytes": 4096, "messages_per_second": 50},
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://127.0.0.1/demo/"}],
  "services": [{"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "dissuasion_seconds": 90,
                "site": "demo"}],
  "agents": [{"login": "alice", "name": "Alice Rossi", "password": "alice-demo", "tags": ["sales"],
              "languages": ["en"], "capacity": 3}]
})";

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir / "site/console");
        std::ofstream(dir / "site/console/console.html") << "<!doctype html><title>console</title>";
        std::ofstream(dir / "site/console/console.wasm") << "wasm";
        std::ofstream(dir / "secret.txt") << "secret";
        write_config(valid_config);
    }
    void write_config(const std::string& text) { std::ofstream(dir / "config.json") << text; }

    std::vector<std::string> args(std::vector<std::string> extra = {}) {
        std::vector<std::string> a{"--config", (dir / "config.json").string(), "--port", "0",
                                   "--db", database(), "--web-root", (dir / "site").string()};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    // Starts the server and returns its port from the "listening on" line.
    unsigned short start() {
        server.emplace(args(), dir / "stderr.txt");
        auto line = server->read_line();
        EXPECT_TRUE(line) << "no listening line; stderr: " << join(server->stderr_lines());
        std::smatch m;
        std::string text = line.value_or("");
        EXPECT_TRUE(std::regex_match(text, m, std::regex(R"(switchboard-server listening on http://127\.0\.0\.1:(\d+))")))
            << text;
        return m.empty() ? 0 : static_cast<unsigned short>(std::stoi(m[1]));
    }

    // Runs the server with `arguments` and expects it to fail at start.
    std::pair<int, std::vector<std::string>> start_failure(const std::vector<std::string>& arguments) {
        ServerProcess p(arguments, dir / "stderr.txt");
        auto code = p.wait_exit();
        EXPECT_TRUE(code) << "server did not exit";
        return {code.value_or(-1), p.stderr_lines()};
    }

    // The SQLite file, or the PostgreSQL URL of PostgresServerTest (--db).
    virtual std::string database() { return (dir / "db/switchboard.db").string(); }

    // Test bodies shared by both backends.
    void acknowledged_contacts_survive_kill_nine();

    static std::string join(const std::vector<std::string>& lines) {
        std::string s;
        for (const auto& l : lines) s += l + "\n";
        return s;
    }

    TempDir dir;
    std::optional<ServerProcess> server;
};

// The server on PostgreSQL: a fresh database on the private test server that ctest's fixture "pg" starts
// (scripts/pg-test-server). Without that server the test FAILS: both backends must pass.
class PostgresServerTest : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        try {
            pg.emplace();
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
        std::string text = valid_config;
        const std::string listen = R"("listen": {"host": "127.0.0.1", "port": 8080},)";
        ASSERT_NE(text.find(listen), std::string::npos);
        text.replace(text.find(listen), listen.size(),
                     listen + R"( "storage": {"kind": "postgres", "url": ")" + pg->url() + R"("},)");
        write_config(text);
    }
    void TearDown() override { server.reset(); } // before the database is dropped
    std::string database() override { return pg->url(); }

    std::optional<sb::test::PgTestDatabase> pg;
};

struct HttpReply {
    unsigned status = 0;
    std::string content_type;
    std::string location;
    std::string body;
};

HttpReply http_get(unsigned short port, const std::string& target, http::verb verb = http::verb::get) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.skip(verb == http::verb::head);
    http::read(stream, buffer, parser);
    auto& res = parser.get();
    return {res.result_int(), std::string(res[http::field::content_type]), std::string(res[http::field::location]),
            res.body()};
}

// A WebSocket client whose reads give up after a timeout instead of hanging the test.
class WsClient {
  public:
    // forwarded_for: an X-Forwarded-For header, as a reverse proxy in front of the server would add.
    explicit WsClient(unsigned short port, const std::string& forwarded_for = "") : ws_(ioc_) {
        beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        if (!forwarded_for.empty())
            ws_.set_option(websocket::stream_base::decorator(
                [forwarded_for](websocket::request_type& req) { req.set("X-Forwarded-For", forwarded_for); }));
        ws_.handshake("127.0.0.1", "/ws");
    }
    void send_text(const std::string& frame) {
        ws_.text(true);
        ws_.write(asio::buffer(frame));
    }
    void send(const protocol::ClientMessage& m) { send_text(protocol::encode(m)); }
    void send_binary(const std::string& frame) {
        ws_.binary(true);
        ws_.write(asio::buffer(frame));
    }
    // The next frame, or the error that ended the connection.
    std::pair<std::string, beast::error_code> read(std::chrono::seconds timeout = 10s) {
        beast::flat_buffer buffer;
        beast::error_code result = asio::error::timed_out;
        bool done = false;
        ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        ioc_.restart();
        ioc_.run_for(timeout);
        if (!done) {
            beast::get_lowest_layer(ws_).cancel();
            ioc_.restart();
            ioc_.run();
            return {"", asio::error::timed_out};
        }
        return {beast::buffers_to_string(buffer.data()), result};
    }
    protocol::ServerMessage read_message() {
        auto [text, ec] = read();
        EXPECT_FALSE(ec) << ec.message();
        auto m = protocol::decode_server(text);
        EXPECT_TRUE(m) << text;
        return m ? *m : protocol::ServerMessage{protocol::Error{"", "test: undecodable", text}};
    }
    template <class T> T read_as() {
        auto m = read_message();
        EXPECT_TRUE(std::holds_alternative<T>(m)) << protocol::encode(m);
        return std::holds_alternative<T>(m) ? std::get<T>(m) : T{};
    }

    // The code of the close frame the server sent (after read() returned websocket::error::closed).
    websocket::close_code close_code() const { return static_cast<websocket::close_code>(ws_.reason().code); }

  private:
    asio::io_context ioc_;
    websocket::stream<beast::tcp_stream> ws_;
};

} // namespace

TEST_F(ServerTest, AgentLogsInOverWebSocket) {
    auto port = start();
    WsClient ws(port);
    ws.send(protocol::AgentLogin{"c1", "alice", "wrong"});
    auto refused = ws.read_as<protocol::Error>();
    EXPECT_EQ(refused.code, protocol::code::bad_credentials);
    EXPECT_EQ(refused.cid, "c1");

    ws.send(protocol::AgentLogin{"c2", "alice", "alice-demo"});
    auto welcome = ws.read_as<protocol::Welcome>();
    EXPECT_EQ(welcome.cid, "c2");
    EXPECT_EQ(welcome.agent.name, "Alice Rossi");
    EXPECT_EQ(welcome.agent.status, sb::AgentStatus::paused);
    EXPECT_EQ(welcome.token.size(), 64u);
    EXPECT_TRUE(ws.read_as<protocol::QueueWaiting>().contacts.empty()); // after every login

    ws.send(protocol::AgentSetStatus{"s1", sb::AgentStatus::ready});
    auto update = ws.read_as<protocol::AgentUpdate>();
    EXPECT_EQ(update.cid, "s1");
    EXPECT_EQ(update.agent.status, sb::AgentStatus::ready);
    // Nobody waits: going ready changed no list, so no queue.changed comes (the next frame is the error below).

    ws.send_text("{this is not json");
    EXPECT_EQ(ws.read_as<protocol::Error>().code, protocol::code::bad_json);
    ws.send_binary("\x01\x02");
    EXPECT_EQ(ws.read_as<protocol::Error>().code, protocol::code::bad_json);
    ws.send(protocol::Ping{"p1"});
    EXPECT_EQ(ws.read_as<protocol::Pong>().cid, "p1"); // still usable

    WsClient again(port); // a reconnect resumes with the token
    again.send(protocol::AgentResume{"r1", welcome.token});
    auto resumed = again.read_as<protocol::Welcome>();
    EXPECT_EQ(resumed.token, welcome.token);
    EXPECT_EQ(resumed.agent.status, sb::AgentStatus::ready); // alice's first connection is still open
}

TEST_F(ServerTest, TooLargeFrameGetsAnErrorThenTheConnectionCloses) {
    auto port = start();
    WsClient ws(port);
    ws.send_text(std::string(5000, ' '));
    EXPECT_EQ(ws.read_as<protocol::Error>().code, protocol::code::too_large);
    auto [text, ec] = ws.read();
    EXPECT_EQ(ec, websocket::error::closed) << ec.message() << " " << text;

    WsClient next(port); // the server is fine
    next.send(protocol::Ping{"p"});
    EXPECT_EQ(next.read_as<protocol::Pong>().cid, "p");
}

TEST_F(ServerTest, ServesStaticFilesAndRefusesTraversal) {
    auto port = start();
    auto page = http_get(port, "/console/console.html");
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(page.body, "<!doctype html><title>console</title>");
    EXPECT_EQ(http_get(port, "/console/console.wasm").content_type, "application/wasm");
    auto head = http_get(port, "/console/console.html", http::verb::head);
    EXPECT_EQ(head.status, 200u);
    EXPECT_TRUE(head.body.empty());

    auto root = http_get(port, "/");
    EXPECT_EQ(root.status, 302u);
    EXPECT_EQ(root.location, "/console/");
    EXPECT_EQ(http_get(port, "/console/").body, page.body);
    EXPECT_EQ(http_get(port, "/healthz").body, "ok");
    EXPECT_EQ(http_get(port, "/nothing.js").status, 404u);

    for (auto target : {"/../etc/passwd", "/../secret.txt", "/%2e%2e/secret.txt", "/console/%2E%2E/%2e%2e/secret.txt"}) {
        auto r = http_get(port, target);
        EXPECT_TRUE(r.status == 400u || r.status == 404u) << target << " " << r.status;
        EXPECT_EQ(r.body.find("secret"), std::string::npos) << target;
        EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    }
}

TEST_F(ServerTest, StopsCleanlyOnSigterm) {
    start();
    server->terminate();
    EXPECT_EQ(server->wait_exit(), 0);
}

TEST_F(ServerTest, SigtermClosesEachWebSocketWithGoingAwayThenExits) {
    auto port = start();
    WsClient agent(port), visitor(port);
    agent.send(protocol::AgentLogin{"c1", "alice", "alice-demo"});
    EXPECT_EQ(agent.read_as<protocol::Welcome>().cid, "c1");
    visitor.send(protocol::Ping{"p"});
    EXPECT_EQ(visitor.read_as<protocol::Pong>().cid, "p");
    server->terminate();
    for (WsClient* ws : {&agent, &visitor}) {
        beast::error_code ec;
        for (int frames = 0; frames < 10; ++frames) { // the agent's queue.waiting may come first
            ec = ws->read().second;
            if (ec) break;
        }
        EXPECT_EQ(ec, websocket::error::closed) << ec.message();
        EXPECT_EQ(ws->close_code(), websocket::close_code::going_away);
    }
    EXPECT_EQ(server->wait_exit(), 0);
}

TEST_F(ServerTest, RefusesAPortAlreadyTaken) {
    asio::io_context ioc;
    tcp::acceptor taken(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto port = std::to_string(taken.local_endpoint().port());
    auto a = args();
    a[3] = port;
    auto [code, lines] = start_failure(a);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(lines, std::vector<std::string>{"switchboard-server: cannot listen on 127.0.0.1:" + port +
                                              ": address already in use"});
}

TEST_F(ServerTest, RefusesAMissingConfigFile) {
    auto a = args();
    a[1] = (dir / "missing.json").string();
    auto [code, lines] = start_failure(a);
    EXPECT_EQ(code, 2);
    EXPECT_EQ(lines, std::vector<std::string>{"switchboard-server: config " + a[1] + ": file not found"});
}

TEST_F(ServerTest, RefusesInvalidJson) {
    write_config("{\n  \"listen\": {\"port\": 80,}\n}\n");
    auto [code, lines] = start_failure(args());
    EXPECT_EQ(code, 2);
    ASSERT_EQ(lines.size(), 1u) << join(lines);
    EXPECT_EQ(lines[0].rfind("switchboard-server: config " + (dir / "config.json").string() +
                                 ": invalid JSON: parse error at line 2, column",
                             0),
              0u)
        << lines[0];
}

TEST_F(ServerTest, RefusesAnInvalidValue) {
    std::string text = valid_config;
    text.replace(text.find("\"dissuasion_seconds\": 90"), 24, "\"dissuasion_seconds\": -5");
    write_config(text);
    auto [code, lines] = start_failure(args());
    EXPECT_EQ(code, 2);
    EXPECT_EQ(lines, std::vector<std::string>{"switchboard-server: config " + (dir / "config.json").string() +
                                              ": services[0].dissuasion_seconds must be a positive integer"});
}

TEST_F(ServerTest, RefusesAMissingWebRoot) {
    auto a = args();
    a[7] = (dir / "nosite").string();
    auto [code, lines] = start_failure(a);
    EXPECT_EQ(code, 2);
    EXPECT_EQ(lines, std::vector<std::string>{"switchboard-server: web root " + a[7] +
                                              " not found (build the console with scripts/run or cmake --build "
                                              "--preset wasm)"});
}

TEST_F(ServerTest, RefusesAWebRootWithoutConsole) {
    fs::remove(dir / "site/console/console.html");
    auto [code, lines] = start_failure(args());
    EXPECT_EQ(code, 2);
    ASSERT_EQ(lines.size(), 1u) << join(lines);
    EXPECT_NE(lines[0].find("has no console/console.html"), std::string::npos) << lines[0];
}

TEST_F(ServerTest, RefusesADatabaseItCannotOpen) {
    fs::create_directories(dir / "adir");
    auto a = args();
    a[5] = (dir / "adir").string();
    auto [code, lines] = start_failure(a);
    EXPECT_EQ(code, 3);
    ASSERT_EQ(lines.size(), 1u) << join(lines);
    EXPECT_EQ(lines[0].rfind("switchboard-server: cannot open database " + a[5] + ": ", 0), 0u) << lines[0];
}

TEST_F(ServerTest, HashPasswordPrintsAnArgon2idHash) {
    int in[2], out[2];
    ASSERT_EQ(pipe(in), 0);
    ASSERT_EQ(pipe(out), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        close(in[1]);
        close(out[0]);
        execl(SB_SERVER_BINARY, SB_SERVER_BINARY, "--hash-password", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    ASSERT_EQ(write(in[1], "s3cret\n", 7), 7);
    close(in[1]);
    std::string text;
    char buf[256];
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(text.rfind("$argon2id$", 0), 0u) << text;
    EXPECT_EQ(text.back(), '\n');
}

// [SECTION] Contacts over real sockets --------------------------------------------------------------------------

namespace {

// The next message of type T, skipping others (queue.changed pushes, events of no interest) on the way.
template <class T> T next_of(WsClient& ws, int max_frames = 20) {
    for (int i = 0; i < max_frames; ++i) {
        auto m = ws.read_message();
        if (auto* x = std::get_if<T>(&m)) return *x;
        if (auto* e = std::get_if<protocol::Error>(&m)) ADD_FAILURE() << "error " << e->code << ": " << e->message;
    }
    ADD_FAILURE() << "no message of the expected type";
    return T{};
}

// The next contact.event, skipping other messages.
protocol::ContactEvent next_event(WsClient& ws) { return next_of<protocol::ContactEventMsg>(ws).event; }

// Reads queue.waiting / queue.changed frames, applying them as a client does to a list that starts empty (what
// the agent had when it went ready), until the list holds `count` contacts; returns it as a queue.waiting.
protocol::QueueWaiting next_waiting(WsClient& ws, std::size_t count) {
    protocol::QueueWaiting list;
    for (int i = 0; i < 20; ++i) {
        auto m = ws.read_message();
        if (auto* q = std::get_if<protocol::QueueWaiting>(&m)) {
            list = *q;
        } else if (auto* d = std::get_if<protocol::QueueChanged>(&m)) {
            list.now = d->now;
            for (const auto& id : d->removed)
                std::erase_if(list.contacts, [&](const protocol::ContactView& c) { return c.id == id; });
            for (const auto& c : d->added) {
                std::erase_if(list.contacts, [&](const protocol::ContactView& x) { return x.id == c.id; });
                auto at = std::find_if(list.contacts.begin(), list.contacts.end(), [&](const protocol::ContactView& x) {
                    return x.created_at != c.created_at ? x.created_at > c.created_at : x.id > c.id;
                });
                list.contacts.insert(at, c);
            }
            EXPECT_EQ(d->count, list.contacts.size());
        } else if (auto* e = std::get_if<protocol::Error>(&m)) {
            ADD_FAILURE() << "error " << e->code << ": " << e->message;
        }
        if ((std::holds_alternative<protocol::QueueWaiting>(m) || std::holds_alternative<protocol::QueueChanged>(m)) &&
            list.contacts.size() == count)
            return list;
    }
    ADD_FAILURE() << "no waiting list of " << count << " contacts";
    return {};
}

protocol::ContactRequestMsg chat_request(const std::string& cid) {
    protocol::ContactRequestMsg r;
    r.cid = cid;
    r.service = "sales";
    r.type = sb::ContactType::chat;
    r.page = {"https://shop.example/products", "Products"};
    return r;
}

protocol::VisitorWelcome say_hello(WsClient& v, const std::string& name) {
    protocol::VisitorHello h;
    h.cid = "h";
    h.name = name;
    h.page = {"https://shop.example/", "Shop"};
    v.send(h);
    return v.read_as<protocol::VisitorWelcome>();
}

} // namespace

TEST_F(ServerTest, VisitorAndAgentChatFromRequestToStop) {
    auto port = start();
    WsClient agent(port);
    agent.send(protocol::AgentLogin{"l", "alice", "alice-demo"});
    EXPECT_EQ(agent.read_as<protocol::Welcome>().cid, "l");
    EXPECT_TRUE(agent.read_as<protocol::QueueWaiting>().contacts.empty());
    agent.send(protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
    EXPECT_EQ(next_of<protocol::AgentUpdate>(agent).agent.status, sb::AgentStatus::ready);

    WsClient visitor(port);
    auto welcome = say_hello(visitor, "Maria");
    EXPECT_EQ(welcome.visitor.id.rfind("v-", 0), 0u);
    ASSERT_EQ(welcome.services.size(), 1u);
    visitor.send(chat_request("r1"));
    auto requested = visitor.read_as<protocol::ContactSnapshot>();
    EXPECT_EQ(requested.cid, "r1");
    EXPECT_EQ(requested.contact.state, sb::ContactState::pending);
    const std::string id = requested.contact.id;

    auto waiting = next_waiting(agent, 1);
    EXPECT_EQ(waiting.contacts[0].id, id);
    EXPECT_EQ(waiting.contacts[0].customer.name, "Maria");
    EXPECT_EQ(waiting.contacts[0].deadline, requested.contact.deadline);

    agent.send(protocol::ContactClaim{"c1", id});
    auto claimed = next_of<protocol::ContactSnapshot>(agent);
    EXPECT_EQ(claimed.contact.state, sb::ContactState::assigned);
    EXPECT_EQ(next_event(visitor).seq, 2u); // assigned

    visitor.send(protocol::ContactSend{"m1", id, "Hello, where is my order?"});
    auto mine = next_event(visitor);
    EXPECT_EQ(mine.seq, 3u);
    EXPECT_EQ(mine.cid, "m1");
    auto heard = next_event(agent);
    EXPECT_EQ(heard.seq, 3u);
    EXPECT_EQ(std::get<protocol::ev::Message>(heard.body).text, "Hello, where is my order?");

    agent.send(protocol::ContactSend{"m2", id, "It left today."});
    EXPECT_EQ(std::get<protocol::ev::Message>(next_event(visitor).body).text, "It left today.");
    EXPECT_EQ(next_event(agent).seq, 4u);

    agent.send(protocol::ContactStop{"x", id, sb::Outcome::successful});
    auto closed = next_event(visitor);
    EXPECT_EQ(closed.seq, 5u);
    EXPECT_EQ(std::get<protocol::ev::Closed>(closed.body).outcome, sb::Outcome::successful);
    EXPECT_EQ(next_event(agent).seq, 5u);
}

// After kill -9 and a restart on the same database: every acknowledged contact, message and pending deadline.
void ServerTest::acknowledged_contacts_survive_kill_nine() {
    auto port = start();
    std::string token, held, pending;
    std::optional<std::int64_t> deadline;
    {
        WsClient agent(port);
        agent.send(protocol::AgentLogin{"l", "alice", "alice-demo"});
        token = agent.read_as<protocol::Welcome>().token;
        agent.send(protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
        next_of<protocol::AgentUpdate>(agent);

        WsClient v1(port);
        say_hello(v1, "Maria");
        v1.send(chat_request("r1"));
        held = v1.read_as<protocol::ContactSnapshot>().contact.id;
        next_waiting(agent, 1);
        agent.send(protocol::ContactClaim{"c1", held});
        next_of<protocol::ContactSnapshot>(agent);
        EXPECT_EQ(next_event(v1).cid, "c1"); // assigned
        v1.send(protocol::ContactSend{"m1", held, "first words"});
        EXPECT_EQ(next_event(v1).cid, "m1"); // acknowledged
        EXPECT_EQ(next_event(agent).cid, "m1");
        agent.send(protocol::ContactSend{"m2", held, "an answer"});
        EXPECT_EQ(next_event(agent).cid, "m2"); // acknowledged

        WsClient v2(port);
        say_hello(v2, "Paolo");
        v2.send(chat_request("r2"));
        auto snapshot = v2.read_as<protocol::ContactSnapshot>(); // acknowledged
        pending = snapshot.contact.id;
        deadline = snapshot.contact.deadline;
        ASSERT_TRUE(deadline);

        server.reset(); // kill -9, with the connections still open
    }
    port = start(); // the same database

    WsClient agent(port);
    agent.send(protocol::AgentResume{"r", token});
    auto welcome = agent.read_as<protocol::Welcome>();
    ASSERT_EQ(welcome.contacts.size(), 1u);
    EXPECT_EQ(welcome.contacts[0].id, held);
    EXPECT_EQ(welcome.contacts[0].state, sb::ContactState::assigned);
    agent.send(protocol::ContactResume{"t", held, 0});
    auto transcript = next_of<protocol::ContactSnapshot>(agent);
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < transcript.events.size(); ++i) {
        EXPECT_EQ(transcript.events[i].seq, i + 1);
        if (auto* m = std::get_if<protocol::ev::Message>(&transcript.events[i].body)) texts.push_back(m->text);
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"first words", "an answer"}));

    agent.send(protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
    auto waiting = next_waiting(agent, 1);
    EXPECT_EQ(waiting.contacts[0].id, pending);
    EXPECT_EQ(waiting.contacts[0].state, sb::ContactState::pending);
    EXPECT_EQ(waiting.contacts[0].deadline, deadline);
}

TEST_F(ServerTest, AcknowledgedContactsSurviveKillNine) { acknowledged_contacts_survive_kill_nine(); }
TEST_F(PostgresServerTest, AcknowledgedContactsSurviveKillNine) {
    acknowledged_contacts_survive_kill_nine();
    EXPECT_NE(join(server->stderr_lines()).find("with database postgresql://"), std::string::npos)
        << join(server->stderr_lines()); // the restarted server ran on PostgreSQL
}

TEST_F(ServerTest, TheVisitorsCountryComesFromGeoIpBehindATrustedProxy) {
    std::string text = valid_config;
    const std::string limits = R"("limits": {"max_frame_bytes": 4096, "messages_per_second": 50},)";
    ASSERT_NE(text.find(limits), std::string::npos);
    text.replace(text.find(limits), limits.size(), limits + R"( "geo": {"trusted_proxies": ["127.0.0.1"]},)");
    write_config(text);
    auto port = start();
    WsClient agent(port);
    agent.send(protocol::AgentLogin{"l", "alice", "alice-demo"});
    agent.read_as<protocol::Welcome>();
    agent.read_as<protocol::QueueWaiting>();
    agent.send(protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
    next_of<protocol::AgentUpdate>(agent);

    WsClient visitor(port, "8.8.8.8"); // the proxy (loopback, trusted) says the visitor is 8.8.8.8
    say_hello(visitor, "Maria");
    visitor.send(chat_request("r1"));
    visitor.read_as<protocol::ContactSnapshot>();
    auto waiting = next_waiting(agent, 1);
    EXPECT_EQ(waiting.contacts[0].customer.country, "US") << "Debian's tor-geoipdb places 8.8.8.8 in the US";
}

// [SECTION] Automatic translations with the real Apertium (scripts/setup installs apertium-eng-spa) ----------------

TEST_F(ServerTest, AutomaticTranslationBetweenAnEnglishAgentAndASpanishCustomer) {
    auto port = start();
    WsClient agent(port);
    agent.send(protocol::AgentLogin{"l", "alice", "alice-demo"});
    auto welcome = agent.read_as<protocol::Welcome>();
    ASSERT_EQ(welcome.services.size(), 1u);
    const auto& offered = welcome.services[0].translations;
    EXPECT_NE(std::find(offered.begin(), offered.end(), "es"), offered.end()) << "English <-> Spanish is installed";
    agent.send(protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
    EXPECT_EQ(next_of<protocol::AgentUpdate>(agent).agent.status, sb::AgentStatus::ready);

    WsClient visitor(port);
    say_hello(visitor, "María");
    visitor.send(chat_request("r1"));
    const std::string id = visitor.read_as<protocol::ContactSnapshot>().contact.id;
    next_waiting(agent, 1);
    agent.send(protocol::ContactClaim{"c1", id});
    EXPECT_EQ(next_of<protocol::ContactSnapshot>(agent).contact.state, sb::ContactState::assigned);
    next_event(visitor); // assigned

    agent.send(protocol::ContactTranslate{"t0", id, "it"}); // no English <-> Italian pair in Debian
    auto refused = next_of<protocol::Error>(agent);
    EXPECT_EQ(refused.cid, "t0");
    EXPECT_EQ(refused.code, "translation_unavailable");

    agent.send(protocol::ContactTranslate{"t1", id, "es"});
    auto on = next_event(agent);
    EXPECT_EQ(on.cid, "t1");
    EXPECT_EQ(std::get<protocol::ev::TranslationChanged>(on.body).language, "es");
    EXPECT_EQ(next_event(visitor), on);

    visitor.send(protocol::ContactSend{"m1", id, "Hola, necesito ayuda con mi pedido."});
    auto heard = next_event(agent);
    const auto& m1 = std::get<protocol::ev::Message>(heard.body);
    EXPECT_EQ(m1.text, "Hola, necesito ayuda con mi pedido.");
    ASSERT_TRUE(m1.translation) << "translated by Apertium";
    EXPECT_EQ(m1.translation->language, "en");
    EXPECT_NE(m1.translation->text.find("I need help"), std::string::npos) << m1.translation->text;
    auto mine = next_event(visitor);
    EXPECT_EQ(mine.cid, "m1");
    EXPECT_EQ(mine.seq, heard.seq);

    agent.send(protocol::ContactSend{"m2", id, "Thank you, I will check your order."});
    auto read = next_event(visitor);
    const auto& m2 = std::get<protocol::ev::Message>(read.body);
    EXPECT_EQ(m2.text, "Thank you, I will check your order.");
    ASSERT_TRUE(m2.translation);
    EXPECT_EQ(m2.translation->language, "es");
    EXPECT_NE(m2.translation->text.find("Gracias"), std::string::npos) << m2.translation->text;
    EXPECT_EQ(next_event(agent).seq, read.seq);

    bool logged = false;
    for (const auto& l : server->stderr_lines()) logged |= l.find("automatic translation with Apertium: ") != std::string::npos;
    EXPECT_TRUE(logged) << join(server->stderr_lines());
}

TEST_F(ServerTest, RefusesATranslationPairThatIsNotInstalled) {
    std::string text = valid_config;
    text.insert(text.rfind('}'), R"(, "translation": {"pairs": ["en-zz"]})");
    write_config(text);
    auto [code, lines] = start_failure(args());
    EXPECT_EQ(code, 2);
    EXPECT_NE(join(lines).find("translation.pairs: no Apertium translation from en to zz"), std::string::npos) << join(lines);
}
