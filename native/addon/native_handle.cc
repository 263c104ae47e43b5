#include "native_handle.h"

#include <unistd.h>

#include <cerrno>

#include "../ops/link_ops.h"
#include "../ops/requests.h"
#include "../ops/route_ops.h"
#include "../ops/rule_ops.h"
#include "../socket/netns.h"
#include "../wire/constants.h"
#include "../wire/rule_codec.h"
#include "abort_token.h"
#include "handover.h"
#include "link_convert.h"
#include "outcome_convert.h"
#include "request_pack.h"
#include "route_convert.h"
#include "route_pack.h"
#include "rule_convert.h"

namespace nlroute::addon {

namespace {
constexpr int kDefaultRcvbuf = 4 * 1024 * 1024;

io::Outcome not_open() {
  io::Outcome o;
  o.error = EBADF;
  o.syscall = "handle is not open";
  return o;
}

// The outcome of request i of `batch`, with an extended-ACK offset mapped to the
// attribute it points at (rule and route requests have their own headers and names).
Napi::Value request_outcome(Napi::Env env, const io::Outcome& o, const io::RequestBatch& batch,
                            size_t i, uint32_t header_len, AttrNamer namer) {
  const uint8_t* request = i < batch.size() ? batch.bytes.data() + batch.starts[i] : nullptr;
  size_t len = i < batch.size() ? batch.length_of(i) : 0;
  return outcome_to_js(env, o, request, len, header_len, namer);
}

Napi::Value rule_outcome(Napi::Env env, const io::Outcome& o, const io::RequestBatch& batch,
                         size_t i) {
  return request_outcome(env, o, batch, i, wire::kRuleHeaderLen, wire::rule_attr_name);
}

Napi::Value route_outcome(Napi::Env env, const io::Outcome& o, const io::RequestBatch& batch,
                          size_t i) {
  return request_outcome(env, o, batch, i, wire::kRouteHeaderLen, wire::route_attr_name);
}

Napi::Array outcomes_to_js(Napi::Env env, const std::vector<io::Outcome>& outcomes,
                           const io::RequestBatch& batch,
                           Napi::Value (*convert)(Napi::Env, const io::Outcome&,
                                                  const io::RequestBatch&, size_t)) {
  Napi::Array out = Napi::Array::New(env, outcomes.size());
  for (size_t i = 0; i < outcomes.size(); ++i)
    out.Set(static_cast<uint32_t>(i), convert(env, outcomes[i], batch, i));
  return out;
}

Napi::Array rules_to_js(Napi::Env env, const std::vector<wire::RuleRecord>& rules) {
  Napi::Array out = Napi::Array::New(env, rules.size());
  for (size_t i = 0; i < rules.size(); ++i)
    out.Set(static_cast<uint32_t>(i), rule_to_js(env, rules[i]));
  return out;
}

wire::RuleRecord filter_from_js(const Napi::Value& v) {
  if (v.IsObject()) return rule_from_js(v.As<Napi::Object>());
  wire::RuleRecord none;
  none.present = 0;
  return none;
}
}  // namespace

struct NativeHandle::Job : Completion {
  Job(Napi::Env env, OpenWork w, Finish f, NativeHandle* o, bool keeps)
      : deferred(Napi::Promise::Deferred::New(env)),
        work(std::move(w)),
        finish(std::move(f)),
        owner(o),
        keeps_alive(keeps) {}
  Napi::Promise::Deferred deferred;
  OpenWork work;
  Finish finish;
  NativeHandle* owner;
  bool keeps_alive;
  Handover handover;

  void complete(Napi::Env env) override {
    try {
      deferred.Resolve(finish(env));
    } catch (const Napi::Error& e) {
      deferred.Reject(e.Value());
    }
    owner->finished(env, keeps_alive);
  }
};

Napi::Function NativeHandle::Define(Napi::Env env, EnvContext* context) {
  return DefineClass(env, "NativeHandle",
                     {
                         InstanceMethod("open", &NativeHandle::Open),
                         InstanceMethod("requests", &NativeHandle::Requests),
                         InstanceMethod("ruleDump", &NativeHandle::RuleDump),
                         InstanceMethod("ruleFlush", &NativeHandle::RuleFlush),
                         InstanceMethod("routeDump", &NativeHandle::RouteDump),
                         InstanceMethod("routeFlush", &NativeHandle::RouteFlush),
                         InstanceMethod("routeGet", &NativeHandle::RouteGet),
                         InstanceMethod("linkGet", &NativeHandle::LinkGet),
                         InstanceMethod("linkDump", &NativeHandle::LinkDump),
                         InstanceMethod("stats", &NativeHandle::Stats),
                         InstanceMethod("namespaceFd", &NativeHandle::NamespaceFd),
                         InstanceMethod("subscribe", &NativeHandle::Subscribe),
                         InstanceMethod("notifications", &NativeHandle::Notifications),
                         InstanceMethod("close", &NativeHandle::Close),
                     },
                     context);
}

// new NativeHandle({ path?: string, fd?: number, rcvbuf?: number, timeoutMs?: number })
NativeHandle::NativeHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<NativeHandle>(info), context_(static_cast<EnvContext*>(info.Data())) {
  Napi::Env env = info.Env();
  Napi::Object options = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  Napi::Value path = options.Get("path"), fd = options.Get("fd"), rcvbuf = options.Get("rcvbuf");
  if (path.IsString()) namespace_path_ = path.As<Napi::String>().Utf8Value();
  if (fd.IsNumber()) {
    io::NamespaceFdProblem problem;
    namespace_fd_ = io::duplicate_namespace_fd(fd.As<Napi::Number>().Int32Value(), problem);
    if (namespace_fd_ < 0) {
      // lib/ turns these codes into a ValidationError naming netnsFd.
      Napi::Error error =
          Napi::Error::New(env, "netnsFd is not a usable network namespace descriptor");
      error.Set("code", problem == io::NamespaceFdProblem::NotOpen        ? "EBADF"
                        : problem == io::NamespaceFdProblem::NotNamespace ? "ENOTNSFS"
                                                                          : "EWRONGNS");
      throw error;
    }
  }
  rcvbuf_bytes_ = rcvbuf.IsNumber() ? rcvbuf.As<Napi::Number>().Int32Value() : kDefaultRcvbuf;
  Napi::Value timeout = options.Get("timeoutMs");
  if (timeout.IsNumber()) timeout_ms_ = timeout.As<Napi::Number>().Uint32Value();
  io_ = context_->threads().take();
  route_listing_size_ = context_->route_listing_size();
  context_->add(this);
}

NativeHandle::~NativeHandle() {
  if (namespace_fd_ >= 0) ::close(namespace_fd_);  // never opened
  if (!context_) return;  // the environment ended first and took everything down
  context_->remove(this);
  shut_down();
}

void NativeHandle::shut_down() {
  if (!io_) return;
  if (closed_) {
    context_->threads().give(std::move(io_));  // close() ran last: the thread holds no socket now
  } else {
    io_->stop_and_join();  // closes the socket after any queued work
    io_.reset();
  }
}

void NativeHandle::environment_ending() {
  if (io_) io_->cancel_and_join();
  io_.reset();
  context_ = nullptr;
}

Napi::Promise NativeHandle::submit(Napi::Env env, Work work, Finish finish,
                                   const Napi::Value& token, Finish when_not_open, bool keep_alive,
                                   bool answer_soon) {
  // Written on the I/O thread before the job is delivered, read on this one after.
  auto not_open_now = std::make_shared<bool>(false);
  return post(
      env,
      [work = std::move(work), not_open_now](std::unique_ptr<io::RouteSocket>& sock) {
        if (sock)
          work(*sock);
        else
          *not_open_now = true;
      },
      [finish = std::move(finish), when_not_open = std::move(when_not_open),
       not_open_now](Napi::Env env) {
        if (!*not_open_now) return finish(env);
        return when_not_open ? when_not_open(env) : Napi::Value(error_result(env, not_open()));
      },
      token, keep_alive, answer_soon);
}

Napi::Promise NativeHandle::post(Napi::Env env, OpenWork work, Finish finish,
                                 const Napi::Value& token, bool keep_alive, bool answer_soon) {
  if (!io_ || closed_ || !context_) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(Napi::Error::New(env, "nlroute: the handle is closed").Value());
    return deferred.Promise();
  }
  auto* job = new Job(env, std::move(work), std::move(finish), this, keep_alive);
  Napi::Promise promise = job->deferred.Promise();
  // Only with nothing else of this handle's ahead of it: behind other work, the
  // answer would not come within the brief wait.
  bool wait_briefly = answer_soon && pending_ == 0 && context_->may_wait_briefly();
  if (wait_briefly) job->handover.expect_waiter();
  Ref();  // the JavaScript object lives until its last operation settles
  ++pending_;
  // A job answered within the brief wait never needs the loop kept alive or awake.
  if (keep_alive && !wait_briefly) context_->work_started(env);
  EnvContext* context = context_;  // outlives every I/O thread (see env_context.h)
  std::shared_ptr<std::atomic<bool>> abort = AbortToken::flag_of(token);
  uint32_t timeout_ms = timeout_ms_;
  io_->post([job, context, abort, timeout_ms](std::unique_ptr<io::RouteSocket>& sock) {
    if (sock) {
      auto deadline = timeout_ms
                          ? io::RouteSocket::Clock::now() + std::chrono::milliseconds(timeout_ms)
                          : io::RouteSocket::Clock::time_point::max();
      sock->begin_call(abort.get(), deadline);
    }
    job->work(sock);
    if (sock) {
      sock->end_call();
      // An answer may still come after a timeout, to a request we no longer wait for:
      // the socket is closed rather than used again (lib/ closes the handle).
      if (sock->timed_out()) sock.reset();
    }
    // The job is not touched after finish(): a waiting JavaScript thread may free it.
    if (job->handover.finish()) context->deliver(job);
  });
  if (wait_briefly) {
    if (job->handover.wait_briefly()) {
      job->keeps_alive = false;  // work_started() was never called for it
      job->complete(env);
      delete job;
    } else if (keep_alive) {
      context_->work_started(env);  // before the loop can run the delivery
    }
  }
  return promise;
}

void NativeHandle::finished(Napi::Env env, bool kept_alive) {
  --pending_;
  if (context_ && kept_alive) context_->work_finished(env);
  if (closed_ && pending_ == 0 && context_) shut_down();
  Unref();
}

Napi::Value NativeHandle::Open(const Napi::CallbackInfo& info) {
  struct State {
    io::SysError err;
    io::SocketFeatures features;
    io::NamespaceId ns;
  };
  auto state = std::make_shared<State>();
  std::string path = namespace_path_;
  int given_fd = namespace_fd_;  // ours (a duplicate): the open task closes it
  namespace_fd_ = -1;
  int rcvbuf = rcvbuf_bytes_;
  io::IoThread* thread = io_.get();
  return post(
      info.Env(),
      [state, path, given_fd, rcvbuf, thread](std::unique_ptr<io::RouteSocket>& sock) {
        int ns_fd = given_fd;
        if (!path.empty()) {
          ns_fd = io::open_namespace_file(path, state->err);
          if (ns_fd < 0) return;
          if (io::namespace_fd_problem(ns_fd) != io::NamespaceFdProblem::None) {
            ::close(ns_fd);
            state->err = {EINVAL, "open(" + path + "): not a network namespace file"};
            return;
          }
        }
        if (ns_fd >= 0) {
          state->ns = io::namespace_id_of_fd(ns_fd);
        } else {
          state->ns = io::current_namespace_id();
        }
        bool stranded = false;
        sock = io::RouteSocket::open(ns_fd, rcvbuf, state->err, stranded);
        if (ns_fd >= 0) ::close(ns_fd);  // the socket holds the namespace from now on
        if (sock) sock->set_cancel_flag(&thread->cancelled());
        if (sock) state->features = sock->features();
        if (stranded) {
          sock.reset();
          thread->retire();
        }
      },
      [state](Napi::Env env) -> Napi::Value {
        Napi::Object result = Napi::Object::New(env);
        if (state->err) {
          result.Set("errno", state->err.errnum);
          result.Set("syscall", state->err.call);
          return result;
        }
        const auto& f = state->features;
        result.Set("portId", f.port_id);
        result.Set("extAck", f.ext_ack);
        result.Set("capAck", f.cap_ack);
        result.Set("strictCheck", f.strict_check);
        result.Set("rcvbuf", f.rcvbuf);
        result.Set("sndbuf", f.sndbuf);
        result.Set("netnsDev", static_cast<double>(state->ns.dev));
        result.Set("netnsInode", static_cast<double>(state->ns.ino));
        return result;
      },
      info.Env().Undefined());
}

// ruleDump(family: number, filter: object | null, token?: AbortToken) -> Promise<{ rules } | {
// error }>
Napi::Value NativeHandle::RuleDump(const Napi::CallbackInfo& info) {
  struct State {
    uint8_t family;
    wire::RuleRecord filter;
    io::Outcome status;
    std::vector<wire::RuleRecord> rules;
  };
  auto state = std::make_shared<State>();
  state->family = static_cast<uint8_t>(info[0].As<Napi::Number>().Uint32Value());
  state->filter = filter_from_js(info[1]);
  return submit(
      info.Env(),
      [state](io::RouteSocket& sock) {
        state->status = ops::list_rules(sock, state->family, state->filter, state->rules);
      },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) return error_result(env, state->status);
        Napi::Object result = Napi::Object::New(env);
        result.Set("rules", rules_to_js(env, state->rules));
        return result;
      },
      info[2]);
}

// ruleFlush(family, filter, token?) -> Promise<{ error } | { rules, outcomes }>
Napi::Value NativeHandle::RuleFlush(const Napi::CallbackInfo& info) {
  struct State {
    uint8_t family;
    wire::RuleRecord filter;
    ops::RuleFlushResult result;
  };
  auto state = std::make_shared<State>();
  state->family = static_cast<uint8_t>(info[0].As<Napi::Number>().Uint32Value());
  state->filter = filter_from_js(info[1]);
  return submit(
      info.Env(),
      [state](io::RouteSocket& sock) {
        ops::flush_rules(sock, state->family, state->filter, state->result);
      },
      [state](Napi::Env env) -> Napi::Value {
        const ops::RuleFlushResult& r = state->result;
        if (r.dump.error) return error_result(env, r.dump);
        Napi::Object result = Napi::Object::New(env);
        result.Set("rules", rules_to_js(env, r.rules));
        result.Set("outcomes", outcomes_to_js(env, r.outcomes, r.batch, rule_outcome));
        return result;
      },
      info[2]);
}

// requests(words: Uint32Array, text: string, sides: object[], options?: { stopAtFirstError,
// maxInFlight }, token?)
//   -> Promise<{ codes: Int32Array, states: Uint8Array, details: object[] }>
// codes[i] is request i's errno (0: success); states[i] is 0 done, 1 unknown (ACK lost),
// 2 not sent, 3 skipped; details lists { index, extack?, offset?, attribute?, syscall? }
// for the requests that have more to say than a code.
Napi::Value NativeHandle::Requests(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  struct State {
    std::vector<bool> is_rule;
    io::TransactOptions options;
    io::RequestBatch batch;
    std::vector<io::Outcome> outcomes;
  };
  auto state = std::make_shared<State>();
  // Encoded here, on the JavaScript thread, straight from the packed words: the
  // I/O thread only numbers and sends.
  encode_packed_requests(info[0].As<Napi::Uint32Array>(), info[1].As<Napi::String>(),
                         info[2].As<Napi::Array>(), state->batch, state->is_rule);
  if (info[3].IsObject()) {
    Napi::Object options = info[3].As<Napi::Object>();
    state->options.stop_at_first_error = options.Get("stopAtFirstError").ToBoolean().Value();
    Napi::Value in_flight = options.Get("maxInFlight");
    if (in_flight.IsNumber())
      state->options.max_in_flight = in_flight.As<Napi::Number>().Uint32Value();
  }
  // codes / states / details, from the outcomes; null when every request simply
  // succeeded (the common answer, and the one an awaited call waits for: no arrays).
  auto answer = [state](Napi::Env env) -> Napi::Value {
    size_t n = state->outcomes.size();
    bool all_done = n == state->batch.size();
    for (size_t i = 0; all_done && i < n; ++i) all_done = state->outcomes[i].plain_success();
    if (all_done) return env.Null();
    Napi::Int32Array codes = Napi::Int32Array::New(env, n);
    Napi::Uint8Array states = Napi::Uint8Array::New(env, n);
    Napi::Array details = Napi::Array::New(env);
    uint32_t detailed = 0;
    for (size_t i = 0; i < n; ++i) {
      const io::Outcome& o = state->outcomes[i];
      codes[i] = o.error;
      states[i] = static_cast<uint8_t>(o.state);
      if (o.message.empty() && o.syscall.empty() && !o.offset) continue;  // codes and states say it
      bool rule = i < state->is_rule.size() && state->is_rule[i];
      Napi::Value detail =
          rule ? rule_outcome(env, o, state->batch, i) : route_outcome(env, o, state->batch, i);
      if (!detail.IsObject()) continue;
      detail.As<Napi::Object>().Set("index", static_cast<uint32_t>(i));
      details.Set(detailed++, detail);
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("codes", codes);
    result.Set("states", states);
    result.Set("details", details);
    return result;
  };
  return submit(
      env,
      [state](io::RouteSocket& sock) {
        ops::send_encoded(sock, state->batch, state->outcomes, state->options);
      },
      answer, info[4],
      // Not open: every request gets that answer, as if each had been tried.
      [state, answer](Napi::Env env) {
        state->outcomes.assign(state->batch.size(), not_open());
        return answer(env);
      },
      /*keep_alive=*/true, /*answer_soon=*/state->batch.size() == 1);
}

// routeDump(filter: object | null, token?) -> Promise<{ count, bytes, extras } | { error }>
Napi::Value NativeHandle::RouteDump(const Napi::CallbackInfo& info) {
  struct State {
    wire::RouteFilter filter;
    io::Outcome status;
    RoutePack pack;
  };
  auto state = std::make_shared<State>();
  state->filter = route_filter_from_js(info[0]);
  return submit(
      info.Env(),
      [state, last = route_listing_size_](io::RouteSocket& sock) {
        RoutePack& pack = state->pack;
        pack.reserve_like(*last);
        state->status = ops::list_routes(
            sock, state->filter, [&pack](wire::RouteRecord&& r) { pack.add(r); },
            [&pack] { pack.clear(); });
        if (!state->status.error) pack.settle_into(*last);
      },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) return error_result(env, state->status);
        return route_pack_to_js(env, state->pack);
      },
      info[1]);
}

// routeFlush(filter, token?) -> Promise<{ error } | { routes: pack, outcomes }>
Napi::Value NativeHandle::RouteFlush(const Napi::CallbackInfo& info) {
  struct State {
    wire::RouteFilter filter;
    ops::RouteFlushResult result;
  };
  auto state = std::make_shared<State>();
  state->filter = route_filter_from_js(info[0]);
  return submit(
      info.Env(),
      [state](io::RouteSocket& sock) { ops::flush_routes(sock, state->filter, state->result); },
      [state](Napi::Env env) -> Napi::Value {
        const ops::RouteFlushResult& r = state->result;
        if (r.dump.error) return error_result(env, r.dump);
        RoutePack pack;
        for (const auto& route : r.routes) pack.add(route);
        Napi::Object result = Napi::Object::New(env);
        result.Set("routes", route_pack_to_js(env, pack));
        result.Set("outcomes", outcomes_to_js(env, r.outcomes, r.batch, route_outcome));
        return result;
      },
      info[1]);
}

// routeGet(query: object, token?) -> Promise<{ count: 1, bytes, extras } | { error }>
Napi::Value NativeHandle::RouteGet(const Napi::CallbackInfo& info) {
  struct State {
    wire::RouteRecord query;
    io::Outcome status;
    std::optional<wire::RouteRecord> found;
  };
  auto state = std::make_shared<State>();
  state->query = route_from_js(info[0].As<Napi::Object>());
  return submit(
      info.Env(),
      [state](io::RouteSocket& sock) {
        state->status = ops::get_route(sock, state->query, state->found);
      },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) {
          Napi::Object result = Napi::Object::New(env);
          io::RequestBatch sent;  // rebuilt so an extended-ACK offset can name its attribute
          sent.starts.push_back(0);
          (void)wire::encode_route(sent.bytes, wire::RTM_GETROUTE, wire::NLM_F_REQUEST, 0,
                                   state->query);
          result.Set("error", route_outcome(env, state->status, sent, 0));
          return result;
        }
        RoutePack pack;
        pack.add(*state->found);
        return route_pack_to_js(env, pack);
      },
      info[1], /*when_not_open=*/nullptr, /*keep_alive=*/true, /*answer_soon=*/true);
}

// linkGet(nameOrIndex: string | number) -> Promise<{ index, name, address? } | null | { error }>
Napi::Value NativeHandle::LinkGet(const Napi::CallbackInfo& info) {
  struct State {
    std::string name;
    int32_t index = 0;
    io::Outcome status;
    std::optional<wire::LinkRecord> link;
  };
  auto state = std::make_shared<State>();
  if (info[0].IsString())
    state->name = info[0].As<Napi::String>().Utf8Value();
  else
    state->index = info[0].As<Napi::Number>().Int32Value();
  return submit(
      info.Env(),
      [state](io::RouteSocket& sock) {
        state->status = ops::get_link(sock, state->name, state->index, state->link);
      },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) return error_result(env, state->status);
        if (!state->link) return env.Null();
        return link_to_js(env, *state->link);
      },
      info.Env().Undefined(), /*when_not_open=*/nullptr, /*keep_alive=*/true, /*answer_soon=*/true);
}

// linkDump(token?) -> Promise<{ links: Array<{ index, name, address? }> } | { error }>
Napi::Value NativeHandle::LinkDump(const Napi::CallbackInfo& info) {
  struct State {
    io::Outcome status;
    std::vector<wire::LinkRecord> links;
  };
  auto state = std::make_shared<State>();
  return submit(
      info.Env(),
      [state](io::RouteSocket& sock) { state->status = ops::list_links(sock, state->links); },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) return error_result(env, state->status);
        Napi::Array links = Napi::Array::New(env, state->links.size());
        for (size_t i = 0; i < state->links.size(); ++i) {
          links.Set(static_cast<uint32_t>(i), link_to_js(env, state->links[i]));
        }
        Napi::Object result = Napi::Object::New(env);
        result.Set("links", links);
        return result;
      },
      info[0]);
}

// stats() -> Promise<{ foreignDropped } | { error }>: the socket's counters, read on its
// I/O thread after the work queued before.
Napi::Value NativeHandle::Stats(const Napi::CallbackInfo& info) {
  auto foreign_dropped = std::make_shared<uint64_t>(0);
  return submit(
      info.Env(),
      [foreign_dropped](io::RouteSocket& sock) { *foreign_dropped = sock.foreign_dropped(); },
      [foreign_dropped](Napi::Env env) -> Napi::Value {
        Napi::Object stats = Napi::Object::New(env);
        stats.Set("foreignDropped", Napi::Number::New(env, static_cast<double>(*foreign_dropped)));
        return stats;
      },
      info.Env().Undefined());
}

// close() -> Promise<void>: queued work finishes first, then the socket is closed.
Napi::Value NativeHandle::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_ || !io_) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(env.Undefined());
    return deferred.Promise();
  }
  // Closing a socket that is not open (a failed open, a timeout) is no error: post, not submit.
  Napi::Promise promise = post(
      env, [](std::unique_ptr<io::RouteSocket>& sock) { sock.reset(); },
      [](Napi::Env env) -> Napi::Value { return env.Undefined(); }, env.Undefined());
  closed_ = true;
  return promise;
}

}  // namespace nlroute::addon
