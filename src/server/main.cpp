// switchboard-server: reads the config, prepares the store and serves the console, the widget and the
// WebSocket protocol on one port. Start-up failures end with one line on stderr and an exit code
// (docs/admin.md, "Exit codes").
#include "server/admin_api.h"
#include "server/agent_directory.h"
#include "server/config.h"
#include "server/config_sync.h"
#include "server/geo/geoip.h"
#include "server/contact_hub.h"
#include "server/file_retention.h"
#include "server/files.h"
#include "server/log.h"
#include "server/net/server.h"
#include "server/password.h"
#include "server/session_hub.h"
#include "server/translate/apertium.h"
#include "server/worker_pool.h"
#include "server/store/open_store.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <termios.h>
#include <thread>
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
    bool hash_mode = false, reset_admin_changes = false;
    app.add_option("--config", config_file, "configuration file (JSON)");
    app.add_option("--host", host, "address to listen on (overrides listen.host)");
    app.add_option("--port", port, "port to listen on, 0 for a free one (overrides listen.port)")->check(CLI::Range(0, 65535));
    app.add_option("--db", db, "SQLite file, or PostgreSQL URL with storage.kind postgres (overrides storage.path/url)");
    app.add_option("--web-root", web_root, "folder with console/, assets/, widget/, demo/ (overrides web_root)");
    app.add_flag("--hash-password", hash_mode, "read a password on stdin and print its argon2id hash, then exit");
    app.add_flag("--reset-admin-changes", reset_admin_changes,
                 "forget what the admin API changed: the config file's sites, services and agents apply in full");
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
    if (const char* token = std::getenv("SWITCHBOARD_ADMIN_TOKEN"); token && *token) {
        if (!is_admin_token(token))
            fail(exit_code::config, "SWITCHBOARD_ADMIN_TOKEN must be 16 to 256 visible ASCII characters, no spaces");
        config.admin.token = token;
    }

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
    std::string overridden; // logged once listening: a start-up failure stays one line on stderr
    try {
        // The file's sites, services and agents, except what the admin API changed (docs/admin.md).
        auto synced = sync_config(*store, config, reset_admin_changes);
        if (!synced) fail(exit_code::config, "config " + config_file + ": " + synced.error());
        for (const auto& n : synced->overridden) overridden += (overridden.empty() ? "" : ", ") + n;
        config.sites = std::move(synced->sites);
        config.services = std::move(synced->services);
        config.agents = std::move(synced->agents);
    } catch (const StoreError& e) {
        fail(exit_code::storage, "cannot store the configuration in " + describe_store(config.storage) + ": " + e.what());
    } catch (const std::exception& e) {
        fail(exit_code::runtime, std::string("cannot prepare agents: ") + e.what());
    }

    HubOptions hub_options;
    hub_options.messages_per_second = config.limits.messages_per_second;
    hub_options.resume_status_seconds = std::chrono::seconds(config.contacts.grace_seconds);
    hub_options.failed_logins_per_address_minute = config.limits.failed_logins_per_address_minute;
    // agent.login's password checks (argon2id: ~0.1 s of CPU and 64 MiB each) on threads of their own, one
    // beside the io thread on a 2-core machine; a full queue answers rate_limited (docs/protocol.md).
    WorkerPool password_checks(std::thread::hardware_concurrency() > 2 ? 2 : 1, 128);
    hub_options.password_checks = &password_checks;
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
    // Files sent on contacts: their folder exists and is writable before anyone may upload (docs/admin.md).
    Files files(*store, directory, contacts, config.files);
    try {
        files.prepare();
    } catch (const std::exception& e) {
        fail(exit_code::storage, e.what());
    }
    // Files of contacts closed more than files.retention_days ago go: at start, then every hour (docs/admin.md).
    FileRetention retention(*store, clock, config.files);
    AdminApi admin(*store, contacts, hub, AdminOptions{config.admin.token});

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

    // Automatic translation with Apertium's installed language pairs (docs/admin.md, "translation").
    std::unique_ptr<translate::ApertiumTranslator> translator;
    std::string translation_note; // logged once listening: before it, stderr holds only a start-up failure
    if (config.translation.enabled) {
        auto installed = translate::apertium_directions();
        std::vector<translate::Direction> directions;
        for (const auto& pair : config.translation.pairs) { // both directions of each pair named, or none
            const std::string a = pair.substr(0, pair.find('-')), b = pair.substr(pair.find('-') + 1);
            for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
                auto d = std::find_if(installed.begin(), installed.end(), [&](const translate::Direction& x) {
                    return x.from == translate::primary_language(from) && x.to == translate::primary_language(to);
                });
                if (d == installed.end())
                    fail(exit_code::config, "translation.pairs: no Apertium translation from " + from + " to " + to +
                                                " is installed (Debian packages apertium-*, e.g. apertium-eng-spa)");
                directions.push_back(*d);
            }
        }
        if (config.translation.pairs.empty()) directions = installed;
        if (directions.empty()) {
            translation_note = "automatic translation: no Apertium language pair installed (e.g. apt-get install apertium-eng-spa)";
        } else {
            const std::chrono::milliseconds timeout(config.translation.timeout_ms);
            translator = std::make_unique<translate::ApertiumTranslator>(directions, translate::ApertiumOptions{timeout});
            contacts.use_translator(translator.get(), timeout);
            std::string modes;
            for (const auto& d : translator->directions()) modes += (modes.empty() ? "" : ", ") + d.mode;
            translation_note = "automatic translation with Apertium: " + modes;
        }
    }

    ServerOptions server_options{config.listen.host, config.listen.port, root, config.limits.max_frame_bytes,
                                 config.geo.trusted_proxies};
    server_options.admin = &admin;
    server_options.files = &files;
    if (retention.enabled()) server_options.retention = &retention;
    // Contact writes commit on a thread and store connection of their own (server/contact_writer.h), so the io
    // thread reads the next commands while a transaction syncs. SB_NO_GROUP_COMMIT=1: one synchronous transaction
    // per command, for comparison (docs/performance.md).
    std::unique_ptr<StoreWriter> writer;
    if (!std::getenv("SB_NO_GROUP_COMMIT")) {
        try {
            writer = std::make_unique<StoreWriter>(open_store(config.storage),
                                                   std::chrono::microseconds(config.storage.commit_spacing_us));
        } catch (const StoreError& e) {
            fail(exit_code::storage, "cannot open database " + describe_store(config.storage) + ": " + e.what());
        }
    }
    server_options.on_io = [&translator, &contacts, &password_checks, &writer](std::function<void(std::function<void()>)> post) {
        if (writer) { // one transaction per turn of the event loop, written behind it
            contacts.group_commits(post);
            contacts.write_behind(writer.get());
        }
        password_checks.set_post(post); // checked logins are answered on the io thread
        if (translator) translator->set_post(std::move(post)); // answers come back on the io thread
    };
    auto stopped = run_server(server_options, hub, [&](unsigned short bound) {
        std::cout << "switchboard-server listening on http://" << url_host(config.listen.host) << ":" << bound << std::endl;
        log_line("serving " + config.web_root + " with database " + describe_store(config.storage) + ", " +
                 std::to_string(config.agents.size()) + " agents, " + std::to_string(config.services.size()) +
                 " services");
        if (!translation_note.empty()) log_line(translation_note);
        if (retention.enabled())
            log_line("file retention: files of contacts closed more than files.retention_days (" +
                     std::to_string(config.files.retention_days) + ") ago are deleted, checked every hour");
        log_line(admin.enabled() ? "admin API enabled at /admin/api"
                                 : "admin API disabled (set admin.token or SWITCHBOARD_ADMIN_TOKEN to enable it)");
        if (!overridden.empty())
            log_line("changed through the admin API, so not taken from the config file: " + overridden);
    });
    if (stopped) fail(exit_code::runtime, *stopped);
    return exit_code::ok;
}
