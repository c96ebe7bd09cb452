// JSON codec for protocol v1. Decoding validates everything: a frame from outside is never trusted.
#pragma once
#include "core/expected.h"
#include "protocol/messages.h"

#include <string>
#include <string_view>

namespace sb::protocol {

// Field length limits (bytes of UTF-8). Longer values are refused with code bad_field.
inline constexpr std::size_t max_cid = 64;
inline constexpr std::size_t max_login = 64;
inline constexpr std::size_t max_password = 256;
inline constexpr std::size_t max_token = 128;
inline constexpr std::size_t max_name = 128;
inline constexpr std::size_t max_id = 64;        // contact, service, site, agent ids
inline constexpr std::size_t max_secret = 128;   // visitor secret
inline constexpr std::size_t max_language = 16;
inline constexpr std::size_t max_url = 2048;
inline constexpr std::size_t max_title = 512;
inline constexpr std::size_t max_text = 4000;    // a chat message, a weblead message
inline constexpr std::size_t max_translated = 8000; // a chat message's translation (may be longer)
inline constexpr std::size_t max_phone = 32;
inline constexpr std::size_t max_email = 254;
inline constexpr std::size_t max_file_name = 255; // a file's name (docs/protocol.md, "Files")
inline constexpr std::size_t max_file_type = 255; // a MIME type
inline constexpr std::size_t max_list = 1000;    // contacts in one list, events in one snapshot (decoding)

struct DecodeError {
    std::string cid; // the frame's cid, when it could be read
    std::string code;
    std::string message;
};

std::string encode(const ClientMessage& m);
std::string encode(const ServerMessage& m);

Expected<ClientMessage, DecodeError> decode_client(std::string_view frame);
Expected<ServerMessage, DecodeError> decode_server(std::string_view frame);

// A contact event alone as a JSON object (the fields of a contact.event frame without "v" and "type"), for
// storing events; and back.
std::string event_to_json(const ContactEvent& e);
Expected<ContactEvent, DecodeError> event_from_json(std::string_view json);
// The contact.event frame of an event already in that form (event_to_json's output): the same members as
// encode(ServerMessage{ContactEventMsg{e}}), without building the event again.
std::string contact_event_frame(std::string_view event_json);

// The error message a server sends for a frame it could not decode.
inline Error to_error(const DecodeError& e) { return Error{e.cid, e.code, e.message}; }

} // namespace sb::protocol
