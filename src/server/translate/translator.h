// Automatic translation of chat messages, as the contact hub sees it: which languages can be translated into
// which, and an asynchronous translate(). The real one runs Apertium (apertium.h); hub tests use a fake.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace sb::server::translate {

struct Result {
    bool ok = false;
    std::string text;  // the translation, when ok
    std::string error; // why not, for the log
};

class Translator {
  public:
    using Done = std::function<void(Result)>;
    virtual ~Translator() = default;

    // Whether text in `from` can be translated into `to` (language codes like "en", "es"). Thread-safe.
    virtual bool can_translate(const std::string& from, const std::string& to) const = 0;
    // The languages that `language` can be translated into AND back from: what a contact of a service in that
    // language may be switched to. Sorted; never contains `language` itself.
    std::vector<std::string> both_ways(const std::string& language) const;
    // Every language this translator knows (either side of a direction), sorted.
    virtual std::vector<std::string> languages() const = 0;

    // Queues one translation. `done` is called exactly once, later, never from inside translate(): on the
    // thread the implementation documents (the io thread for the server's).
    virtual void translate(const std::string& from, const std::string& to, std::string text, Done done) = 0;
};

// "pt-BR" -> "pt": translation directions are between primary language subtags.
std::string primary_language(const std::string& tag);

} // namespace sb::server::translate
