// Contact types, channels and channel states: the media vocabulary shared by router, server and console.
#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace sb {

// What the visitor asked for. `weblead` is an offline request (a form left for later): it queues like the
// others but has no dissuasion deadline, because nobody is waiting on the page.
enum class ContactType { chat, callback, call, video, weblead };
inline constexpr std::array<ContactType, 5> all_contact_types{ContactType::chat, ContactType::callback,
                                                              ContactType::call, ContactType::video,
                                                              ContactType::weblead};

// The media of an assigned contact; several can be in use at once.
enum class Channel { chat, sharing, voice, video };
inline constexpr std::array<Channel, 4> all_channels{Channel::chat, Channel::sharing, Channel::voice,
                                                     Channel::video};

// Console colours: unavailable light grey, available dark grey, connecting orange, active green.
enum class ChannelState { unavailable, available, connecting, active };

std::string_view to_string(ContactType t);
std::string_view to_string(Channel c);
std::string_view to_string(ChannelState s);
// Parse the names above (exact, lower case); nullopt for anything else.
std::optional<ContactType> contact_type_from(std::string_view s);
std::optional<Channel> channel_from(std::string_view s);
std::optional<ChannelState> channel_state_from(std::string_view s);

} // namespace sb
