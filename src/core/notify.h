// Notifications of the agent console: which changes of the console state deserve a sound and a desktop
// notification, and when to repeat them. Pure: the App feeds it the state and what the agent can see, and the
// platform performs the alerts it returns (WebAudio beep, Notification API).
//
// Rules:
//  - a contact that starts waiting for this agent (a new id in the waiting list) alerts at once, unless the
//    pending drawer is open and the page visible (the agent is looking at it);
//  - while a waiting contact has not been seen (the drawer not opened, with the page visible, since it
//    arrived), a reminder repeats every reminder_ms; taking it, or it leaving the queue, stops that;
//  - a visitor's new message in a held contact alerts when its panel is not in view (collapsed, or the page
//    hidden); the messages already there when the contact is first held do not;
//  - a visitor's call offered on a held contact rings once (a Call / Video Call contact just taken, or the
//    visitor calling during a chat), whether or not the console answers it by itself;
//  - a paused agent is not alerted about waiting contacts (they asked for no new contacts); messages still do;
//  - sound and desktop are the agent's settings; with both off nothing is returned (the counters still run).
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sb::console {
struct ConsoleState;
}

namespace sb::console::notify {

inline constexpr std::int64_t reminder_ms = 20'000;

struct Settings {
    bool sound = true;
    bool desktop = true;
    bool operator==(const Settings&) const = default;
};

// What the agent can see right now.
struct Viewing {
    bool page_visible = true; // the page is not hidden (document.visibilityState)
    bool drawer_open = false; // the pending drawer is open
    bool operator==(const Viewing&) const = default;
};

enum class Kind { contact, reminder, message, call };
std::string_view to_string(Kind k);

struct Alert {
    Kind kind = Kind::contact;
    std::string contact; // the contact it is about
    std::string title;   // for the desktop notification
    std::string body;
    bool sound = false;
    bool desktop = false;
};

// What the decision remembers between two observations.
struct Tracker {
    std::set<std::string, std::less<>> waiting;        // waiting ids at the last observation
    std::set<std::string, std::less<>> unseen;         // waiting ids not seen since they arrived
    std::map<std::string, std::uint64_t, std::less<>> messages; // held contact -> last visitor message handled
    std::map<std::string, std::uint64_t, std::less<>> rung;     // held contact -> the visitor's call offer rung for
    std::int64_t last_alert_ms = 0;                    // the last contact / reminder alert (local clock)
    int notified = 0;                                  // alerts decided so far (whatever the settings)
    Kind last_kind = Kind::contact;
};

// Observes the state at local time now_ms; returns the alerts to perform (possibly none) and updates t.
std::vector<Alert> observe(Tracker& t, const ConsoleState& s, const Settings& settings, const Viewing& v,
                           std::int64_t now_ms);

// Local time at which observe() should run again for a reminder, or -1 when none is due.
std::int64_t next_reminder_ms(const Tracker& t);

} // namespace sb::console::notify
