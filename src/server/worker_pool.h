// Work too slow for the io thread (agent.login's argon2id password checks, ~0.1 s of CPU each): an Executor
// runs it elsewhere and hands the result back. SessionHub takes the interface, so its tests run the work at
// once (InlineExecutor) or step by step (a manual queue); the server gives it a WorkerPool.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace sb::server {

class Executor {
  public:
    using Task = std::function<void()>;
    virtual ~Executor() = default;
    // Runs `work` (on any thread: it must touch nothing the io thread owns), then `done` on the caller's
    // thread. False when too much work waits already: neither runs.
    virtual bool submit(Task work, Task done) = 0;
};

// Both at once, on the caller's thread, before submit() returns.
class InlineExecutor final : public Executor {
  public:
    bool submit(Task work, Task done) override {
        work();
        done();
        return true;
    }
};

// A few threads and a bounded queue. `done` goes through `post` (the server's: onto the io thread).
class WorkerPool final : public Executor {
  public:
    using Post = std::function<void(Task)>;

    // `threads` at least 1; `max_queue`: work waiting for a thread (not counting what runs).
    WorkerPool(std::size_t threads, std::size_t max_queue);
    ~WorkerPool(); // drops the waiting work, waits for the running one
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Where `done` runs; set before the first submit(). Unset, `done` runs on the worker thread.
    void set_post(Post post);
    bool submit(Task work, Task done) override;

  private:
    void run();

    const std::size_t max_queue_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<Task, Task>> queue_;
    bool stopping_ = false;
    Post post_;
    std::vector<std::thread> threads_;
};

} // namespace sb::server
