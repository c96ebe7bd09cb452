#include "console/flags.h"

namespace sb::console {

std::optional<std::string> flag_code(std::string_view country) {
    if (country.size() != 2) return std::nullopt;
    std::string code;
    for (char ch : country) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (ch < 'a' || ch > 'z') return std::nullopt;
        code += ch;
    }
    return code;
}

} // namespace sb::console
