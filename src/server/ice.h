// The ICE servers a client gives its RTCPeerConnection, from the `media` configuration. TURN credentials
// follow coturn's REST-API shared-secret scheme (coturn: use-auth-secret + static-auth-secret):
//   username   = "<expiry, Unix seconds>:<party>"
//   credential = base64(HMAC-SHA1(secret, username))
#pragma once
#include "core/clock.h"
#include "protocol/messages.h"
#include "server/config.h"

#include <string>
#include <vector>

namespace sb::server {

// The ICE servers for `party` (an agent login or a visitor id) at `now`: the static ones, then TURN with
// credentials valid until now + ttl.
std::vector<protocol::IceServer> ice_servers_for(const MediaConfig& media, const std::string& party, TimePoint now);

// base64(HMAC-SHA1(secret, username)): what coturn expects as the password of a REST-API username.
std::string turn_credential(const std::string& secret, const std::string& username);

} // namespace sb::server
