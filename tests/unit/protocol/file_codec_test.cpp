// Files in protocol v1 (docs/protocol.md, "Files"): the `file` event with each recipient's link, and the limits
// that agent.welcome and visitor.welcome carry.
#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::protocol;
using nlohmann::json;

namespace {
ContactEvent file_event(std::string url) {
    return ContactEvent{"k-17", 5, 1764000012000, "",
                        ev::File{Party::agent, "Alice Rossi",
                                 FileInfo{"f-0123456789abcdef0123456789abcdef", "fattura n°3 \"bis\".pdf", 123456,
                                          "application/pdf", std::move(url)}}};
}
} // namespace

TEST(FileCodec, TheFileEventHasTheDocumentedShape) {
    const auto e = file_event("/files/f-0123456789abcdef0123456789abcdef/x.pdf?key=ab");
    auto j = json::parse(encode(ServerMessage{ContactEventMsg{e}}));
    EXPECT_EQ(j, json::parse(R"({"v":1,"type":"contact.event","contact":"k-17","seq":5,"at":1764000012000,
        "event":"file","from":"agent","author":"Alice Rossi",
        "file":{"id":"f-0123456789abcdef0123456789abcdef","name":"fattura n°3 \"bis\".pdf","size":123456,
                "type":"application/pdf","url":"/files/f-0123456789abcdef0123456789abcdef/x.pdf?key=ab"}})"));
    auto back = decode_server(j.dump());
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(std::get<ContactEventMsg>(*back).event, e);
}

TEST(FileCodec, AStoredEventHasNoLink) {
    const auto e = file_event("");
    const auto stored = event_to_json(e);
    EXPECT_EQ(json::parse(stored)["file"].count("url"), 0u) << stored;
    auto back = event_from_json(stored);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, e);
}

TEST(FileCodec, ABrokenFileEventIsRefused) {
    auto refused = [](const std::string& fields) {
        auto m = decode_server(R"({"v":1,"type":"contact.event","contact":"k-1","seq":2,"at":1,"event":"file","from":"visitor")" +
                               fields + "}");
        return m ? std::string("accepted") : m.error().code;
    };
    EXPECT_EQ(refused(""), code::bad_field);
    EXPECT_EQ(refused(R"(,"file":{"id":"f-1","name":"a.txt","type":"text/plain"})"), code::bad_field) << "no size";
    EXPECT_EQ(refused(R"(,"file":{"id":"f-1","name":"a.txt","size":-1,"type":"text/plain"})"), code::bad_field);
    EXPECT_EQ(refused(R"(,"file":{"id":"f-1","name":")" + std::string(256, 'a') + R"(","size":1,"type":"text/plain"})"),
              code::bad_field);
    EXPECT_EQ(refused(R"(,"file":{"id":"f-1","name":"a.txt","size":1,"type":"text/plain"})"), "accepted");
}

TEST(FileCodec, WelcomesCarryTheLimits) {
    Welcome w;
    w.cid = "c1";
    w.token = "tok";
    w.agent = AgentProfile{"alice", "alice", "Alice", AgentStatus::paused, {}, {}, 1};
    w.files = FileLimits{10485760, {"image/*", "application/pdf"}};
    auto j = json::parse(encode(ServerMessage{w}));
    EXPECT_EQ(j["files"], json::parse(R"({"max_bytes":10485760,"types":["image/*","application/pdf"]})"));
    auto back = decode_server(j.dump());
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(std::get<Welcome>(*back).files, w.files);

    VisitorWelcome v;
    v.visitor = {"v-1", "s"};
    v.now = 1;
    v.files = FileLimits{5000, {"text/plain"}};
    back = decode_server(encode(ServerMessage{v}));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(std::get<VisitorWelcome>(*back).files, v.files);

    // A server without files (an older one) sends none: nothing may be sent.
    j.erase("files");
    back = decode_server(j.dump());
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<Welcome>(*back).files.max_bytes, 0u);
}
