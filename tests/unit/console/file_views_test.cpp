// Files in the console, headless: the upload tool opens the picker, a picked file is checked against the
// limits then sent, the upload's line shows progress, Cancel, or why it failed, and a file in the transcript
// opens its download link when clicked.
#include "console/platform/headless/headless.h"
#include "console_fixtures.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
using fixtures::T0;
using fixtures::assigned;
using fixtures::feed;

struct RecordingUploader final : FileUploader {
    void pick(const std::string& contact) override { picked.push_back(contact); }
    void upload(const std::string& contact, const std::string& token) override { uploads.push_back({contact, token}); }
    void cancel(const std::string& contact) override { cancelled.push_back(contact); }
    std::vector<std::string> picked, cancelled;
    std::vector<std::pair<std::string, std::string>> uploads;
};

// Alice logged in (files up to 1000 bytes of text or images) and holding k-1.
void holding(headless::Console& c, RecordingUploader& up) {
    c.app.set_uploader(&up);
    c.app.start();
    c.app.on_open();
    Welcome w;
    w.cid = "c1";
    w.token = "tok";
    w.agent = AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3};
    w.now = T0;
    w.files = FileLimits{1000, {"text/plain", "image/*"}};
    feed(c, w);
    feed(c, ContactSnapshot{"c2", T0 + 1000, assigned("k-1", 1),
                            {ContactEvent{"k-1", 1, T0, "", ev::Assigned{{"alice", "Alice Rossi"}, {}}}}});
}
} // namespace

TEST(FileViews, TheUploadToolOpensThePickerAndAGoodFileIsSent) {
    headless::Console c;
    RecordingUploader up;
    holding(c, up);
    ASSERT_TRUE(c.click("panel.k-1.upload"));
    ASSERT_EQ(up.picked, std::vector<std::string>{"k-1"});

    c.app.on_file_chosen("k-1", "notes.txt", 800, "text/plain");
    c.frames(2);
    ASSERT_EQ(up.uploads.size(), 1u);
    EXPECT_EQ(up.uploads[0], (std::pair<std::string, std::string>{"k-1", "tok"})) << "sent with the agent's token";
    EXPECT_TRUE(c.drawn("panel.k-1.upload-status"));
    EXPECT_TRUE(c.drawn("panel.k-1.upload-cancel"));

    c.app.on_upload_progress("k-1", 400);
    c.frames(2);
    EXPECT_EQ(c.app.state().contacts.front().upload->sent, 400u);
    c.click("panel.k-1.upload");
    EXPECT_EQ(up.picked.size(), 1u) << "one upload at a time: the tool waits";

    c.app.on_upload_done("k-1", 201, R"({"file":{"id":"f-1"},"seq":2})");
    c.frames(2);
    EXPECT_FALSE(c.drawn("panel.k-1.upload-status"));
}

TEST(FileViews, AFileOverTheLimitIsRefusedAtOnceWithTheLimit) {
    headless::Console c;
    RecordingUploader up;
    holding(c, up);
    c.app.on_file_chosen("k-1", "big.png", 5000, "image/png");
    c.frames(2);
    EXPECT_TRUE(up.uploads.empty()) << "nothing sent";
    const auto& u = c.app.state().contacts.front().upload;
    ASSERT_TRUE(u);
    EXPECT_EQ(u->error, "big.png is 4.9 KB: the limit is 1000 bytes.");
    EXPECT_TRUE(c.drawn("panel.k-1.upload-status"));
    ASSERT_TRUE(c.click("panel.k-1.upload-dismiss"));
    EXPECT_FALSE(c.app.state().contacts.front().upload);

    c.app.on_file_chosen("k-1", "page.html", 10, "text/html");
    c.frames(2);
    EXPECT_EQ(c.app.state().contacts.front().upload->error, "page.html: files of this type (text/html) cannot be sent.");
}

TEST(FileViews, TheServersRefusalAndCancelShowOnTheUploadsLine) {
    headless::Console c;
    RecordingUploader up;
    holding(c, up);
    c.app.on_file_chosen("k-1", "a.txt", 10, "text/plain");
    c.app.on_upload_done("k-1", 409, R"({"code":"closed","message":"the contact is closed"})");
    c.frames(2);
    EXPECT_EQ(c.app.state().contacts.front().upload->error, "The contact is closed.");
    EXPECT_TRUE(c.drawn("panel.k-1.upload-dismiss"));

    c.click("panel.k-1.upload-dismiss");
    c.app.on_file_chosen("k-1", "b.txt", 10, "text/plain");
    c.frames(2);
    ASSERT_TRUE(c.click("panel.k-1.upload-cancel"));
    EXPECT_EQ(up.cancelled, std::vector<std::string>{"k-1"});
    EXPECT_EQ(c.app.state().contacts.front().upload->error, "Upload cancelled.");
    c.app.on_upload_done("k-1", 201, "{}"); // too late: the agent cancelled
    EXPECT_EQ(c.app.state().contacts.front().upload->error, "Upload cancelled.");
}

TEST(FileViews, AFileInTheTranscriptOpensItsLink) {
    headless::Console c;
    RecordingUploader up;
    holding(c, up);
    std::vector<std::string> opened;
    c.app.set_url_opener([&](const std::string& u) { opened.push_back(u); });
    feed(c, ContactEventMsg{ContactEvent{"k-1", 2, T0 + 2000, "",
                                         ev::File{Party::visitor, "Maria",
                                                  FileInfo{"f-1", "scontrino <b>.png", 2048, "image/png",
                                                           "/files/f-1/scontrino.png?key=ab"}}}});
    ASSERT_TRUE(c.drawn("panel.k-1.file.2"));
    ASSERT_TRUE(c.click("panel.k-1.file.2"));
    EXPECT_EQ(opened, std::vector<std::string>{"/files/f-1/scontrino.png?key=ab"});
}

TEST(FileViews, AClosedContactTakesNoFile) {
    headless::Console c;
    RecordingUploader up;
    holding(c, up);
    feed(c, ContactEventMsg{ContactEvent{"k-1", 2, T0 + 2000, "", ev::Closed{Outcome::successful}}});
    c.click("panel.k-1.upload");
    EXPECT_TRUE(up.picked.empty());
    c.app.on_file_chosen("k-1", "a.txt", 10, "text/plain"); // picked before it closed
    EXPECT_TRUE(up.uploads.empty());
}
