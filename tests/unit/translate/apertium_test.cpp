// The translator with the real Apertium (Debian's apertium + apertium-eng-spa, installed by scripts/setup) and
// with fake commands that die or hang, for the failure paths.
#include "server/translate/apertium.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <future>

using namespace sb::server::translate;
using namespace std::chrono_literals;

namespace {

// Translates and waits for the answer (the translator calls back on its worker thread when no post is set).
Result translate_now(Translator& t, const std::string& from, const std::string& to, const std::string& text) {
    std::promise<Result> p;
    auto f = p.get_future();
    t.translate(from, to, text, [&p](Result r) { p.set_value(std::move(r)); });
    EXPECT_EQ(f.wait_for(60s), std::future_status::ready) << "no answer from the translator";
    return f.get();
}

Direction fake(const std::string& script) { return Direction{"en", "es", "fake", {"bash", "-c", script}}; }

// Reads null-terminated texts and answers each with itself (a stand-in pipeline); `after` runs after the
// first answer.
std::string echo_script(const std::string& after = "") {
    return "IFS= read -r -d '' x || exit 0; printf '%s\\0' \"$x\"; " + after +
           "while IFS= read -r -d '' x; do printf '%s\\0' \"$x\"; done";
}

} // namespace

TEST(ApertiumLanguages, ModeNamesMapToIsoCodes) {
    EXPECT_EQ(mode_languages("eng-spa"), (std::pair<std::string, std::string>{"en", "es"}));
    EXPECT_EQ(mode_languages("spa-ita"), (std::pair<std::string, std::string>{"es", "it"}));
    EXPECT_EQ(mode_languages("fr-es"), (std::pair<std::string, std::string>{"fr", "es"}));
    EXPECT_EQ(mode_languages("spa-ast"), (std::pair<std::string, std::string>{"es", "ast"}));
    EXPECT_FALSE(mode_languages("spa-eng_US"));
    EXPECT_FALSE(mode_languages("eng-spa-morph"));
    EXPECT_FALSE(mode_languages("README"));
    EXPECT_EQ(primary_language("pt-BR"), "pt");
    EXPECT_EQ(primary_language("en"), "en");
}

TEST(ApertiumStream, EscapesWhatTheStreamFormatReservesAndReadsItBack) {
    EXPECT_EQ(escape_stream("x\\y[z]\n"), "x\\\\y\\[z\\][\n][]");
    EXPECT_EQ(escape_stream(std::string("a\0b", 3)), "a b[]") << "a '\\0' would end the text early";
    EXPECT_EQ(unescape_stream(escape_stream("Price: 5$ <b> [x] a/b @me {y} \\z\nOk")), "Price: 5$ <b> [x] a/b @me {y} \\z\nOk");
    EXPECT_EQ(unescape_stream(" Necesito ayuda[]"), "Necesito ayuda") << "blanks around the answer are trimmed";
    EXPECT_EQ(unescape_stream("Gracias,  comprobaré[]"), "Gracias, comprobaré") << "a dropped word leaves no double blank";
}

TEST(ApertiumDirections, DiscoversTheInstalledPairs) {
    auto dirs = apertium_directions();
    ApertiumTranslator t(dirs);
    ASSERT_TRUE(t.can_translate("en", "es")) << "scripts/setup installs apertium-eng-spa";
    EXPECT_TRUE(t.can_translate("es", "en"));
    EXPECT_FALSE(t.can_translate("en", "xx"));
    auto en = t.both_ways("en");
    EXPECT_NE(std::find(en.begin(), en.end(), "es"), en.end());
    EXPECT_EQ(std::find(en.begin(), en.end(), "en"), en.end());
    EXPECT_TRUE(apertium_directions("/nonexistent").empty());
}

TEST(ApertiumTranslator, TranslatesEnglishIntoSpanishAndBackWithOneProcessPerDirection) {
    ApertiumTranslator t(apertium_directions());
    auto hello = translate_now(t, "en", "es", "Hello, how are you?");
    ASSERT_TRUE(hello.ok) << hello.error;
    EXPECT_EQ(hello.text, "Hola, cómo eres?");
    auto order = translate_now(t, "en", "es", "I need help with my order.");
    ASSERT_TRUE(order.ok) << order.error;
    EXPECT_NE(order.text.find("Necesito ayuda"), std::string::npos) << order.text;
    auto back = translate_now(t, "es", "en", "Gracias por su ayuda.");
    ASSERT_TRUE(back.ok) << back.error;
    EXPECT_NE(back.text.find("Thank"), std::string::npos) << back.text;
    EXPECT_EQ(t.starts(), 2u) << "one process per direction, kept alive";
}

TEST(ApertiumTranslator, KeepsLinesAndReservedCharactersAndAnswersABatchInOrder) {
    ApertiumTranslator t(apertium_directions());
    std::vector<std::promise<Result>> answers(5);
    const std::vector<std::string> texts = {"Good morning.", "Line one.\nLine two.", "It costs 5$ [sale] <b>ok</b>",
                                            "Thank you", "Yes"};
    for (std::size_t i = 0; i < texts.size(); ++i)
        t.translate("en", "es", texts[i], [&answers, i](Result r) { answers[i].set_value(std::move(r)); });
    std::vector<Result> got;
    for (auto& a : answers) {
        auto f = a.get_future();
        ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
        got.push_back(f.get());
    }
    for (const auto& r : got) ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(got[0].text, "Buenos días.");
    EXPECT_EQ(got[1].text, "Línea un.\nLínea dos.");
    EXPECT_NE(got[2].text.find("5$ [venta] <b>"), std::string::npos) << got[2].text;
    EXPECT_EQ(got[3].text, "Gracias");
    EXPECT_EQ(got[4].text, "Sí");
}

TEST(ApertiumTranslator, AnUnknownDirectionFailsAtOnce) {
    ApertiumTranslator t({fake(echo_script())});
    auto r = translate_now(t, "en", "it", "Hello");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("no translation from en to it"), std::string::npos) << r.error;
}

TEST(ApertiumTranslator, ACommandThatDiesFailsClearlyAfterOneRestart) {
    ApertiumTranslator t({fake("exit 3")});
    auto r = translate_now(t, "en", "es", "Hello");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("ended unexpectedly"), std::string::npos) << r.error;
    EXPECT_EQ(t.starts(), 2u) << "started, then started once more for the unanswered text";
}

TEST(ApertiumTranslator, ACommandThatCannotStartFails) {
    ApertiumTranslator t({Direction{"en", "es", "missing", {"/nonexistent/translator"}}});
    auto r = translate_now(t, "en", "es", "Hello");
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.error.empty());
}

TEST(ApertiumTranslator, ADeadProcessIsStartedAgainForTheNextText) {
    ApertiumTranslator t({fake(echo_script("exit 0; "))}); // answers one text, then exits
    auto first = translate_now(t, "en", "es", "one");
    ASSERT_TRUE(first.ok) << first.error;
    EXPECT_EQ(first.text, "one");
    auto second = translate_now(t, "en", "es", "two");
    ASSERT_TRUE(second.ok) << second.error;
    EXPECT_EQ(second.text, "two");
    EXPECT_EQ(t.starts(), 2u);
}

TEST(ApertiumTranslator, ASlowProcessIsKilledAtTheTimeoutAndTheNextTextGetsAFreshOne) {
    ApertiumOptions o;
    o.timeout = 300ms;
    // Hangs on its first text, answers every later one: the second process answers. $0 of `bash -c` is a
    // path in a fresh temp folder, where the first process leaves a mark.
    char dir_template[] = "/tmp/sb-translate-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string marker = std::string(dir_template) + "/p";
    ApertiumTranslator slow({Direction{"en", "es", "slow",
                                       {"bash", "-c",
                                        "if [ -e \"$0.hung\" ]; then " + echo_script() +
                                            "; else touch \"$0.hung\"; sleep 600; fi",
                                        marker}}},
                            o);
    auto late = translate_now(slow, "en", "es", "first");
    EXPECT_FALSE(late.ok);
    EXPECT_NE(late.error.find("took longer than 300 ms"), std::string::npos) << late.error;
    auto next = translate_now(slow, "en", "es", "second");
    ASSERT_TRUE(next.ok) << next.error;
    EXPECT_EQ(next.text, "second");
    EXPECT_EQ(slow.starts(), 2u);
    std::filesystem::remove_all(dir_template);
}

TEST(ApertiumTranslator, AFullQueueFailsAtOnceAndResultsGoThroughPost) {
    ApertiumOptions o;
    o.max_queue = 1;
    o.timeout = 1s;
    ApertiumTranslator t({fake("sleep 600")}, o);
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::function<void()>> posted;
    t.set_post([&](std::function<void()> f) { // as the io thread's queue: run later by the test
        std::lock_guard lock(m);
        posted.push_back(std::move(f));
        cv.notify_all();
    });
    std::vector<Result> results;
    for (int i = 0; i < 3; ++i) t.translate("en", "es", "x", [&results](Result r) { results.push_back(r); });
    EXPECT_TRUE(results.empty()) << "never from inside translate()";
    // One text at the worker (hanging) or in the queue, the next in the queue or refused: at least the third is
    // refused at once. The hanging ones fail at the timeout. Every answer comes through post.
    {
        std::unique_lock lock(m);
        ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return posted.size() == 3; }));
    }
    for (auto& f : posted) f();
    ASSERT_EQ(results.size(), 3u);
    int refused = 0;
    for (const auto& r : results) {
        EXPECT_FALSE(r.ok);
        refused += r.error.find("too many texts waiting") != std::string::npos;
    }
    EXPECT_GE(refused, 1);
}
