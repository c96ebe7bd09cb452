#include "protocol/codec.h"

#include <nlohmann/json.hpp>

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

class Reader {
  public:
    explicit Reader(const json& j) : j_(j) {}

    std::string string(const char* key, std::size_t max_len, bool required = true) const {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) {
            if (required) throw Refusal{code::bad_field, std::string("missing field \"") + key + "\""};
            return {};
        }
        if (!it->is_string()) throw Refusal{code::bad_field, std::string("field \"") + key + "\" must be a string"};
        const auto& s = it->get_ref<const std::string&>();
        if (s.size() > max_len)
            throw Refusal{code::bad_field,
                          std::string("field \"") + key + "\" is longer than " + std::to_string(max_len) + " bytes"};
        return s;
    }

    std::vector<std::string> strings(const char* key, std::size_t max_items, std::size_t max_len) const {
        std::vector<std::string> out;
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) return out;
        if (!it->is_array() || it->size() > max_items)
            throw Refusal{code::bad_field, std::string("field \"") + key + "\" must be an array of strings"};
        for (const auto& e : *it) {
            if (!e.is_string() || e.get_ref<const std::string&>().size() > max_len)
                throw Refusal{code::bad_field, std::string("field \"") + key + "\" must be an array of strings"};
            out.push_back(e.get<std::string>());
        }
        return out;
    }

    long long integer(const char* key, long long min, long long max) const {
        auto it = j_.find(key);
        if (it == j_.end() || !it->is_number_integer())
            throw Refusal{code::bad_field, std::string("field \"") + key + "\" must be an integer"};
        auto v = it->get<long long>();
        if (v < min || v > max) throw Refusal{code::bad_field, std::string("field \"") + key + "\" is out of range"};
        return v;
    }

    const json& object(const char* key) const {
        auto it = j_.find(key);
        if (it == j_.end() || !it->is_object())
            throw Refusal{code::bad_field, std::string("field \"") + key + "\" must be an object"};
        return *it;
    }

  private:
    const json& j_;
};

AgentStatus read_status(const Reader& r) {
    auto s = agent_status_from(r.string("status", 16));
    if (!s) throw Refusal{code::bad_field, "field \"status\" must be ready, paused or offline"};
    return *s;
}

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
    a.languages = r.strings("languages", 64, 16);
    a.capacity = static_cast<int>(r.integer("capacity", 0, 1000));
    return a;
}

json envelope(std::string_view type, const std::string& cid) {
    json j{{"v", version}, {"type", type}};
    if (!cid.empty()) j["cid"] = cid;
    return j;
}

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

template <class T, class F> Expected<T, DecodeError> guarded(std::string_view frame, F&& body) {
    std::string cid;
    try {
        auto [j, type] = open_envelope(frame, cid);
        return body(j, type, cid);
    } catch (const Refusal& r) {
        return unexpected(DecodeError{cid, r.code, r.message});
    } catch (const json::exception& e) {
        return unexpected(DecodeError{cid, code::bad_field, e.what()});
    }
}

} // namespace

std::string_view type_of(const ClientMessage& m) {
    return std::visit(overloaded{
                          [](const AgentLogin&) { return "agent.login"; },
                          [](const AgentResume&) { return "agent.resume"; },
                          [](const AgentSetStatus&) { return "agent.status"; },
                          [](const AgentLogout&) { return "agent.logout"; },
                          [](const Ping&) { return "ping"; },
                      },
                      m);
}

std::string_view type_of(const ServerMessage& m) {
    return std::visit(overloaded{
                          [](const Welcome&) { return "agent.welcome"; },
                          [](const AgentUpdate&) { return "agent.update"; },
                          [](const Error&) { return "error"; },
                          [](const Pong&) { return "pong"; },
                      },
                      m);
}

std::string encode(const ClientMessage& m) {
    return std::visit(overloaded{
                          [&](const AgentLogin& x) {
                              auto j = envelope(type_of(m), x.cid);
                              j["login"] = x.login;
                              j["password"] = x.password;
                              return j;
                          },
                          [&](const AgentResume& x) {
                              auto j = envelope(type_of(m), x.cid);
                              j["token"] = x.token;
                              return j;
                          },
                          [&](const AgentSetStatus& x) {
                              auto j = envelope(type_of(m), x.cid);
                              j["status"] = to_string(x.status);
                              return j;
                          },
                          [&](const AgentLogout& x) { return envelope(type_of(m), x.cid); },
                          [&](const Ping& x) { return envelope(type_of(m), x.cid); },
                      },
                      m)
        .dump();
}

std::string encode(const ServerMessage& m) {
    return std::visit(overloaded{
                          [&](const Welcome& x) {
                              auto j = envelope(type_of(m), x.cid);
                              j["token"] = x.token;
                              j["agent"] = agent_json(x.agent);
                              return j;
                          },
                          [&](const AgentUpdate& x) {
                              auto j = envelope(type_of(m), x.cid);
                              j["agent"] = agent_json(x.agent);
                              return j;
                          },
                          [&](const Error& x) {
                              auto j = envelope(type_of(m), x.cid);
                              j["code"] = x.code;
                              j["message"] = x.message;
                              return j;
                          },
                          [&](const Pong& x) { return envelope(type_of(m), x.cid); },
                      },
                      m)
        .dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<ClientMessage, DecodeError> decode_client(std::string_view frame) {
    return guarded<ClientMessage>(frame, [](const json& j, const std::string& type,
                                            const std::string& cid) -> Expected<ClientMessage, DecodeError> {
        Reader r(j);
        if (type == "agent.login") return ClientMessage{AgentLogin{cid, r.string("login", max_login), r.string("password", max_password)}};
        if (type == "agent.resume") return ClientMessage{AgentResume{cid, r.string("token", max_token)}};
        if (type == "agent.status") return ClientMessage{AgentSetStatus{cid, read_status(r)}};
        if (type == "agent.logout") return ClientMessage{AgentLogout{cid}};
        if (type == "ping") return ClientMessage{Ping{cid}};
        throw Refusal{code::unknown_type, "unknown message type \"" + type.substr(0, 64) + "\""};
    });
}

Expected<ServerMessage, DecodeError> decode_server(std::string_view frame) {
    return guarded<ServerMessage>(frame, [](const json& j, const std::string& type,
                                            const std::string& cid) -> Expected<ServerMessage, DecodeError> {
        Reader r(j);
        if (type == "agent.welcome") return ServerMessage{Welcome{cid, r.string("token", max_token), read_agent(r.object("agent"))}};
        if (type == "agent.update") return ServerMessage{AgentUpdate{cid, read_agent(r.object("agent"))}};
        if (type == "error") return ServerMessage{Error{cid, r.string("code", 64), r.string("message", 1024, false)}};
        if (type == "pong") return ServerMessage{Pong{cid}};
        throw Refusal{code::unknown_type, "unknown message type \"" + type.substr(0, 64) + "\""};
    });
}

} // namespace sb::protocol
