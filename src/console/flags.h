// Country flags for the customer's country (ISO 3166 alpha-2, from GeoIP): the platform keeps each flag in a
// GL texture that views draw with ImGui. In the browser a flag is fetched the first time a view asks for it
// (console/flags/xx.png, staged from Debian's famfamfam-flag-png); headless tests give a fake; without any,
// views show the code as text.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::console {

struct FlagImage {
    std::uintptr_t texture = 0; // an ImTextureID; 0: no flag (not loaded yet, or none for this code)
    int width = 0, height = 0;
};

class Flags {
  public:
    virtual ~Flags() = default;
    // The flag of a country code as the server sends it ("IT"). The first ask for a code may start loading
    // it: until it is there, and for codes without a flag, the texture is 0.
    virtual FlagImage flag(std::string_view country) = 0;
};

// The file name part of a country's flag: "IT" -> "it". Only two letters A-Z / a-z make one: anything else
// (an empty or unknown-looking code, a path) has no flag and is never fetched.
std::optional<std::string> flag_code(std::string_view country);

} // namespace sb::console
