#include "core/media.h"

namespace sb {

std::string_view to_string(ContactType t) {
    switch (t) {
    case ContactType::chat: return "chat";
    case ContactType::callback: return "callback";
    case ContactType::call: return "call";
    case ContactType::video: return "video";
    case ContactType::weblead: return "weblead";
    }
    return "chat";
}

std::string_view to_string(Channel c) {
    switch (c) {
    case Channel::chat: return "chat";
    case Channel::sharing: return "sharing";
    case Channel::voice: return "voice";
    case Channel::video: return "video";
    }
    return "chat";
}

std::string_view to_string(ChannelState s) {
    switch (s) {
    case ChannelState::unavailable: return "unavailable";
    case ChannelState::available: return "available";
    case ChannelState::connecting: return "connecting";
    case ChannelState::active: return "active";
    }
    return "unavailable";
}

std::optional<ContactType> contact_type_from(std::string_view s) {
    for (auto t : all_contact_types)
        if (to_string(t) == s) return t;
    return std::nullopt;
}

std::optional<Channel> channel_from(std::string_view s) {
    for (auto c : all_channels)
        if (to_string(c) == s) return c;
    return std::nullopt;
}

std::optional<ChannelState> channel_state_from(std::string_view s) {
    for (auto st : {ChannelState::unavailable, ChannelState::available, ChannelState::connecting,
                    ChannelState::active})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

} // namespace sb
