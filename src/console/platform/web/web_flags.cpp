#include "console/platform/web/web_flags.h"

#include <nlohmann/json.hpp>

extern "C" {
// web/console-glue.js
void sb_glue_flag_load(const char* code);
int sb_glue_flag_upload(unsigned texture, const char* code);
}

namespace sb::console::web {

FlagImage WebFlags::flag(std::string_view country) {
    const auto code = flag_code(country);
    if (!code) return {}; // not a two-letter code: never fetched
    auto it = flags_.find(*code);
    if (it == flags_.end()) {
        flags_.emplace(*code, Entry{});
        sb_glue_flag_load(code->c_str()); // reports back later through loaded() / missing()
        return {};
    }
    return it->second.state == State::ready ? it->second.image : FlagImage{};
}

bool WebFlags::loaded(std::string_view code, int width, int height) {
    auto it = flags_.find(code);
    if (it == flags_.end() || it->second.state != State::loading) return false;
    Entry& e = it->second;
    const GLuint texture = width > 0 && height > 0 ? renderer_.create_texture() : 0;
    if (!texture || !sb_glue_flag_upload(texture, it->first.c_str())) {
        renderer_.delete_texture(texture);
        e.state = State::missing;
        return true;
    }
    e.state = State::ready;
    e.image = FlagImage{texture, width, height};
    return true;
}

bool WebFlags::missing(std::string_view code) {
    auto it = flags_.find(code);
    if (it == flags_.end() || it->second.state != State::loading) return false;
    it->second.state = State::missing;
    return true;
}

std::string WebFlags::json() const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [code, e] : flags_) {
        nlohmann::json j{{"state", e.state == State::ready     ? "ready"
                                   : e.state == State::loading ? "loading"
                                                               : "missing"}};
        if (e.state == State::ready) {
            j["texture"] = e.image.texture;
            j["width"] = e.image.width;
            j["height"] = e.image.height;
        }
        out[code] = std::move(j);
    }
    return out.dump();
}

} // namespace sb::console::web
