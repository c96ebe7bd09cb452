#include "server/geo/geoip.h"

#include <filesystem>
#include <gtest/gtest.h>

using namespace sb::server::geo;

namespace {
GeoIp sample() {
    GeoIp g;
    g.add_ipv4_table("# comment\n"
                     "16777216,16777471,AU\n"   // 1.0.0.0 - 1.0.0.255
                     "149684224,159449087,US\n" // 8.236.0.0 - 9.127.255.255
                     "15726992,15726999,??\n"
                     "garbage line\n"
                     "3232235520,3232301055,IT\n"); // 192.168.0.0/16 (for the test only)
    g.add_ipv6_table("2001:2::,2001:2:0:ffff:ffff:ffff:ffff:ffff,JP\n"
                     "2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,IE\n");
    return g;
}

std::vector<Network> nets(std::initializer_list<const char*> list) {
    std::vector<Network> out;
    for (auto s : list) out.push_back(*Network::parse(s));
    return out;
}
} // namespace

TEST(GeoIp, FindsTheCountryOfIpv4AndIpv6Addresses) {
    GeoIp g = sample();
    EXPECT_EQ(g.country("1.0.0.0"), "AU");
    EXPECT_EQ(g.country("1.0.0.255"), "AU");
    EXPECT_EQ(g.country("1.0.1.0"), "");
    EXPECT_EQ(g.country("9.9.9.9"), "US");
    EXPECT_EQ(g.country("2001:2::1"), "JP");
    EXPECT_EQ(g.country("2a00:1450:4001::5"), "IE");
    EXPECT_EQ(g.country("[2001:2::1]"), "JP");
    EXPECT_EQ(g.country("::ffff:9.9.9.9"), "US");
}

TEST(GeoIp, UnknownUnassignedOrGarbageIsEmpty) {
    GeoIp g = sample();
    EXPECT_EQ(g.country("0.239.250.145"), ""); // a "??" range
    EXPECT_EQ(g.country("not an address"), "");
    EXPECT_EQ(g.country(""), "");
    EXPECT_EQ(g.country("300.1.1.1"), "");
    EXPECT_EQ(g.country("2001:db8::1"), "");
    EXPECT_EQ(g.ranges(), 5u);
}

TEST(GeoIp, ReadsDebiansTorGeoipTables) {
    const std::string v4 = "/usr/share/tor/geoip", v6 = "/usr/share/tor/geoip6";
    ASSERT_TRUE(std::filesystem::exists(v4)) << "scripts/setup installs tor-geoipdb";
    auto g = GeoIp::load(v4, v6);
    ASSERT_TRUE(g) << g.error();
    EXPECT_GT(g->ranges(), 100000u);
    EXPECT_EQ(g->country("8.8.8.8"), "US");
    EXPECT_EQ(g->country("127.0.0.1"), "");
    EXPECT_FALSE(GeoIp::load("/nonexistent/geoip", ""));
}

TEST(ClientAddress, UsesThePeerWhenItIsNotATrustedProxy) {
    auto trusted = nets({"10.0.0.0/8"});
    EXPECT_EQ(client_address("203.0.113.9", "1.2.3.4", trusted), "203.0.113.9");
    EXPECT_EQ(client_address("203.0.113.9", "", {}), "203.0.113.9");
}

TEST(ClientAddress, WalksForwardedForFromTheRightPastTrustedProxies) {
    auto trusted = nets({"10.0.0.0/8", "192.0.2.7", "fd00::/8"});
    EXPECT_EQ(client_address("10.1.2.3", "198.51.100.1", trusted), "198.51.100.1");
    // The visitor forged a first hop; the right-most untrusted address is the visitor's.
    EXPECT_EQ(client_address("10.1.2.3", "6.6.6.6, 198.51.100.1, 192.0.2.7", trusted), "198.51.100.1");
    EXPECT_EQ(client_address("fd00::1", "2001:2::9", trusted), "2001:2::9");
    // Garbage stops at the last trusted hop.
    EXPECT_EQ(client_address("10.1.2.3", "nonsense", trusted), "10.1.2.3");
    EXPECT_EQ(client_address("10.1.2.3", "1.1.1.1, junk, 10.9.9.9", trusted), "10.9.9.9");
}

TEST(Network, ParsesPrefixesAndMatches) {
    auto n = Network::parse("192.168.0.0/16");
    ASSERT_TRUE(n);
    EXPECT_TRUE(n->contains(*parse_address("192.168.4.1")));
    EXPECT_FALSE(n->contains(*parse_address("192.169.0.1")));
    EXPECT_FALSE(Network::parse("10.0.0.0/33"));
    EXPECT_FALSE(Network::parse("nope/8"));
    auto v6 = Network::parse("2001:db8::/32");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->contains(*parse_address("2001:db8:1::1")));
    EXPECT_FALSE(v6->contains(*parse_address("2001:db9::1")));
}
