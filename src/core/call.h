// Calls: the browser-to-browser voice/video session of an assigned contact (docs/protocol.md, "Calls").
// A call is negotiated on the contact by `contact.media` actions; this file decides, free of any transport,
// whether an action is allowed and which channel states it leads to. The WebRTC exchange itself is relayed
// by the server and never seen here.
#pragma once
#include "core/contact.h"
#include "core/expected.h"
#include "core/media.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace sb {

enum class CallParty { agent, visitor };
enum class CallPhase { offered, accepted, active };
enum class CallAction { offer, accept, refuse, connected, hangup, failed };
// Why a call could not start or broke (contact.media `failed`).
enum class CallFailure { permission_denied, no_device, unsupported, network };

struct Call {
    CallParty offerer = CallParty::agent;
    bool video = false;          // a video call (else voice only)
    CallPhase phase = CallPhase::offered;
    bool accepter_video = false; // the accepter sends its camera ("voice only": false)
    bool operator==(const Call&) const = default;
};

enum class CallError {
    not_assigned,       // only an assigned contact has calls
    media_busy,         // an offer while a call is offered, accepted or active
    medium_unsupported, // the voice (or video) channel is unavailable
    no_call,            // nothing to accept / refuse / connect / hang up, or the wrong party
};

// What an allowed action does: the call afterwards (nullopt: no call) and the channel changes, in order.
struct CallStep {
    std::optional<Call> call;
    std::vector<std::pair<Channel, ChannelState>> channels;
    bool changed = true; // false: allowed but nothing to do (a second `connected`)
};

// `video` is the offer's kind (offer) or whether the accepter sends its camera (accept); ignored otherwise.
Expected<CallStep, CallError> plan_call(const Contact& contact, const std::optional<Call>& call, CallParty who,
                                        CallAction action, bool video);

// The call a contact of type call/video starts with, offered by the visitor when an agent takes it.
std::optional<Call> initial_call(ContactType type);

std::string_view to_string(CallParty p);
std::string_view to_string(CallPhase p);
std::string_view to_string(CallAction a);
std::string_view to_string(CallFailure f);
std::string_view to_string(CallError e);
std::optional<CallParty> call_party_from(std::string_view s);
std::optional<CallPhase> call_phase_from(std::string_view s);
std::optional<CallAction> call_action_from(std::string_view s);
std::optional<CallFailure> call_failure_from(std::string_view s);

} // namespace sb
