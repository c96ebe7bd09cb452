// The agent's file uploads in the console's state, and the checks a picked file passes before it is sent: the
// limits the server applies (agent.welcome "files", docs/protocol.md "Files"), so the agent learns at once
// that a file is too big instead of after sending it.
#pragma once
#include "core/console_state.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sb::console {

// "" when the file may be sent; otherwise why not, for the agent ("report.zip is 12.4 MB: the limit is 10 MB").
std::string upload_problem(const protocol::FileLimits& limits, const std::string& name, std::uint64_t size,
                           std::string_view type);
// Whether a MIME type (parameters and case ignored) is one of `types` ("type/subtype", or "type/*").
bool file_type_allowed(const std::vector<std::string>& types, std::string_view type);
// "812 bytes", "1.5 KB", "12.4 MB", "200 KB" (one decimal below 100, none when it is 0; 1 KB = 1024 bytes).
std::string format_bytes(std::uint64_t n);
// Why an upload failed, for the agent, from the server's answer: its HTTP status (0: no answer, the network
// failed) and its JSON body {"code","message"}.
std::string upload_error(int status, std::string_view body, const protocol::FileLimits& limits);

// Reducer steps (reduce() in console_state.cpp calls them).
void apply_upload(ConsoleState& s, const event::UploadStarted& e);
void apply_upload(ConsoleState& s, const event::UploadProgress& e);
void apply_upload(ConsoleState& s, const event::UploadEnded& e);
void apply_upload(ConsoleState& s, const event::UploadRefused& e);
void apply_upload(ConsoleState& s, const event::UploadDismissed& e);

// A held contact's upload for to_json(): null, or {"name","size","sent","state","error"}.
nlohmann::json upload_json(const HeldContact& h);

} // namespace sb::console
