// Server log: one line per event on stderr, prefixed with the UTC time. Never log passwords or tokens.
#pragma once
#include <string_view>

namespace sb::server {

void log_line(std::string_view text);

} // namespace sb::server
