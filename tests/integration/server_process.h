// What the integration tests share: one real switchboard-server process (SB_SERVER_BINARY, defined by
// tests/integration/CMakeLists.txt), and the unit tests' TempDir.
#pragma once
#include "temp_dir.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sb::test {

// One switchboard-server process: stdout through a pipe, stderr into a file (emptied first), environment variables
// set (SWITCHBOARD_ADMIN_TOKEN is removed unless given). Killed when destroyed, unless it has exited.
class ServerProcess {
  public:
    ServerProcess(const std::vector<std::string>& args, const std::filesystem::path& stderr_file,
                  const std::map<std::string, std::string>& env = {})
        : stderr_file_(stderr_file) {
        int out[2];
        if (pipe(out) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            FILE* err = std::fopen(stderr_file.c_str(), "w");
            if (err) dup2(fileno(err), STDERR_FILENO);
            close(out[0]);
            close(out[1]);
            unsetenv("SWITCHBOARD_ADMIN_TOKEN");
            for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
            std::string binary = SB_SERVER_BINARY;
            std::vector<std::string> copy = args;
            std::vector<char*> argv{binary.data()};
            for (auto& a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(binary.c_str(), argv.data());
            _exit(127);
        }
        close(out[1]);
        stdout_fd_ = out[0];
    }
    ~ServerProcess() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (stdout_fd_ >= 0) close(stdout_fd_);
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // The next stdout line, or nullopt if none came in time or the process ended.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
        std::string line;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{stdout_fd_, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            char c;
            if (read(stdout_fd_, &c, 1) != 1) return std::nullopt; // EOF: the process ended
            if (c == '\n') return line;
            line += c;
        }
        return std::nullopt;
    }

    // The port of the "switchboard-server listening on http://HOST:PORT" line; 0 if it does not come.
    unsigned short listening_port(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        auto line = read_line(timeout);
        if (!line || line->find("listening on") == std::string::npos) return 0;
        auto colon = line->rfind(':');
        return colon == std::string::npos ? 0 : static_cast<unsigned short>(std::stoi(line->substr(colon + 1)));
    }

    // The exit status once the process ends (128 + signal if killed), or nullopt after the timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return std::nullopt;
    }

    void terminate() { kill(pid_, SIGTERM); }
    void kill_now() { kill(pid_, SIGKILL); }

    std::string stderr_text() const {
        std::ifstream in(stderr_file_);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<std::string> stderr_lines() const {
        std::ifstream in(stderr_file_);
        std::vector<std::string> lines;
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        return lines;
    }

  private:
    std::filesystem::path stderr_file_;
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    bool exited_ = false;
};

} // namespace sb::test
