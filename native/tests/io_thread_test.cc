// Native checks that need no kernel and no JavaScript, built with the fuzz targets
// (native/fuzz/fuzz.cmake) and run by scripts/fuzz.js before fuzzing.
//
// IoThread: a task queued behind the task that retires the thread must be able to call
// post(), retire() and retired() on that same thread. Those tasks used to run while
// the thread held its own mutex, so any of these calls deadlocked (defect 15 of the
// hardening issue); an alarm turns a deadlock into a failure.
#include "../socket/io_thread.h"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>

using nlroute::io::IoThread;
using nlroute::io::RouteSocket;

int main() {
  std::signal(SIGALRM, [](int) {
    static const char message[] =
        "io_thread_test: FAILED (deadlock: a task behind a retiring one blocked)\n";
    (void)!::write(2, message, sizeof message - 1);
    std::_Exit(1);
  });
  ::alarm(10);

  std::mutex m;
  std::condition_variable cv;
  bool queued = false;
  std::atomic<int> ran{0};
  {
    IoThread thread;
    thread.post([&](std::unique_ptr<RouteSocket>&) {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return queued; });  // the next task is queued behind this one
      thread.retire();
      ran++;
    });
    thread.post([&](std::unique_ptr<RouteSocket>&) {
      if (!thread.retired()) std::_Exit(2);
      thread.retire();
      thread.post(
          [&](std::unique_ptr<RouteSocket>&) { ran++; });  // runs at once: the thread is retired
      ran++;
    });
    {
      std::lock_guard<std::mutex> lock(m);
      queued = true;
    }
    cv.notify_one();
    thread.stop_and_join();
  }
  if (ran != 3) {
    std::fprintf(stderr, "io_thread_test: FAILED (%d of 3 tasks ran)\n", ran.load());
    return 1;
  }
  std::puts("io_thread_test: ok");
  return 0;
}
