#include "server/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace sb::server {

void log_line(std::string_view text) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::string line = std::string(stamp) + " " + std::string(text) + "\n";
    std::fputs(line.c_str(), stderr);
}

} // namespace sb::server
