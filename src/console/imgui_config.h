// Dear ImGui build configuration for Switchboard (IMGUI_USER_CONFIG), the same for every translation unit.
#pragma once

// 32-bit indices: long lists never overflow, and WebGL2 draws UNSIGNED_INT indices without a base vertex.
#define ImDrawIdx unsigned int
#define IMGUI_DISABLE_OBSOLETE_FUNCTIONS
#define IMGUI_DISABLE_OBSOLETE_KEYIO
// 32-bit characters: emoji and every other code point beyond U+FFFF survive input and rendering.
#define IMGUI_USE_WCHAR32

#ifdef SB_IMGUI_ASSERTS_THROW
// Native test builds: a Begin/End or ID mistake fails the test instead of aborting the process.
#include <stdexcept>
namespace sb {
struct ImGuiAssertion : std::logic_error {
    using std::logic_error::logic_error;
};
} // namespace sb
#define IM_ASSERT(expr)                                                                                        \
    do {                                                                                                       \
        if (!(expr)) throw ::sb::ImGuiAssertion("IM_ASSERT failed: " #expr);                                  \
    } while (0)
#endif
