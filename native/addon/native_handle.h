// The JavaScript-visible handle: one socket in one namespace, served by one I/O
// thread. Each method converts its arguments on the JavaScript thread, runs the
// kernel exchange on the I/O thread, and settles a promise back on the JavaScript
// thread. Errors come back as plain objects; lib/ turns them into typed errors.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <string>

#include "../socket/io_thread.h"
#include "loop_spin.h"

namespace nlroute::addon {

class NativeHandle : public Napi::ObjectWrap<NativeHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit NativeHandle(const Napi::CallbackInfo& info);
  ~NativeHandle() override;

 private:
  using Work = std::function<void(std::unique_ptr<io::RouteSocket>&)>;
  using Finish = std::function<Napi::Value(Napi::Env)>;
  struct Job;

  Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value Requests(const Napi::CallbackInfo& info);
  Napi::Value RuleDump(const Napi::CallbackInfo& info);
  Napi::Value RuleFlush(const Napi::CallbackInfo& info);
  Napi::Value RouteDump(const Napi::CallbackInfo& info);
  Napi::Value RouteFlush(const Napi::CallbackInfo& info);
  Napi::Value RouteGet(const Napi::CallbackInfo& info);
  Napi::Value LinkGet(const Napi::CallbackInfo& info);
  Napi::Value LinkDump(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Queues `work` on the I/O thread; `finish` builds the promise's value afterwards.
  Napi::Promise submit(Napi::Env env, Work work, Finish finish);
  static void complete(Napi::Env env, Napi::Function, Job* job);
  void shut_down();

  std::string namespace_path_;  // empty: use namespace_fd_, or the current namespace
  int namespace_fd_ = -1;       // caller's fd, never closed by us
  int rcvbuf_bytes_;
  std::unique_ptr<io::IoThread> io_;
  Napi::ThreadSafeFunction to_js_;
  std::unique_ptr<LoopSpinner> spinner_;
  int pending_ = 0;
  bool closed_ = false;
};

}  // namespace nlroute::addon
