// The admin REST API of the real switchboard-server over real sockets: the token, a service and an agent made
// through the API and used at once over the WebSocket, changes that outlive a restart, bad requests.
#include "protocol/codec.h"

#include "server_process.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

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

const char* admin_token = "integration-admin-token-42";

using sb::test::ServerProcess;
using sb::test::TempDir;


struct Reply {
    unsigned status = 0;
    std::string content_type;
    std::map<std::string, std::string> headers;
    std::string body;
    json object() const { return body.empty() ? json() : json::parse(body, nullptr, false); }
    std::string code() const {
        auto j = object();
        return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
    }
};

struct Request {
    std::string method = "GET";
    std::string target;
    std::string body;
    std::string bearer = admin_token; // "" sends no Authorization header
    std::string content_type = "application/json";
    bool chunked = false;
};

Reply send_http(unsigned short port, const Request& r) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.expires_after(15s);
    http::request<http::string_body> req{http::string_to_verb(r.method), r.target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!r.bearer.empty()) req.set(http::field::authorization, "Bearer " + r.bearer);
    if (!r.body.empty() || r.method == "PUT") req.set(http::field::content_type, r.content_type);
    req.body() = r.body;
    if (r.chunked)
        req.chunked(true);
    else
        req.prepare_payload();
    beast::error_code ec;
    http::write(stream, req, ec); // a refused body may be cut short: the answer still comes
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    EXPECT_FALSE(ec) << r.method << " " << r.target << ": " << ec.message();
    Reply out{res.result_int(), std::string(res[http::field::content_type]), {}, res.body()};
    for (const auto& f : res) out.headers[std::string(f.name_string())] = std::string(f.value());
    return out;
}

Reply get(unsigned short port, const std::string& target) { return send_http(port, Request{"GET", target}); }
Reply put(unsigned short port, const std::string& target, const json& body) {
    return send_http(port, Request{"PUT", target, body.dump()});
}

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
    std::optional<protocol::ServerMessage> read(std::chrono::seconds timeout = 10s) {
        beast::flat_buffer buffer;
        beast::error_code result = asio::error::timed_out;
        bool done = false;
        ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        ioc_.restart();
        ioc_.run_for(timeout);
        last_error = result;
        if (!done) {
            beast::get_lowest_layer(ws_).cancel();
            ioc_.restart();
            ioc_.run();
            return std::nullopt;
        }
        if (result) return std::nullopt;
        auto m = protocol::decode_server(beast::buffers_to_string(buffer.data()));
        EXPECT_TRUE(m) << beast::buffers_to_string(buffer.data());
        return m ? std::optional(*m) : std::nullopt;
    }
    // The next message of type T, skipping others (at most 20); T{} with a failure if none comes.
    template <class T> T next() {
        for (int i = 0; i < 20; ++i) {
            auto m = read();
            if (!m) break;
            if (auto* x = std::get_if<T>(&*m)) return *x;
        }
        ADD_FAILURE() << "no " << typeid(T).name() << " came";
        return T{};
    }

    beast::error_code last_error; // of the last read: timed_out when nothing came

  private:
    asio::io_context ioc_;
    websocket::stream<beast::tcp_stream> ws_;
};

const char* config_with_token = R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://127.0.0.1/demo/"}],
  "services": [{"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "site": "demo"}],
  "agents": [{"login": "alice", "name": "Alice Rossi", "password": "alice-demo", "tags": ["sales"]}],
  "admin": {"token": "integration-admin-token-42"}
})";

class AdminServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir / "site/console");
        std::ofstream(dir / "site/console/console.html") << "<!doctype html><title>console</title>";
        std::ofstream(dir / "config.json") << config_with_token;
    }
    std::vector<std::string> args() const {
        return {"--config", (dir / "config.json").string(), "--port", "0", "--db", (dir / "db/switchboard.db").string(),
                "--web-root", (dir / "site").string()};
    }
    unsigned short start(const std::map<std::string, std::string>& env = {}) {
        server.emplace(args(), dir / "stderr.txt", env);
        auto line = server->read_line();
        EXPECT_TRUE(line) << "no listening line; stderr: " << server->stderr_text();
        std::smatch m;
        std::string text = line.value_or("");
        EXPECT_TRUE(std::regex_match(text, m, std::regex(R"(switchboard-server listening on http://127\.0\.0\.1:(\d+))")));
        return m.empty() ? 0 : static_cast<unsigned short>(std::stoi(m[1]));
    }
    void stop() {
        server->terminate();
        EXPECT_EQ(server->wait_exit(), 0);
        server.reset();
    }

    TempDir dir;
    std::optional<ServerProcess> server;
};

} // namespace

TEST_F(AdminServerTest, RefusesRequestsWithoutTheToken) {
    auto port = start();
    auto none = send_http(port, Request{"GET", "/admin/api/services", "", ""});
    EXPECT_EQ(none.status, 401u);
    EXPECT_EQ(none.code(), "unauthorized");
    EXPECT_EQ(none.content_type, "application/json; charset=utf-8");
    EXPECT_EQ(none.headers["WWW-Authenticate"], "Bearer realm=\"switchboard admin\"");
    auto wrong = send_http(port, Request{"GET", "/admin/api/services", "", "integration-admin-token-43"});
    EXPECT_EQ(wrong.status, 401u);
    auto right = get(port, "/admin/api/services");
    EXPECT_EQ(right.status, 200u);
    EXPECT_EQ(right.object()["services"][0]["id"], "sales");
    EXPECT_EQ(right.headers["Cache-Control"], "no-store");
}

TEST_F(AdminServerTest, IsDisabledWithoutATokenAndTakesOneFromTheEnvironment) {
    std::ofstream(dir / "config.json") << R"({
      "sites": [{"id": "demo", "name": "Demo", "url": "http://127.0.0.1/"}]})";
    auto port = start();
    auto disabled = get(port, "/admin/api/sites");
    EXPECT_EQ(disabled.status, 403u);
    EXPECT_EQ(disabled.code(), "admin_disabled");
    stop();

    port = start({{"SWITCHBOARD_ADMIN_TOKEN", admin_token}});
    EXPECT_EQ(get(port, "/admin/api/sites").object()["sites"][0]["id"], "demo");
    stop();

    ServerProcess weak(args(), dir / "stderr.txt", {{"SWITCHBOARD_ADMIN_TOKEN", "short"}});
    EXPECT_EQ(weak.wait_exit(), 2);
    EXPECT_NE(weak.stderr_text().find("SWITCHBOARD_ADMIN_TOKEN must be 16 to 256"), std::string::npos)
        << weak.stderr_text();
}

TEST_F(AdminServerTest, AServiceAndAnAgentMadeThroughTheApiWorkAtOnceAndAfterARestart) {
    auto port = start();
    auto service = put(port, "/admin/api/services/billing",
                       {{"name", "Billing"}, {"language", "en"}, {"tags", {"billing"}}, {"dissuasion_seconds", 120},
                        {"media", {"chat", "weblead"}}, {"site", "demo"}});
    ASSERT_EQ(service.status, 201u) << service.body;
    EXPECT_EQ(service.headers["Location"], "/admin/api/services/billing");
    auto agent = put(port, "/admin/api/agents/dora",
                     {{"name", "Dora Neri"}, {"password", "dora-pass"}, {"tags", {"billing"}}, {"capacity", 2}});
    ASSERT_EQ(agent.status, 201u) << agent.body;
    EXPECT_EQ(agent.body.find("dora-pass"), std::string::npos);

    WsClient dora(port);
    dora.send(protocol::AgentLogin{"l", "dora", "dora-pass"});
    auto welcome = dora.next<protocol::Welcome>();
    EXPECT_EQ(welcome.agent.name, "Dora Neri");
    ASSERT_EQ(welcome.services.size(), 1u);
    EXPECT_EQ(welcome.services[0].id, "billing");
    dora.next<protocol::QueueWaiting>();
    dora.send(protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
    EXPECT_EQ(dora.next<protocol::AgentUpdate>().agent.status, sb::AgentStatus::ready);

    WsClient visitor(port);
    protocol::VisitorHello hello;
    hello.cid = "h";
    hello.name = "Maria";
    visitor.send(hello);
    auto vw = visitor.next<protocol::VisitorWelcome>();
    ASSERT_EQ(vw.services.size(), 2u);
    EXPECT_EQ(vw.services[0].id, "billing");
    protocol::ContactRequestMsg request;
    request.cid = "q";
    request.service = "billing";
    visitor.send(request);
    auto snapshot = visitor.next<protocol::ContactSnapshot>();
    EXPECT_EQ(snapshot.contact.service.name, "Billing");
    auto listed = dora.next<protocol::QueueChanged>();
    ASSERT_EQ(listed.added.size(), 1u);
    EXPECT_EQ(listed.added[0].id, snapshot.contact.id);

    // A change of Dora's profile reaches her console.
    ASSERT_EQ(put(port, "/admin/api/agents/dora", {{"name", "Dora N."}, {"tags", {"billing"}}, {"capacity", 3}}).status, 200u);
    auto update = dora.next<protocol::AgentUpdate>();
    EXPECT_EQ(update.agent.name, "Dora N.");
    EXPECT_EQ(update.agent.capacity, 3);

    stop();
    port = start(); // the same config file: the API's changes stay
    EXPECT_EQ(get(port, "/admin/api/services/billing").object()["dissuasion_seconds"], 120);
    EXPECT_EQ(get(port, "/admin/api/agents/dora").object()["name"], "Dora N.");
    auto changes = get(port, "/admin/api/changes").object()["changes"];
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0]["kind"], "agent");
    EXPECT_EQ(changes[1]["kind"], "service");
    WsClient again(port);
    again.send(protocol::AgentLogin{"l", "dora", "dora-pass"});
    EXPECT_EQ(again.next<protocol::Welcome>().agent.capacity, 3);
    EXPECT_NE(server->stderr_text().find("admin API enabled"), std::string::npos);
}

TEST_F(AdminServerTest, ADeletedAgentIsDisconnectedAndCannotComeBack) {
    auto port = start();
    WsClient alice(port);
    alice.send(protocol::AgentLogin{"l", "alice", "alice-demo"});
    const auto token = alice.next<protocol::Welcome>().token;
    auto deleted = send_http(port, Request{"DELETE", "/admin/api/agents/alice"});
    EXPECT_EQ(deleted.status, 204u);
    EXPECT_TRUE(deleted.body.empty());
    for (int i = 0; i < 5 && alice.read(); ++i) {
    } // whatever was queued, then the server's close
    EXPECT_EQ(alice.last_error, websocket::error::closed) << alice.last_error.message();
    WsClient back(port);
    back.send(protocol::AgentResume{"r", token});
    EXPECT_EQ(back.next<protocol::Error>().code, "bad_token");
    back.send(protocol::AgentLogin{"l", "alice", "alice-demo"});
    EXPECT_EQ(back.next<protocol::Error>().code, "bad_credentials");

    stop();
    port = start(); // alice is still in the file, but deleted through the API: she stays deleted
    EXPECT_EQ(get(port, "/admin/api/agents/alice").status, 404u);
    EXPECT_NE(server->stderr_text().find("not taken from the config file: agent alice"), std::string::npos)
        << server->stderr_text();
}

TEST_F(AdminServerTest, BadRequestsGetClearErrorsAndTheServerGoesOn) {
    auto port = start();
    auto bad = send_http(port, Request{"PUT", "/admin/api/services/x", "{\"name\": "});
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(bad.code(), "bad_json");
    auto field = put(port, "/admin/api/agents/bob", {{"name", "Bob"}, {"password", "p"}, {"capacity", "two"}});
    EXPECT_EQ(field.status, 400u);
    EXPECT_EQ(field.object()["error"]["message"], "capacity must be an integer from 1 to 1000");
    EXPECT_EQ(send_http(port, Request{"PUT", "/admin/api/sites/x", "{}", admin_token, "text/plain"}).status, 415u);
    EXPECT_EQ(send_http(port, Request{"POST", "/admin/api/sites"}).status, 405u);
    EXPECT_EQ(get(port, "/admin/api/nothing").status, 404u);
    EXPECT_EQ(send_http(port, Request{"DELETE", "/admin/api/sites/demo"}).code(), "in_use");

    auto big = send_http(port, Request{"PUT", "/admin/api/sites/x", std::string(70 * 1024, ' ')});
    EXPECT_EQ(big.status, 413u);
    EXPECT_EQ(big.code(), "too_large");
    Request chunked{"PUT", "/admin/api/sites/x", std::string(70 * 1024, ' ')};
    chunked.chunked = true;
    EXPECT_EQ(send_http(port, chunked).status, 413u);
    // A body just under the limit is read (and refused for what it is).
    auto near = send_http(port, Request{"PUT", "/admin/api/sites/x", "{\"name\": \"" + std::string(60 * 1024, 'a') + "\"}"});
    EXPECT_EQ(near.status, 400u);
    EXPECT_EQ(near.object()["error"]["message"], "name must be at most 128 bytes");

    EXPECT_EQ(get(port, "/healthz").body, "ok");
    EXPECT_EQ(get(port, "/admin/api/services").status, 200u);
}
