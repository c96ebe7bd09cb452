// Fixture states for the console's headless view tests: a logged-in Alice, waiting contacts, a taken contact.
#pragma once
#include "console/platform/headless/headless.h"
#include "protocol/codec.h"

#include <string>
#include <vector>

namespace sb::console::fixtures {

inline constexpr std::int64_t T0 = 1'764'000'000'000;

inline protocol::ContactView pending(std::string id, std::int64_t created, std::string name = "Maria",
                                     std::string country = "IT") {
    protocol::ContactView c;
    c.id = std::move(id);
    c.state = ContactState::pending;
    c.service = protocol::ServiceRef{"sales", "Sales", "en"};
    c.site = protocol::Ref{"demo", "Demo shop"};
    c.customer = protocol::Customer{std::move(name), std::move(country), false};
    c.created_at = created;
    c.deadline = created + 90'000;
    c.color = "#2e86de";
    c.seq = 1;
    return c;
}

// `id` as Alice holds it, assigned at T0, chat active, its last event `seq`.
inline protocol::ContactView assigned(std::string id, std::uint64_t seq) {
    protocol::ContactView c;
    c.id = std::move(id);
    c.state = ContactState::assigned;
    c.service = protocol::ServiceRef{"sales", "Sales", "en"};
    c.customer = protocol::Customer{"Maria", "IT", false};
    c.created_at = T0;
    c.agent = protocol::Ref{"alice", "Alice Rossi"};
    c.channels[Channel::chat] = ChannelState::active;
    c.seq = seq;
    return c;
}

inline protocol::ServiceInfo sales() {
    return protocol::ServiceInfo{
        "sales", "Sales", "en", "#2e86de", {{"#2e86de", "General inquiry"}}, {ContactType::chat}};
}

inline void feed(headless::Console& c, protocol::ServerMessage m) {
    c.app.on_message(protocol::encode(m));
    c.frames(2);
}

inline void log_in(headless::Console& c) {
    c.app.start();
    c.app.on_open();
    feed(c, protocol::Welcome{
                "c1",
                "tok",
                AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3},
                T0,
                {},
                {sales()}});
}

// Alice holds `id`: assigned at T0 + 500, with a visitor message at seq 3 and her reply with a link at 4-5.
inline void take(headless::Console& c, const std::string& id = "k-1", const std::string& cid = "c2") {
    protocol::ContactView v = pending(id, T0);
    v.state = ContactState::assigned;
    v.deadline.reset();
    v.agent = protocol::Ref{"alice", "Alice Rossi"};
    v.channels[Channel::chat] = ChannelState::active;
    v.channels[Channel::sharing] = ChannelState::available;
    v.channels[Channel::voice] = ChannelState::available;
    v.seq = 5;
    using namespace protocol;
    std::vector<ContactEvent> events{
        ContactEvent{id, 1, T0, "", ev::Pending{T0 + 90'000}},
        ContactEvent{id, 2, T0 + 500, "", ev::Assigned{{"alice", "Alice Rossi"}, v.channels}},
        ContactEvent{id, 3, T0 + 1000, "",
                     ev::Message{Party::visitor, "Maria", "Buongiorno, ho una domanda"}},
        ContactEvent{id, 4, T0 + 2000, "", ev::Message{Party::agent, "Alice Rossi", "Mi dica"}},
        ContactEvent{id, 5, T0 + 3000, "", ev::Link{"https://shop.example/offer"}}};
    feed(c, ContactSnapshot{cid, T0 + 4000, v, events});
}

} // namespace sb::console::fixtures
