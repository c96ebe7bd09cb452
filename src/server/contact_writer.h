// Contact writes off the io thread. ContactHub hands a turn's batches to a ContactWriter and goes on reading and
// applying the next commands while the transaction commits (and syncs); it sends a batch only once the writer
// says the batch is durable. One write at a time: start(), then wait() once, before the next start().
//
// StoreWriter runs the writes on a thread of its own with a store connection of its own (SQLite in WAL mode
// lets the io thread's connection read meanwhile; PostgreSQL gets a second session). Tests drive the
// interface by hand (tests/unit/server/contact_hub_test.cpp, ManualWriter).
#pragma once
#include "server/store/store.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sb::server {

class ContactWriter {
  public:
    virtual ~ContactWriter() = default;
    // Writes these in ONE transaction (Store::write_contacts). When it is done, `done` runs on the writer's
    // thread (ContactHub posts from there to the io thread).
    virtual void start(std::vector<ContactWrite> writes, std::function<void()> done) = 0;
    // Blocks until the write started last is done. Returns its error (the StoreError's text), nullopt when it
    // is durable.
    virtual std::optional<std::string> wait() = 0;
};

class StoreWriter final : public ContactWriter {
  public:
    // `store`: the writer's own connection. `spacing`: a transaction starts at least this long after the one
    // before it started (the batches that come meanwhile wait and go together: fewer syncs under load).
    explicit StoreWriter(std::unique_ptr<Store> store, std::chrono::microseconds spacing = {});
    ~StoreWriter() override;                              // finishes the write under way, then stops
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    void start(std::vector<ContactWrite> writes, std::function<void()> done) override;
    std::optional<std::string> wait() override;

  private:
    void run();

    std::unique_ptr<Store> store_;
    const std::chrono::microseconds spacing_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool has_job_ = false;  // started, not taken by the thread yet
    bool finished_ = true;  // the last write started is done
    bool stopping_ = false;
    std::vector<ContactWrite> writes_;
    std::function<void()> done_;
    std::optional<std::string> error_;
    std::thread thread_;
};

} // namespace sb::server
