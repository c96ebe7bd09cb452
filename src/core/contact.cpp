#include "core/contact.h"

#include <algorithm>

namespace sb {

std::string_view to_string(ContactState s) {
    switch (s) {
    case ContactState::pending: return "pending";
    case ContactState::assigned: return "assigned";
    case ContactState::closed: return "closed";
    }
    return "pending";
}

std::string_view to_string(Outcome o) {
    switch (o) {
    case Outcome::successful: return "successful";
    case Outcome::no_interaction: return "no_interaction";
    case Outcome::dissuaded: return "dissuaded";
    case Outcome::abandoned: return "abandoned";
    case Outcome::cancelled: return "cancelled";
    case Outcome::unfinalized: return "unfinalized";
    }
    return "unfinalized";
}

std::optional<ContactState> contact_state_from(std::string_view s) {
    for (auto st : {ContactState::pending, ContactState::assigned, ContactState::closed})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

std::optional<Outcome> outcome_from(std::string_view s) {
    for (auto o : {Outcome::successful, Outcome::no_interaction, Outcome::dissuaded, Outcome::abandoned,
                   Outcome::cancelled, Outcome::unfinalized})
        if (to_string(o) == s) return o;
    return std::nullopt;
}

namespace {
bool offers(const std::vector<ContactType>& media, ContactType t) {
    return std::find(media.begin(), media.end(), t) != media.end();
}
} // namespace

ChannelStates initial_channels(ContactType type, const VisitorCapabilities& visitor,
                               const std::vector<ContactType>& service_media) {
    using S = ChannelState;
    ChannelStates ch;
    const bool voice_offered = offers(service_media, ContactType::call) || offers(service_media, ContactType::video);
    const bool video_offered = offers(service_media, ContactType::video);
    switch (type) {
    case ContactType::chat:
        ch[Channel::chat] = S::active;
        ch[Channel::voice] = visitor.voice && voice_offered ? S::available : S::unavailable;
        ch[Channel::video] = visitor.video && video_offered ? S::available : S::unavailable;
        break;
    case ContactType::call:
        ch[Channel::chat] = S::available;
        ch[Channel::voice] = S::connecting;
        ch[Channel::video] = visitor.video && video_offered ? S::available : S::unavailable;
        break;
    case ContactType::video:
        ch[Channel::chat] = S::available;
        ch[Channel::voice] = S::connecting;
        ch[Channel::video] = S::connecting;
        break;
    case ContactType::callback:
        ch[Channel::chat] = S::available;
        ch[Channel::voice] = S::connecting;
        ch[Channel::video] = S::unavailable;
        break;
    case ContactType::weblead: break;
    }
    ch[Channel::sharing] = ch[Channel::chat] == S::unavailable ? S::unavailable : S::available;
    return ch;
}

bool visitor_can(ContactType type, const VisitorCapabilities& visitor) {
    switch (type) {
    case ContactType::chat:
    case ContactType::weblead: return true;
    case ContactType::call: return visitor.voice;
    case ContactType::video: return visitor.video;
    case ContactType::callback: return visitor.phone;
    }
    return false;
}

bool channel_transition_allowed(ChannelState from, ChannelState to) {
    using S = ChannelState;
    if (from == to) return true;
    if (to == S::unavailable) return true;
    switch (from) {
    case S::unavailable: return false;
    case S::available: return to == S::connecting || to == S::active;
    case S::connecting: return to == S::active || to == S::available;
    case S::active: return to == S::available;
    }
    return false;
}

} // namespace sb
