// The stored form of a contact (server/contact_record.h): what is written is read back unchanged, for a
// record with every optional part set and texts that need escaping.
#include "server/contact_record.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sb::server {
namespace {

ContactRecord full_record() {
    ContactRecord r;
    Contact& c = r.contact;
    c.id = "k-42";
    c.type = ContactType::video;
    c.service_id = "sales";
    c.visitor_id = "v-7";
    c.returning_visitor = true;
    c.customer_name = "Zoë \"the customer\" \\ Müller\n\t\x01 日本語 🙂";
    c.country = "IT";
    c.origin = Origin{"demo", "https://shop.example/p?q=\"x\"&r=1", "Shoes </script>"};
    c.capabilities = VisitorCapabilities{true, true, false};
    c.direct_agent_id = "alice";
    c.created_at = from_epoch_ms(1'764'000'000'123);
    c.dissuasion_deadline = from_epoch_ms(1'764'000'090'123);
    c.state = ContactState::closed;
    c.agent_id = "alice";
    c.assigned_at = from_epoch_ms(1'764'000'010'000);
    c.closed_at = from_epoch_ms(1'764'000'500'000);
    c.outcome = Outcome::successful;
    c.color = "#dd5b62";
    c.channels[Channel::chat] = ChannelState::active;
    c.channels[Channel::voice] = ChannelState::connecting;
    c.channels[Channel::video] = ChannelState::available;
    c.visitor_left = true;
    c.returns = 2;
    c.queue_order = 18'446'744'073'709'551'000ull;
    r.seq = 4711;
    c.seq = r.seq; // record_from_json gives the contact the record's seq
    r.page = protocol::Page{"https://shop.example/cart", "Cart \"2\""};
    r.visitor_present = false;
    r.callback = protocol::CallbackInfo{"+39 06 1234", "after 6 pm"};
    r.weblead = protocol::WebleadInfo{"Zoë", "zoe@example.org", "+39", "Call me\r\nplease"};
    r.idle = true;
    r.last_message = from_epoch_ms(1'764'000'400'000);
    r.call = Call{CallParty::visitor, true, CallPhase::active, false};
    r.translation = "it";
    return r;
}

TEST(ContactRecord, ARecordWithEveryPartReadsBackUnchanged) {
    const ContactRecord r = full_record();
    const std::string text = record_to_json(r);
    EXPECT_TRUE(nlohmann::json::accept(text)) << text;
    EXPECT_EQ(record_from_json(text), r);
}

TEST(ContactRecord, AMinimalRecordReadsBackUnchanged) {
    ContactRecord r;
    r.contact.id = "k-1";
    r.contact.service_id = "sales";
    r.contact.visitor_id = "v-1";
    r.contact.dissuasion_deadline = from_epoch_ms(90'000);
    EXPECT_EQ(record_from_json(record_to_json(r)), r);
}

TEST(ContactRecord, TextsAreEscapedAsJson) {
    const ContactRecord r = full_record();
    const auto j = nlohmann::json::parse(record_to_json(r));
    EXPECT_EQ(j.at("customer_name").get<std::string>(), r.contact.customer_name);
    EXPECT_EQ(j.at("origin").at("url").get<std::string>(), r.contact.origin.url);
    EXPECT_EQ(j.at("weblead").at("message").get<std::string>(), "Call me\r\nplease");
}

TEST(ContactRecord, ANonRecordIsAStoreError) {
    EXPECT_THROW(record_from_json("{\"id\": 1}"), StoreError);
    EXPECT_THROW(record_from_json("not json"), StoreError);
}

} // namespace
} // namespace sb::server
