// Widget buffers and view-only settings: what the agent is typing, which popup is open. Not console state.
#pragma once
#include <array>

namespace sb::console {

struct UiState {
    std::array<char, 65> login{};
    std::array<char, 257> password{};
    bool focus_login = true; // put the cursor in the login field on the next frame
};

} // namespace sb::console
