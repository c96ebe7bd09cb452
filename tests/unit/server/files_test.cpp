// Files on contacts without sockets (server/files.h, docs/protocol.md "Files"): the files config, who may
// upload on which contact, the limits, the `file` event both parties receive with their own link, downloads
// allowed to the two parties only, and a restart that keeps everything.
#include "server/files.h"

#include "protocol/codec.h"
#include "server/password.h"
#include "server/session_hub.h"
#include "server/store/sqlite_store.h"

#include "temp_dir.h"
#include "received.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

using namespace sb::server;
namespace protocol = sb::protocol;
namespace ev = sb::protocol::ev;
using namespace std::chrono_literals;

namespace {

const char* config_text = R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://shop.example/"}],
  "services": [{"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "site": "demo"}],
  "agents": [
    {"login": "alice", "name": "Alice Rossi", "password": "x", "tags": ["sales"], "capacity": 3},
    {"login": "carla", "name": "Carla Verdi", "password": "x", "tags": ["sales"], "capacity": 3}],
  "contacts": {"grace_seconds": 30},
  "files": {"max_bytes": 1000, "types": ["text/plain", "image/*"]}
})";

// A fake connection: what the hubs sent it, decoded.
struct Conn : sb::test::Received {
    ConnectionId id = 0;
    // The file events this connection received (live).
    std::vector<protocol::ContactEvent> files() const {
        std::vector<protocol::ContactEvent> out;
        for (const auto& e : events())
            if (std::holds_alternative<ev::File>(e.body)) out.push_back(e);
        return out;
    }
};

const protocol::FileInfo& file_of(const protocol::ContactEvent& e) { return std::get<ev::File>(e.body).file; }

// "key" of a link "/files/<id>/<name>?key=<key>".
std::string key_of(const std::string& url) {
    auto k = url.find("?key=");
    return k == std::string::npos ? std::string() : url.substr(k + 5);
}

class FilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        auto parsed = parse_config(config_text, "test");
        ASSERT_TRUE(parsed) << parsed.error().message;
        config = *parsed;
        config.files.dir = (dir / "files").string();
        for (auto& a : config.agents) { // no argon2 here: agents come with tokens
            a.password.clear();
            a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        }
        open();
    }

    // (Re)creates everything on the same database and folder, as a restart does.
    void open() {
        files.reset();
        conns.clear();
        hub.reset();
        contacts.reset();
        directory.reset();
        store = open_sqlite_store(dir / "db.sqlite");
        directory = std::make_unique<AgentDirectory>(*store);
        directory->sync(config.agents);
        HubOptions options;
        options.messages_per_second = 1000;
        options.now = [this] { return std::chrono::system_clock::time_point(clock.now().time_since_epoch()); };
        hub = std::make_unique<SessionHub>(*directory, options);
        contacts = std::make_unique<ContactHub>(*store, clock, config, contact_hub_options(config.contacts),
                                                [this](ConnectionId id, const protocol::ServerMessage& m) { hub->send_to(id, m); });
        contacts->start();
        hub->attach(*contacts);
        files = std::make_unique<Files>(*store, *directory, *contacts, config.files);
        files->prepare();
    }

    Conn& connect() {
        auto c = std::make_unique<Conn>();
        Conn* raw = c.get();
        c->id = hub->open(Peer{[raw](std::string frame) {
                                   auto m = protocol::decode_server(frame);
                                   EXPECT_TRUE(m) << frame;
                                   if (m) raw->got.push_back(std::move(*m));
                               },
                               [] {}, "203.0.113.7"});
        conns.push_back(std::move(c));
        return *raw;
    }
    void send(Conn& c, const protocol::ClientMessage& m) { hub->receive_text(c.id, protocol::encode(m)); }

    // An agent's connection, ready; its session token in tokens[login].
    Conn& agent(const std::string& login) {
        tokens[login] = directory->open_session(login, sb::to_epoch_ms(clock.now()) / 1000);
        Conn& c = connect();
        send(c, protocol::AgentResume{"r", tokens[login]});
        send(c, protocol::AgentSetStatus{"s", sb::AgentStatus::ready});
        EXPECT_FALSE(c.all<protocol::Welcome>().empty());
        return c;
    }
    // A visitor's connection; its identity in `who`.
    Conn& visitor(protocol::VisitorIdentity& who, std::optional<protocol::VisitorIdentity> known = std::nullopt) {
        Conn& c = connect();
        protocol::VisitorHello h;
        h.cid = "h";
        h.name = "Maria";
        h.visitor = known;
        send(c, h);
        auto w = c.all<protocol::VisitorWelcome>();
        EXPECT_EQ(w.size(), 1u);
        if (!w.empty()) who = w.back().visitor;
        return c;
    }
    std::string ask(Conn& v) {
        protocol::ContactRequestMsg r;
        r.cid = "q";
        r.service = "sales";
        send(v, r);
        return v.all<protocol::ContactSnapshot>().back().contact.id;
    }
    void take(Conn& a, const std::string& id) {
        send(a, protocol::ContactClaim{"k", id});
        ASSERT_FALSE(a.all<protocol::ContactSnapshot>().empty());
        ASSERT_EQ(a.all<protocol::ContactSnapshot>().back().contact.state, sb::ContactState::assigned);
    }

    static std::string bearer(const std::string& token) { return "Bearer " + token; }
    static std::string as_visitor(const protocol::VisitorIdentity& v) { return "Visitor " + v.id + ":" + v.secret; }

    // A whole upload as net/file_http.cpp does it: headers, the body into the part file, then finish().
    sb::Expected<std::string, FileRefusal> upload(const std::string& auth, const std::string& contact, const std::string& name,
                                              const std::string& type, const std::string& bytes) {
        auto u = files->begin(auth, contact, name, type, bytes.size());
        if (!u) return sb::unexpected(u.error());
        std::ofstream(u->part, std::ios::binary) << bytes;
        return files->finish(*u, bytes.size());
    }
    static std::string read(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    sb::test::TempDir dir;
    Config config;
    sb::FakeClock clock;
    std::unique_ptr<Store> store;
    std::unique_ptr<AgentDirectory> directory;
    std::unique_ptr<SessionHub> hub;
    std::unique_ptr<ContactHub> contacts;
    std::unique_ptr<Files> files;
    std::vector<std::unique_ptr<Conn>> conns;
    std::map<std::string, std::string> tokens;
};

} // namespace

// [SECTION] Config ---------------------------------------------------------------------------------------------

TEST(FilesConfig, DefaultsAreTenMegabytesCommonTypesAndVarFiles) {
    auto c = parse_config("{}", "t");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->files.max_bytes, 10u * 1024 * 1024);
    EXPECT_EQ(c->files.dir, "var/files");
    for (const char* t : {"image/png", "image/jpeg", "application/pdf", "text/plain", "application/zip",
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
        EXPECT_TRUE(mime_type_allowed(c->files.types, t)) << t;
    EXPECT_FALSE(mime_type_allowed(c->files.types, "text/html")) << "a page served from our origin";
    EXPECT_FALSE(mime_type_allowed(c->files.types, "image/svg+xml")) << "scripts in an image";
    EXPECT_FALSE(mime_type_allowed(c->files.types, "application/octet-stream"));
}

TEST(FilesConfig, ReadsItsFieldsAndLowerCasesTypes) {
    auto c = parse_config(R"({"files": {"max_bytes": 5242880, "types": ["Image/*", "application/pdf"], "dir": "/srv/sb"}})", "t");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->files.max_bytes, 5242880u);
    EXPECT_EQ(c->files.types, (std::vector<std::string>{"image/*", "application/pdf"}));
    EXPECT_EQ(c->files.dir, "/srv/sb");
}

TEST(FilesConfig, NamesTheBadField) {
    auto error = [](const char* files) {
        auto c = parse_config(std::string(R"({"files": )") + files + "}", "demo.json");
        return c ? std::string("accepted") : c.error().message;
    };
    EXPECT_EQ(error(R"({"max_bytes": 0})"), "config demo.json: files.max_bytes must be an integer from 1 to 1073741824");
    EXPECT_EQ(error(R"({"max_bytes": 2147483648})"), "config demo.json: files.max_bytes must be an integer from 1 to 1073741824");
    EXPECT_EQ(error(R"({"max_bytes": "10MB"})"), "config demo.json: files.max_bytes must be an integer from 1 to 1073741824");
    EXPECT_EQ(error(R"({"types": []})"), "config demo.json: files.types must list at least one MIME type");
    EXPECT_EQ(error(R"({"types": ["text/plain", "pdf"]})"),
              "config demo.json: files.types[1] must be a MIME type like \"image/png\" or \"image/*\"");
    EXPECT_EQ(error(R"({"types": ["*/*"]})"), "config demo.json: files.types[0] must be a MIME type like \"image/png\" or \"image/*\"");
    EXPECT_EQ(error(R"({"types": ["text/plain", "TEXT/plain"]})"), "config demo.json: files.types[1] repeats \"text/plain\"");
    EXPECT_EQ(error(R"({"dir": ""})"), "config demo.json: files.dir must not be empty");
    EXPECT_EQ(error(R"({"max_size": 10})"), "config demo.json: files.max_size is not a known field");
    EXPECT_EQ(error(R"([1])"), "config demo.json: files must be a JSON object");
}

TEST(FilesConfig, RetentionDaysKeepsForeverByDefaultElseOneTo36500Days) {
    EXPECT_EQ(parse_config("{}", "t")->files.retention_days, 0);
    for (int days : {0, 1, 90, 36500}) {
        auto c = parse_config(R"({"files": {"retention_days": )" + std::to_string(days) + "}}", "t");
        ASSERT_TRUE(c) << c.error().message;
        EXPECT_EQ(c->files.retention_days, days);
    }
    for (const char* bad : {"-1", "36501", "2147483648", "1.5", "\"30\"", "true", "null"}) {
        auto c = parse_config(std::string(R"({"files": {"retention_days": )") + bad + "}}", "demo.json");
        ASSERT_FALSE(c) << bad;
        EXPECT_EQ(c.error().message,
                  "config demo.json: files.retention_days must be an integer from 0 (keep forever) to 36500")
            << bad;
        EXPECT_EQ(c.error().exit_code, exit_code::config);
    }
}

// [SECTION] Helpers --------------------------------------------------------------------------------------------

TEST(FileNames, AreCleanedForShowingNeverUsedAsPaths) {
    EXPECT_EQ(clean_file_name("report.pdf"), "report.pdf");
    EXPECT_EQ(clean_file_name("../../etc/passwd"), "passwd");
    EXPECT_EQ(clean_file_name("C:\\Users\\maria\\Desktop\\fattura n. 3.pdf"), "fattura n. 3.pdf");
    EXPECT_EQ(clean_file_name("  Größe 😀.txt "), "Größe 😀.txt");
    EXPECT_EQ(clean_file_name(""), std::nullopt);
    EXPECT_EQ(clean_file_name("dir/"), std::nullopt);
    EXPECT_EQ(clean_file_name(".."), std::nullopt);
    EXPECT_EQ(clean_file_name("a\nb.txt"), std::nullopt);
    EXPECT_EQ(clean_file_name("bad\xff.txt"), std::nullopt);
    EXPECT_EQ(clean_file_name("over\xc0\xaflong.txt"), std::nullopt);
    EXPECT_EQ(clean_file_name(std::string(256, 'a')), std::nullopt);
    EXPECT_EQ(clean_file_name(std::string(255, 'a')), std::string(255, 'a'));
}

TEST(FileNames, PercentCodingAndContentDisposition) {
    EXPECT_EQ(percent_decode("r%C3%A9sum%C3%A9%20(1).pdf"), "résumé (1).pdf");
    EXPECT_EQ(percent_decode("a+b"), "a+b");
    EXPECT_EQ(percent_decode("%4"), std::nullopt);
    EXPECT_EQ(percent_decode("%zz"), std::nullopt);
    EXPECT_EQ(percent_encode("résumé \"1\".pdf"), "r%C3%A9sum%C3%A9%20%221%22.pdf");
    EXPECT_EQ(content_disposition("résumé \"1\".pdf"),
              "attachment; filename=\"r_sum_ _1_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.pdf");
}

TEST(FileTypes, MatchExactlyOrByWildcard) {
    const std::vector<std::string> types{"text/plain", "image/*"};
    EXPECT_TRUE(mime_type_allowed(types, "text/plain"));
    EXPECT_TRUE(mime_type_allowed(types, "image/png"));
    EXPECT_TRUE(mime_type_allowed(types, "image/svg+xml"));
    EXPECT_FALSE(mime_type_allowed(types, "text/html"));
    EXPECT_FALSE(mime_type_allowed(types, "image"));
    EXPECT_FALSE(mime_type_allowed(types, "image/"));
    EXPECT_FALSE(mime_type_allowed(types, "imagex/png"));
    EXPECT_FALSE(mime_type_allowed(types, ""));
}

// [SECTION] Uploads and downloads ------------------------------------------------------------------------------

TEST_F(FilesTest, WelcomesTellTheLimits) {
    Conn& a = agent("alice");
    EXPECT_EQ(a.all<protocol::Welcome>().back().files, (protocol::FileLimits{1000, {"text/plain", "image/*"}}));
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    EXPECT_EQ(v.all<protocol::VisitorWelcome>().back().files.max_bytes, 1000u);
}

TEST_F(FilesTest, TheAgentsFileReachesBothPartiesEachWithTheirOwnLink) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    const std::string id = ask(v);
    take(a, id);

    auto answer = upload(bearer(tokens["alice"]), id, "n%C3%B2te%20(1).txt", "text/plain; charset=utf-8", "hello files");
    ASSERT_TRUE(answer) << answer.error().message;
    auto j = nlohmann::json::parse(*answer);
    EXPECT_EQ(j["file"]["name"], "nòte (1).txt");
    EXPECT_EQ(j["file"]["size"], 11);
    EXPECT_EQ(j["file"]["type"], "text/plain");

    ASSERT_EQ(v.files().size(), 1u);
    ASSERT_EQ(a.files().size(), 1u);
    const auto to_visitor = v.files()[0];
    const auto to_agent = a.files()[0];
    EXPECT_EQ(to_visitor.seq, j["seq"].get<std::uint64_t>());
    EXPECT_EQ(std::get<ev::File>(to_visitor.body).from, protocol::Party::agent);
    EXPECT_EQ(std::get<ev::File>(to_visitor.body).author, "Alice Rossi");
    EXPECT_EQ(file_of(to_visitor).id, j["file"]["id"]);
    EXPECT_EQ(file_of(to_agent).url, j["file"]["url"]) << "the answer carries the sender's own link";
    EXPECT_NE(file_of(to_visitor).url, file_of(to_agent).url) << "one link per party";
    EXPECT_EQ(file_of(to_visitor).url.rfind("/files/" + file_of(to_visitor).id + "/n%C3%B2te%20%281%29.txt?key=", 0), 0u)
        << file_of(to_visitor).url;

    for (const auto& url : {file_of(to_visitor).url, file_of(to_agent).url}) {
        auto d = files->download(file_of(to_visitor).id, key_of(url));
        ASSERT_TRUE(d) << d.error().message;
        EXPECT_EQ(read(d->path), "hello files");
        EXPECT_EQ(d->name, "nòte (1).txt");
        EXPECT_EQ(d->type, "text/plain");
        EXPECT_EQ(d->size, 11u);
    }
    // The stored event holds no link: links are made per recipient.
    auto stored = store->events_after(id, to_visitor.seq - 1, 1);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].kind, "file");
    EXPECT_EQ(stored[0].party, "agent:alice");
    EXPECT_EQ(stored[0].payload.find("key="), std::string::npos) << stored[0].payload;
    // Bytes on disk under the file's id, never under the sender's name.
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(config.files.dir) / file_of(to_visitor).id));
}

TEST_F(FilesTest, TheVisitorsFileReachesTheAgent) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    const std::string id = ask(v);
    take(a, id);
    auto answer = upload(as_visitor(who), id, "photo.png", "image/png", std::string("\x89PNG\r\n", 6));
    ASSERT_TRUE(answer) << answer.error().message;
    ASSERT_EQ(a.files().size(), 1u);
    const auto f = std::get<ev::File>(a.files()[0].body);
    EXPECT_EQ(f.from, protocol::Party::visitor);
    EXPECT_EQ(f.author, "Maria");
    EXPECT_EQ(f.file.type, "image/png");
    EXPECT_EQ(f.file.size, 6u);
    EXPECT_TRUE(files->download(f.file.id, key_of(f.file.url)));
}

TEST_F(FilesTest, DownloadsNeedAKeyOfOneOfTheTwoParties) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    const std::string id = ask(v);
    take(a, id);
    ASSERT_TRUE(upload(bearer(tokens["alice"]), id, "a.txt", "text/plain", "secret"));
    const auto f = file_of(v.files()[0]);
    std::string wrong = key_of(f.url);
    wrong[0] = wrong[0] == '0' ? '1' : '0';
    EXPECT_EQ(files->download(f.id, wrong).error().status, 403u);
    EXPECT_EQ(files->download(f.id, "").error().status, 403u);
    EXPECT_EQ(files->download(f.id, "not-hex").error().status, 403u);
    EXPECT_EQ(files->download("f-00000000000000000000000000000000", key_of(f.url)).error().status, 404u);
    EXPECT_EQ(files->download("../db.sqlite", key_of(f.url)).error().status, 404u);

    // Another visitor's contact with a file: this visitor's key does not open it.
    protocol::VisitorIdentity other;
    Conn& v2 = visitor(other);
    const std::string id2 = ask(v2);
    take(a, id2);
    ASSERT_TRUE(upload(bearer(tokens["alice"]), id2, "b.txt", "text/plain", "other"));
    EXPECT_EQ(files->download(file_of(v2.files()[0]).id, key_of(f.url)).error().status, 403u);
}

TEST_F(FilesTest, RefusesWhoIsNotAPartyOfAnAssignedOpenContact) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who, other;
    Conn& v = visitor(who);
    visitor(other);
    const std::string id = ask(v);
    auto status = [&](const std::string& auth, const std::string& contact = "") {
        auto r = upload(auth, contact.empty() ? id : contact, "a.txt", "text/plain", "x");
        return r ? 201u : r.error().status;
    };
    auto code = [&](const std::string& auth) {
        auto r = upload(auth, id, "a.txt", "text/plain", "x");
        return r ? std::string("created") : r.error().code;
    };
    EXPECT_EQ(status(""), 401u);
    EXPECT_EQ(status("Basic YWxpY2U6eA=="), 401u);
    EXPECT_EQ(status(bearer("no-such-token")), 401u);
    EXPECT_EQ(status("Visitor " + who.id + ":wrong"), 401u);
    EXPECT_EQ(status("Visitor " + who.id), 401u);
    EXPECT_EQ(code(as_visitor(who)), "not_assigned") << "nobody holds it yet";
    EXPECT_EQ(status(as_visitor(who)), 409u);
    EXPECT_EQ(status(bearer(tokens["alice"])), 404u) << "an agent sees only the contacts they hold";

    take(a, id);
    EXPECT_EQ(status(as_visitor(other)), 404u) << "another visitor";
    agent("carla");
    EXPECT_EQ(status(bearer(tokens["carla"])), 404u) << "another agent";
    EXPECT_EQ(status(as_visitor(who), "k-none"), 404u);
    EXPECT_EQ(status(as_visitor(who), ""), 201u);

    send(a, protocol::ContactStop{"st", id, sb::Outcome::successful});
    EXPECT_EQ(code(as_visitor(who)), "closed");
    EXPECT_EQ(status(bearer(tokens["alice"])), 409u);
    EXPECT_EQ(v.files().size(), 1u) << "only the accepted upload made an event";
}

TEST_F(FilesTest, RefusesWhatTheLimitsDoNotAllowBeforeReadingTheBody) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    const std::string id = ask(v);
    take(a, id);
    const std::string auth = as_visitor(who);
    auto refused = [&](std::string_view name, std::string_view type, std::optional<std::uint64_t> length) {
        auto r = files->begin(auth, id, name, type, length);
        return r ? FileRefusal{201, "begun", ""} : r.error();
    };
    EXPECT_EQ(refused("a.txt", "text/plain", 1001).status, 413u);
    EXPECT_EQ(refused("a.txt", "text/plain", 1001).code, "too_large");
    EXPECT_EQ(refused("a.txt", "text/plain", 1000).status, 201u);
    EXPECT_EQ(refused("a.txt", "text/plain", std::nullopt).status, 201u) << "chunked: the body limit cuts it";
    EXPECT_EQ(refused("a.txt", "text/plain", 0).status, 400u);
    EXPECT_EQ(refused("a.html", "text/html", 10).status, 415u);
    EXPECT_EQ(refused("a.html", "text/html", 10).code, "type_not_allowed");
    EXPECT_EQ(refused("a.bin", "", 10).status, 415u);
    EXPECT_EQ(refused("a.jpg", "IMAGE/JPEG", 10).status, 201u);
    EXPECT_EQ(refused("", "text/plain", 10).status, 400u);
    EXPECT_EQ(refused("a%0Ab.txt", "text/plain", 10).status, 400u);
    EXPECT_EQ(refused("bad%FF.txt", "text/plain", 10).status, 400u);
    EXPECT_EQ(refused("bad%zz.txt", "text/plain", 10).status, 400u);
    // A body that turned out bigger (chunked) is refused at the end too, and leaves nothing behind.
    auto u = files->begin(auth, id, "big.txt", "text/plain", std::nullopt);
    ASSERT_TRUE(u);
    std::ofstream(u->part) << std::string(1001, 'x');
    auto r = files->finish(*u, 1001);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 413u);
    EXPECT_FALSE(std::filesystem::exists(u->part));
    EXPECT_TRUE(v.files().empty());

    const auto body = refusal_json(refused("a.txt", "text/plain", 5000), config.files);
    EXPECT_EQ(nlohmann::json::parse(body)["max_bytes"], 1000);
    EXPECT_EQ(nlohmann::json::parse(refusal_json(refused("a.exe", "application/x-msdownload", 10), config.files))["types"],
              nlohmann::json::array({"text/plain", "image/*"}));
}

TEST_F(FilesTest, AContactClosedDuringTheUploadGetsNoFile) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    const std::string id = ask(v);
    take(a, id);
    auto u = files->begin(as_visitor(who), id, "a.txt", "text/plain", 5);
    ASSERT_TRUE(u);
    std::ofstream(u->part) << "hello";
    send(a, protocol::ContactStop{"st", id, sb::Outcome::successful});
    auto r = files->finish(*u, 5);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "closed");
    EXPECT_FALSE(std::filesystem::exists(u->part));
    EXPECT_TRUE(a.files().empty());
    EXPECT_TRUE(std::filesystem::is_empty(config.files.dir));
}

TEST_F(FilesTest, SnapshotsCarryTheReadersLinkAndARestartKeepsEverything) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    const std::string id = ask(v);
    take(a, id);
    ASSERT_TRUE(upload(as_visitor(who), id, "a.txt", "text/plain", "kept"));
    const auto live = file_of(v.files()[0]);

    send(v, protocol::ContactResume{"res", id, 0});
    auto snap = v.all<protocol::ContactSnapshot>().back();
    auto in_snapshot = std::find_if(snap.events.begin(), snap.events.end(),
                                    [](const auto& e) { return std::holds_alternative<ev::File>(e.body); });
    ASSERT_NE(in_snapshot, snap.events.end());
    EXPECT_EQ(file_of(*in_snapshot).url, live.url) << "the same link, live or in a snapshot";

    // Restart: new hubs and Files on the same database and folder.
    open();
    EXPECT_TRUE(files->download(live.id, key_of(live.url))) << "a restart keeps the file and its links";
    Conn& v2 = visitor(who, who);
    send(v2, protocol::ContactResume{"res", id, 0});
    snap = v2.all<protocol::ContactSnapshot>().back();
    in_snapshot = std::find_if(snap.events.begin(), snap.events.end(),
                               [](const auto& e) { return std::holds_alternative<ev::File>(e.body); });
    ASSERT_NE(in_snapshot, snap.events.end());
    EXPECT_EQ(file_of(*in_snapshot).url, live.url);
    EXPECT_EQ(file_of(*in_snapshot).name, "a.txt");
}

TEST_F(FilesTest, AContactTakenByAnotherAgentTakesTheFilesWithIt) {
    Conn& a = agent("alice");
    protocol::VisitorIdentity who;
    Conn& v = visitor(who);
    const std::string id = ask(v);
    take(a, id);
    ASSERT_TRUE(upload(bearer(tokens["alice"]), id, "a.txt", "text/plain", "handover"));
    const auto alices = file_of(a.files()[0]);

    // Alice goes away for longer than the grace period: the contact returns to the queue; Carla takes it.
    hub->closed(a.id);
    clock.advance(31s);
    contacts->tick();
    Conn& c = agent("carla");
    take(c, id);
    auto snap = c.all<protocol::ContactSnapshot>().back();
    auto f = std::find_if(snap.events.begin(), snap.events.end(),
                          [](const auto& e) { return std::holds_alternative<ev::File>(e.body); });
    ASSERT_NE(f, snap.events.end());
    EXPECT_TRUE(files->download(alices.id, key_of(file_of(*f).url))) << "Carla's link opens it";
    EXPECT_EQ(files->download(alices.id, key_of(alices.url)).error().status, 403u) << "Alice no longer holds it";
    EXPECT_TRUE(files->download(alices.id, key_of(file_of(v.files()[0]).url))) << "the visitor still does";
}

TEST_F(FilesTest, PrepareRemovesPartialUploadsOfACrash) {
    std::ofstream(std::filesystem::path(config.files.dir) / "f-0123.part") << "half";
    std::ofstream(std::filesystem::path(config.files.dir) / "f-0123") << "whole";
    files->prepare();
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(config.files.dir) / "f-0123.part"));
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(config.files.dir) / "f-0123"));
}
