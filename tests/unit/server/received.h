// What a scripted connection of the server's unit tests received (the hub's messages, decoded), and the
// usual questions about it. Each test's connection type adds its own (waiting list, file events...).
#pragma once
#include "protocol/messages.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace sb::test {

struct Received {
    std::vector<protocol::ServerMessage> got;

    template <class T> std::vector<T> all() const {
        std::vector<T> out;
        for (const auto& m : got)
            if (auto* x = std::get_if<T>(&m)) out.push_back(*x);
        return out;
    }
    // The latest message of type T; a test failure and T{} when none came.
    template <class T> T last() const {
        auto v = all<T>();
        EXPECT_FALSE(v.empty()) << "no message of the expected type; got " << got.size() << " messages";
        return v.empty() ? T{} : v.back();
    }
    template <class T> bool has() const { return !all<T>().empty(); }
    // The contact events, live ones only (not those in snapshots), in order.
    std::vector<protocol::ContactEvent> events() const {
        std::vector<protocol::ContactEvent> out;
        for (const auto& e : all<protocol::ContactEventMsg>()) out.push_back(e.event);
        return out;
    }
    void clear() { got.clear(); }
};

} // namespace sb::test
