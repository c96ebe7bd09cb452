#include "server/contact_record.h"

#include <nlohmann/json.hpp>

namespace sb::server {
namespace {

using json = nlohmann::json;

json time_or_null(const std::optional<TimePoint>& t) { return t ? json(to_epoch_ms(*t)) : json(nullptr); }

std::optional<TimePoint> optional_time(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return from_epoch_ms(it->get<std::int64_t>());
}

json page_json(const protocol::Page& p) { return {{"url", p.url}, {"title", p.title}}; }
protocol::Page page_from(const json& j) { return {j.value("url", ""), j.value("title", "")}; }

template <class T, class Parse> T parse_enum(const json& j, const char* key, Parse parse) {
    auto v = parse(j.at(key).get<std::string>());
    if (!v) throw StoreError(std::string("contact record: bad ") + key);
    return *v;
}

} // namespace

std::string record_to_json(const ContactRecord& r) {
    const Contact& c = r.contact;
    json channels = json::array();
    for (Channel ch : all_channels) channels.push_back(std::string(to_string(c.channels[ch])));
    json j = {
        {"id", c.id},
        {"type", std::string(to_string(c.type))},
        {"service_id", c.service_id},
        {"visitor_id", c.visitor_id},
        {"returning_visitor", c.returning_visitor},
        {"customer_name", c.customer_name},
        {"country", c.country},
        {"origin", {{"site_id", c.origin.site_id}, {"url", c.origin.url}, {"title", c.origin.title}}},
        {"capabilities", {{"voice", c.capabilities.voice}, {"video", c.capabilities.video}, {"phone", c.capabilities.phone}}},
        {"direct_agent_id", c.direct_agent_id ? json(*c.direct_agent_id) : json(nullptr)},
        {"created_at", to_epoch_ms(c.created_at)},
        {"dissuasion_deadline", time_or_null(c.dissuasion_deadline)},
        {"state", std::string(to_string(c.state))},
        {"agent_id", c.agent_id},
        {"assigned_at", time_or_null(c.assigned_at)},
        {"closed_at", time_or_null(c.closed_at)},
        {"outcome", c.outcome ? json(std::string(to_string(*c.outcome))) : json(nullptr)},
        {"color", c.color},
        {"channels", channels},
        {"visitor_left", c.visitor_left},
        {"returns", c.returns},
        {"queue_order", c.queue_order},
        {"seq", r.seq},
        {"page", page_json(r.page)},
        {"visitor_present", r.visitor_present},
        {"idle", r.idle},
        {"last_message", to_epoch_ms(r.last_message)},
    };
    if (r.callback) j["callback"] = {{"phone", r.callback->phone}, {"when", r.callback->when}};
    if (!r.translation.empty()) j["translation"] = r.translation;
    if (r.call)
        j["call"] = {{"offerer", std::string(to_string(r.call->offerer))}, {"video", r.call->video},
                     {"phase", std::string(to_string(r.call->phase))}, {"accepter_video", r.call->accepter_video}};
    if (r.weblead)
        j["weblead"] = {{"name", r.weblead->name}, {"email", r.weblead->email}, {"phone", r.weblead->phone},
                        {"message", r.weblead->message}};
    return j.dump();
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
