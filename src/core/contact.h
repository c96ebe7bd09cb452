// Contacts: one multimedia interaction between a visitor and (at most, at a time) one agent. A Contact is a
// plain value: the Router owns the live ones and hands out copies in its events.
#pragma once
#include "core/clock.h"
#include "core/media.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

enum class ContactState { pending, assigned, closed };

// How a contact ended (the reporting categories of the contact lifecycle).
enum class Outcome {
    successful,     // the agent and the visitor interacted (closed by the agent)
    no_interaction, // assigned, but the two never really talked (closed by the agent)
    dissuaded,      // waited the service's whole dissuasion time without an agent
    abandoned,      // the visitor left after waiting 10 s or more
    cancelled,      // the visitor left before 10 s
    unfinalized,    // none of the above could be established (technical failure, lost visitor)
};

std::string_view to_string(ContactState s);
std::string_view to_string(Outcome o);
std::optional<ContactState> contact_state_from(std::string_view s);
std::optional<Outcome> outcome_from(std::string_view s);

// What the visitor's browser (and the visitor) can do; the widget reports it with the request.
struct VisitorCapabilities {
    bool voice = false; // WebRTC with a microphone: browser-to-browser voice
    bool video = false; // WebRTC with a camera
    bool phone = false; // a phone number was left, so a callback over telephony is possible
    bool operator==(const VisitorCapabilities&) const = default;
};

// The state of each channel of a contact, indexed by Channel.
struct ChannelStates {
    std::array<ChannelState, 4> states{}; // all unavailable
    ChannelState operator[](Channel c) const { return states[static_cast<std::size_t>(c)]; }
    ChannelState& operator[](Channel c) { return states[static_cast<std::size_t>(c)]; }
    bool operator==(const ChannelStates&) const = default;
};

// Channel states of a contact at the moment an agent takes it. Rules:
// - chat: active for a chat contact; available for call, video and callback (the widget is open on the page);
//   unavailable for a weblead (nobody is on the page).
// - sharing (files, links) rides on the chat path: available whenever chat is not unavailable.
// - voice: connecting for call and video contacts (the call is being set up) and for callback (telephony);
//   for a chat contact available when the visitor can do WebRTC voice and the service offers call or video.
// - video: connecting for a video contact; available for chat and call contacts when the visitor has a
//   camera and the service offers video; unavailable for callback (a phone has no picture) and weblead.
ChannelStates initial_channels(ContactType type, const VisitorCapabilities& visitor,
                               const std::vector<ContactType>& service_media);

// Whether the visitor can take part in a contact of this type at all (call needs voice, video a camera,
// callback a phone number).
bool visitor_can(ContactType type, const VisitorCapabilities& visitor);

// Allowed channel transitions: available -> connecting | active; connecting -> active | available (the
// other side refused or failed); active -> available (hung up, dropped); anything -> unavailable (one side
// can no longer do it). Nothing leaves unavailable: a lost channel stays lost for this contact.
bool channel_transition_allowed(ChannelState from, ChannelState to);

struct Origin {
    std::string site_id;
    std::string url;   // page the visitor was on when asking
    std::string title; // its title
    bool operator==(const Origin&) const = default;
};

struct Contact {
    std::string id;
    ContactType type = ContactType::chat;
    std::string service_id;
    std::string visitor_id;
    bool returning_visitor = false; // known visitor id (false: shown as a new visitor)
    std::string customer_name;
    std::string country; // ISO 3166 alpha-2 from GeoIP, empty when unknown
    Origin origin;
    VisitorCapabilities capabilities;
    std::optional<std::string> direct_agent_id; // direct (starred) contact: only this agent may take it

    TimePoint created_at{};                    // the waiting position: older first, kept when returned
    std::optional<TimePoint> dissuasion_deadline; // while pending; none for a weblead
    ContactState state = ContactState::pending;
    std::string agent_id;                      // holder while assigned; last holder once closed
    std::optional<TimePoint> assigned_at;
    std::optional<TimePoint> closed_at;
    std::optional<Outcome> outcome;            // set when closed
    std::string color;                         // "#rrggbb": the service default until an agent sets another
    ChannelStates channels;                    // all unavailable while pending
    bool visitor_left = false;                 // the visitor went away while the contact was assigned
    int returns = 0;                           // times given back to the queue (agent lost)

    std::uint64_t queue_order = 0; // tie-break of equal created_at; kept across returns and restarts
    std::uint64_t seq = 0;         // sequence number of the last event on this contact (first event: 1)

    bool direct() const { return direct_agent_id.has_value(); }
    bool operator==(const Contact&) const = default;
};

} // namespace sb
