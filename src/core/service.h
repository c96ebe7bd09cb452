// Services: what a visitor asks help for. A service decides who may answer (main tags), how long a visitor may
// wait (dissuasion), which contact types it offers, and the colour its contacts start with.
#pragma once
#include "core/clock.h"
#include "core/media.h"

#include <string>
#include <string_view>
#include <vector>

namespace sb {

struct Service {
    std::string id;
    std::string name;
    std::string language;               // service language shown to agents, e.g. "en", "it"
    std::vector<std::string> main_tags; // an eligible agent holds every one of them
    Duration dissuasion{std::chrono::seconds(60)}; // maximum waiting time of a pending contact; > 0
    std::string color;                  // default contact colour "#rrggbb", or empty for none
    std::vector<ContactType> media{ContactType::chat}; // contact types the service offers
    std::string site_id;                // the site whose widget shows this service

    bool allows(ContactType t) const;
    bool operator==(const Service&) const = default;
};

// "#rrggbb" (hex digits, either case).
bool is_color(std::string_view s);

// Why a service definition is unusable (empty id, dissuasion not positive, no media, bad colour), or empty.
std::string_view service_problem(const Service& s);

} // namespace sb
