#include "io_thread.h"

#include <chrono>

namespace nlroute::io {

namespace {
// After a task, the thread watches the queue this long before going to sleep. An agent
// that awaits each operation sends the next one a few tens of microseconds after the
// last answer; catching it awake saves a futex wake-up per operation.
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}
}  // namespace

IoThread::IoThread() : thread_([this] { loop(); }) {}

IoThread::~IoThread() { stop_and_join(); }

void IoThread::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!retired_) {
      queue_.push_back(std::move(task));
      queued_.store(queue_.size(), std::memory_order_release);
      task = nullptr;
    }
  }
  if (task) {
    std::unique_ptr<RouteSocket> none;
    task(none);
    return;
  }
  wake_.notify_one();
}

void IoThread::retire() {
  std::lock_guard<std::mutex> lock(mutex_);
  retired_ = true;
}

bool IoThread::retired() {
  std::lock_guard<std::mutex> lock(mutex_);
  return retired_;
}

void IoThread::stop_and_join() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    stop_requested_.store(true, std::memory_order_relaxed);
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void IoThread::cancel_and_join() {
  cancelled_.store(true, std::memory_order_relaxed);
  stop_and_join();
}

void IoThread::loop() {
  for (;;) {
    Task task;
    auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
    while (queued_.load(std::memory_order_acquire) == 0 &&
           !stop_requested_.load(std::memory_order_relaxed) &&
           std::chrono::steady_clock::now() < spin_until) {
      cpu_relax();
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and nothing left to do
      task = std::move(queue_.front());
      queue_.pop_front();
      queued_.store(queue_.size(), std::memory_order_release);
    }
    // Once cancelled, queued tasks run without the socket: they answer at once.
    std::unique_ptr<RouteSocket> none;
    task(cancelled_.load(std::memory_order_relaxed) ? none : socket_);
    std::deque<Task> rest;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!retired_) continue;
      // Tasks queued behind the one that retired us still get an answer (no socket).
      // They run outside the lock: one of them may post(), retire() or ask retired().
      rest.swap(queue_);
      queued_.store(0, std::memory_order_release);
    }
    for (auto& t : rest) t(none);
    break;
  }
  socket_.reset();  // closes the fd on this thread, after the last task
}

}  // namespace nlroute::io
