// The JavaScript-visible handle: one socket in one namespace, served by one I/O
// thread. Each method converts its arguments on the JavaScript thread, runs the
// kernel exchange on the I/O thread, and settles a promise back on the JavaScript
// thread. Errors come back as plain objects; lib/ turns them into typed errors.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <string>

#include "../ops/notifications.h"
#include "../socket/io_thread.h"
#include "env_context.h"
#include "route_pack.h"

namespace nlroute::addon {

class NativeHandle : public Napi::ObjectWrap<NativeHandle>, private EnvResident {
 public:
  static Napi::Function Define(Napi::Env env, EnvContext* context);
  explicit NativeHandle(const Napi::CallbackInfo& info);
  ~NativeHandle() override;

 private:
  // A call's work on the I/O thread, given the open socket; Open's, given the slot it fills.
  using Work = std::function<void(io::RouteSocket&)>;
  using OpenWork = std::function<void(std::unique_ptr<io::RouteSocket>&)>;
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
  Napi::Value Stats(const Napi::CallbackInfo& info);
  // Watching (native_handle_watch.cc): a handle opened only to receive notifications.
  Napi::Value NamespaceFd(const Napi::CallbackInfo& info);
  Napi::Value Subscribe(const Napi::CallbackInfo& info);
  Napi::Value Notifications(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Queues `work` on the I/O thread; `finish` builds the promise's value afterwards.
  // `token`: an AbortToken for this call, or anything else for none. The one guard of
  // every call: when the socket is not open (never opened, or closed after a timeout)
  // the work is skipped and the promise resolves to `when_not_open`'s value, by default
  // `{ error }` with EBADF. `keep_alive` false: the call does not keep the process
  // alive while it waits (a wait for notifications nobody will miss at exit).
  // `answer_soon`: the kernel answers this call within microseconds (a lone change or a
  // lookup), so the call may wait for it briefly and settle its promise at once
  // (handover.h).
  Napi::Promise submit(Napi::Env env, Work work, Finish finish, const Napi::Value& token,
                       Finish when_not_open = nullptr, bool keep_alive = true,
                       bool answer_soon = false);
  // The unguarded queueing under submit(); Open uses it directly.
  Napi::Promise post(Napi::Env env, OpenWork work, Finish finish, const Napi::Value& token,
                     bool keep_alive = true, bool answer_soon = false);
  void finished(Napi::Env env, bool kept_alive);
  void shut_down();
  void environment_ending() override;

  std::string namespace_path_;  // empty: use namespace_fd_, or the current namespace
  int namespace_fd_ = -1;       // our duplicate of the caller's fd, until open() takes it
  int rcvbuf_bytes_;
  uint32_t timeout_ms_ =
      0;                 // each call's deadline for the kernel; 0: none (the socket's own limit)
  EnvContext* context_;  // null once the environment has ended
  std::unique_ptr<io::IoThread> io_;
  int pending_ = 0;
  bool closed_ = false;
  // What Subscribe() chose; read by each Notifications() call on the I/O thread.
  std::shared_ptr<const ops::NotificationFilter> watching_;
  // The environment's, kept by each task that may outlive both (see RoutePack::reserve_like).
  std::shared_ptr<ListingSize> route_listing_size_;
};

}  // namespace nlroute::addon
