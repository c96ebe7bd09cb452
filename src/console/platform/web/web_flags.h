// Country flags in the browser: the Flags the views ask, over images that JS fetches from
// console/flags/xx.png (web/switchboard.js, host.loadFlag) and uploads into GL textures like video frames
// (web/console-glue.js). A flag is fetched the first time a view draws its country, once; until it has
// loaded, and for a code without a flag, views show the code.
#pragma once
#include "console/flags.h"
#include "console/platform/web/renderer_webgl2.h"

#include <map>
#include <string>
#include <string_view>

namespace sb::console::web {

class WebFlags final : public Flags {
  public:
    explicit WebFlags(Renderer& renderer) : renderer_(renderer) {}

    FlagImage flag(std::string_view country) override;
    // JS's reports: the image of a code asked for has loaded (its size), or cannot be had. Return false when
    // the code was never asked for (nothing changes).
    bool loaded(std::string_view code, int width, int height);
    bool missing(std::string_view code);
    // {"it":{"state":"ready","texture":3,"width":16,"height":11},"zz":{"state":"missing"},...} (the bridge's
    // flags())
    std::string json() const;

  private:
    enum class State { loading, ready, missing };
    struct Entry {
        State state = State::loading;
        FlagImage image;
    };
    Renderer& renderer_;
    std::map<std::string, Entry, std::less<>> flags_; // by lower-case code
};

} // namespace sb::console::web
