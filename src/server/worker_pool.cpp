#include "server/worker_pool.h"

#include "server/log.h"

#include <exception>
#include <string>

namespace sb::server {

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_queue) : max_queue_(max_queue) {
    for (std::size_t i = 0; i < (threads ? threads : 1); ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void WorkerPool::set_post(Post post) {
    std::lock_guard lock(mutex_);
    post_ = std::move(post);
}

bool WorkerPool::submit(Task work, Task done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= max_queue_) return false;
        queue_.emplace_back(std::move(work), std::move(done));
    }
    wake_.notify_one();
    return true;
}

void WorkerPool::run() {
    for (;;) {
        std::pair<Task, Task> job;
        Post post;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
            post = post_;
        }
        try {
            job.first();
        } catch (const std::exception& e) { // `done` still runs: it answers the client
            log_line(std::string("worker: ") + e.what());
        }
        if (post)
            post(std::move(job.second));
        else
            job.second();
    }
}

} // namespace sb::server
