// bench/server: load on switchboard-server over loopback, with a bare Beast WebSocket echo server run in
// this process as the baseline. Prints figures and the ratio; docs/performance.md records them.
//
//   server_bench --server build/release/src/server/switchboard-server [--visitors 10000] [--agents 200]
//                [--rate 200] [--messages-per-second 5000] [--seconds 5] [--window 8]
//                [--commit-spacing-us N] (the server's storage.commit_spacing_us; its default if not given)
//
// Phases: (1) echo baseline throughput (ping-pong and bursts of --window), (2) switchboard relay throughput with the same clients, (3) agents
// log in and visitors ask for contacts at --rate: assignment latency = request sent until the contact shows
// in queue.waiting at every eligible agent, and contacts routed (claimed) per second, (4) chat relay latency
// at --messages-per-second, (5) idle memory per connection with --visitors connections held.
#include "protocol/codec.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Stats {
    std::vector<double> samples;
    void add(double v) { samples.push_back(v); }
    double pct(double p) {
        if (samples.empty()) return 0;
        std::sort(samples.begin(), samples.end());
        auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size() - 1) + 0.5);
        return samples[std::min(i, samples.size() - 1)];
    }
};

// ---- a WebSocket client
// ------------------------------------------------------------------------------------
struct Client {
    explicit Client(asio::io_context& io) : ws(io) {}
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;

    awaitable<void> connect(unsigned short port, const char* path = "/ws") {
        tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        co_await beast::get_lowest_layer(ws).async_connect(ep, use_awaitable);
        beast::get_lowest_layer(ws).expires_never();
        beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        co_await ws.async_handshake("127.0.0.1", path, use_awaitable);
        ws.text(true);
    }
    awaitable<void> send(const std::string& text) {
        co_await ws.async_write(asio::buffer(text), use_awaitable);
    }
    awaitable<std::string> recv() {
        buffer.clear();
        co_await ws.async_read(buffer, use_awaitable);
        co_return beast::buffers_to_string(buffer.data());
    }
    // Reads until a frame of this type arrives.
    awaitable<json> expect(const std::string& type) {
        for (;;) {
            auto j = json::parse(co_await recv(), nullptr, false);
            if (j.is_object() && j.value("type", "") == type) co_return j;
            if (j.is_object() && j.value("type", "") == "error")
                throw std::runtime_error("server error: " + j.dump());
        }
    }
};

std::string frame(json j) {
    j["v"] = 1;
    return j.dump();
}

// ---- the baseline: a bare Beast echo server on its own thread
// ----------------------------------------------
class EchoServer {
  public:
    EchoServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        asio::co_spawn(io_, accept(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~EchoServer() {
        io_.stop();
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

  private:
    awaitable<void> accept() {
        for (;;) {
            auto socket = co_await acceptor_.async_accept(use_awaitable);
            socket.set_option(tcp::no_delay(true));
            asio::co_spawn(io_, session(std::move(socket)), asio::detached);
        }
    }
    static awaitable<void> session(tcp::socket socket) {
        websocket::stream<beast::tcp_stream> ws(std::move(socket));
        try {
            co_await ws.async_accept(use_awaitable);
            beast::flat_buffer b;
            for (;;) {
                co_await ws.async_read(b, use_awaitable);
                ws.text(ws.got_text());
                co_await ws.async_write(b.data(), use_awaitable);
                b.consume(b.size());
            }
        } catch (...) {
        }
    }
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
};

// ---- the server under test
// ---------------------------------------------------------------------------------
struct ServerProcess {
    pid_t pid = -1;
    unsigned short port = 0;
    fs::path dir;

    void start(const std::string& binary, const json& config) {
        dir = fs::temp_directory_path() / ("sb-bench-" + std::to_string(::getpid()));
        fs::create_directories(dir / "web/console");
        std::ofstream(dir / "web/console/console.html") << "<!doctype html><title>bench</title>";
        std::ofstream(dir / "config.json") << config.dump(2);
        int out[2];
        if (pipe(out) != 0) throw std::runtime_error("pipe");
        pid = fork();
        if (pid == 0) {
            dup2(out[1], 1);
            close(out[0]);
            // The server's log would drown the figures: keep it in the temporary folder.
            const std::string log = (dir / "server.log").string();
            if (FILE* f = std::fopen(log.c_str(), "w")) dup2(fileno(f), 2);
            const std::string cfg = (dir / "config.json").string(), db = (dir / "bench.db").string(),
                              web = (dir / "web").string();
            execl(binary.c_str(), binary.c_str(), "--config", cfg.c_str(), "--port", "0", "--db", db.c_str(),
                  "--web-root", web.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(out[1]);
        std::string line;
        char c;
        while (read(out[0], &c, 1) == 1 && c != '\n')
            line += c;
        close(out[0]);
        auto colon = line.rfind(':');
        if (line.find("listening on") == std::string::npos || colon == std::string::npos)
            throw std::runtime_error("server did not start: " + line);
        port = static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
    }
    long rss_kib() const {
        std::ifstream in("/proc/" + std::to_string(pid) + "/status");
        std::string key;
        long value = 0;
        while (in >> key) {
            if (key == "VmRSS:") {
                in >> value;
                return value;
            }
            in.ignore(1 << 20, '\n');
        }
        return 0;
    }
    // CPU time the server used so far (user + system), in microseconds: a figure the machine's other load
    // changes far less than throughput or latency.
    double cpu_us() const {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::istringstream fields(stat.substr(stat.rfind(')') + 2)); // after "pid (comm) "
        std::string f;
        long utime = 0, stime = 0;
        for (int i = 3; fields >> f; ++i) {
            if (i == 14) utime = std::stol(f);
            if (i == 15) {
                stime = std::stol(f);
                break;
            }
        }
        return 1e6 * static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
    ~ServerProcess() {
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, nullptr, 0);
        }
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
    }
};

json bench_config(int agents, int commit_spacing_us) {
    json a = json::array();
    for (int i = 0; i < agents; ++i)
        a.push_back({{"login", "agent" + std::to_string(i)},
                     {"name", "Agent " + std::to_string(i)},
                     {"password", "bench-password"},
                     {"tags", {"bench"}},
                     {"capacity", 1000}});
    json config{{"listen", {{"host", "127.0.0.1"}, {"port", 0}}},
                {"limits", {{"max_frame_bytes", 65536}, {"messages_per_second", 100000}}},
                {"sites", {{{"id", "bench"}, {"name", "Bench"}, {"url", "http://127.0.0.1/"}}}},
                {"services",
                 {{{"id", "bench"},
                   {"name", "Bench"},
                   {"language", "en"},
                   {"tags", {"bench"}},
                   {"dissuasion_seconds", 3600},
                   {"media", {"chat", "weblead"}},
                   {"site", "bench"}}}},
                {"agents", a}};
    if (commit_spacing_us >= 0) config["storage"] = {{"commit_spacing_us", commit_spacing_us}};
    return config;
}

// Runs n coroutines to completion (other work on the context, such as the agents' read loops, goes on).
template <class F> void run_all(asio::io_context& io, int n, F make) {
    std::exception_ptr failure;
    int remaining = n;
    for (int i = 0; i < n; ++i)
        asio::co_spawn(io, make(i), [&](std::exception_ptr e) {
            if (e && !failure) failure = e;
            --remaining;
        });
    io.restart();
    while (remaining > 0)
        io.run_one();
    if (failure) std::rethrow_exception(failure);
}

// CPU time of this process (the bench's clients and, in the baseline, the echo server), in microseconds.
double own_cpu_us() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto us = [](const timeval& t) { return 1e6 * static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec); };
    return us(u.ru_utime) + us(u.ru_stime);
}

struct Options {
    std::string server = "build/release/src/server/switchboard-server";
    int visitors = 10000, agents = 200, rate = 200, mps = 5000, seconds = 5, pairs = 50, window = 8;
    int commit_spacing_us = -1; // -1: the server's default
};

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--server")
            o.server = v;
        else if (k == "--visitors")
            o.visitors = std::stoi(v);
        else if (k == "--agents")
            o.agents = std::stoi(v);
        else if (k == "--rate")
            o.rate = std::stoi(v);
        else if (k == "--messages-per-second")
            o.mps = std::stoi(v);
        else if (k == "--seconds")
            o.seconds = std::stoi(v);
        else if (k == "--window")
            o.window = std::max(1, std::stoi(v));
        else if (k == "--commit-spacing-us")
            o.commit_spacing_us = std::stoi(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            return 2;
        }
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim); // the server inherits it

    asio::io_context io;
    const auto window = std::chrono::seconds(o.seconds);

    // (1) + (2): relay throughput, echo baseline then switchboard relay, same number of clients, in two modes:
    // ping-pong (each client waits for the answer to its message before the next) and bursts (each client sends
    // --window messages back to back, then waits for their answers).
    double echo_rps = 0, relay_rps = 0, relay_cpu_us = 0, relay_client_cpu_us = 0, echo_cpu_us = 0;
    double echo_burst_rps = 0, burst_rps = 0, burst_cpu_us = 0;
    {
        EchoServer echo;
        const std::string text = frame({{"type", "contact.send"}, {"contact", "k-1"}, {"text", "hello from a visitor"}});
        for (const int burst : {1, o.window}) {
            long done = 0;
            const double cpu_before = own_cpu_us();
            auto until = Clock::now() + window;
            run_all(io, o.pairs, [&](int) -> awaitable<void> {
                Client c(io);
                co_await c.connect(echo.port());
                while (Clock::now() < until) {
                    for (int i = 0; i < burst; ++i)
                        co_await c.send(text);
                    for (int i = 0; i < burst; ++i)
                        co_await c.recv();
                    done += burst;
                }
                co_await c.ws.async_close(websocket::close_code::normal, use_awaitable);
            });
            if (burst == 1) {
                echo_rps = static_cast<double>(done) / o.seconds;
                echo_cpu_us = (own_cpu_us() - cpu_before) / static_cast<double>(std::max(1L, done));
            } else {
                echo_burst_rps = static_cast<double>(done) / o.seconds;
            }
        }
    }

    ServerProcess server;
    server.start(o.server, bench_config(o.agents, o.commit_spacing_us));
    std::printf("switchboard-server pid %d on port %u; %d agents, %d visitors\n", server.pid, server.port,
                o.agents, o.visitors);

    // Agents: log in, go ready; the first claims every contact it sees (keeps waiting lists short).
    std::vector<std::unique_ptr<Client>> agents;
    std::map<std::string, Clock::time_point> requested; // customer name -> request time
    std::map<std::string, int> seen;                    // customer name -> agents that listed it
    Stats assign, relay;
    long claimed = 0;
    bool stop_agents = false;
    std::map<std::string, Clock::time_point> sent_at; // message text -> send time
    run_all(io, o.agents, [&](int i) -> awaitable<void> {
        auto c = std::make_unique<Client>(io);
        co_await c->connect(server.port);
        // 200 logins at once fill the server's password-check queue: retry the refused ones, as a console does.
        for (;;) {
            const std::string out_ = frame({{"type", "agent.login"},
                                            {"cid", "l"},
                                            {"login", "agent" + std::to_string(i)},
                                            {"password", "bench-password"}});
            co_await c->send(out_);
            auto j = json::parse(co_await c->recv(), nullptr, false);
            if (j.is_object() && j.value("type", "") == "agent.welcome") break;
            if (!(j.is_object() && j.value("code", "") == "rate_limited"))
                throw std::runtime_error("login: " + j.dump());
            asio::steady_timer t(io);
            t.expires_after(std::chrono::milliseconds(200));
            co_await t.async_wait(use_awaitable);
        }
        {
            const std::string out_ = frame({{"type", "agent.status"}, {"cid", "s"}, {"status", "ready"}});
            co_await c->send(out_);
        }
        co_await c->expect("agent.update");
        agents.push_back(std::move(c));
    });
    std::printf("agents logged in and ready\n");

    // Agent read loops: assignment latency from queue.waiting / queue.changed, relay latency from message events.
    for (std::size_t i = 0; i < agents.size(); ++i) {
        asio::co_spawn(
            io,
            [&, i]() -> awaitable<void> {
                Client& c = *agents[i];
                std::set<std::string> listed;
                while (!stop_agents) {
                    std::string text = co_await c.recv();
                    if (i != 0) {
                        // The other agents only count listings: scan for customer names instead of parsing
                        // (one client thread parsing 40,000 frames/s fell behind and the server dropped it).
                        if (text.find("\"queue.") == std::string::npos) continue;
                        static const std::string marker = "\"name\":\"bench-";
                        for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
                            const auto begin = at + 8, end = text.find('"', begin);
                            std::string name = text.substr(begin, end - begin);
                            if (!listed.insert(name).second) continue;
                            if (++seen[name] == o.agents && requested.count(name))
                                assign.add(ms_since(requested[name]));
                        }
                        continue;
                    }
                    // Relay latency is measured on the texts of phase (4) ("m<pair>-<n>"); the message events
                    // of the throughput phases are only read, as the echo clients' answers are.
                    if (text.find("\"contact.event\"") != std::string::npos &&
                        text.find("\"text\":\"m") == std::string::npos)
                        continue;
                    auto j = json::parse(text, nullptr, false);
                    const std::string type = j.value("type", "");
                    if (type == "queue.waiting" || type == "queue.changed") {
                        for (const auto& k : j[type == "queue.waiting" ? "contacts" : "added"]) {
                            std::string name = k["customer"].value("name", "");
                            if (!listed.insert(name).second) continue;
                            if (++seen[name] == o.agents && requested.count(name))
                                assign.add(ms_since(requested[name]));
                            if (i == 0) {
                                const std::string out_ = frame({{"type", "contact.claim"},
                                                                {"cid", "c" + k.value("id", "")},
                                                                {"contact", k.value("id", "")}});
                                co_await c.send(out_);
                            }
                        }
                    } else if (type == "contact.snapshot") {
                        ++claimed;
                    } else if (type == "contact.event" && j.value("event", "") == "message" &&
                               j.value("from", "") == "visitor") {
                        auto it = sent_at.find(j.value("text", ""));
                        if (it != sent_at.end()) relay.add(ms_since(it->second));
                    }
                }
            },
            asio::detached);
    }

    // (3) visitors ask for contacts at --rate for --seconds.
    const int contacts = o.rate * o.seconds;
    std::vector<std::unique_ptr<Client>> chatters;
    std::vector<std::string> chatter_contacts;
    const double routing_cpu0 = server.cpu_us();
    auto t0 = Clock::now();
    run_all(io, contacts, [&](int n) -> awaitable<void> {
        asio::steady_timer t(io);
        t.expires_at(t0 + std::chrono::microseconds(1'000'000LL * n / o.rate));
        co_await t.async_wait(use_awaitable);
        auto c = std::make_unique<Client>(io);
        co_await c->connect(server.port);
        {
            const std::string out_ = frame({{"type", "visitor.hello"}, {"cid", "h"}});
            co_await c->send(out_);
        }
        co_await c->expect("visitor.welcome");
        const std::string name = "bench-" + std::to_string(n);
        requested[name] = Clock::now();
        {
            const std::string out_ = frame({{"type", "contact.request"},
                                            {"cid", "r"},
                                            {"service", "bench"},
                                            {"contact_type", "chat"},
                                            {"name", name}});
            co_await c->send(out_);
        }
        auto snap = co_await c->expect("contact.snapshot");
        if (static_cast<int>(chatters.size()) < o.pairs) {
            chatter_contacts.push_back(snap["contact"].value("id", ""));
            chatters.push_back(std::move(c));
        } else {
            co_await c->ws.async_close(websocket::close_code::normal, use_awaitable);
        }
    });
    // Let the last pushes and claims arrive.
    {
        asio::steady_timer settle(io, std::chrono::seconds(2));
        settle.async_wait([](auto) {});
        io.restart();
        io.run_for(std::chrono::seconds(2));
    }
    const double routing_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("\nrouting: %d requests at %d/s; %ld claimed (%.0f contacts routed/s); server CPU %.0f us per "
                "contact (hello, request, %d list pushes, claim)\n",
                contacts, o.rate, claimed, claimed / routing_seconds,
                (server.cpu_us() - routing_cpu0) / static_cast<double>(std::max(1, contacts)), o.agents);
    std::printf(
        "assignment latency (request -> listed at all %d agents): p50 %.2f ms, p99 %.2f ms (%zu samples)\n",
        o.agents, assign.pct(50), assign.pct(99), assign.samples.size());

    // (4) chat relay at --messages-per-second over the assigned pairs; each visitor waits for its own event. The
    // pairs' schedules are staggered evenly over the period: independent visitors do not all send at one instant.
    long relayed = 0;
    double cpu0 = server.cpu_us();
    auto t1 = Clock::now();
    const int per_pair = std::max(1, o.mps / std::max<int>(1, static_cast<int>(chatters.size())));
    run_all(io, static_cast<int>(chatters.size()), [&](int p) -> awaitable<void> {
        Client& c = *chatters[p];
        asio::steady_timer t(io);
        for (int n = 0; Clock::now() < t1 + window; ++n) {
            const long long period_us = 1'000'000LL / per_pair, pairs = static_cast<long long>(chatters.size());
            t.expires_at(t1 + std::chrono::microseconds(period_us * n + period_us * p / pairs));
            co_await t.async_wait(use_awaitable);
            std::string text = "m";
            text += std::to_string(p);
            text += '-';
            text += std::to_string(n);
            sent_at[text] = Clock::now();
            {
                const std::string out_ = frame({{"type", "contact.send"},
                                                {"cid", text},
                                                {"contact", chatter_contacts[p]},
                                                {"text", text}});
                co_await c.send(out_);
            }
            for (;;) { // our own event back means the message is durable and relayed
                auto j = json::parse(co_await c.recv(), nullptr, false);
                if (j.value("type", "") == "contact.event" && j.value("cid", "") == text) break;
                if (j.value("type", "") == "error") throw std::runtime_error(j.dump());
            }
            ++relayed;
        }
    });
    const double relay_secs = std::chrono::duration<double>(Clock::now() - t1).count();
    std::printf("chat relay at %d msg/s offered over %zu contacts: %.0f msg/s durable; latency to the agent "
                "p50 %.2f ms, p99 %.2f ms (%zu samples); server CPU %.0f us per message\n",
                o.mps, chatters.size(), relayed / relay_secs, relay.pct(50), relay.pct(99), relay.samples.size(),
                (server.cpu_us() - cpu0) / static_cast<double>(std::max(1L, relayed)));

    // (2) relay throughput with as many clients as the echo baseline, ping-pong then bursts. A visitor's own
    // event back (its cid) says the message is durable and relayed; the frames are scanned for it, not parsed,
    // so that the clients cost about what the echo clients do.
    for (const int burst : {1, o.window}) {
        long done = 0;
        cpu0 = server.cpu_us();
        const double client0 = own_cpu_us();
        auto until = Clock::now() + window;
        run_all(io, static_cast<int>(chatters.size()), [&](int p) -> awaitable<void> {
            Client& c = *chatters[p];
            std::vector<std::string> acks(static_cast<std::size_t>(burst));
            for (int n = 0; Clock::now() < until;) {
                for (int i = 0; i < burst; ++i, ++n) {
                    std::string cid = (burst == 1 ? "pp" : "pb") + std::to_string(p) + '-' + std::to_string(n);
                    const std::string out_ = frame({{"type", "contact.send"},
                                                    {"cid", cid},
                                                    {"contact", chatter_contacts[p]},
                                                    {"text", "hello from a visitor"}});
                    acks[static_cast<std::size_t>(i)] = "\"cid\":\"" + cid + '"';
                    co_await c.send(out_);
                }
                for (int i = 0; i < burst;) { // in order: the server answers a connection's commands in order
                    const std::string in = co_await c.recv();
                    if (in.find(acks[static_cast<std::size_t>(i)]) != std::string::npos) ++i;
                    else if (in.find("\"type\":\"error\"") != std::string::npos) throw std::runtime_error(in);
                }
                done += burst;
            }
        });
        const double rps = static_cast<double>(done) / o.seconds;
        const double cpu = (server.cpu_us() - cpu0) / static_cast<double>(std::max(1L, done));
        if (burst == 1) {
            relay_rps = rps;
            relay_cpu_us = cpu;
            relay_client_cpu_us = (own_cpu_us() - client0) / static_cast<double>(std::max(1L, done));
        } else {
            burst_rps = rps;
            burst_cpu_us = cpu;
        }
    }
    std::printf("relay throughput (ping-pong, %zu clients): switchboard %.0f msg/s, bare Beast echo %.0f "
                "msg/s, ratio %.3f; server CPU %.0f us per message; bench clients' CPU %.0f us per message "
                "(echo phase: %.0f, clients and echo server)\n",
                chatters.size(), relay_rps, echo_rps, echo_rps > 0 ? relay_rps / echo_rps : 0.0, relay_cpu_us,
                relay_client_cpu_us, echo_cpu_us);
    std::printf("relay throughput (bursts of %d, %zu clients): switchboard %.0f msg/s, bare Beast echo %.0f msg/s, "
                "ratio %.3f; server CPU %.0f us per message\n",
                o.window, chatters.size(), burst_rps, echo_burst_rps, echo_burst_rps > 0 ? burst_rps / echo_burst_rps : 0.0,
                burst_cpu_us);

    // (5) idle memory: hold --visitors visitor connections, each after visitor.hello.
    const long before = server.rss_kib();
    std::vector<std::unique_ptr<Client>> idle;
    run_all(io, o.visitors, [&](int) -> awaitable<void> {
        auto c = std::make_unique<Client>(io);
        co_await c->connect(server.port);
        {
            const std::string out_ = frame({{"type", "visitor.hello"}, {"cid", "h"}});
            co_await c->send(out_);
        }
        co_await c->expect("visitor.welcome");
        idle.push_back(std::move(c));
    });
    const long after = server.rss_kib();
    std::printf(
        "held %zu visitor + %zu agent connections; server RSS %ld -> %ld KiB: %.1f KiB per idle connection\n",
        idle.size(), agents.size(), before, after,
        static_cast<double>(after - before) / static_cast<double>(std::max<std::size_t>(1, idle.size())));
    stop_agents = true;
    return 0;
}
