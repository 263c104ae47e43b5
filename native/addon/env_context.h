// Everything native that belongs to one JavaScript environment (the main thread, or
// one Worker): the way finished work gets back to its JavaScript thread (one
// thread-safe function), the event-loop spinner, the cache of idle I/O threads, the
// list of live handles, and how big its last route listing was.
//
// Why one per environment: a thread-safe function, a libuv handle or an I/O thread
// must never outlive the environment it reports to, and an environment can end
// while handles are still open (a process exiting with handles open, a Worker that
// is terminated mid-batch). The context ends its environment's native resources in a
// fixed order from an async cleanup hook that runs before the thread-safe function
// is finalized:
//   1. every live handle's I/O thread is cancelled (the running exchange stops at its
//      next round trip) and joined, which closes its socket;
//   2. the idle threads are joined;
//   3. the spinner's libuv handle is closed;
//   4. the context deletes itself once the loop handle is closed and the thread-safe
//      function is finalized (whichever comes last).
// After step 1 no thread can deliver anything, so the thread-safe function is never
// called after Node has freed it.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <unordered_set>

#include "loop_spin.h"
#include "thread_cache.h"

namespace nlroute::addon {

struct ListingSize;

// Work finished on an I/O thread, to be completed on the JavaScript thread.
class Completion {
 public:
  virtual ~Completion() = default;
  // Runs on the JavaScript thread; may throw (the exception is dropped: there is no
  // JavaScript caller to hand it to).
  virtual void complete(Napi::Env env) = 0;
};

// Something that holds native resources of the environment: told to let go of them
// when the environment ends before the holder does.
class EnvResident {
 public:
  virtual ~EnvResident() = default;
  virtual void environment_ending() = 0;
};

class EnvContext {
 public:
  // Made by the module's Init; deletes itself after its environment's teardown.
  static EnvContext* create(Napi::Env env);

  // JavaScript thread only.
  void add(EnvResident* resident) { residents_.insert(resident); }
  void remove(EnvResident* resident) { residents_.erase(resident); }
  void work_started(Napi::Env env);  // keeps the loop alive and awake while work is pending
  void work_finished(Napi::Env env);
  ThreadCache& threads() { return threads_; }
  // How big route listings have been lately (RoutePack::reserve_like).
  const std::shared_ptr<ListingSize>& route_listing_size() const { return route_listing_size_; }
  // Whether a call may wait briefly for its answer (handover.h): only with a second
  // CPU for the I/O thread to run on while this one spins, and only while the current
  // turn of the event loop has run less than kTurnBudgetMs, so that a loop of awaited
  // calls answered at once still lets timers and I/O in every few milliseconds.
  bool may_wait_briefly() const;

  // Any thread: hands `done` to the JavaScript thread (which completes and deletes it),
  // or deletes it at once when the environment is going away.
  void deliver(Completion* done);

 private:
  explicit EnvContext(Napi::Env env);
  ~EnvContext() = default;

  static void call_js(napi_env env, napi_value, void* context, void* data);
  static void on_finalized(napi_env, void* data, void*);
  static void on_teardown(napi_async_cleanup_hook_handle hook, void* arg);
  static void on_spinner_closed(void* arg);
  void delete_when_done();

  uv_loop_t* loop_ = nullptr;
  bool several_cpus_ = false;
  napi_threadsafe_function to_js_ = nullptr;
  napi_async_cleanup_hook_handle hook_ = nullptr;
  LoopSpinner spinner_;
  ThreadCache threads_;
  std::shared_ptr<ListingSize> route_listing_size_;
  std::unordered_set<EnvResident*> residents_;
  int pending_ = 0;

  std::mutex deliver_mutex_;  // guards to_js_alive_ against the finalizer
  bool to_js_alive_ = false;
  bool spinner_closed_ = false;
};

}  // namespace nlroute::addon
