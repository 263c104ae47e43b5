#include "io_thread.h"

namespace nlroute::io {

IoThread::IoThread() : thread_([this] { loop(); }) {}

IoThread::~IoThread() { stop_and_join(); }

void IoThread::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!retired_) {
      queue_.push_back(std::move(task));
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

void IoThread::stop_and_join() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void IoThread::loop() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and nothing left to do
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task(socket_);
    std::lock_guard<std::mutex> lock(mutex_);
    if (retired_) {
      // Tasks queued behind the one that retired us still get an answer (no socket).
      std::deque<Task> rest;
      rest.swap(queue_);
      std::unique_ptr<RouteSocket> none;
      for (auto& t : rest) t(none);
      break;
    }
  }
  socket_.reset();  // closes the fd on this thread, after the last task
}

}  // namespace nlroute::io
