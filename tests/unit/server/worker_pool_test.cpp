// The worker pool that runs agent.login's password checks: off the caller's thread, bounded, answers posted.
#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace sb::server;

namespace {

// Stands for the io thread: what the pool posts waits here until the test runs it.
struct PostedQueue {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<Executor::Task> tasks;
    WorkerPool::Post post() {
        return [this](Executor::Task t) {
            std::lock_guard lock(mutex);
            tasks.push_back(std::move(t));
            changed.notify_all();
        };
    }
    std::vector<Executor::Task> wait_for(std::size_t n) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return tasks.size() >= n; });
        return std::move(tasks);
    }
};

} // namespace

TEST(WorkerPool, RunsWorkElsewhereAndPostsWhatFollows) {
    PostedQueue io;
    WorkerPool pool(1, 1);
    pool.set_post(io.post());
    std::promise<void> started, release;
    auto released = release.get_future().share();
    std::thread::id worker;
    bool done_a = false, done_b = false, done_c = false;
    ASSERT_TRUE(pool.submit(
        [&] {
            worker = std::this_thread::get_id();
            started.set_value();
            released.wait();
        },
        [&] { done_a = true; }));
    started.get_future().wait(); // the one thread is busy
    EXPECT_TRUE(pool.submit([] {}, [&] { done_b = true; })); // waits in the queue (room for one)
    EXPECT_FALSE(pool.submit([] {}, [&] { done_c = true; })); // the queue is full
    release.set_value();

    auto posted = io.wait_for(2);
    EXPECT_NE(worker, std::this_thread::get_id());
    EXPECT_FALSE(done_a); // posted, not run on the worker
    for (auto& t : posted) t();
    EXPECT_TRUE(done_a);
    EXPECT_TRUE(done_b);
    EXPECT_FALSE(done_c);
}

TEST(WorkerPool, WorkThatThrowsIsStillAnswered) {
    PostedQueue io;
    WorkerPool pool(2, 4);
    pool.set_post(io.post());
    bool answered = false;
    ASSERT_TRUE(pool.submit([] { throw std::runtime_error("out of memory"); }, [&] { answered = true; }));
    for (auto& t : io.wait_for(1)) t();
    EXPECT_TRUE(answered);
}

TEST(InlineExecutor, RunsBothBeforeReturning) {
    InlineExecutor at_once;
    std::vector<int> order;
    EXPECT_TRUE(at_once.submit([&] { order.push_back(1); }, [&] { order.push_back(2); }));
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
}
