// What the server keeps about one contact besides the router's Contact: the visitor's current page and
// presence, callback / weblead details, idle state, and THE sequence number of the contact's event stream.
// Stored as one JSON document (StoredContact::data); this file is the only one that reads or writes it.
#pragma once
#include "core/call.h"
#include "core/contact.h"
#include "protocol/contact_view.h"
#include "server/store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::server {

struct ContactRecord {
    Contact contact;            // as the router has it; contact.seq is NOT used (see `seq`)
    std::uint64_t seq = 0;      // sequence number of the last event on the contact (owned by ContactHub)
    protocol::Page page;        // the visitor's current page
    bool visitor_present = true;
    std::optional<protocol::CallbackInfo> callback;
    std::optional<protocol::WebleadInfo> weblead;
    bool idle = false;          // an idle event (idle: true) was sent and no message since
    TimePoint last_message{};   // last chat message or the assignment: idle detection starts here
    std::optional<Call> call;   // the call offered, being set up or going on (docs/protocol.md, "Calls")
    std::string translation;    // the customer's language while automatic translation is on, else ""
    bool operator==(const ContactRecord&) const = default;
};

std::string record_to_json(const ContactRecord& r);
// Throws StoreError when the document is not a contact record.
ContactRecord record_from_json(std::string_view json);

// The row the store keeps for this record.
StoredContact to_stored(const ContactRecord& r);

} // namespace sb::server
