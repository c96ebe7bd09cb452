// The HTTP side of files (docs/protocol.md, "Files"): POST /files?contact=<id> (an upload, its body streamed
// to disk under the size limit), GET and HEAD /files/<id>/<name>?key=<key> (a download), OPTIONS (CORS
// preflight: the widget runs on other sites). HttpSession hands such a request over once its header is read;
// the connection comes back to a new HttpSession when it may stay open.
#pragma once
#include "server/net/context.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <string_view>

namespace sb::server::net_detail {

// Whether a request path (without its query) is one of the files endpoints: /files or under /files/.
bool is_files_path(std::string_view path);

// Takes over the connection for one files request whose header `parser` has read (its body not yet).
void serve_files(boost::beast::tcp_stream&& stream, boost::beast::flat_buffer&& buffer,
                 boost::beast::http::request_parser<boost::beast::http::string_body>&& parser, NetContext& ctx);

} // namespace sb::server::net_detail
