// Who completes a finished job: the JavaScript thread that is still waiting for it,
// or the thread-safe function that wakes the event loop.
//
// An awaited lone request is answered by the kernel a few microseconds after the I/O
// thread sends it, while handing the answer back through the event loop (an eventfd
// write, the loop's wake-up, the thread-safe function's call) costs several times
// that. So the call that posts such a request may wait for it briefly, spinning; if it
// is finished in time, the JavaScript thread completes it at once. The wait is bounded
// (kBriefWait), so the loop never waits on the kernel longer than that.
//
// Exactly one side completes: the I/O thread's finish() and the waiter's giving up
// race on one atomic state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace nlroute::addon {

class Handover {
 public:
  // Long enough for a rule or route change (2-6 µs in the kernel) plus two thread
  // hand-offs; short enough to be nothing beside the loop's other work.
  static constexpr std::chrono::microseconds kBriefWait{50};

  // JavaScript thread, before the job is posted: someone will wait for it.
  void expect_waiter() { state_.store(kWaiting, std::memory_order_relaxed); }

  // I/O thread, once the job's work is done and nothing of it is touched any more:
  // true when it must be delivered through the event loop; false when the waiting
  // JavaScript thread takes it (which may free it at once).
  bool finish() {
    uint8_t expected = kWaiting;
    return !state_.compare_exchange_strong(expected, kFinished, std::memory_order_acq_rel);
  }

  // JavaScript thread, after posting: true when the job finished within kBriefWait
  // and is this thread's to complete; false when the event loop will deliver it.
  bool wait_briefly() {
    auto until = std::chrono::steady_clock::now() + kBriefWait;
    do {
      if (state_.load(std::memory_order_acquire) == kFinished) return true;
      relax();
    } while (std::chrono::steady_clock::now() < until);
    uint8_t expected = kWaiting;
    if (state_.compare_exchange_strong(expected, kNoWaiter, std::memory_order_acq_rel))
      return false;
    return true;  // it finished between the last look and giving up
  }

 private:
  static constexpr uint8_t kNoWaiter = 0, kWaiting = 1, kFinished = 2;

  static void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

  std::atomic<uint8_t> state_{kNoWaiter};
};

}  // namespace nlroute::addon
