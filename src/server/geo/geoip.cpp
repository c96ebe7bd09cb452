#include "server/geo/geoip.h"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <fstream>
#include <sstream>

namespace sb::server::geo {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

Address from_ipv4(std::uint32_t v) {
    Address a{};
    a[10] = a[11] = 0xff;
    a[12] = static_cast<std::uint8_t>(v >> 24);
    a[13] = static_cast<std::uint8_t>(v >> 16);
    a[14] = static_cast<std::uint8_t>(v >> 8);
    a[15] = static_cast<std::uint8_t>(v);
    return a;
}

bool is_mapped_ipv4(const Address& a) {
    for (int i = 0; i < 10; ++i)
        if (a[i]) return false;
    return a[10] == 0xff && a[11] == 0xff;
}

// Calls f(line) for each non-comment line.
template <class F> void each_line(std::string_view text, F f) {
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        line = trim(line);
        if (!line.empty() && line.front() != '#') f(line);
    }
}

bool split3(std::string_view line, std::string_view& a, std::string_view& b, std::string_view& c) {
    auto p1 = line.find(','), p2 = line.rfind(',');
    if (p1 == std::string_view::npos || p1 == p2) return false;
    a = trim(line.substr(0, p1));
    b = trim(line.substr(p1 + 1, p2 - p1 - 1));
    c = trim(line.substr(p2 + 1));
    return c.size() == 2;
}

Expected<std::string, std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected(std::string("cannot read GeoIP table ") + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

std::optional<Address> parse_address(std::string_view text) {
    text = trim(text);
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() > 64) return std::nullopt;
    const std::string s(text);
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) return from_ipv4(ntohl(v4.s_addr));
    Address a{};
    if (inet_pton(AF_INET6, s.c_str(), a.data()) == 1) return a;
    return std::nullopt;
}

Expected<GeoIp, std::string> GeoIp::load(const std::string& ipv4_path, const std::string& ipv6_path) {
    GeoIp g;
    if (!ipv4_path.empty()) {
        auto text = read_file(ipv4_path);
        if (!text) return unexpected(text.error());
        g.add_ipv4_table(*text);
    }
    if (!ipv6_path.empty()) {
        auto text = read_file(ipv6_path);
        if (!text) return unexpected(text.error());
        g.add_ipv6_table(*text);
    }
    return g;
}

void GeoIp::add_ipv4_table(std::string_view text) {
    each_line(text, [&](std::string_view line) {
        std::string_view a, b, c;
        if (!split3(line, a, b, c)) return;
        std::uint32_t first = 0, last = 0;
        if (std::from_chars(a.data(), a.data() + a.size(), first).ec != std::errc{}) return;
        if (std::from_chars(b.data(), b.data() + b.size(), last).ec != std::errc{}) return;
        if (c == "??" || last < first) return;
        ranges_.push_back(Range{from_ipv4(first), from_ipv4(last), {c[0], c[1]}});
    });
    finish();
}

void GeoIp::add_ipv6_table(std::string_view text) {
    each_line(text, [&](std::string_view line) {
        std::string_view a, b, c;
        if (!split3(line, a, b, c) || c == "??") return;
        auto first = parse_address(a), last = parse_address(b);
        if (!first || !last || *last < *first) return;
        ranges_.push_back(Range{*first, *last, {c[0], c[1]}});
    });
    finish();
}

void GeoIp::finish() {
    std::sort(ranges_.begin(), ranges_.end(), [](const Range& x, const Range& y) { return x.first < y.first; });
}

std::string GeoIp::country(std::string_view address) const {
    auto a = parse_address(address);
    if (!a) return {};
    // The last range starting at or before the address.
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), *a,
                               [](const Address& v, const Range& r) { return v < r.first; });
    if (it == ranges_.begin()) return {};
    --it;
    if (*a > it->last) return {};
    return std::string(it->code.data(), 2);
}

std::optional<Network> Network::parse(std::string_view text) {
    text = trim(text);
    auto slash = text.find('/');
    auto base = parse_address(text.substr(0, slash));
    if (!base) return std::nullopt;
    Network n{*base, 128};
    if (slash != std::string_view::npos) {
        auto p = text.substr(slash + 1);
        int prefix = -1;
        if (std::from_chars(p.data(), p.data() + p.size(), prefix).ec != std::errc{}) return std::nullopt;
        const bool v4 = is_mapped_ipv4(*base) && text.substr(0, slash).find(':') == std::string_view::npos;
        if (prefix < 0 || prefix > (v4 ? 32 : 128)) return std::nullopt;
        n.prefix = v4 ? prefix + 96 : prefix;
    }
    return n;
}

bool Network::contains(const Address& a) const {
    int bits = prefix;
    for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((a[i] & mask) != (base[i] & mask)) return false;
    }
    return true;
}

std::string client_address(std::string_view peer, std::string_view xff, const std::vector<Network>& trusted) {
    auto is_trusted = [&](const Address& a) {
        return std::any_of(trusted.begin(), trusted.end(), [&](const Network& n) { return n.contains(a); });
    };
    auto peer_address = parse_address(peer);
    if (!peer_address || !is_trusted(*peer_address) || trim(xff).empty()) return std::string(trim(peer));
    std::string current(trim(peer));
    while (!xff.empty()) {
        auto comma = xff.rfind(',');
        std::string_view hop = trim(comma == std::string_view::npos ? xff : xff.substr(comma + 1));
        xff = comma == std::string_view::npos ? std::string_view{} : xff.substr(0, comma);
        auto a = parse_address(hop);
        if (!a) return current; // garbage: stop at the last hop we could trust
        current = std::string(hop);
        if (!is_trusted(*a)) return current;
    }
    return current;
}

} // namespace sb::server::geo
