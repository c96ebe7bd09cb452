#include "core/call.h"

namespace sb {

namespace {

CallStep ended(const Contact& c, const Call& call) {
    CallStep s;
    s.call = std::nullopt;
    if (c.channels[Channel::voice] != ChannelState::unavailable && c.channels[Channel::voice] != ChannelState::available)
        s.channels.emplace_back(Channel::voice, ChannelState::available);
    if (call.video && c.channels[Channel::video] != ChannelState::unavailable &&
        c.channels[Channel::video] != ChannelState::available)
        s.channels.emplace_back(Channel::video, ChannelState::available);
    return s;
}

} // namespace

Expected<CallStep, CallError> plan_call(const Contact& c, const std::optional<Call>& call, CallParty who,
                                        CallAction action, bool video) {
    if (c.state != ContactState::assigned) return unexpected(CallError::not_assigned);
    switch (action) {
    case CallAction::offer: {
        if (call) return unexpected(CallError::media_busy);
        const ChannelState voice = c.channels[Channel::voice];
        const ChannelState cam = c.channels[Channel::video];
        if (voice == ChannelState::unavailable || (video && cam == ChannelState::unavailable))
            return unexpected(CallError::medium_unsupported);
        // A channel already in use without a call (a callback's telephony leg) cannot carry a second call.
        if (voice != ChannelState::available || (video && cam != ChannelState::available))
            return unexpected(CallError::media_busy);
        CallStep s;
        s.call = Call{who, video, CallPhase::offered, false};
        s.channels.emplace_back(Channel::voice, ChannelState::connecting);
        if (video) s.channels.emplace_back(Channel::video, ChannelState::connecting);
        return s;
    }
    case CallAction::accept:
    case CallAction::refuse: {
        if (!call || call->phase != CallPhase::offered || call->offerer == who) return unexpected(CallError::no_call);
        if (action == CallAction::refuse) return ended(c, *call);
        CallStep s;
        s.call = *call;
        s.call->phase = CallPhase::accepted;
        s.call->accepter_video = call->video && video;
        return s;
    }
    case CallAction::connected: {
        if (!call || call->phase == CallPhase::offered) return unexpected(CallError::no_call);
        CallStep s;
        s.call = *call;
        if (call->phase == CallPhase::active) {
            s.changed = false;
            return s;
        }
        s.call->phase = CallPhase::active;
        if (c.channels[Channel::voice] == ChannelState::connecting)
            s.channels.emplace_back(Channel::voice, ChannelState::active);
        if (call->video && c.channels[Channel::video] == ChannelState::connecting)
            s.channels.emplace_back(Channel::video, ChannelState::active);
        return s;
    }
    case CallAction::hangup:
    case CallAction::failed:
        if (!call) return unexpected(CallError::no_call);
        return ended(c, *call);
    }
    return unexpected(CallError::no_call);
}

std::optional<Call> initial_call(ContactType type) {
    if (type == ContactType::call) return Call{CallParty::visitor, false, CallPhase::offered, false};
    if (type == ContactType::video) return Call{CallParty::visitor, true, CallPhase::offered, false};
    return std::nullopt;
}

std::string_view to_string(CallParty p) { return p == CallParty::agent ? "agent" : "visitor"; }

std::string_view to_string(CallPhase p) {
    switch (p) {
    case CallPhase::offered: return "offered";
    case CallPhase::accepted: return "accepted";
    case CallPhase::active: return "active";
    }
    return "offered";
}

std::string_view to_string(CallAction a) {
    switch (a) {
    case CallAction::offer: return "offer";
    case CallAction::accept: return "accept";
    case CallAction::refuse: return "refuse";
    case CallAction::connected: return "connected";
    case CallAction::hangup: return "hangup";
    case CallAction::failed: return "failed";
    }
    return "offer";
}

std::string_view to_string(CallFailure f) {
    switch (f) {
    case CallFailure::permission_denied: return "permission_denied";
    case CallFailure::no_device: return "no_device";
    case CallFailure::unsupported: return "unsupported";
    case CallFailure::network: return "network";
    }
    return "network";
}

std::string_view to_string(CallError e) {
    switch (e) {
    case CallError::not_assigned: return "not_assigned";
    case CallError::media_busy: return "media_busy";
    case CallError::medium_unsupported: return "medium_unsupported";
    case CallError::no_call: return "no_call";
    }
    return "no_call";
}

std::optional<CallParty> call_party_from(std::string_view s) {
    if (s == "agent") return CallParty::agent;
    if (s == "visitor") return CallParty::visitor;
    return std::nullopt;
}

std::optional<CallPhase> call_phase_from(std::string_view s) {
    for (CallPhase p : {CallPhase::offered, CallPhase::accepted, CallPhase::active})
        if (to_string(p) == s) return p;
    return std::nullopt;
}

std::optional<CallAction> call_action_from(std::string_view s) {
    for (CallAction a : {CallAction::offer, CallAction::accept, CallAction::refuse, CallAction::connected,
                         CallAction::hangup, CallAction::failed})
        if (to_string(a) == s) return a;
    return std::nullopt;
}

std::optional<CallFailure> call_failure_from(std::string_view s) {
    for (CallFailure f : {CallFailure::permission_denied, CallFailure::no_device, CallFailure::unsupported,
                          CallFailure::network})
        if (to_string(f) == s) return f;
    return std::nullopt;
}

} // namespace sb
