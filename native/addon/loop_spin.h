// A short busy-poll of the event loop after a request is handed to the I/O thread.
//
// An awaited single operation is answered ~10 µs after it is sent, but an event
// loop asleep in epoll_wait takes a cross-CPU wake-up to hear of it, which on a
// virtual machine costs several times the kernel's own work. While a LoopSpinner is
// kicked, an idle handle makes the loop poll with a zero timeout instead of sleeping:
// the loop is never blocked (timers and I/O callbacks keep running); it only stays
// awake. It goes back to sleeping kSpinMicros after the last kick, or as soon as
// nothing is pending, so a long batch costs at most that much spinning.
#pragma once

#include <napi.h>
#include <uv.h>

#include <cstdint>

namespace nlroute::addon {

class LoopSpinner {
 public:
  explicit LoopSpinner(Napi::Env env);
  // close() must have been called (and its callback may still be pending).
  ~LoopSpinner() = default;
  LoopSpinner(const LoopSpinner&) = delete;
  LoopSpinner& operator=(const LoopSpinner&) = delete;

  void kick();  // a request was submitted: stay awake for a while
  void stop();  // nothing is pending any more
  // Closes the loop handle; `done(arg)` runs from the loop once it is closed (at
  // once when there is no handle). Called once, while the environment tears down.
  void close(void (*done)(void*), void* arg);

 private:
  static void on_idle(uv_idle_t* handle);

  struct Idle {
    uv_idle_t handle;
    void (*done)(void*) = nullptr;
    void* arg = nullptr;
  };
  Idle* idle_ = nullptr;  // freed by uv_close's callback
  uint64_t until_ns_ = 0;
  bool running_ = false;
};

}  // namespace nlroute::addon
