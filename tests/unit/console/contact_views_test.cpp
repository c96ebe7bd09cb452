// The contact views headless: waiting box, pending drawer, panels, media toolbar, tools and chat view render
// for fixture states, and clicks and keys produce the right protocol frames.
#include "console/platform/headless/headless.h"
#include "protocol/codec.h"

#include <gtest/gtest.h>
#include <imgui.h>

using namespace sb;
using namespace sb::console;
using namespace sb::protocol;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

ContactView pending(std::string id, std::int64_t created, std::string name = "Maria") {
    ContactView c;
    c.id = std::move(id);
    c.state = ContactState::pending;
    c.service = ServiceRef{"sales", "Sales", "en"};
    c.site = Ref{"demo", "Demo shop"};
    c.customer = Customer{std::move(name), "IT", false};
    c.created_at = created;
    c.deadline = created + 90'000;
    c.color = "#2e86de";
    c.seq = 1;
    return c;
}

ContactView assigned(std::string id, std::uint64_t seq) {
    ContactView c = pending(std::move(id), T0);
    c.state = ContactState::assigned;
    c.deadline.reset();
    c.agent = Ref{"alice", "Alice Rossi"};
    c.channels[Channel::chat] = ChannelState::active;
    c.channels[Channel::sharing] = ChannelState::available;
    c.channels[Channel::voice] = ChannelState::connecting;
    return c.seq = seq, c;
}

ServiceInfo sales() {
    return ServiceInfo{"sales", "Sales", "en", "#2e86de",
                       {{"#2e86de", "General inquiry"}, {"#27ae60", "Ready to buy"}, {"#dd5b62", "Complaint"}},
                       {ContactType::chat}};
}

void feed(headless::Console& c, ServerMessage m) {
    c.app.on_message(encode(m));
    c.frames(2);
}

void log_in(headless::Console& c) {
    c.app.start();
    c.app.on_open();
    feed(c, Welcome{"c1", "tok", AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {"sales"}, {"en"}, 3},
                    T0, {}, {sales()}});
}

// alice holds k-1 (a visitor message at seq 3).
void take(headless::Console& c, std::string id = "k-1", std::string cid = "c2") {
    std::vector<ContactEvent> events{
        ContactEvent{id, 1, T0, "", ev::Pending{T0 + 90'000}},
        ContactEvent{id, 2, T0 + 500, "", ev::Assigned{{"alice", "Alice Rossi"}, assigned(id, 2).channels}},
        ContactEvent{id, 3, T0 + 1000, "", ev::Message{Party::visitor, "Maria", "Buongiorno, ho una domanda"}}};
    feed(c, ContactSnapshot{cid, T0 + 2000, assigned(id, 3), events});
}

template <class T> std::vector<T> sent(const headless::Console& c) {
    std::vector<T> out;
    for (const auto& f : c.transport.sent) {
        auto m = decode_client(f);
        if (m && std::holds_alternative<T>(*m)) out.push_back(std::get<T>(*m));
    }
    return out;
}
} // namespace

TEST(WaitingBox, ShowsTheCountAndTakesTheLongestWaitingContact) {
    headless::Console c;
    log_in(c);
    EXPECT_TRUE(c.drawn("waiting.box"));
    c.click("waiting.box");
    EXPECT_TRUE(sent<ContactClaim>(c).empty()) << "nothing to take: the box is disabled";

    feed(c, QueueWaiting{T0, {pending("k-1", T0 - 20'000), pending("k-2", T0 - 5000)}});
    EXPECT_EQ(c.app.state().waiting.size(), 2u);
    ASSERT_TRUE(c.click("waiting.box"));
    auto claims = sent<ContactClaim>(c);
    ASSERT_EQ(claims.size(), 1u);
    EXPECT_EQ(claims[0].contact, "") << "no id: the server gives the longest-waiting one";
}

TEST(PendingDrawer, OpensOnHoverListsEveryContactAndTakesTheOneClicked) {
    headless::Console c;
    log_in(c);
    feed(c, QueueWaiting{T0, {pending("k-1", T0 - 20'000), pending("k-2", T0 - 5000, "Jürgen Größe")}});
    EXPECT_FALSE(c.drawn("drawer.contact.k-1")) << "closed until the waiting area is hovered";
    ASSERT_TRUE(c.hover("waiting.area"));
    EXPECT_TRUE(c.drawn("drawer"));
    EXPECT_TRUE(c.drawn("drawer.contact.k-1"));
    EXPECT_TRUE(c.drawn("drawer.contact.k-2"));
    EXPECT_GE(c.app.redraw_in_ms(), 0);
    EXPECT_LE(c.app.redraw_in_ms(), 500) << "loaders move: at least two frames a second";

    ASSERT_TRUE(c.click("drawer.contact.k-2"));
    auto claims = sent<ContactClaim>(c);
    ASSERT_EQ(claims.size(), 1u);
    EXPECT_EQ(claims[0].contact, "k-2");

    c.mouse_away();
    EXPECT_FALSE(c.drawn("drawer"));
    EXPECT_EQ(c.app.redraw_in_ms(), -1) << "drawer closed, no panel: nothing moves, no frame needed";
}

TEST(PendingDrawer, ALongListIsClipped) {
    headless::Console c(1000, 700);
    log_in(c);
    QueueWaiting q{T0, {}};
    for (int i = 0; i < 500; ++i) q.contacts.push_back(pending("k-" + std::to_string(i), T0 - 60'000 + i));
    feed(c, q);
    ASSERT_TRUE(c.hover("waiting.area"));
    EXPECT_TRUE(c.drawn("drawer.contact.k-0"));
    EXPECT_FALSE(c.drawn("drawer.contact.k-499")) << "rows out of view are not drawn";
}

TEST(PendingDrawer, AContactPastItsDeadlineShowsAFullLoaderWithoutAssertions) {
    headless::Console c;
    log_in(c);
    c.clock_ms = T0 + 200'000;
    auto late = pending("k-1", T0);
    auto weblead = pending("k-2", T0);
    weblead.type = ContactType::weblead;
    weblead.deadline.reset();
    auto direct = pending("k-3", T0);
    direct.direct = true;
    direct.customer.returning = true;
    feed(c, QueueWaiting{T0, {late, weblead, direct}});
    ASSERT_TRUE(c.hover("waiting.area"));
    EXPECT_TRUE(c.drawn("drawer.contact.k-3"));
}

TEST(Notice, AClaimLostToAnotherAgentShowsANoticeThatGoesAway) {
    headless::Console c;
    log_in(c);
    feed(c, Error{"c2", code::already_taken, "taken"});
    EXPECT_TRUE(c.drawn("notice"));
    EXPECT_GT(c.app.redraw_in_ms(), 0);
    c.clock_ms += 7000;
    c.frames(2);
    EXPECT_FALSE(c.drawn("notice"));
}

TEST(ContactPanel, ATakenContactOpensWithHeaderToolbarToolsAndChat) {
    headless::Console c;
    log_in(c);
    take(c);
    for (const char* item : {"panel.k-1.header", "panel.k-1.channel.chat", "panel.k-1.channel.sharing",
                             "panel.k-1.channel.voice", "panel.k-1.channel.video", "panel.k-1.color",
                             "panel.k-1.link", "panel.k-1.stop", "panel.k-1.translate", "panel.k-1.input",
                             "panel.k-1.send", "panel.k-1.transcript"})
        EXPECT_TRUE(c.drawn(item)) << item;
    EXPECT_GE(c.app.redraw_in_ms(), 0);
    EXPECT_LE(c.app.redraw_in_ms(), 1000) << "the duration clock ticks every second";
}

TEST(ContactPanel, TheExpandedPanelMarksTheVisitorsMessagesRead) {
    headless::Console c;
    log_in(c);
    take(c);
    auto reads = sent<ContactReadMsg>(c);
    ASSERT_EQ(reads.size(), 1u) << "sent once, not every frame";
    EXPECT_EQ(reads[0].contact, "k-1");
    EXPECT_EQ(reads[0].up_to, 3u);
    EXPECT_EQ(c.app.state().contacts.front().unread, 0);
}

TEST(ContactPanel, OnlyOnePanelIsExpandedAndCollapsedOnesFlashUntilOpened) {
    headless::Console c;
    log_in(c);
    take(c, "k-1", "c2");
    take(c, "k-2", "c3");
    EXPECT_EQ(c.app.state().expanded, "k-2");
    EXPECT_FALSE(c.drawn("panel.k-1.input"));
    EXPECT_TRUE(c.drawn("panel.k-2.input"));

    feed(c, ContactEventMsg{ContactEvent{"k-1", 4, T0 + 5000, "", ev::Message{Party::visitor, "Maria", "ci sei?"}}});
    EXPECT_TRUE(c.app.state().contacts[0].flashing);
    EXPECT_EQ(c.app.state().contacts[0].unread, 1) << "not read while collapsed";
    EXPECT_LE(c.app.redraw_in_ms(), 500);

    ASSERT_TRUE(c.click("panel.k-1.header"));
    EXPECT_EQ(c.app.state().expanded, "k-1");
    EXPECT_FALSE(c.app.state().contacts[0].flashing);
    EXPECT_TRUE(c.drawn("panel.k-1.input"));
    EXPECT_FALSE(c.drawn("panel.k-2.input"));
    EXPECT_EQ(sent<ContactReadMsg>(c).back().up_to, 4u);
}

TEST(ChatView, EnterSendsShiftEnterStartsANewLine) {
    headless::Console c;
    log_in(c);
    take(c);
    ASSERT_TRUE(c.click("panel.k-1.input"));
    c.type("Salve! Ecco: ");
    c.press_with(ImGuiMod_Shift, ImGuiKey_Enter);
    EXPECT_TRUE(sent<ContactSend>(c).empty()) << "Shift+Enter is a newline";
    c.type("日本語 ok 😀");
    c.press(ImGuiKey_Enter);
    auto sends = sent<ContactSend>(c);
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].contact, "k-1");
    EXPECT_EQ(sends[0].text, "Salve! Ecco: \n日本語 ok 😀");
    EXPECT_TRUE(c.app.ui().contacts["k-1"].input.empty()) << "the field empties once sent";

    c.press(ImGuiKey_Enter);
    EXPECT_EQ(sent<ContactSend>(c).size(), 1u) << "an empty field sends nothing";

    c.type("second");
    ASSERT_TRUE(c.click("panel.k-1.send"));
    sends = sent<ContactSend>(c);
    ASSERT_EQ(sends.size(), 2u);
    EXPECT_EQ(sends[1].text, "second");
}

TEST(ChatView, TypingNoticesAreRateLimited) {
    headless::Console c;
    log_in(c);
    take(c);
    ASSERT_TRUE(c.click("panel.k-1.input"));
    c.type("a");
    c.type("b");
    c.type("c");
    auto typing = sent<ContactTyping>(c);
    ASSERT_EQ(typing.size(), 1u);
    EXPECT_TRUE(typing[0].typing);
    c.clock_ms += typing_repeat_ms;
    c.type("d");
    EXPECT_EQ(sent<ContactTyping>(c).size(), 2u) << "repeated while the agent keeps typing";
    for (int i = 0; i < 4; ++i) c.press(ImGuiKey_Backspace);
    typing = sent<ContactTyping>(c);
    ASSERT_EQ(typing.size(), 3u);
    EXPECT_FALSE(typing.back().typing) << "an emptied field stops the notice";
}

TEST(ChatView, TranscriptShowsMessagesReadMarksAndLinks) {
    headless::Console c;
    log_in(c);
    take(c);
    feed(c, ContactEventMsg{ContactEvent{"k-1", 4, T0 + 3000, "c5", ev::Message{Party::agent, "Alice Rossi", "Eccomi"}}});
    feed(c, ContactEventMsg{ContactEvent{"k-1", 5, T0 + 4000, "", ev::Read{Party::visitor, 4}}});
    feed(c, ContactEventMsg{ContactEvent{"k-1", 6, T0 + 5000, "", ev::Link{"https://shop.example/offer"}}});
    feed(c, ContactTypingNotice{"k-1", Party::visitor, true});
    const auto& h = c.app.state().contacts.front();
    EXPECT_EQ(h.transcript.size(), 3u);
    EXPECT_TRUE(h.visitor_typing);
    EXPECT_EQ(h.visitor_read_up_to, 4u);
}

TEST(ContactTools, TheColourPickerListsTheServiceDefaultFirstAndSetsAColour) {
    headless::Console c;
    log_in(c);
    take(c);
    ASSERT_TRUE(c.click("panel.k-1.color"));
    EXPECT_TRUE(c.drawn("color.default"));
    EXPECT_TRUE(c.drawn("color.27ae60")) << "the service's own palette, from agent.welcome";
    ASSERT_TRUE(c.click("color.dd5b62"));
    auto colors = sent<ContactColor>(c);
    ASSERT_EQ(colors.size(), 1u);
    EXPECT_EQ(colors[0].contact, "k-1");
    EXPECT_EQ(colors[0].color, "#dd5b62");
    EXPECT_FALSE(c.drawn("color.default")) << "the picker closes";

    ASSERT_TRUE(c.click("panel.k-1.color"));
    ASSERT_TRUE(c.click("color.default"));
    EXPECT_EQ(sent<ContactColor>(c).back().color, "") << "back to the service default";
}

TEST(ContactTools, PushLinkDialogSendsAWebAddress) {
    headless::Console c;
    log_in(c);
    take(c);
    ASSERT_TRUE(c.click("panel.k-1.link"));
    EXPECT_TRUE(c.drawn("link.url"));
    c.click("link.send");
    EXPECT_TRUE(sent<ContactLink>(c).empty()) << "\"https://\" alone is not an address";
    ASSERT_TRUE(c.click("link.url"));
    c.press(ImGuiKey_End);
    c.type("shop.example/offer");
    ASSERT_TRUE(c.click("link.send"));
    auto links = sent<ContactLink>(c);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].url, "https://shop.example/offer");
    EXPECT_FALSE(c.drawn("link.url"));
}

TEST(ContactTools, StopAsksForConfirmation) {
    headless::Console c;
    log_in(c);
    take(c);
    ASSERT_TRUE(c.click("panel.k-1.stop"));
    EXPECT_TRUE(c.drawn("stop.confirm"));
    ASSERT_TRUE(c.click("stop.cancel"));
    EXPECT_FALSE(c.drawn("stop.confirm"));
    EXPECT_TRUE(sent<ContactStop>(c).empty());

    ASSERT_TRUE(c.click("panel.k-1.stop"));
    ASSERT_TRUE(c.click("stop.confirm"));
    auto stops = sent<ContactStop>(c);
    ASSERT_EQ(stops.size(), 1u);
    EXPECT_EQ(stops[0].contact, "k-1");

    // Closed: the panel stays (terminated icon) until the agent removes it with the same button.
    feed(c, ContactEventMsg{ContactEvent{"k-1", 4, T0 + 9000, "c9", ev::Closed{Outcome::successful}}});
    EXPECT_EQ(c.app.state().contacts.front().view.state, ContactState::closed);
    ASSERT_TRUE(c.click("panel.k-1.stop"));
    EXPECT_FALSE(c.drawn("stop.confirm"));
    EXPECT_TRUE(c.app.state().contacts.empty());
    EXPECT_FALSE(c.drawn("panel.k-1.header"));
}

TEST(ContactPanel, AGapInSequenceNumbersSendsAResume) {
    headless::Console c;
    log_in(c);
    take(c);
    feed(c, ContactEventMsg{ContactEvent{"k-1", 7, T0 + 9000, "", ev::Message{Party::visitor, "Maria", "?"}}});
    auto resumes = sent<ContactResume>(c);
    ASSERT_EQ(resumes.size(), 1u);
    EXPECT_EQ(resumes[0].contact, "k-1");
    EXPECT_EQ(resumes[0].after, 3u);
    feed(c, ContactEventMsg{ContactEvent{"k-1", 8, T0 + 9000, "", ev::Message{Party::visitor, "Maria", "??"}}});
    EXPECT_EQ(sent<ContactResume>(c).size(), 1u) << "asked once per gap";
}

TEST(ContactPanel, HeldContactsOfAWelcomeAreResumedFromTheStart) {
    headless::Console c;
    c.app.start("tok");
    c.app.on_open();
    feed(c, Welcome{"c1", "tok", AgentProfile{"alice", "alice", "Alice Rossi", AgentStatus::ready, {}, {}, 3}, T0,
                    {assigned("k-4", 9)}, {}});
    auto resumes = sent<ContactResume>(c);
    ASSERT_EQ(resumes.size(), 1u);
    EXPECT_EQ(resumes[0].after, 0u);
    EXPECT_TRUE(c.drawn("panel.k-4.header"));
}

TEST(ChatView, TheUnreadMarkerShowsWhereTheNewMessagesStartedWhenThePanelOpened) {
    headless::Console c;
    log_in(c);
    take(c, "k-1", "c2");
    EXPECT_TRUE(c.drawn("panel.k-1.unread-marker")) << "the visitor's first message was unread when it opened";
    take(c, "k-2", "c3"); // k-2 opens, k-1 collapses
    ASSERT_TRUE(c.click("panel.k-1.header"));
    EXPECT_FALSE(c.drawn("panel.k-1.unread-marker")) << "everything was read: no marker";
    feed(c, ContactEventMsg{ContactEvent{"k-1", 4, T0 + 5000, "", ev::Message{Party::visitor, "Maria", "live"}}});
    EXPECT_FALSE(c.drawn("panel.k-1.unread-marker")) << "a message arriving in the open panel is read at once";
}

// Every panel's duration clock ticks at the same instant: panels taken at different moments of a second need
// one frame a second between them, not one per panel (bench/console counted 18 frames a second with 30 panels).
TEST(ContactPanel, TheClocksOfAllPanelsTickTogether) {
    headless::Console c;
    log_in(c);
    for (int i = 0; i < 3; ++i) {
        const std::string id = "k-" + std::to_string(i + 1);
        const std::int64_t at = T0 + 100 + 300 * i; // assigned 0.1, 0.4 and 0.7 s into a second
        std::vector<ContactEvent> events{
            ContactEvent{id, 1, T0, "", ev::Pending{T0 + 90'000}},
            ContactEvent{id, 2, at, "", ev::Assigned{{"alice", "Alice Rossi"}, assigned(id, 2).channels}}};
        feed(c, ContactSnapshot{"", at, assigned(id, 2), events});
    }
    ASSERT_EQ(c.app.state().contacts.size(), 3u);
    c.mouse_away();
    c.frame();
    const std::int64_t until = c.clock_ms + 5000;
    int frames = 0;
    for (;;) {
        const std::int64_t in = c.app.redraw_in_ms();
        ASSERT_GT(in, 0) << "the clocks ask for a frame later, not now";
        ASSERT_LE(in, 1000);
        if (c.clock_ms + in > until) break;
        c.clock_ms += in;
        c.frame();
        ++frames;
    }
    EXPECT_LE(frames, 5) << "one frame a second for every clock together";
    EXPECT_GE(frames, 4);
}
