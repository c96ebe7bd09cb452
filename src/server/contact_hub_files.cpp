// ContactHub's part of files (docs/protocol.md, "Files"): who may send one on a contact, the `file` event that
// announces it, and each party's download link in the events they receive. The upload itself (HTTP, limits,
// bytes on disk) is server/files.cpp and net/file_http.cpp.
#include "server/contact_hub.h"

#include <variant>

namespace sb::server {

const char* ContactHub::file_refusal(const std::string& contact, bool agent, const std::string& who) {
    auto it = records_.find(contact);
    if (it == records_.end()) { // closed (to its parties), or unknown
        flush_commits();        // the store has every batch applied so far
        auto stored = contact.empty() ? std::nullopt : store_.find_contact(contact);
        const bool party = stored && (agent ? stored->agent_id == who : stored->visitor_id == who);
        return party && stored->state == "closed" ? "closed" : "not_found";
    }
    const Contact& c = it->second.contact;
    const bool mine = agent ? c.state == ContactState::assigned && c.agent_id == who : c.visitor_id == who;
    if (!mine) return "not_found";
    if (c.state != ContactState::assigned) return "not_assigned";
    return nullptr;
}

protocol::ContactEvent ContactHub::share_file(const StoredFile& file, bool agent, const std::string& who) {
    auto it = records_.find(file.contact_id);
    if (it == records_.end()) throw StoreError("contact " + file.contact_id + " is not open");
    ContactRecord& r = it->second;
    const Actor sender{agent, who};
    Batch b;
    b.now = clock_.now();
    if (r.idle) { // a file is conversation, as a message is
        r.idle = false;
        emit(b, r, protocol::ev::Idle{false});
    }
    const std::string author = agent ? agent_name(who) : r.contact.customer_name;
    emit(b, r, protocol::ev::File{sender.party(), author, protocol::FileInfo{file.id, file.name, file.size, file.type, {}}},
         &sender);
    protocol::ContactEvent event = b.deliveries.back().event;
    if (r.contact.state == ContactState::assigned) schedule_idle(r, b.now);
    b.files.push_back(file);
    commit(b);
    notify_deadline();
    // commit() reports a failed write to the requester only (an HTTP upload has no connection here): the row is
    // there exactly when the transaction committed.
    if (!store_.find_file(file.id)) throw StoreError("the file's event could not be stored");
    link_file(event, sender.key());
    return event;
}

void ContactHub::link_file(protocol::ContactEvent& e, const std::string& party) const {
    auto* f = std::get_if<protocol::ev::File>(&e.body);
    if (!f) return;
    f->file.url = file_link_ ? file_link_(f->file, party) : std::string();
}

void ContactHub::link_files(protocol::ContactSnapshot& s, ConnectionId conn) const {
    auto who = actor_of(conn);
    if (!who) return;
    for (auto& e : s.events) link_file(e, who->key());
}

} // namespace sb::server
