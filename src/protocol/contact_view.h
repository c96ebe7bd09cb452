// How contacts and their events look on the wire (docs/protocol.md, "The contact object" and
// "contact.event"). Plain values built by the server from the router's Contact and read by clients.
#pragma once
#include "core/call.h"
#include "core/contact.h"
#include "core/media.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sb::protocol {

struct Page {
    std::string url;
    std::string title;
    bool operator==(const Page&) const = default;
};

struct Ref { // {"id","name"} of a service's site or an agent
    std::string id;
    std::string name;
    bool operator==(const Ref&) const = default;
};

struct ServiceRef {
    std::string id;
    std::string name;
    std::string language;
    bool operator==(const ServiceRef&) const = default;
};

struct ColorMeaning {
    std::string color; // "#rrggbb"
    std::string meaning;
    bool operator==(const ColorMeaning&) const = default;
};

// A service as clients see it: the widget offers its media, the console shows its colours.
struct ServiceInfo {
    std::string id;
    std::string name;
    std::string language;
    std::string color;                // default colour of its contacts
    std::vector<ColorMeaning> colors; // colours agents may give its contacts, with their meaning
    std::vector<ContactType> media;   // contact types it offers
    std::vector<std::string> translations; // agents only: languages its contacts can be translated into
    bool operator==(const ServiceInfo&) const = default;
};

struct Customer {
    std::string name;
    std::string country; // ISO 3166 alpha-2, empty when unknown
    bool returning = false;
    bool operator==(const Customer&) const = default;
};

struct CallbackInfo {
    std::string phone;
    std::string when; // preferred time, free text
    bool operator==(const CallbackInfo&) const = default;
};

struct WebleadInfo {
    std::string name;
    std::string email;
    std::string phone;
    std::string message;
    bool operator==(const WebleadInfo&) const = default;
};

struct Capabilities {
    bool voice = false;
    bool video = false;
    bool operator==(const Capabilities&) const = default;
};

struct ContactView {
    std::string id;
    ContactType type = ContactType::chat;
    ContactState state = ContactState::pending;
    ServiceRef service;
    Ref site;
    Customer customer;
    Page origin;
    Page page;
    bool visitor_present = true;
    bool direct = false;
    std::string direct_agent; // set for direct contacts (agents only see their own)
    std::int64_t created_at = 0;
    std::optional<std::int64_t> deadline;
    std::optional<Ref> agent;
    std::string color;
    ChannelStates channels;
    std::optional<Outcome> outcome;
    std::uint64_t seq = 0;
    std::optional<CallbackInfo> callback;
    std::optional<WebleadInfo> weblead;
    std::optional<Call> call; // the call offered, being set up or going on (docs/protocol.md, "Calls")
    std::string translation;  // the customer's language while automatic translation is on, else ""
    bool operator==(const ContactView&) const = default;
};

// A file sent on a contact (docs/protocol.md, "Files").
struct FileInfo {
    std::string id;
    std::string name;  // the sender's file name
    std::uint64_t size = 0;
    std::string type;  // MIME type
    std::string url;   // download link of the party it is sent to (a path on the server); "" where stored
    bool operator==(const FileInfo&) const = default;
};

// Who did something on a contact.
enum class Party { agent, visitor };
std::string_view to_string(Party p);
std::optional<Party> party_from(std::string_view s);

// The kinds of contact events, one struct each.
namespace ev {
struct Pending {
    std::optional<std::int64_t> deadline;
    bool operator==(const Pending&) const = default;
};
struct Assigned {
    Ref agent;
    ChannelStates channels;
    bool operator==(const Assigned&) const = default;
};
struct Returned {
    bool operator==(const Returned&) const = default;
};
// A chat message translated for the other party (docs/protocol.md, "Automatic translations").
struct Translation {
    std::string language; // what `text` is in: the service's language, or the customer's
    std::string text;
    bool operator==(const Translation&) const = default;
};
struct Message {
    Party from = Party::visitor;
    std::string author;
    std::string text;
    std::optional<Translation> translation; // while automatic translation is on, when it succeeded
    bool operator==(const Message&) const = default;
};
struct TranslationChanged { // the agent turned automatic translation on (the customer's language) or off ("")
    std::string language;
    bool operator==(const TranslationChanged&) const = default;
};
struct Read {
    Party from = Party::visitor;
    std::uint64_t up_to = 0;
    bool operator==(const Read&) const = default;
};
struct PageChanged {
    Page page;
    bool operator==(const PageChanged&) const = default;
};
struct Presence {
    bool present = true;
    bool operator==(const Presence&) const = default;
};
struct ChannelChanged {
    Channel channel = Channel::chat;
    ChannelState state = ChannelState::unavailable;
    bool operator==(const ChannelChanged&) const = default;
};
struct ColorChanged {
    std::string color;
    bool operator==(const ColorChanged&) const = default;
};
struct Link {
    std::string url;
    bool operator==(const Link&) const = default;
};
struct Idle {
    bool idle = true;
    bool operator==(const Idle&) const = default;
};
struct Closed {
    Outcome outcome = Outcome::successful;
    bool operator==(const Closed&) const = default;
};
struct Media { // a call offered, accepted, refused, connected, hung up or failed
    Party from = Party::agent;
    CallAction action = CallAction::offer;
    bool video = false;                  // offer: a video call; accept: the accepter sends its camera
    std::optional<CallFailure> reason;   // failed
    bool operator==(const Media&) const = default;
};
struct File { // a file sent by either party (uploaded over HTTP)
    Party from = Party::visitor;
    std::string author;
    FileInfo file;
    bool operator==(const File&) const = default;
};
} // namespace ev

using EventBody = std::variant<ev::Pending, ev::Assigned, ev::Returned, ev::Message, ev::Read, ev::PageChanged,
                               ev::Presence, ev::ChannelChanged, ev::ColorChanged, ev::Link, ev::Idle, ev::Closed,
                               ev::Media, ev::File, ev::TranslationChanged>;

// The "event" name of each kind on the wire.
std::string_view event_name(const EventBody& b);

struct ContactEvent {
    std::string contact;
    std::uint64_t seq = 0;
    std::int64_t at = 0;
    std::string cid; // the command that caused it, if any
    EventBody body;
    bool operator==(const ContactEvent&) const = default;
};

} // namespace sb::protocol
