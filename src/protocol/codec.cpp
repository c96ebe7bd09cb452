#include "protocol/codec.h"

#include "core/service.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace sb::protocol {
namespace {

using json = nlohmann::json;

template <class... F> struct overloaded : F... {
    using F::operator()...;
};
template <class... F> overloaded(F...) -> overloaded<F...>;

// Thrown inside decoding only; turned into a DecodeError at the boundary.
struct Refusal {
    std::string code;
    std::string message;
};

[[noreturn]] void refuse_field(const char* key, const std::string& why) {
    throw Refusal{code::bad_field, std::string("field \"") + key + "\" " + why};
}

// [SECTION] Reading ------------------------------------------------------------------------------------------

class Reader {
  public:
    explicit Reader(const json& j) : j_(j) {}

    bool has(const char* key) const {
        auto it = j_.find(key);
        return it != j_.end() && !it->is_null();
    }

    std::string string(const char* key, std::size_t max_len, bool required = true) const {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) {
            if (required) throw Refusal{code::bad_field, std::string("missing field \"") + key + "\""};
            return {};
        }
        if (!it->is_string()) refuse_field(key, "must be a string");
        const auto& s = it->get_ref<const std::string&>();
        if (s.size() > max_len) refuse_field(key, "is longer than " + std::to_string(max_len) + " bytes");
        return s;
    }

    std::vector<std::string> strings(const char* key, std::size_t max_items, std::size_t max_len) const {
        std::vector<std::string> out;
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) return out;
        if (!it->is_array() || it->size() > max_items) refuse_field(key, "must be an array of strings");
        for (const auto& e : *it) {
            if (!e.is_string() || e.get_ref<const std::string&>().size() > max_len)
                refuse_field(key, "must be an array of strings");
            out.push_back(e.get<std::string>());
        }
        return out;
    }

    bool boolean(const char* key, bool fallback, bool required = false) const {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) {
            if (required) throw Refusal{code::bad_field, std::string("missing field \"") + key + "\""};
            return fallback;
        }
        if (!it->is_boolean()) refuse_field(key, "must be true or false");
        return it->get<bool>();
    }

    long long integer(const char* key, long long min, long long max) const {
        auto it = j_.find(key);
        if (it == j_.end() || !it->is_number_integer()) refuse_field(key, "must be an integer");
        auto v = it->get<long long>();
        if (v < min || v > max) refuse_field(key, "is out of range");
        return v;
    }

    std::uint64_t sequence(const char* key) const {
        auto it = j_.find(key);
        if (it == j_.end() || !it->is_number_integer() || (it->is_number_integer() && it->get<long long>() < 0))
            refuse_field(key, "must be a sequence number (an integer >= 0)");
        return it->get<std::uint64_t>();
    }

    std::optional<std::int64_t> optional_time(const char* key) const {
        if (!has(key)) return std::nullopt;
        return integer(key, 0, 1LL << 53);
    }

    const json* object(const char* key, bool required) const {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) {
            if (required) throw Refusal{code::bad_field, std::string("missing field \"") + key + "\""};
            return nullptr;
        }
        if (!it->is_object()) refuse_field(key, "must be an object");
        return &*it;
    }

    const json& array(const char* key, std::size_t max_items) const {
        auto it = j_.find(key);
        if (it == j_.end() || !it->is_array() || it->size() > max_items) refuse_field(key, "must be an array");
        return *it;
    }

    template <class E, class Parse> E enumeration(const char* key, Parse parse, const char* allowed) const {
        auto v = parse(string(key, 32));
        if (!v) refuse_field(key, std::string("must be one of ") + allowed);
        return *v;
    }

  private:
    const json& j_;
};

AgentStatus read_status(const Reader& r) {
    return r.enumeration<AgentStatus>("status", agent_status_from, "ready, paused, offline");
}

Page read_page(const json* j) {
    if (!j) return {};
    Reader r(*j);
    return Page{r.string("url", max_url, false), r.string("title", max_title, false)};
}

Capabilities read_capabilities(const json* j) {
    if (!j) return {};
    Reader r(*j);
    return Capabilities{r.boolean("voice", false), r.boolean("video", false)};
}

Ref read_ref(const json& j) {
    Reader r(j);
    return Ref{r.string("id", max_id), r.string("name", max_name, false)};
}

ChannelStates read_channels(const json* j) {
    ChannelStates cs;
    if (!j) return cs;
    Reader r(*j);
    for (Channel c : all_channels) {
        const std::string key(to_string(c));
        if (r.has(key.c_str()))
            cs[c] = r.enumeration<ChannelState>(key.c_str(), channel_state_from,
                                                "unavailable, available, connecting, active");
    }
    return cs;
}

std::optional<CallbackInfo> read_callback(const json* j, bool phone_required) {
    if (!j) return std::nullopt;
    Reader r(*j);
    CallbackInfo c{r.string("phone", max_phone, phone_required), r.string("when", max_title, false)};
    if (phone_required && c.phone.empty()) refuse_field("callback.phone", "must not be empty");
    return c;
}

std::optional<WebleadInfo> read_weblead(const json* j, bool strict) {
    if (!j) return std::nullopt;
    Reader r(*j);
    WebleadInfo w{r.string("name", max_name, false), r.string("email", max_email, false),
                  r.string("phone", max_phone, false), r.string("message", max_text, strict)};
    if (strict) {
        if (w.message.empty()) refuse_field("weblead.message", "must not be empty");
        if (w.email.empty() && w.phone.empty()) refuse_field("weblead", "needs an email or a phone number");
    }
    return w;
}

// [SECTION] Calls --------------------------------------------------------------------------------------------

constexpr std::size_t max_sdp = 60000;
constexpr std::size_t max_candidate = 1024;

std::optional<Call> read_call(const json* j) {
    if (!j) return std::nullopt;
    Reader r(*j);
    Call c;
    c.offerer = r.enumeration<CallParty>("offerer", call_party_from, "agent, visitor");
    c.video = r.boolean("video", false);
    c.phase = r.enumeration<CallPhase>("state", call_phase_from, "offered, accepted, active");
    c.accepter_video = r.boolean("accepter_video", false);
    return c;
}

json call_json(const Call& c) {
    return json{{"offerer", to_string(c.offerer)}, {"video", c.video}, {"state", to_string(c.phase)},
                {"accepter_video", c.accepter_video}};
}

Signal read_signal(const Reader& outer) {
    const json* j = outer.object("signal", true);
    Reader r(*j);
    Signal s;
    const bool has_sdp = j->contains("sdp");
    const bool has_candidate = j->contains("candidate");
    if (has_sdp == has_candidate) refuse_field("signal", "must hold exactly one of \"sdp\" and \"candidate\"");
    if (has_sdp) {
        Reader d(*r.object("sdp", true));
        SessionDescription sd{d.string("type", 16), d.string("sdp", max_sdp)};
        if (sd.type != "offer" && sd.type != "answer") refuse_field("signal.sdp.type", "must be offer or answer");
        s.sdp = std::move(sd);
        return s;
    }
    const json& cj = j->at("candidate");
    if (cj.is_null()) return s; // end of candidates
    if (!cj.is_object()) refuse_field("signal.candidate", "must be an object or null");
    Reader c(cj);
    IceCandidate ic;
    ic.candidate = c.string("candidate", max_candidate);
    if (c.has("sdpMid")) ic.sdp_mid = c.string("sdpMid", 64);
    if (c.has("sdpMLineIndex")) ic.sdp_mline_index = static_cast<int>(c.integer("sdpMLineIndex", 0, 1024));
    if (c.has("usernameFragment")) ic.username_fragment = c.string("usernameFragment", 256);
    s.candidate = std::move(ic);
    return s;
}

json signal_json(const Signal& s) {
    if (s.sdp) return json{{"sdp", {{"type", s.sdp->type}, {"sdp", s.sdp->sdp}}}};
    if (!s.candidate) return json{{"candidate", nullptr}};
    json c{{"candidate", s.candidate->candidate},
           {"sdpMid", s.candidate->sdp_mid ? json(*s.candidate->sdp_mid) : json(nullptr)},
           {"sdpMLineIndex", s.candidate->sdp_mline_index ? json(*s.candidate->sdp_mline_index) : json(nullptr)}};
    if (s.candidate->username_fragment) c["usernameFragment"] = *s.candidate->username_fragment;
    return json{{"candidate", std::move(c)}};
}

std::vector<IceServer> read_ice_servers(const Reader& r) {
    std::vector<IceServer> out;
    if (!r.has("ice_servers")) return out;
    for (const auto& j : r.array("ice_servers", 32)) {
        if (!j.is_object()) refuse_field("ice_servers", "must hold objects");
        Reader ir(j);
        IceServer s;
        s.urls = ir.strings("urls", 16, max_url);
        s.username = ir.string("username", 256, false);
        s.credential = ir.string("credential", 256, false);
        out.push_back(std::move(s));
    }
    return out;
}

json ice_json(const std::vector<IceServer>& servers) {
    json a = json::array();
    for (const auto& s : servers) {
        json j{{"urls", s.urls}};
        if (!s.username.empty()) j["username"] = s.username;
        if (!s.credential.empty()) j["credential"] = s.credential;
        a.push_back(std::move(j));
    }
    return a;
}

std::string read_ice_policy(const Reader& r) {
    std::string p = r.string("ice_transport_policy", 16, false);
    if (p.empty()) return "all";
    if (p != "all" && p != "relay") refuse_field("ice_transport_policy", "must be all or relay");
    return p;
}

// [SECTION] Files (docs/protocol.md, "Files")
FileInfo read_file_info(const json* j) {
    if (!j) refuse_field("file", "is required");
    Reader r(*j);
    FileInfo f{r.string("id", max_id), r.string("name", max_file_name), 0, r.string("type", max_file_type),
               r.string("url", max_url, false)};
    f.size = static_cast<std::uint64_t>(r.integer("size", 0, 1LL << 53));
    return f;
}

json file_json(const FileInfo& f) {
    json j{{"id", f.id}, {"name", f.name}, {"size", f.size}, {"type", f.type}};
    if (!f.url.empty()) j["url"] = f.url;
    return j;
}

FileLimits read_file_limits(const Reader& r) {
    FileLimits l;
    const json* j = r.object("files", false);
    if (!j) return l;
    Reader fr(*j);
    l.max_bytes = static_cast<std::uint64_t>(fr.integer("max_bytes", 0, 1LL << 53));
    l.types = fr.strings("types", 256, max_file_type);
    return l;
}

json file_limits_json(const FileLimits& l) { return json{{"max_bytes", l.max_bytes}, {"types", l.types}}; }

ContactView read_contact(const json& j) {
    Reader r(j);
    ContactView c;
    c.id = r.string("id", max_id);
    c.type = r.enumeration<ContactType>("type", contact_type_from, "chat, callback, call, video, weblead");
    c.state = r.enumeration<ContactState>("state", contact_state_from, "pending, assigned, closed");
    if (const json* s = r.object("service", true)) {
        Reader sr(*s);
        c.service = ServiceRef{sr.string("id", max_id), sr.string("name", max_name, false),
                               sr.string("language", max_language, false)};
    }
    if (const json* s = r.object("site", false)) c.site = read_ref(*s);
    if (const json* cu = r.object("customer", false)) {
        Reader cr(*cu);
        c.customer = Customer{cr.string("name", max_name, false), cr.string("country", 8, false),
                              cr.boolean("returning", false)};
    }
    c.origin = read_page(r.object("origin", false));
    c.page = read_page(r.object("page", false));
    c.visitor_present = r.boolean("visitor_present", true);
    c.direct = r.boolean("direct", false);
    c.direct_agent = r.string("direct_agent", max_id, false);
    c.created_at = r.integer("created_at", 0, 1LL << 53);
    c.deadline = r.optional_time("deadline");
    if (const json* a = r.object("agent", false)) c.agent = read_ref(*a);
    c.color = r.string("color", 16, false);
    c.channels = read_channels(r.object("channels", false));
    if (r.has("outcome")) c.outcome = r.enumeration<Outcome>("outcome", outcome_from, "an outcome");
    c.seq = r.has("seq") ? r.sequence("seq") : 0;
    c.callback = read_callback(r.object("callback", false), false);
    c.weblead = read_weblead(r.object("weblead", false), false);
    c.call = read_call(r.object("call", false));
    c.translation = r.string("translation", max_language, false);
    return c;
}

std::vector<ServiceInfo> read_services(const Reader& r) {
    std::vector<ServiceInfo> out;
    if (!r.has("services")) return out;
    for (const auto& j : r.array("services", max_list)) {
        if (!j.is_object()) refuse_field("services", "must hold service objects");
        Reader sr(j);
        ServiceInfo s{sr.string("id", max_id), sr.string("name", max_name, false),
                      sr.string("language", max_language, false), sr.string("color", 16, false), {}, {}};
        if (sr.has("colors"))
            for (const auto& c : sr.array("colors", 64)) {
                if (!c.is_object()) refuse_field("colors", "must hold {color, meaning} objects");
                Reader cr(c);
                s.colors.push_back(ColorMeaning{cr.string("color", 16), cr.string("meaning", max_name, false)});
            }
        for (const auto& m : sr.strings("media", 8, 16)) {
            auto t = contact_type_from(m);
            if (!t) refuse_field("media", "must hold contact types");
            s.media.push_back(*t);
        }
        s.translations = sr.strings("translations", 256, max_language);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<ContactView> read_contacts(const Reader& r, const char* key) {
    std::vector<ContactView> out;
    if (!r.has(key)) return out;
    for (const auto& c : r.array(key, max_list)) {
        if (!c.is_object()) refuse_field(key, "must hold contact objects");
        out.push_back(read_contact(c));
    }
    return out;
}

Party read_party(const Reader& r) { return r.enumeration<Party>("from", party_from, "agent, visitor"); }

EventBody read_body(const Reader& r) {
    const std::string kind = r.string("event", 32);
    if (kind == "pending") return ev::Pending{r.optional_time("deadline")};
    if (kind == "assigned") {
        const json* a = r.object("agent", true);
        return ev::Assigned{read_ref(*a), read_channels(r.object("channels", false))};
    }
    if (kind == "returned") return ev::Returned{};
    if (kind == "message") {
        ev::Message m{read_party(r), r.string("author", max_name, false), r.string("text", max_text)};
        if (const json* t = r.object("translation", false)) {
            Reader tr(*t);
            m.translation = ev::Translation{tr.string("language", max_language), tr.string("text", max_translated)};
        }
        return m;
    }
    if (kind == "translation") return ev::TranslationChanged{r.string("language", max_language)};
    if (kind == "read") return ev::Read{read_party(r), r.sequence("up_to")};
    if (kind == "page") return ev::PageChanged{Page{r.string("url", max_url), r.string("title", max_title, false)}};
    if (kind == "presence") return ev::Presence{r.boolean("present", true, true)};
    if (kind == "channel")
        return ev::ChannelChanged{r.enumeration<Channel>("channel", channel_from, "chat, sharing, voice, video"),
                                  r.enumeration<ChannelState>("state", channel_state_from,
                                                              "unavailable, available, connecting, active")};
    if (kind == "color") return ev::ColorChanged{r.string("color", 16)};
    if (kind == "link") return ev::Link{r.string("url", max_url)};
    if (kind == "idle") return ev::Idle{r.boolean("idle", true, true)};
    if (kind == "closed") return ev::Closed{r.enumeration<Outcome>("outcome", outcome_from, "an outcome")};
    if (kind == "media") {
        ev::Media m{read_party(r),
                    r.enumeration<CallAction>("action", call_action_from,
                                              "offer, accept, refuse, connected, hangup, failed"),
                    r.boolean("video", false), std::nullopt};
        if (r.has("reason"))
            m.reason = r.enumeration<CallFailure>("reason", call_failure_from,
                                                  "permission_denied, no_device, unsupported, network");
        return m;
    }
    if (kind == "file") return ev::File{read_party(r), r.string("author", max_name, false), read_file_info(r.object("file", true))};
    refuse_field("event", "is not a known event kind");
}

ContactEvent read_event(const json& j, const std::string& cid) {
    Reader r(j);
    ContactEvent e;
    e.contact = r.string("contact", max_id);
    e.seq = r.sequence("seq");
    e.at = r.integer("at", 0, 1LL << 53);
    e.cid = cid;
    e.body = read_body(r);
    return e;
}

// [SECTION] Writing ------------------------------------------------------------------------------------------

json agent_json(const AgentProfile& a) {
    return json{{"id", a.id},     {"login", a.login},         {"name", a.name},        {"status", to_string(a.status)},
                {"tags", a.tags}, {"languages", a.languages}, {"capacity", a.capacity}};
}

AgentProfile read_agent(const json& j) {
    Reader r(j);
    AgentProfile a;
    a.id = r.string("id", max_login);
    a.login = r.string("login", max_login);
    a.name = r.string("name", max_name);
    a.status = read_status(r);
    a.tags = r.strings("tags", 256, max_name);
    a.languages = r.strings("languages", 64, max_language);
    a.capacity = static_cast<int>(r.integer("capacity", 0, 1000));
    return a;
}

json page_json(const Page& p) { return json{{"url", p.url}, {"title", p.title}}; }
json ref_json(const Ref& r) { return json{{"id", r.id}, {"name", r.name}}; }

json channels_json(const ChannelStates& cs) {
    json j = json::object();
    for (Channel c : all_channels) j[std::string(to_string(c))] = to_string(cs[c]);
    return j;
}

json contact_json(const ContactView& c) {
    json j{{"id", c.id},
           {"type", to_string(c.type)},
           {"state", to_string(c.state)},
           {"service", {{"id", c.service.id}, {"name", c.service.name}, {"language", c.service.language}}},
           {"site", ref_json(c.site)},
           {"customer", {{"name", c.customer.name}, {"country", c.customer.country}, {"returning", c.customer.returning}}},
           {"origin", page_json(c.origin)},
           {"page", page_json(c.page)},
           {"visitor_present", c.visitor_present},
           {"direct", c.direct},
           {"created_at", c.created_at},
           {"deadline", c.deadline ? json(*c.deadline) : json(nullptr)},
           {"agent", c.agent ? ref_json(*c.agent) : json(nullptr)},
           {"color", c.color},
           {"channels", channels_json(c.channels)},
           {"outcome", c.outcome ? json(to_string(*c.outcome)) : json(nullptr)},
           {"seq", c.seq}};
    if (c.direct) j["direct_agent"] = c.direct_agent;
    if (!c.translation.empty()) j["translation"] = c.translation;
    j["call"] = c.call ? call_json(*c.call) : json(nullptr);
    if (c.callback) j["callback"] = {{"phone", c.callback->phone}, {"when", c.callback->when}};
    if (c.weblead)
        j["weblead"] = {{"name", c.weblead->name},
                        {"email", c.weblead->email},
                        {"phone", c.weblead->phone},
                        {"message", c.weblead->message}};
    return j;
}

json services_json(const std::vector<ServiceInfo>& ss) {
    json a = json::array();
    for (const auto& s : ss) {
        json colors = json::array();
        for (const auto& c : s.colors) colors.push_back({{"color", c.color}, {"meaning", c.meaning}});
        json media = json::array();
        for (auto t : s.media) media.push_back(to_string(t));
        a.push_back({{"id", s.id}, {"name", s.name}, {"language", s.language}, {"color", s.color},
                     {"colors", std::move(colors)}, {"media", std::move(media)}});
        if (!s.translations.empty()) a.back()["translations"] = s.translations;
    }
    return a;
}

json contacts_json(const std::vector<ContactView>& cs) {
    json a = json::array();
    for (const auto& c : cs) a.push_back(contact_json(c));
    return a;
}

void body_into(json& j, const EventBody& b) {
    j["event"] = event_name(b);
    std::visit(overloaded{
                   [&](const ev::Pending& x) { j["deadline"] = x.deadline ? json(*x.deadline) : json(nullptr); },
                   [&](const ev::Assigned& x) {
                       j["agent"] = ref_json(x.agent);
                       j["channels"] = channels_json(x.channels);
                   },
                   [&](const ev::Returned&) {},
                   [&](const ev::Message& x) {
                       j["from"] = to_string(x.from);
                       j["author"] = x.author;
                       j["text"] = x.text;
                       if (x.translation) j["translation"] = {{"language", x.translation->language}, {"text", x.translation->text}};
                   },
                   [&](const ev::TranslationChanged& x) { j["language"] = x.language; },
                   [&](const ev::Read& x) {
                       j["from"] = to_string(x.from);
                       j["up_to"] = x.up_to;
                   },
                   [&](const ev::PageChanged& x) {
                       j["url"] = x.page.url;
                       j["title"] = x.page.title;
                   },
                   [&](const ev::Presence& x) { j["present"] = x.present; },
                   [&](const ev::ChannelChanged& x) {
                       j["channel"] = to_string(x.channel);
                       j["state"] = to_string(x.state);
                   },
                   [&](const ev::ColorChanged& x) { j["color"] = x.color; },
                   [&](const ev::Link& x) { j["url"] = x.url; },
                   [&](const ev::Idle& x) { j["idle"] = x.idle; },
                   [&](const ev::Closed& x) { j["outcome"] = to_string(x.outcome); },
                   [&](const ev::Media& x) {
                       j["from"] = to_string(x.from);
                       j["action"] = to_string(x.action);
                       if (x.action == CallAction::offer || x.action == CallAction::accept) j["video"] = x.video;
                       if (x.reason) j["reason"] = to_string(*x.reason);
                   },
                   [&](const ev::File& x) {
                       j["from"] = to_string(x.from);
                       j["author"] = x.author;
                       j["file"] = file_json(x.file);
                   },
               },
               b);
}

json event_fields(const ContactEvent& e) {
    json j{{"contact", e.contact}, {"seq", e.seq}, {"at", e.at}};
    if (!e.cid.empty()) j["cid"] = e.cid;
    body_into(j, e.body);
    return j;
}

json envelope(std::string_view type, const std::string& cid) {
    json j{{"v", version}, {"type", type}};
    if (!cid.empty()) j["cid"] = cid;
    return j;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Parses the frame and checks the envelope; returns the object and its type.
std::pair<json, std::string> open_envelope(std::string_view frame, std::string& cid_out) {
    json j = json::parse(frame, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Refusal{code::bad_json, "frame is not a JSON object"};
    if (auto it = j.find("cid"); it != j.end() && it->is_string() && it->get_ref<const std::string&>().size() <= max_cid)
        cid_out = it->get<std::string>();
    auto v = j.find("v");
    if (v == j.end() || !v->is_number_integer() || v->get<long long>() != version)
        throw Refusal{code::bad_version, "field \"v\" must be 1"};
    auto t = j.find("type");
    if (t == j.end() || !t->is_string()) throw Refusal{code::unknown_type, "field \"type\" is missing"};
    Reader(j).string("cid", max_cid, false); // validates cid when present
    return {std::move(j), t->get<std::string>()};
}

template <class T, class F> Expected<T, DecodeError> guarded(std::string& cid, F&& body) {
    try {
        return body();
    } catch (const Refusal& r) {
        return unexpected(DecodeError{cid, r.code, r.message});
    } catch (const json::exception& e) {
        return unexpected(DecodeError{cid, code::bad_field, e.what()});
    }
}

[[noreturn]] void unknown(const std::string& type) {
    throw Refusal{code::unknown_type, "unknown message type \"" + type.substr(0, 64) + "\""};
}

} // namespace

// [SECTION] Names --------------------------------------------------------------------------------------------

std::string_view to_string(Party p) { return p == Party::agent ? "agent" : "visitor"; }

std::optional<Party> party_from(std::string_view s) {
    if (s == "agent") return Party::agent;
    if (s == "visitor") return Party::visitor;
    return std::nullopt;
}

std::string_view event_name(const EventBody& b) {
    return std::visit(overloaded{
                          [](const ev::Pending&) { return "pending"; },
                          [](const ev::Assigned&) { return "assigned"; },
                          [](const ev::Returned&) { return "returned"; },
                          [](const ev::Message&) { return "message"; },
                          [](const ev::Read&) { return "read"; },
                          [](const ev::PageChanged&) { return "page"; },
                          [](const ev::Presence&) { return "presence"; },
                          [](const ev::ChannelChanged&) { return "channel"; },
                          [](const ev::ColorChanged&) { return "color"; },
                          [](const ev::Link&) { return "link"; },
                          [](const ev::Idle&) { return "idle"; },
                          [](const ev::Closed&) { return "closed"; },
                          [](const ev::Media&) { return "media"; },
                          [](const ev::File&) { return "file"; },
                          [](const ev::TranslationChanged&) { return "translation"; },
                      },
                      b);
}

std::string_view type_of(const ClientMessage& m) {
    return std::visit(overloaded{
                          [](const AgentLogin&) { return "agent.login"; },
                          [](const AgentResume&) { return "agent.resume"; },
                          [](const AgentSetStatus&) { return "agent.status"; },
                          [](const AgentLogout&) { return "agent.logout"; },
                          [](const Ping&) { return "ping"; },
                          [](const VisitorHello&) { return "visitor.hello"; },
                          [](const ContactRequestMsg&) { return "contact.request"; },
                          [](const ContactClaim&) { return "contact.claim"; },
                          [](const ContactSend&) { return "contact.send"; },
                          [](const ContactReadMsg&) { return "contact.read"; },
                          [](const ContactTyping&) { return "contact.typing"; },
                          [](const ContactPage&) { return "contact.page"; },
                          [](const ContactColor&) { return "contact.color"; },
                          [](const ContactLink&) { return "contact.link"; },
                          [](const ContactChannel&) { return "contact.channel"; },
                          [](const ContactStop&) { return "contact.stop"; },
                          [](const ContactResume&) { return "contact.resume"; },
                          [](const ContactMedia&) { return "contact.media"; },
                          [](const ContactSignal&) { return "contact.signal"; },
                          [](const ContactTranslate&) { return "contact.translate"; },
                      },
                      m);
}

std::string_view type_of(const ServerMessage& m) {
    return std::visit(overloaded{
                          [](const Welcome&) { return "agent.welcome"; },
                          [](const AgentUpdate&) { return "agent.update"; },
                          [](const Error&) { return "error"; },
                          [](const Pong&) { return "pong"; },
                          [](const VisitorWelcome&) { return "visitor.welcome"; },
                          [](const QueueWaiting&) { return "queue.waiting"; },
                          [](const QueueChanged&) { return "queue.changed"; },
                          [](const ContactSnapshot&) { return "contact.snapshot"; },
                          [](const ContactEventMsg&) { return "contact.event"; },
                          [](const ContactTypingNotice&) { return "contact.typing"; },
                          [](const Ack&) { return "ack"; },
                          [](const ContactSignalNotice&) { return "contact.signal"; },
                          [](const QueuePosition&) { return "queue.position"; },
                      },
                      m);
}

// [SECTION] Encoding -----------------------------------------------------------------------------------------

std::string encode(const ClientMessage& m) {
    auto with = [&](const std::string& cid) { return envelope(type_of(m), cid); };
    return dump(std::visit(
        overloaded{
            [&](const AgentLogin& x) {
                auto j = with(x.cid);
                j["login"] = x.login;
                j["password"] = x.password;
                return j;
            },
            [&](const AgentResume& x) {
                auto j = with(x.cid);
                j["token"] = x.token;
                return j;
            },
            [&](const AgentSetStatus& x) {
                auto j = with(x.cid);
                j["status"] = to_string(x.status);
                return j;
            },
            [&](const AgentLogout& x) { return with(x.cid); },
            [&](const Ping& x) { return with(x.cid); },
            [&](const VisitorHello& x) {
                auto j = with(x.cid);
                if (x.visitor) j["visitor"] = {{"id", x.visitor->id}, {"secret", x.visitor->secret}};
                if (!x.name.empty()) j["name"] = x.name;
                if (!x.language.empty()) j["language"] = x.language;
                j["page"] = page_json(x.page);
                j["capabilities"] = {{"voice", x.capabilities.voice}, {"video", x.capabilities.video}};
                return j;
            },
            [&](const ContactRequestMsg& x) {
                auto j = with(x.cid);
                j["service"] = x.service;
                j["contact_type"] = to_string(x.type);
                if (!x.name.empty()) j["name"] = x.name;
                if (!x.agent.empty()) j["agent"] = x.agent;
                j["page"] = page_json(x.page);
                if (x.callback) j["callback"] = {{"phone", x.callback->phone}, {"when", x.callback->when}};
                if (x.weblead)
                    j["weblead"] = {{"name", x.weblead->name},
                                    {"email", x.weblead->email},
                                    {"phone", x.weblead->phone},
                                    {"message", x.weblead->message}};
                return j;
            },
            [&](const ContactClaim& x) {
                auto j = with(x.cid);
                if (!x.contact.empty()) j["contact"] = x.contact;
                return j;
            },
            [&](const ContactSend& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["text"] = x.text;
                return j;
            },
            [&](const ContactReadMsg& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["up_to"] = x.up_to;
                return j;
            },
            [&](const ContactTyping& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["typing"] = x.typing;
                return j;
            },
            [&](const ContactPage& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["url"] = x.page.url;
                j["title"] = x.page.title;
                return j;
            },
            [&](const ContactColor& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["color"] = x.color;
                return j;
            },
            [&](const ContactLink& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["url"] = x.url;
                return j;
            },
            [&](const ContactChannel& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["channel"] = to_string(x.channel);
                j["state"] = to_string(x.state);
                return j;
            },
            [&](const ContactStop& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                if (x.outcome) j["outcome"] = to_string(*x.outcome);
                return j;
            },
            [&](const ContactResume& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["after"] = x.after;
                return j;
            },
            [&](const ContactMedia& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["action"] = to_string(x.action);
                if (x.action == CallAction::offer || x.action == CallAction::accept) j["video"] = x.video;
                if (x.reason) j["reason"] = to_string(*x.reason);
                return j;
            },
            [&](const ContactTranslate& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["language"] = x.language;
                return j;
            },
            [&](const ContactSignal& x) {
                auto j = with(x.cid);
                j["contact"] = x.contact;
                j["signal"] = signal_json(x.signal);
                return j;
            },
        },
        m));
}

std::string encode(const ServerMessage& m) {
    auto with = [&](const std::string& cid) { return envelope(type_of(m), cid); };
    return dump(std::visit(overloaded{
                               [&](const Welcome& x) {
                                   auto j = with(x.cid);
                                   j["token"] = x.token;
                                   j["agent"] = agent_json(x.agent);
                                   j["now"] = x.now;
                                   j["contacts"] = contacts_json(x.contacts);
                                   j["services"] = services_json(x.services);
                                   j["ice_servers"] = ice_json(x.ice_servers);
                                   j["ice_transport_policy"] = x.ice_transport_policy;
                                   j["files"] = file_limits_json(x.files);
                                   return j;
                               },
                               [&](const AgentUpdate& x) {
                                   auto j = with(x.cid);
                                   j["agent"] = agent_json(x.agent);
                                   return j;
                               },
                               [&](const Error& x) {
                                   auto j = with(x.cid);
                                   j["code"] = x.code;
                                   j["message"] = x.message;
                                   return j;
                               },
                               [&](const Pong& x) { return with(x.cid); },
                               [&](const VisitorWelcome& x) {
                                   auto j = with(x.cid);
                                   j["visitor"] = {{"id", x.visitor.id}, {"secret", x.visitor.secret}};
                                   j["returning"] = x.returning;
                                   j["now"] = x.now;
                                   j["contacts"] = contacts_json(x.contacts);
                                   j["services"] = services_json(x.services);
                                   j["ice_servers"] = ice_json(x.ice_servers);
                                   j["ice_transport_policy"] = x.ice_transport_policy;
                                   j["files"] = file_limits_json(x.files);
                                   return j;
                               },
                               [&](const QueueWaiting& x) {
                                   auto j = with("");
                                   j["now"] = x.now;
                                   j["count"] = x.contacts.size();
                                   j["contacts"] = contacts_json(x.contacts);
                                   return j;
                               },
                               [&](const QueueChanged& x) {
                                   auto j = with("");
                                   j["now"] = x.now;
                                   j["count"] = x.count;
                                   j["added"] = contacts_json(x.added);
                                   j["removed"] = x.removed;
                                   return j;
                               },
                               [&](const ContactSnapshot& x) {
                                   auto j = with(x.cid);
                                   j["now"] = x.now;
                                   j["contact"] = contact_json(x.contact);
                                   json events = json::array();
                                   for (const auto& e : x.events) events.push_back(event_fields(e));
                                   j["events"] = std::move(events);
                                   return j;
                               },
                               [&](const ContactEventMsg& x) {
                                   auto j = with(x.event.cid);
                                   j.update(event_fields(x.event));
                                   return j;
                               },
                               [&](const ContactTypingNotice& x) {
                                   auto j = with("");
                                   j["contact"] = x.contact;
                                   j["from"] = to_string(x.from);
                                   j["typing"] = x.typing;
                                   return j;
                               },
                               [&](const Ack& x) {
                                   auto j = with(x.cid);
                                   j["contact"] = x.contact;
                                   j["seq"] = x.seq;
                                   return j;
                               },
                               [&](const QueuePosition& x) {
                                   auto j = with("");
                                   j["contact"] = x.contact;
                                   j["position"] = x.position;
                                   return j;
                               },
                               [&](const ContactSignalNotice& x) {
                                   auto j = with("");
                                   j["contact"] = x.contact;
                                   j["from"] = to_string(x.from);
                                   j["signal"] = signal_json(x.signal);
                                   return j;
                               },
                           },
                           m));
}

std::string event_to_json(const ContactEvent& e) { return dump(event_fields(e)); }

std::string contact_event_frame(std::string_view event_json) {
    // An event's members never include "v" or "type" (body_into), so the two objects join without a clash.
    static const std::string head =
        R"({"v":)" + std::to_string(version) + R"(,"type":")" + std::string(type_of(ServerMessage{ContactEventMsg{}})) + '"';
    std::string frame;
    frame.reserve(head.size() + event_json.size() + 1);
    frame = head;
    if (event_json.size() > 2) frame += ',';
    frame.append(event_json.substr(1));
    return frame;
}

// [SECTION] Decoding -----------------------------------------------------------------------------------------

Expected<ClientMessage, DecodeError> decode_client(std::string_view frame) {
    std::string cid;
    return guarded<ClientMessage>(cid, [&]() -> Expected<ClientMessage, DecodeError> {
        auto [j, type] = open_envelope(frame, cid);
        Reader r(j);
        if (type == "agent.login") return ClientMessage{AgentLogin{cid, r.string("login", max_login), r.string("password", max_password)}};
        if (type == "agent.resume") return ClientMessage{AgentResume{cid, r.string("token", max_token)}};
        if (type == "agent.status") return ClientMessage{AgentSetStatus{cid, read_status(r)}};
        if (type == "agent.logout") return ClientMessage{AgentLogout{cid}};
        if (type == "ping") return ClientMessage{Ping{cid}};
        if (type == "visitor.hello") {
            VisitorHello h;
            h.cid = cid;
            if (const json* v = r.object("visitor", false)) {
                Reader vr(*v);
                h.visitor = VisitorIdentity{vr.string("id", max_id), vr.string("secret", max_secret)};
            }
            h.name = r.string("name", max_name, false);
            h.language = r.string("language", max_language, false);
            h.page = read_page(r.object("page", false));
            h.capabilities = read_capabilities(r.object("capabilities", false));
            return ClientMessage{std::move(h)};
        }
        if (type == "contact.request") {
            ContactRequestMsg q;
            q.cid = cid;
            q.service = r.string("service", max_id);
            q.type = r.enumeration<ContactType>("contact_type", contact_type_from, "chat, callback, call, video, weblead");
            q.name = r.string("name", max_name, false);
            q.agent = r.string("agent", max_id, false);
            q.page = read_page(r.object("page", false));
            q.callback = read_callback(r.object("callback", q.type == ContactType::callback), true);
            q.weblead = read_weblead(r.object("weblead", q.type == ContactType::weblead), true);
            return ClientMessage{std::move(q)};
        }
        if (type == "contact.claim") return ClientMessage{ContactClaim{cid, r.string("contact", max_id, false)}};
        if (type == "contact.send") {
            ContactSend s{cid, r.string("contact", max_id), r.string("text", max_text)};
            if (s.text.empty()) refuse_field("text", "must not be empty");
            return ClientMessage{std::move(s)};
        }
        if (type == "contact.read") return ClientMessage{ContactReadMsg{cid, r.string("contact", max_id), r.sequence("up_to")}};
        if (type == "contact.typing")
            return ClientMessage{ContactTyping{cid, r.string("contact", max_id), r.boolean("typing", false, true)}};
        if (type == "contact.page")
            return ClientMessage{ContactPage{cid, r.string("contact", max_id),
                                             Page{r.string("url", max_url), r.string("title", max_title, false)}}};
        if (type == "contact.color") {
            ContactColor c{cid, r.string("contact", max_id), r.string("color", 16)};
            if (!c.color.empty() && !is_color(c.color)) refuse_field("color", "must be #rrggbb or empty");
            return ClientMessage{std::move(c)};
        }
        if (type == "contact.link") {
            ContactLink l{cid, r.string("contact", max_id), r.string("url", max_url)};
            if (l.url.rfind("http://", 0) != 0 && l.url.rfind("https://", 0) != 0)
                refuse_field("url", "must start with http:// or https://");
            return ClientMessage{std::move(l)};
        }
        if (type == "contact.channel")
            return ClientMessage{ContactChannel{
                cid, r.string("contact", max_id),
                r.enumeration<Channel>("channel", channel_from, "chat, sharing, voice, video"),
                r.enumeration<ChannelState>("state", channel_state_from, "unavailable, available, connecting, active")}};
        if (type == "contact.stop") {
            ContactStop s{cid, r.string("contact", max_id), std::nullopt};
            if (r.has("outcome")) s.outcome = r.enumeration<Outcome>("outcome", outcome_from, "an outcome");
            return ClientMessage{std::move(s)};
        }
        if (type == "contact.resume")
            return ClientMessage{ContactResume{cid, r.string("contact", max_id), r.has("after") ? r.sequence("after") : 0}};
        if (type == "contact.media") {
            ContactMedia m{cid, r.string("contact", max_id),
                           r.enumeration<CallAction>("action", call_action_from,
                                                     "offer, accept, refuse, connected, hangup, failed"),
                           r.boolean("video", false), std::nullopt};
            if (m.action == CallAction::failed)
                m.reason = r.enumeration<CallFailure>("reason", call_failure_from,
                                                      "permission_denied, no_device, unsupported, network");
            return ClientMessage{std::move(m)};
        }
        if (type == "contact.signal") return ClientMessage{ContactSignal{cid, r.string("contact", max_id), read_signal(r)}};
        if (type == "contact.translate") {
            ContactTranslate t{cid, r.string("contact", max_id), r.string("language", max_language)};
            if (!std::all_of(t.language.begin(), t.language.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                }))
                refuse_field("language", "must be a language code like \"es\", or \"\" to turn translation off");
            return ClientMessage{std::move(t)};
        }
        unknown(type);
    });
}

Expected<ServerMessage, DecodeError> decode_server(std::string_view frame) {
    std::string cid;
    return guarded<ServerMessage>(cid, [&]() -> Expected<ServerMessage, DecodeError> {
        auto [j, type] = open_envelope(frame, cid);
        Reader r(j);
        if (type == "agent.welcome") {
            Welcome w{cid, r.string("token", max_token), read_agent(*r.object("agent", true)), 0, {}, {}, {}, "all"};
            if (r.has("now")) w.now = r.integer("now", 0, 1LL << 53);
            w.contacts = read_contacts(r, "contacts");
            w.services = read_services(r);
            w.ice_servers = read_ice_servers(r);
            w.ice_transport_policy = read_ice_policy(r);
            w.files = read_file_limits(r);
            return ServerMessage{std::move(w)};
        }
        if (type == "agent.update") return ServerMessage{AgentUpdate{cid, read_agent(*r.object("agent", true))}};
        if (type == "error") return ServerMessage{Error{cid, r.string("code", 64), r.string("message", 1024, false)}};
        if (type == "pong") return ServerMessage{Pong{cid}};
        if (type == "visitor.welcome") {
            const json* v = r.object("visitor", true);
            Reader vr(*v);
            VisitorWelcome w{cid, VisitorIdentity{vr.string("id", max_id), vr.string("secret", max_secret)},
                             r.boolean("returning", false), r.integer("now", 0, 1LL << 53), read_contacts(r, "contacts"),
                             read_services(r)};
            w.ice_servers = read_ice_servers(r);
            w.ice_transport_policy = read_ice_policy(r);
            w.files = read_file_limits(r);
            return ServerMessage{std::move(w)};
        }
        if (type == "queue.waiting")
            return ServerMessage{QueueWaiting{r.integer("now", 0, 1LL << 53), read_contacts(r, "contacts")}};
        if (type == "queue.changed")
            return ServerMessage{QueueChanged{r.integer("now", 0, 1LL << 53),
                                              static_cast<std::size_t>(r.integer("count", 0, 1LL << 31)),
                                              read_contacts(r, "added"), r.strings("removed", max_list, max_id)}};
        if (type == "contact.snapshot") {
            ContactSnapshot s{cid, r.integer("now", 0, 1LL << 53), read_contact(*r.object("contact", true)), {}};
            if (r.has("events"))
                for (const auto& e : r.array("events", 100000)) {
                    if (!e.is_object()) refuse_field("events", "must hold event objects");
                    s.events.push_back(read_event(e, Reader(e).string("cid", max_cid, false)));
                }
            return ServerMessage{std::move(s)};
        }
        if (type == "contact.event") return ServerMessage{ContactEventMsg{read_event(j, cid)}};
        if (type == "contact.typing")
            return ServerMessage{ContactTypingNotice{r.string("contact", max_id), read_party(r), r.boolean("typing", false, true)}};
        if (type == "queue.position")
            return ServerMessage{QueuePosition{r.string("contact", max_id),
                                               static_cast<std::size_t>(r.integer("position", 1, 1LL << 31))}};
        if (type == "contact.signal")
            return ServerMessage{ContactSignalNotice{r.string("contact", max_id), read_party(r), read_signal(r)}};
        if (type == "ack") return ServerMessage{Ack{cid, r.string("contact", max_id, false), r.has("seq") ? r.sequence("seq") : 0}};
        unknown(type);
    });
}

Expected<ContactEvent, DecodeError> event_from_json(std::string_view text) {
    std::string cid;
    return guarded<ContactEvent>(cid, [&]() -> Expected<ContactEvent, DecodeError> {
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) throw Refusal{code::bad_json, "event is not a JSON object"};
        return read_event(j, Reader(j).string("cid", max_cid, false));
    });
}

} // namespace sb::protocol
