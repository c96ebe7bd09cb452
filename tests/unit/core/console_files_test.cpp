// The console model's files: `file` events in the transcript, the agent's upload from pick to answer, the checks
// made before sending (core/uploads.h), and what the automation JSON shows of them.
#include "core/console_state.h"
#include "core/uploads.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

ContactView assigned(std::string id, std::uint64_t seq) {
    ContactView c;
    c.id = std::move(id);
    c.state = ContactState::assigned;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.customer = Customer{"Maria", "IT", false};
    c.created_at = T0;
    c.agent = Ref{"alice", "Alice Rossi"};
    c.channels[Channel::chat] = ChannelState::active;
    c.seq = seq;
    return c;
}

ConsoleState holding(FileLimits limits = {1000, {"text/plain", "image/*"}}) {
    ConsoleState s = reduce(ConsoleState{}, event::SocketOpened{});
    Welcome w;
    w.cid = "c1";
    w.token = "tok";
    w.agent = AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3};
    w.now = T0;
    w.files = std::move(limits);
    s = reduce(s, event::Received{w, T0});
    std::vector<ContactEvent> events{ContactEvent{"k-1", 1, T0, "", ev::Assigned{{"alice", "Alice Rossi"}, {}}}};
    return reduce(s, event::Received{ContactSnapshot{"c2", T0 + 1000, assigned("k-1", 1), events}, T0 + 1000});
}

ServerMessage file_from(Party from, std::uint64_t seq, std::string name = "photo.png") {
    return ContactEventMsg{ContactEvent{"k-1", seq, T0 + 5000, "",
                                        ev::File{from, from == Party::agent ? "Alice Rossi" : "Maria",
                                                 FileInfo{"f-1", std::move(name), 2048, "image/png", "/files/f-1/photo.png?key=aa"}}}};
}
} // namespace

TEST(ConsoleFiles, WelcomeLimitsAreKept) {
    ConsoleState s = holding({10485760, {"application/pdf"}});
    EXPECT_EQ(s.file_limits.max_bytes, 10485760u);
    auto j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["files"], nlohmann::json::parse(R"({"maxBytes":10485760,"types":["application/pdf"]})"));
}

TEST(ConsoleFiles, AVisitorsFileIsNewsInTheTranscript) {
    ConsoleState s = holding();
    s = reduce(s, event::Expand{""}); // collapsed: news flashes
    s = reduce(s, file_from(Party::visitor, 2));
    const HeldContact& h = s.contacts.front();
    ASSERT_EQ(h.transcript.size(), 1u);
    const TranscriptEntry& t = h.transcript.back();
    EXPECT_EQ(t.kind, TranscriptEntry::Kind::file);
    EXPECT_EQ(t.from, Party::visitor);
    EXPECT_EQ(t.author, "Maria");
    EXPECT_EQ(t.text, "photo.png");
    EXPECT_EQ(t.url, "/files/f-1/photo.png?key=aa");
    EXPECT_EQ(t.size, 2048u);
    EXPECT_EQ(h.unread, 1);
    EXPECT_EQ(h.last_visitor_message, 2u) << "read marks cover files too";
    EXPECT_TRUE(h.flashing);

    auto j = nlohmann::json::parse(to_json(s));
    const auto& recent = j["contacts"][0]["recent"].back();
    EXPECT_EQ(recent["kind"], "file");
    EXPECT_EQ(recent["text"], "photo.png");
    EXPECT_EQ(recent["url"], "/files/f-1/photo.png?key=aa");
    EXPECT_EQ(recent["size"], 2048);
    EXPECT_EQ(recent["from"], "visitor");
}

TEST(ConsoleFiles, TheAgentsOwnFileIsNotUnread) {
    ConsoleState s = holding();
    s = reduce(s, file_from(Party::agent, 2, "offer.pdf"));
    EXPECT_EQ(s.contacts.front().unread, 0);
    EXPECT_EQ(s.contacts.front().transcript.back().text, "offer.pdf");
}

TEST(ConsoleFiles, AnUploadGoesFromStartedToDoneOrFailed) {
    ConsoleState s = holding();
    EXPECT_EQ(nlohmann::json::parse(to_json(s))["contacts"][0]["upload"], nullptr);
    s = reduce(s, event::UploadStarted{"k-1", "a.txt", 800});
    ASSERT_TRUE(s.contacts.front().upload);
    EXPECT_EQ(s.contacts.front().upload->state, FileUpload::State::uploading);
    s = reduce(s, event::UploadProgress{"k-1", 400});
    s = reduce(s, event::UploadProgress{"k-1", 300}); // late, out of order: progress never goes back
    EXPECT_EQ(s.contacts.front().upload->sent, 400u);
    s = reduce(s, event::UploadProgress{"k-1", 5000});
    EXPECT_EQ(s.contacts.front().upload->sent, 800u) << "never past the size";
    auto j = nlohmann::json::parse(to_json(s))["contacts"][0]["upload"];
    EXPECT_EQ(j, nlohmann::json::parse(R"({"name":"a.txt","size":800,"sent":800,"state":"uploading","error":""})"));
    s = reduce(s, event::UploadEnded{"k-1", ""});
    EXPECT_FALSE(s.contacts.front().upload) << "done: its file event shows it";

    s = reduce(s, event::UploadStarted{"k-1", "b.txt", 10});
    s = reduce(s, event::UploadEnded{"k-1", "The server refused the file: no"});
    ASSERT_TRUE(s.contacts.front().upload);
    EXPECT_EQ(s.contacts.front().upload->state, FileUpload::State::failed);
    EXPECT_EQ(s.contacts.front().upload->error, "The server refused the file: no");
    s = reduce(s, event::UploadProgress{"k-1", 5});
    EXPECT_EQ(s.contacts.front().upload->sent, 0u) << "a failed upload makes no more progress";
    s = reduce(s, event::UploadDismissed{"k-1"});
    EXPECT_FALSE(s.contacts.front().upload);

    s = reduce(s, event::UploadRefused{"k-1", "big.png", 5000, "big.png is 4.9 KB: the limit is 1000 bytes."});
    EXPECT_EQ(s.contacts.front().upload->state, FileUpload::State::failed);
    EXPECT_EQ(nlohmann::json::parse(to_json(s))["contacts"][0]["upload"]["state"], "failed");
    s = reduce(s, event::UploadStarted{"k-9", "x.txt", 1}); // not held: nothing
    EXPECT_EQ(s.contacts.size(), 1u);
}

TEST(Uploads, ProblemsAreFoundBeforeSending) {
    const FileLimits limits{10 * 1024 * 1024, {"text/plain", "image/*"}};
    EXPECT_EQ(upload_problem(limits, "a.txt", 12, "text/plain"), "");
    EXPECT_EQ(upload_problem(limits, "a.txt", 12, "text/plain; charset=UTF-8"), "");
    EXPECT_EQ(upload_problem(limits, "p.PNG", 12, "IMAGE/PNG"), "");
    EXPECT_EQ(upload_problem(limits, "big.zip", 13'002'342, "image/png"), "big.zip is 12.4 MB: the limit is 10 MB.");
    EXPECT_EQ(upload_problem(limits, "a.exe", 12, "application/x-msdownload"),
              "a.exe: files of this type (application/x-msdownload) cannot be sent.");
    EXPECT_EQ(upload_problem(limits, "noext", 12, ""), "noext: files of this type (unknown) cannot be sent.");
    EXPECT_EQ(upload_problem(limits, "e.txt", 0, "text/plain"), "e.txt is empty.");
    EXPECT_EQ(upload_problem(FileLimits{65536, {"text/plain"}}, "g.txt", 65537, "text/plain"),
              "g.txt is 65537 bytes: the limit is 65536 bytes.")
        << "just over the limit: exact numbers, not \"64 KB: the limit is 64 KB\"";
    EXPECT_EQ(upload_problem(FileLimits{}, "a.txt", 1, "text/plain"), "This server does not take files.");
}

TEST(Uploads, SizesReadLikePeopleWriteThem) {
    EXPECT_EQ(format_bytes(0), "0 bytes");
    EXPECT_EQ(format_bytes(1), "1 byte");
    EXPECT_EQ(format_bytes(1023), "1023 bytes");
    EXPECT_EQ(format_bytes(1024), "1 KB");
    EXPECT_EQ(format_bytes(1536), "1.5 KB");
    EXPECT_EQ(format_bytes(200 * 1024), "200 KB");
    EXPECT_EQ(format_bytes(10 * 1024 * 1024), "10 MB");
    EXPECT_EQ(format_bytes(3ull * 1024 * 1024 * 1024), "3 GB");
}

TEST(Uploads, TheServersRefusalBecomesASentence) {
    const FileLimits limits{1024 * 1024, {"text/plain"}};
    EXPECT_EQ(upload_error(0, "", limits), "The upload failed: no answer from the server.");
    EXPECT_EQ(upload_error(413, R"({"code":"too_large","message":"the file is larger than 1048576 bytes"})", limits),
              "The file is too large: the limit is 1 MB.");
    EXPECT_EQ(upload_error(415, R"({"code":"type_not_allowed","message":"x"})", limits), "Files of this type cannot be sent.");
    EXPECT_EQ(upload_error(409, R"({"code":"closed","message":"the contact is closed"})", limits), "The contact is closed.");
    EXPECT_EQ(upload_error(401, R"({"code":"not_logged_in","message":"the session token is unknown or expired"})", limits),
              "The server refused the file: the session token is unknown or expired");
    EXPECT_EQ(upload_error(502, "<html>bad gateway</html>", limits), "The server refused the file (HTTP 502).");
}
