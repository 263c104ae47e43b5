// The thread that owns one handle's socket. JavaScript never waits on the kernel:
// work is queued here and runs in order on this thread, which also creates the
// socket inside the handle's namespace (and comes straight back).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "route_socket.h"

namespace nlroute::io {

class IoThread {
 public:
  // A task gets the socket (null until opened, and after a failed open).
  using Task = std::function<void(std::unique_ptr<RouteSocket>& socket)>;

  IoThread();
  ~IoThread();  // finishes queued tasks, closes the socket, joins
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  void post(Task task);
  // Runs the queued tasks, then closes the socket and ends the thread. Idempotent.
  void stop_and_join();
  // For an environment that is going away: the running task is asked to stop early
  // (cancelled() turns true), the queued ones run with no socket (they answer at once,
  // and nobody reads the answers), then the socket is closed and the thread joined.
  void cancel_and_join();
  // Set by cancel_and_join(); long tasks check it between kernel round trips.
  const std::atomic<bool>& cancelled() const { return cancelled_; }

  // Called from a task whose thread could not return to its own namespace: the thread
  // ends after that task, and anything posted later runs at once with no socket.
  void retire();
  bool retired();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  std::atomic<size_t> queued_{0};  // queue_.size(), readable without the mutex while spinning
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> cancelled_{false};
  bool stopping_ = false;
  bool retired_ = false;
  std::unique_ptr<RouteSocket> socket_;
  std::thread thread_;
};

}  // namespace nlroute::io
