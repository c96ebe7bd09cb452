#include "server/contact_writer.h"

#include <utility>

namespace sb::server {

StoreWriter::StoreWriter(std::unique_ptr<Store> store, std::chrono::microseconds spacing)
    : store_(std::move(store)), spacing_(spacing), thread_([this] { run(); }) {}

StoreWriter::~StoreWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void StoreWriter::start(std::vector<ContactWrite> writes, std::function<void()> done) {
    {
        std::lock_guard lock(mutex_);
        writes_ = std::move(writes);
        done_ = std::move(done);
        error_.reset();
        has_job_ = true;
        finished_ = false;
    }
    wake_.notify_all();
}

std::optional<std::string> StoreWriter::wait() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return finished_; });
    return error_;
}

void StoreWriter::run() {
    std::chrono::steady_clock::time_point last_start{};
    for (;;) {
        std::vector<ContactWrite> writes;
        std::function<void()> done;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return has_job_ || stopping_; });
            if (!has_job_) return; // stopping, nothing started
            has_job_ = false;
            writes = std::move(writes_);
            done = std::move(done_);
        }
        if (spacing_.count() > 0) {
            std::this_thread::sleep_until(last_start + spacing_);
            last_start = std::chrono::steady_clock::now();
        }
        std::optional<std::string> error;
        try {
            store_->write_contacts(writes);
        } catch (const StoreError& e) {
            error = e.what();
        } catch (const std::exception& e) {
            error = std::string("unexpected error: ") + e.what();
        }
        {
            std::lock_guard lock(mutex_);
            error_ = std::move(error);
            finished_ = true;
        }
        wake_.notify_all();
        if (done) done();
    }
}

} // namespace sb::server
