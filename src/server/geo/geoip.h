// Country of a visitor's address, from Tor's GeoIP tables (Debian package tor-geoipdb:
// /usr/share/tor/geoip and geoip6, lines "first,last,CC"), and the visitor's address behind trusted proxies.
#pragma once
#include "core/expected.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::server::geo {

// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into ::ffff:0:0/96), so both compare alike.
using Address = std::array<std::uint8_t, 16>;
std::optional<Address> parse_address(std::string_view text); // "1.2.3.4", "2001:db8::1", "::ffff:1.2.3.4"

class GeoIp {
  public:
    // Reads the IPv4 table (integers) and the IPv6 table (addresses); either path may be empty.
    static Expected<GeoIp, std::string> load(const std::string& ipv4_path, const std::string& ipv6_path);
    // Parses tables from text, for tests and for loading.
    void add_ipv4_table(std::string_view text);
    void add_ipv6_table(std::string_view text);

    // ISO 3166 alpha-2 code, or "" when unknown (private ranges, "??" entries, unparsable input).
    std::string country(std::string_view address) const;
    std::size_t ranges() const { return ranges_.size(); }

  private:
    struct Range {
        Address first, last;
        std::array<char, 2> code;
    };
    void finish(); // sorts after loading
    std::vector<Range> ranges_;
};

// A network "10.0.0.0/8", "2001:db8::/32" or a single address.
struct Network {
    Address base{};
    int prefix = 128;
    static std::optional<Network> parse(std::string_view text);
    bool contains(const Address& a) const;
};

// The visitor's address: the peer's, unless the peer is a trusted proxy; then X-Forwarded-For is read from
// the right, skipping trusted proxies, and the first untrusted address is the visitor's. Garbage in the
// header stops the walk at the last trusted hop (a client cannot forge its way past our own proxies).
std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           const std::vector<Network>& trusted_proxies);

} // namespace sb::server::geo
