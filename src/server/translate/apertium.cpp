#include "server/translate/apertium.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sb::server::translate {

// [SECTION] Languages --------------------------------------------------------------------------------------

std::string primary_language(const std::string& tag) { return tag.substr(0, tag.find('-')); }

std::vector<std::string> Translator::both_ways(const std::string& language) const {
    std::vector<std::string> out;
    for (const auto& l : languages())
        if (l != language && can_translate(language, l) && can_translate(l, language)) out.push_back(l);
    return out;
}

std::string iso639_1(const std::string& code) {
    // The ISO 639-3 codes of Apertium's language pairs in Debian, and a few more.
    static const std::map<std::string, std::string> table = {
        {"afr", "af"}, {"arg", "an"}, {"bel", "be"}, {"bre", "br"}, {"bul", "bg"}, {"cat", "ca"}, {"ces", "cs"},
        {"cym", "cy"}, {"dan", "da"}, {"deu", "de"}, {"ell", "el"}, {"eng", "en"}, {"epo", "eo"}, {"eus", "eu"},
        {"fin", "fi"}, {"fra", "fr"}, {"gle", "ga"}, {"glg", "gl"}, {"hin", "hi"}, {"hrv", "hr"}, {"hun", "hu"},
        {"ind", "id"}, {"isl", "is"}, {"ita", "it"}, {"kaz", "kk"}, {"mkd", "mk"}, {"mlt", "mt"}, {"nld", "nl"},
        {"nno", "nn"}, {"nob", "nb"}, {"nor", "no"}, {"oci", "oc"}, {"pol", "pl"}, {"por", "pt"}, {"ron", "ro"},
        {"rus", "ru"}, {"slk", "sk"}, {"slv", "sl"}, {"spa", "es"}, {"sqi", "sq"}, {"srd", "sc"}, {"srp", "sr"},
        {"swe", "sv"}, {"tat", "tt"}, {"tur", "tr"}, {"ukr", "uk"}, {"urd", "ur"}, {"zlm", "ms"},
    };
    auto it = table.find(code);
    return it != table.end() ? it->second : code;
}

std::optional<std::pair<std::string, std::string>> mode_languages(const std::string& mode) {
    auto dash = mode.find('-');
    if (dash == std::string::npos) return std::nullopt;
    const std::string a = mode.substr(0, dash), b = mode.substr(dash + 1);
    auto code = [](const std::string& s) {
        return (s.size() == 2 || s.size() == 3) && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    };
    if (!code(a) || !code(b)) return std::nullopt;
    return std::pair{iso639_1(a), iso639_1(b)};
}

std::vector<Direction> apertium_directions(const std::filesystem::path& modes_dir) {
    std::vector<Direction> out;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(modes_dir, ec))
        if (entry.path().extension() == ".mode") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& file : files) {
        const std::string mode = file.stem().string();
        auto langs = mode_languages(mode);
        if (!langs || langs->first == langs->second || !seen.insert(*langs).second) continue;
        // bash -c SCRIPT $0 $1 $2 $3: the mode's pipeline uses $1 (lt-proc generation: -n, no marks on unknown
        // words) and $2 (tagger option: none). UTF-8 text, whatever the server's locale (as the apertium script).
        out.push_back(Direction{langs->first, langs->second, mode,
                                {"bash", "-c",
                                 "export LC_ALL=C.UTF-8; m=$(apertium-wblank-mode -z \"$3\") || exit 1; "
                                 "set -- \"$1\" \"$2\"; eval \"$m\"",
                                 "apertium", "-n", "", file.string()}});
    }
    std::sort(out.begin(), out.end(), [](const Direction& x, const Direction& y) {
        return x.from != y.from ? x.from < y.from : x.to < y.to;
    });
    return out;
}

// [SECTION] Stream format ----------------------------------------------------------------------------------

std::string escape_stream(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (char c : text) {
        switch (c) {
        case '\\': case '[': case ']': case '^': case '$': case '/': case '<': case '>': case '@': case '{': case '}':
            out += '\\';
            out += c;
            break;
        case '\n': out += "[\n]"; break; // a line break is format, not text: a superblank, as apertium-destxt does
        case '\0': out += ' '; break;    // '\0' ends a text in null-flush mode
        default:
            out += (static_cast<unsigned char>(c) < 0x20 && c != '\t') ? ' ' : c;
        }
    }
    out += "[]"; // lt-proc keeps the last word until it sees what follows it
    return out;
}

std::string unescape_stream(const std::string& stream) {
    std::string out;
    out.reserve(stream.size());
    for (std::size_t i = 0; i < stream.size(); ++i) {
        const char c = stream[i];
        if (c == '\\' && i + 1 < stream.size()) {
            out += stream[++i];
        } else if (c == '[' || c == ']') {
            // superblank brackets: their content is kept
        } else {
            out += c;
        }
    }
    // A word Apertium drops (the subject pronoun of a pro-drop language) leaves its blank behind: "Gracias,  comprobaré".
    for (auto twice = out.find("  "); twice != std::string::npos; twice = out.find("  ", twice)) out.erase(twice, 1);
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!out.empty() && blank(out.back())) out.pop_back();
    std::size_t start = 0;
    while (start < out.size() && blank(out[start])) ++start;
    return out.substr(start);
}

// [SECTION] Processes --------------------------------------------------------------------------------------

// One running pipeline: its process group, the pipe into its stdin and the one from its stdout.
struct ApertiumTranslator::Process {
    pid_t pid = -1;
    int in = -1;  // we write
    int out = -1; // we read
    std::string pending; // read past the last answer (none in practice: one answer per text)

    bool running() {
        if (pid <= 0) return false;
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) { // ended by itself
            pid = -1;
            stop();
            return false;
        }
        return true;
    }

    // Kills the whole pipeline (its process group) and closes the pipes.
    void stop() {
        if (pid > 0) {
            ::kill(-pid, SIGKILL);
            int status = 0;
            waitpid(pid, &status, 0);
            pid = -1;
        }
        if (in >= 0) ::close(in);
        if (out >= 0) ::close(out);
        in = out = -1;
        pending.clear();
    }

    // Starts argv in a process group of its own; "" or why not.
    std::string start(const std::vector<std::string>& argv) {
        stop();
        int to_child[2], from_child[2];
        if (pipe2(to_child, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
        if (pipe2(from_child, O_CLOEXEC) != 0) {
            const int e = errno;
            ::close(to_child[0]);
            ::close(to_child[1]);
            return std::string("pipe: ") + std::strerror(e);
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none, pipe_default;
        sigemptyset(&none);
        sigemptyset(&pipe_default);
        sigaddset(&pipe_default, SIGPIPE); // the server ignores SIGPIPE; the pipeline's stages expect it
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &pipe_default);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        pid_t child = -1;
        const int rc = posix_spawnp(&child, args[0], &actions, &attr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        ::close(to_child[0]);
        ::close(from_child[1]);
        if (rc != 0) {
            ::close(to_child[1]);
            ::close(from_child[0]);
            return "cannot start " + argv[0] + ": " + std::strerror(rc);
        }
        pid = child;
        in = to_child[1];
        out = from_child[0];
        fcntl(in, F_SETFL, fcntl(in, F_GETFL) | O_NONBLOCK);
        fcntl(out, F_SETFL, fcntl(out, F_GETFL) | O_NONBLOCK);
        return {};
    }
};

namespace {

// A write to a pipeline that died raises SIGPIPE on the writing thread: the worker blocks it (write returns
// EPIPE instead) and takes a pending one away, so it never reaches anyone.
void block_sigpipe() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void drop_pending_sigpipe() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    timespec zero{0, 0};
    while (sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
    }
}

enum class Outcome { answered, died, timed_out };

} // namespace

// [SECTION] Translator -------------------------------------------------------------------------------------

ApertiumTranslator::ApertiumTranslator(std::vector<Direction> directions, ApertiumOptions options)
    : directions_(std::move(directions)), options_(options) {
    worker_ = std::thread([this] { run(); });
}

ApertiumTranslator::~ApertiumTranslator() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    worker_.join();
    for (auto& [i, p] : processes_) p->stop();
}

void ApertiumTranslator::set_post(Post post) {
    std::lock_guard lock(mutex_);
    post_ = std::move(post);
}

bool ApertiumTranslator::can_translate(const std::string& from, const std::string& to) const {
    return std::any_of(directions_.begin(), directions_.end(),
                       [&](const Direction& d) { return d.from == from && d.to == to; });
}

std::vector<std::string> ApertiumTranslator::languages() const {
    std::set<std::string> all;
    for (const auto& d : directions_) {
        all.insert(d.from);
        all.insert(d.to);
    }
    return {all.begin(), all.end()};
}

std::size_t ApertiumTranslator::starts() const {
    std::lock_guard lock(mutex_);
    return starts_;
}

void ApertiumTranslator::translate(const std::string& from, const std::string& to, std::string text, Done done) {
    auto it = std::find_if(directions_.begin(), directions_.end(),
                           [&](const Direction& d) { return d.from == from && d.to == to; });
    std::string refusal;
    {
        std::lock_guard lock(mutex_);
        if (it == directions_.end())
            refusal = "no translation from " + from + " to " + to;
        else if (stopping_)
            refusal = "the translator is stopping";
        else if (queue_.size() >= options_.max_queue)
            refusal = "too many texts waiting for translation";
        else
            queue_.push_back(Job{static_cast<std::size_t>(it - directions_.begin()), std::move(text), std::move(done)});
    }
    if (refusal.empty()) {
        wake_.notify_one();
        return;
    }
    // Never from inside translate(): through post, or (tests, no post) from a thread of its own.
    Post post;
    {
        std::lock_guard lock(mutex_);
        post = post_;
    }
    Result r{false, {}, refusal};
    if (post)
        post([done = std::move(done), r] { done(r); });
    else
        std::thread([done = std::move(done), r] { done(r); }).detach();
}

void ApertiumTranslator::deliver(Done done, Result r) {
    Post post;
    {
        std::lock_guard lock(mutex_);
        post = post_;
    }
    if (post)
        post([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
    else
        done(std::move(r));
}

void ApertiumTranslator::run() {
    block_sigpipe();
    for (;;) {
        std::vector<Job> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) break;
            // The texts at the front for one direction, up to max_batch_bytes (at least one).
            const std::size_t direction = queue_.front().direction;
            std::size_t bytes = 0;
            while (!queue_.empty() && queue_.front().direction == direction &&
                   (batch.empty() || bytes + queue_.front().text.size() <= options_.max_batch_bytes)) {
                bytes += queue_.front().text.size();
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        run_batch(batch.front().direction, batch);
    }
    std::deque<Job> left;
    {
        std::lock_guard lock(mutex_);
        left.swap(queue_);
    }
    for (auto& job : left) deliver(std::move(job.done), Result{false, {}, "the translator stopped"});
}

void ApertiumTranslator::run_batch(std::size_t direction, std::vector<Job>& jobs) {
    const Direction& d = directions_[direction];
    auto& slot = processes_[direction];
    if (!slot) slot = std::make_unique<Process>();
    Process& p = *slot;

    std::vector<std::optional<std::string>> answers(jobs.size());
    std::size_t answered = 0;
    std::string failure;
    for (int attempt = 0; attempt < 2 && answered < jobs.size(); ++attempt) {
        if (!p.running()) {
            {
                std::lock_guard lock(mutex_);
                ++starts_;
            }
            if (auto why = p.start(d.argv); !why.empty()) {
                failure = why;
                break;
            }
        }
        std::string input;
        for (std::size_t i = answered; i < jobs.size(); ++i) {
            input += escape_stream(jobs[i].text);
            input += '\0';
        }
        std::size_t written = 0;
        const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
        Outcome outcome = Outcome::answered;
        while (answered < jobs.size()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                outcome = Outcome::timed_out;
                break;
            }
            pollfd fds[2] = {{p.out, POLLIN, 0}, {p.in, POLLOUT, 0}};
            const nfds_t n = written < input.size() ? 2 : 1;
            const int ready = ::poll(fds, n, static_cast<int>(left.count()));
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0) {
                outcome = Outcome::died;
                break;
            }
            if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
                const ssize_t w = ::write(p.in, input.data() + written, input.size() - written);
                if (w > 0) {
                    written += static_cast<std::size_t>(w);
                } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    drop_pending_sigpipe();
                    outcome = Outcome::died;
                    break;
                }
            }
            if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
                char buf[8192];
                const ssize_t r = ::read(p.out, buf, sizeof buf);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    outcome = Outcome::died;
                    break;
                }
                if (r > 0) p.pending.append(buf, static_cast<std::size_t>(r));
                for (auto nul = p.pending.find('\0'); nul != std::string::npos && answered < jobs.size();
                     nul = p.pending.find('\0')) {
                    answers[answered++] = unescape_stream(p.pending.substr(0, nul));
                    p.pending.erase(0, nul + 1);
                }
            }
        }
        if (outcome == Outcome::timed_out) {
            failure = d.mode + " took longer than " + std::to_string(options_.timeout.count()) + " ms";
            p.stop(); // started again for the next batch
            break;
        }
        if (outcome == Outcome::died) {
            failure = d.mode + " ended unexpectedly";
            p.stop(); // the next attempt starts it again and sends what is unanswered
        }
    }
    for (std::size_t i = 0; i < jobs.size(); ++i)
        deliver(std::move(jobs[i].done), answers[i] ? Result{true, std::move(*answers[i]), {}} : Result{false, {}, failure});
}

} // namespace sb::server::translate
