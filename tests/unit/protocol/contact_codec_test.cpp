#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::protocol;

namespace {
ContactView full_contact() {
    ContactView c;
    c.id = "k-17";
    c.type = ContactType::callback;
    c.state = ContactState::assigned;
    c.service = {"sales", "Sales", "en"};
    c.site = {"demo", "Demo shop"};
    c.customer = {"Maria Rossi", "IT", true};
    c.origin = {"https://shop.example/products", "Products"};
    c.page = {"https://shop.example/contact", "Contact — ☎"};
    c.visitor_present = false;
    c.direct = true;
    c.direct_agent = "alice";
    c.created_at = 1764000000000;
    c.deadline = 1764000090000;
    c.agent = Ref{"alice", "Alice Rossi"};
    c.color = "#2e86de";
    c.channels[Channel::chat] = ChannelState::active;
    c.channels[Channel::voice] = ChannelState::connecting;
    c.outcome = Outcome::successful;
    c.seq = 42;
    c.callback = CallbackInfo{"+39 02 1234567", "after 18:00"};
    c.weblead = WebleadInfo{"Maria", "maria@example.org", "", "Call me"};
    return c;
}

ServiceInfo sales() {
    return ServiceInfo{"sales", "Sales", "en", "#2e86de",
                       {{"#2e86de", "General inquiry"}, {"#c0392b", "Complaint"}},
                       {ContactType::chat, ContactType::video, ContactType::weblead}};
}

std::vector<EventBody> every_body() {
    ChannelStates cs;
    cs[Channel::chat] = ChannelState::active;
    return {ev::Pending{1764000090000}, ev::Pending{std::nullopt}, ev::Assigned{{"alice", "Alice Rossi"}, cs},
            ev::Returned{}, ev::Message{Party::visitor, "Maria", "Hello <b>there</b> 😀"}, ev::Read{Party::agent, 7},
            ev::PageChanged{{"https://shop.example/x", "X"}}, ev::Presence{false},
            ev::ChannelChanged{Channel::video, ChannelState::active}, ev::ColorChanged{"#ff0000"},
            ev::Link{"https://shop.example/offer"}, ev::Idle{true}, ev::Closed{Outcome::dissuaded}};
}
} // namespace

TEST(ContactCodec, ContactViewsRoundTripThroughEveryMessageThatCarriesThem) {
    std::vector<ServerMessage> all{
        Welcome{"c1", "tok", AgentProfile{"alice", "alice", "Alice", AgentStatus::ready, {}, {}, 2}, 5, {full_contact()},
                {sales()}},
        VisitorWelcome{"h1", {"v-1", "s3cr3t"}, true, 1764000000000, {full_contact()}, {sales(), ServiceInfo{}}},
        QueueWaiting{1764000004000, {full_contact(), ContactView{}}},
        QueueChanged{1764000004000, 3, {full_contact()}, {"k-1", "k-2"}},
        QueueChanged{1764000004000, 0, {}, {}},
        ContactSnapshot{"c5", 1764000005000, full_contact(), {}},
    };
    for (const auto& m : all) {
        auto back = decode_server(encode(m));
        ASSERT_TRUE(back) << back.error().message << "\n" << encode(m);
        EXPECT_EQ(encode(*back), encode(m));
    }
    auto w = decode_server(encode(all.front()));
    EXPECT_EQ(std::get<Welcome>(*w).services.front(), sales());
    auto q = decode_server(encode(ServerMessage{QueueWaiting{1, {full_contact()}}}));
    EXPECT_EQ(std::get<QueueWaiting>(*q).contacts.front(), full_contact());
}

TEST(ContactCodec, EveryEventKindRoundTrips) {
    std::uint64_t seq = 0;
    for (const auto& body : every_body()) {
        ContactEvent e{"k-17", ++seq, 1764000012000, seq % 2 ? "c9" : "", body};
        auto back = decode_server(encode(ServerMessage{ContactEventMsg{e}}));
        ASSERT_TRUE(back) << back.error().message << " for " << event_name(body);
        EXPECT_EQ(std::get<ContactEventMsg>(*back).event, e) << event_name(body);

        auto stored = event_from_json(event_to_json(e));
        ASSERT_TRUE(stored) << stored.error().message;
        EXPECT_EQ(*stored, e);
    }
}

TEST(ContactCodec, AnEventsFrameMadeFromItsStoredFormIsTheEncodedFrame) {
    auto bodies = every_body();
    bodies.push_back(ev::Message{Party::agent, "Alice \"Al\" Rossi", "Line\nbreak \\ tab\t", ev::Translation{"it", "Ciao"}});
    bodies.push_back(ev::TranslationChanged{"es"});
    bodies.push_back(ev::Media{Party::visitor, CallAction::accept, true, std::nullopt});
    bodies.push_back(ev::Media{Party::agent, CallAction::failed, false, CallFailure::network});
    bodies.push_back(ev::File{Party::visitor, "Maria", FileInfo{"f-1", "cv.pdf", 1234, "application/pdf", "/files/f-1"}});
    std::uint64_t seq = 0;
    for (const auto& body : bodies) {
        ContactEvent e{"k-17", ++seq, 1764000012000, seq % 2 ? "c9" : "", body};
        const std::string frame = contact_event_frame(event_to_json(e));
        const std::string encoded = encode(ServerMessage{ContactEventMsg{e}});
        // The same members (JSON objects are unordered; "v" and "type" come first here).
        EXPECT_EQ(nlohmann::json::parse(frame), nlohmann::json::parse(encoded)) << frame;
        auto back = decode_server(frame);
        ASSERT_TRUE(back) << back.error().message << " for " << frame;
        EXPECT_EQ(std::get<ContactEventMsg>(*back).event, e) << event_name(body);
    }
}

TEST(ContactCodec, SnapshotsCarryTheirEventsWithCids) {
    ContactSnapshot s{"c5", 10, full_contact(), {}};
    std::uint64_t seq = 0;
    for (const auto& body : every_body()) s.events.push_back(ContactEvent{"k-17", ++seq, 100, "x" + std::to_string(seq), body});
    auto back = decode_server(encode(ServerMessage{s}));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(std::get<ContactSnapshot>(*back).events, s.events);
}

TEST(ContactCodec, ClientContactCommandsRoundTrip) {
    std::vector<ClientMessage> all{
        VisitorHello{"h1", VisitorIdentity{"v-1", "s"}, "Maria", "it", {"https://a/b", "B"}, {true, false}},
        VisitorHello{"", std::nullopt, "", "", {}, {}},
        ContactRequestMsg{"r1", "sales", ContactType::chat, "Maria", "", {"https://a", "A"}, std::nullopt, std::nullopt},
        ContactRequestMsg{"r2", "sales", ContactType::callback, "", "alice", {}, CallbackInfo{"+39 1", "now"}, std::nullopt},
        ContactRequestMsg{"r3", "sales", ContactType::weblead, "", "", {}, std::nullopt, WebleadInfo{"M", "m@x.org", "", "hi"}},
        ContactClaim{"c5", "k-17"},
        ContactClaim{"c6", ""},
        ContactSend{"c7", "k-17", "Ciao, come posso aiutarla?"},
        ContactReadMsg{"c8", "k-17", 5},
        ContactTyping{"", "k-17", true},
        ContactPage{"c9", "k-17", {"https://shop/x", "X"}},
        ContactColor{"c10", "k-17", "#aabbcc"},
        ContactColor{"c11", "k-17", ""},
        ContactLink{"c12", "k-17", "https://shop.example/offer"},
        ContactChannel{"c16", "k-17", Channel::chat, ChannelState::unavailable},
        ContactChannel{"", "k-17", Channel::video, ChannelState::active},
        ContactStop{"c13", "k-17", Outcome::no_interaction},
        ContactStop{"c14", "k-17", std::nullopt},
        ContactResume{"c15", "k-17", 12},
    };
    for (const auto& m : all) {
        auto back = decode_client(encode(m));
        ASSERT_TRUE(back) << back.error().message << "\n" << encode(m);
        EXPECT_EQ(encode(*back), encode(m));
        EXPECT_EQ(type_of(*back), type_of(m));
    }
}

TEST(ContactCodec, DecodesTheDocumentedRequest) {
    auto m = decode_client(R"({"v":1,"type":"contact.request","cid":"r1","service":"sales","contact_type":"chat",
        "name":"Maria","agent":null,"page":{"url":"https://shop.example/products","title":"Products"}})");
    ASSERT_TRUE(m) << m.error().message;
    const auto& r = std::get<ContactRequestMsg>(*m);
    EXPECT_EQ(r.service, "sales");
    EXPECT_EQ(r.type, ContactType::chat);
    EXPECT_EQ(r.page.title, "Products");
    EXPECT_TRUE(r.agent.empty());
}

TEST(ContactCodec, RefusesBadContactCommands) {
    const char* bad[] = {
        R"({"v":1,"type":"contact.request","service":"sales"})",                           // no contact_type
        R"({"v":1,"type":"contact.request","service":"sales","contact_type":"fax"})",      // unknown type
        R"({"v":1,"type":"contact.request","service":"sales","contact_type":"callback"})", // callback without phone
        R"({"v":1,"type":"contact.request","service":"sales","contact_type":"callback","callback":{"phone":""}})",
        R"({"v":1,"type":"contact.request","service":"sales","contact_type":"weblead","weblead":{"message":"hi"}})",
        R"({"v":1,"type":"contact.request","service":"sales","contact_type":"weblead","weblead":{"email":"a@b"}})",
        R"({"v":1,"type":"contact.send","contact":"k","text":""})",
        R"({"v":1,"type":"contact.send","contact":"k"})",
        R"({"v":1,"type":"contact.send","text":"hi"})",
        R"({"v":1,"type":"contact.read","contact":"k","up_to":-1})",
        R"({"v":1,"type":"contact.read","contact":"k","up_to":"3"})",
        R"({"v":1,"type":"contact.typing","contact":"k"})",
        R"({"v":1,"type":"contact.color","contact":"k","color":"red"})",
        R"({"v":1,"type":"contact.link","contact":"k","url":"javascript:void 0"})",
        R"({"v":1,"type":"contact.stop","contact":"k","outcome":"great"})",
        R"({"v":1,"type":"contact.channel","contact":"k","channel":"fax","state":"active"})",
        R"({"v":1,"type":"contact.channel","contact":"k","channel":"chat"})",
        R"({"v":1,"type":"visitor.hello","visitor":{"id":"v"}})",
        R"({"v":1,"type":"visitor.hello","capabilities":{"voice":"yes"}})",
    };
    for (const char* f : bad) {
        auto m = decode_client(f);
        ASSERT_FALSE(m) << f;
        EXPECT_EQ(m.error().code, code::bad_field) << f;
    }
    std::string long_text(max_text + 1, 'x');
    EXPECT_FALSE(decode_client(R"j({"v":1,"type":"contact.send","contact":"k","text":")j" + long_text + "\"}"));
}
