#include "server/contact_record.h"

#include <nlohmann/json.hpp>

namespace sb::server {
namespace {

using json = nlohmann::json;

std::optional<TimePoint> optional_time(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return from_epoch_ms(it->get<std::int64_t>());
}

protocol::Page page_from(const json& j) { return {j.value("url", ""), j.value("title", "")}; }

template <class T, class Parse> T parse_enum(const json& j, const char* key, Parse parse) {
    auto v = parse(j.at(key).get<std::string>());
    if (!v) throw StoreError(std::string("contact record: bad ") + key);
    return *v;
}

// The record is rewritten with every event of its contact, so it is written straight into a string
// (building a json tree for it was a seventh of the server's time per chat message). record_from_json reads
// it back with nlohmann::json; contact_record_test.cpp checks the round trip.
class RecordWriter {
  public:
    RecordWriter() { out_.reserve(1024); }
    RecordWriter& key(std::string_view k) {
        out_ += first_ ? "" : ",";
        first_ = false;
        string(k);
        out_ += ':';
        return *this;
    }
    void string(std::string_view s) {
        out_ += '"';
        for (char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\') {
                out_ += '\\';
                out_ += ch;
            } else if (c < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                out_ += "\\u00";
                out_ += hex[c >> 4];
                out_ += hex[c & 0xf];
            } else {
                out_ += ch; // UTF-8 as it came (every text was decoded from JSON, so it is valid)
            }
        }
        out_ += '"';
    }
    void number(std::int64_t n) { out_ += std::to_string(n); }
    void unsigned_number(std::uint64_t n) { out_ += std::to_string(n); }
    void boolean(bool b) { out_ += b ? "true" : "false"; }
    void null() { out_ += "null"; }
    void time(const std::optional<TimePoint>& t) { t ? number(to_epoch_ms(*t)) : null(); }
    // Nested objects: begin() ... end(); keys inside use key() as above.
    void begin() {
        out_ += '{';
        first_ = true;
    }
    void end() {
        out_ += '}';
        first_ = false;
    }
    void raw(std::string_view text) { out_ += text; }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
    bool first_ = true;
};

} // namespace

std::string record_to_json(const ContactRecord& r) {
    const Contact& c = r.contact;
    RecordWriter w;
    w.begin();
    w.key("id").string(c.id);
    w.key("type").string(to_string(c.type));
    w.key("service_id").string(c.service_id);
    w.key("visitor_id").string(c.visitor_id);
    w.key("returning_visitor").boolean(c.returning_visitor);
    w.key("customer_name").string(c.customer_name);
    w.key("country").string(c.country);
    w.key("origin").begin();
    w.key("site_id").string(c.origin.site_id);
    w.key("url").string(c.origin.url);
    w.key("title").string(c.origin.title);
    w.end();
    w.key("capabilities").begin();
    w.key("voice").boolean(c.capabilities.voice);
    w.key("video").boolean(c.capabilities.video);
    w.key("phone").boolean(c.capabilities.phone);
    w.end();
    w.key("direct_agent_id");
    c.direct_agent_id ? w.string(*c.direct_agent_id) : w.null();
    w.key("created_at").number(to_epoch_ms(c.created_at));
    w.key("dissuasion_deadline").time(c.dissuasion_deadline);
    w.key("state").string(to_string(c.state));
    w.key("agent_id").string(c.agent_id);
    w.key("assigned_at").time(c.assigned_at);
    w.key("closed_at").time(c.closed_at);
    w.key("outcome");
    c.outcome ? w.string(to_string(*c.outcome)) : w.null();
    w.key("color").string(c.color);
    w.key("channels").raw("[");
    for (std::size_t i = 0; i < all_channels.size(); ++i) {
        if (i) w.raw(",");
        w.string(to_string(c.channels[all_channels[i]]));
    }
    w.raw("]");
    w.key("visitor_left").boolean(c.visitor_left);
    w.key("returns").number(c.returns);
    w.key("queue_order").unsigned_number(c.queue_order);
    w.key("seq").unsigned_number(r.seq);
    w.key("page").begin();
    w.key("url").string(r.page.url);
    w.key("title").string(r.page.title);
    w.end();
    w.key("visitor_present").boolean(r.visitor_present);
    w.key("idle").boolean(r.idle);
    w.key("last_message").number(to_epoch_ms(r.last_message));
    if (r.callback) {
        w.key("callback").begin();
        w.key("phone").string(r.callback->phone);
        w.key("when").string(r.callback->when);
        w.end();
    }
    if (!r.translation.empty()) w.key("translation").string(r.translation);
    if (r.call) {
        w.key("call").begin();
        w.key("offerer").string(to_string(r.call->offerer));
        w.key("video").boolean(r.call->video);
        w.key("phase").string(to_string(r.call->phase));
        w.key("accepter_video").boolean(r.call->accepter_video);
        w.end();
    }
    if (r.weblead) {
        w.key("weblead").begin();
        w.key("name").string(r.weblead->name);
        w.key("email").string(r.weblead->email);
        w.key("phone").string(r.weblead->phone);
        w.key("message").string(r.weblead->message);
        w.end();
    }
    w.end();
    return w.take();
}

ContactRecord record_from_json(std::string_view text) {
    try {
        json j = json::parse(text);
        ContactRecord r;
        Contact& c = r.contact;
        c.id = j.at("id").get<std::string>();
        c.type = parse_enum<ContactType>(j, "type", contact_type_from);
        c.service_id = j.at("service_id").get<std::string>();
        c.visitor_id = j.at("visitor_id").get<std::string>();
        c.returning_visitor = j.value("returning_visitor", false);
        c.customer_name = j.value("customer_name", "");
        c.country = j.value("country", "");
        const json& o = j.at("origin");
        c.origin = Origin{o.value("site_id", ""), o.value("url", ""), o.value("title", "")};
        const json& caps = j.at("capabilities");
        c.capabilities = VisitorCapabilities{caps.value("voice", false), caps.value("video", false), caps.value("phone", false)};
        if (auto it = j.find("direct_agent_id"); it != j.end() && !it->is_null()) c.direct_agent_id = it->get<std::string>();
        c.created_at = from_epoch_ms(j.at("created_at").get<std::int64_t>());
        c.dissuasion_deadline = optional_time(j, "dissuasion_deadline");
        c.state = parse_enum<ContactState>(j, "state", contact_state_from);
        c.agent_id = j.value("agent_id", "");
        c.assigned_at = optional_time(j, "assigned_at");
        c.closed_at = optional_time(j, "closed_at");
        if (auto it = j.find("outcome"); it != j.end() && !it->is_null()) {
            auto o2 = outcome_from(it->get<std::string>());
            if (!o2) throw StoreError("contact record: bad outcome");
            c.outcome = *o2;
        }
        c.color = j.value("color", "");
        const json& channels = j.at("channels");
        for (std::size_t i = 0; i < all_channels.size() && i < channels.size(); ++i) {
            auto s = channel_state_from(channels[i].get<std::string>());
            if (!s) throw StoreError("contact record: bad channel state");
            c.channels[all_channels[i]] = *s;
        }
        c.visitor_left = j.value("visitor_left", false);
        c.returns = j.value("returns", 0);
        c.queue_order = j.value("queue_order", std::uint64_t{0});
        r.seq = j.at("seq").get<std::uint64_t>();
        c.seq = r.seq;
        r.page = page_from(j.at("page"));
        r.visitor_present = j.value("visitor_present", true);
        r.idle = j.value("idle", false);
        r.last_message = from_epoch_ms(j.value("last_message", std::int64_t{0}));
        if (auto it = j.find("callback"); it != j.end())
            r.callback = protocol::CallbackInfo{it->value("phone", ""), it->value("when", "")};
        r.translation = j.value("translation", "");
        if (auto it = j.find("call"); it != j.end() && !it->is_null())
            r.call = Call{parse_enum<CallParty>(*it, "offerer", call_party_from), it->value("video", false),
                          parse_enum<CallPhase>(*it, "phase", call_phase_from), it->value("accepter_video", false)};
        if (auto it = j.find("weblead"); it != j.end())
            r.weblead = protocol::WebleadInfo{it->value("name", ""), it->value("email", ""), it->value("phone", ""),
                                              it->value("message", "")};
        return r;
    } catch (const json::exception& e) {
        throw StoreError(std::string("contact record: ") + e.what());
    }
}

StoredContact to_stored(const ContactRecord& r) {
    const Contact& c = r.contact;
    return StoredContact{c.id, c.visitor_id, std::string(to_string(c.state)), c.agent_id, to_epoch_ms(c.created_at),
                         r.seq, record_to_json(r)};
}

} // namespace sb::server
