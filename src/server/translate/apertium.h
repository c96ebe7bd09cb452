// Apertium (Debian packages apertium + apertium-eng-spa, apertium-spa-ita, ...) as the server's translator:
// one long-lived process per direction in use, fed in null-flush mode, on a worker thread of its own.
//
// [SECTION] Null-flush mode
// `apertium -z <pair>` is the documented way to keep a translator running: every stage of the pair's pipeline
// translates what it has and flushes when it reads '\0'. On Debian 12 (apertium 3.8.3) the `apertium` script
// itself does not pass this on interactively: its txt deformatter drops the '\0' and its gawk wrappers read
// ahead, so an answer only comes at end of input. We therefore run the pipeline the script would run, as
// `apertium-wblank-mode -z <mode file>` prints it (every stage with -z), without a deformatter: the text is
// escaped into Apertium's stream format here (escape_stream), followed by an empty superblank "[]" (without a
// blank after it the last word stays in lt-proc's buffer), then '\0'. The answer is read up to its '\0' and
// turned back into text (unescape_stream). Several texts for one direction are written back to back and their
// answers read in order: a batch.
//
// [SECTION] Threads
// translate() only queues (bounded: a full queue fails at once). The worker thread writes and reads the
// processes with poll() and a deadline per batch; a process that misses it is killed (its whole process group)
// and started again for the next batch. A process found dead, or that dies during a batch, is started again
// and the unanswered texts are sent once more; a second failure fails them. Results go through `post` (set by
// the server to post onto its io_context), or run on the worker thread when no post is set (tests).
#pragma once
#include "server/translate/translator.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sb::server::translate {

// One translation direction and the command that translates it (reading and writing the null-flush stream).
struct Direction {
    std::string from; // ISO 639-1 where there is one ("en"), else the code Apertium uses ("ast")
    std::string to;
    std::string mode;              // the Apertium mode ("eng-spa"), for messages
    std::vector<std::string> argv; // the command; argv[0] is looked up in PATH
};

// The directions installed under `modes_dir` (one "<from>-<to>.mode" file each; variants such as
// "spa-eng_US" and debugging modes are skipped), each run as the null-flush pipeline of its mode file.
// Sorted by from, then to. Empty when the folder does not exist.
std::vector<Direction> apertium_directions(const std::filesystem::path& modes_dir = "/usr/share/apertium/modes");
// A mode name's two languages, as ISO codes: "eng-spa" -> {"en","es"}, "fr-es" -> {"fr","es"}; nullopt for
// anything else ("spa-eng_US", "eng-spa-morph").
std::optional<std::pair<std::string, std::string>> mode_languages(const std::string& mode);
// ISO 639-1 for an ISO 639-3 code Apertium uses ("spa" -> "es"); the code itself when there is none.
std::string iso639_1(const std::string& code);

// Text <-> Apertium stream format (the part of apertium-destxt / apertium-retxt that chat text needs).
std::string escape_stream(const std::string& text);
std::string unescape_stream(const std::string& stream);

struct ApertiumOptions {
    std::chrono::milliseconds timeout{3000}; // one batch; a process slower than this is killed
    std::size_t max_queue = 256;             // texts waiting; beyond, translate() fails at once
    std::size_t max_batch_bytes = 32 * 1024; // texts written in one go (answers fit the pipe meanwhile)
};

class ApertiumTranslator final : public Translator {
  public:
    using Post = std::function<void(std::function<void()>)>;

    explicit ApertiumTranslator(std::vector<Direction> directions, ApertiumOptions options = {});
    ~ApertiumTranslator() override; // stops the worker and kills the processes

    // Where results are delivered (the io thread); set before the first translate(), or left unset.
    void set_post(Post post);

    bool can_translate(const std::string& from, const std::string& to) const override;
    std::vector<std::string> languages() const override;
    void translate(const std::string& from, const std::string& to, std::string text, Done done) override;

    const std::vector<Direction>& directions() const { return directions_; }
    // Processes started so far (the first start of each direction included), for tests.
    std::size_t starts() const;

  private:
    struct Job {
        std::size_t direction;
        std::string text;
        Done done;
    };
    struct Process;

    void run();
    void run_batch(std::size_t direction, std::vector<Job>& jobs);
    void deliver(Done done, Result r);

    const std::vector<Direction> directions_;
    const ApertiumOptions options_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    Post post_;
    std::size_t starts_ = 0;

    std::map<std::size_t, std::unique_ptr<Process>> processes_; // worker thread only
    std::thread worker_;
};

} // namespace sb::server::translate
