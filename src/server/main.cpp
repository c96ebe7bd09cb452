// switchboard-server: reads the config, prepares the store and serves the console, the widget and the
// WebSocket protocol on one port. Start-up failures end with one line on stderr and an exit code
// (docs/admin.md, "Exit codes").
#include "server/agent_directory.h"
#include "server/config.h"
#include "server/geo/geoip.h"
#include "server/contact_hub.h"
#include "server/log.h"
#include "server/net/server.h"
#include "server/password.h"
#include "server/session_hub.h"
#include "server/store/open_store.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace {

using namespace sb::server;

[[noreturn]] void fail(int code, const std::string& line) {
    std::cerr << "switchboard-server: " << line << std::endl;
    std::exit(code);
}

// --hash-password: one password on stdin (no echo on a terminal) -> its argon2id hash on stdout.
int hash_password_mode() {
    bool tty = isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        std::cerr << "Password: " << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string password;
    std::getline(std::cin, password);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << std::endl;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) fail(exit_code::config, "--hash-password: empty password on stdin");
    std::cout << hash_password(password) << std::endl;
    return exit_code::ok;
}

std::string url_host(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app{"Switchboard contact center server (docs/admin.md)", "switchboard-server"};
    std::string config_file, host, db, web_root;
    int port = -1;
    bool hash_mode = false;
    app.add_option("--config", config_file, "configuration file (JSON)");
    app.add_option("--host", host, "address to listen on (overrides listen.host)");
    app.add_option("--port", port, "port to listen on, 0 for a free one (overrides listen.port)")->check(CLI::Range(0, 65535));
    app.add_option("--db", db, "SQLite file, or PostgreSQL URL with storage.kind postgres (overrides storage.path/url)");
    app.add_option("--web-root", web_root, "folder with console/, assets/, widget/, demo/ (overrides web_root)");
    app.add_flag("--hash-password", hash_mode, "read a password on stdin and print its argon2id hash, then exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e); // --help
        fail(exit_code::config, e.what());
    }

    if (!init_crypto()) fail(exit_code::runtime, "cannot initialise libsodium");
    if (hash_mode) return hash_password_mode();
    if (config_file.empty()) fail(exit_code::config, "--config FILE is required (see --help)");

    auto loaded = load_config(config_file);
    if (!loaded) fail(loaded.error().exit_code, loaded.error().message);
    Config config = std::move(*loaded);
    if (!host.empty()) config.listen.host = host;
    if (port >= 0) config.listen.port = port;
    if (!db.empty()) (config.storage.kind == "postgres" ? config.storage.url : config.storage.path) = db;
    if (!web_root.empty()) config.web_root = web_root;

    // Relative paths are taken from the working directory (scripts/run starts from the repository root).
    std::error_code ec;
    const std::filesystem::path root = config.web_root;
    const std::string build_hint = " (build the console with scripts/run or cmake --build --preset wasm)";
    if (!std::filesystem::is_directory(root, ec)) fail(exit_code::config, "web root " + config.web_root + " not found" + build_hint);
    if (!std::filesystem::is_regular_file(root / "console" / "console.html", ec))
        fail(exit_code::config, "web root " + config.web_root + " has no console/console.html" + build_hint);

    std::unique_ptr<Store> store;
    try {
        store = open_store(config.storage);
    } catch (const StoreError& e) {
        fail(exit_code::storage, "cannot open database " + describe_store(config.storage) + ": " + e.what());
    }
    AgentDirectory directory(*store);
    try {
        directory.sync(config.agents);
    } catch (const StoreError& e) {
        fail(exit_code::storage, "cannot store agents in " + describe_store(config.storage) + ": " + e.what());
    } catch (const std::exception& e) {
        fail(exit_code::runtime, std::string("cannot prepare agents: ") + e.what());
    }

    HubOptions hub_options;
    hub_options.messages_per_second = config.limits.messages_per_second;
    SessionHub hub(directory, hub_options);
    sb::SystemClock clock;
    ContactHub contacts(*store, clock, config, contact_hub_options(config.contacts),
                        [&hub](ConnectionId id, const sb::protocol::ServerMessage& m) { hub.send_to(id, m); });
    contacts.on_frames([&hub](ConnectionId id, const std::string& frame) { hub.send_frame(id, frame); });
    try {
        contacts.start(); // open contacts of the store back into the router
    } catch (const StoreError& e) {
        fail(exit_code::storage, "cannot restore contacts from " + describe_store(config.storage) + ": " + e.what());
    }
    hub.attach(contacts);

    // Visitors' countries: Tor's GeoIP tables (tor-geoipdb). Missing default tables only cost the countries.
    std::optional<geo::GeoIp> geoip;
    if (auto tables = geo::GeoIp::load(config.geo.ipv4, config.geo.ipv6)) {
        geoip = std::move(*tables);
    } else if (config.geo.explicit_tables) {
        fail(exit_code::config, "geo: " + tables.error());
    } else {
        log_line("GeoIP tables not found (" + tables.error() + "): visitors' countries are unknown");
    }
    if (geoip)
        contacts.on_country([&hub, &geoip](ConnectionId id) { return geoip->country(hub.address_of(id)); });

    ServerOptions server_options{config.listen.host, config.listen.port, root, config.limits.max_frame_bytes,
                                 config.geo.trusted_proxies};
    auto stopped = run_server(server_options, hub, [&](unsigned short bound) {
        std::cout << "switchboard-server listening on http://" << url_host(config.listen.host) << ":" << bound << std::endl;
        log_line("serving " + config.web_root + " with database " + describe_store(config.storage) + ", " +
                 std::to_string(config.agents.size()) + " agents, " + std::to_string(config.services.size()) +
                 " services");
    });
    if (stopped) fail(exit_code::runtime, *stopped);
    return exit_code::ok;
}
