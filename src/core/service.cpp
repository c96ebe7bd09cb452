#include "core/service.h"

#include <algorithm>

namespace sb {

bool Service::allows(ContactType t) const { return std::find(media.begin(), media.end(), t) != media.end(); }

bool is_color(std::string_view s) {
    if (s.size() != 7 || s[0] != '#') return false;
    return std::all_of(s.begin() + 1, s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

std::string_view service_problem(const Service& s) {
    if (s.id.empty()) return "service id is empty";
    if (s.dissuasion <= Duration::zero()) return "dissuasion time must be positive";
    if (s.media.empty()) return "service offers no contact type";
    if (!s.color.empty() && !is_color(s.color)) return "default color is not #rrggbb";
    return {};
}

} // namespace sb
