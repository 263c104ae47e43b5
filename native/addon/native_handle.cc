#include "native_handle.h"

#include <unistd.h>

#include <cerrno>

#include "../ops/link_ops.h"
#include "../ops/rule_ops.h"
#include "../socket/netns.h"
#include "../wire/constants.h"
#include "../wire/rule_codec.h"
#include "outcome_convert.h"
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

Napi::Value rule_outcome(Napi::Env env, const io::Outcome& o, const io::RequestBatch& batch, size_t i) {
  const uint8_t* request = i < batch.size() ? batch.bytes.data() + batch.starts[i] : nullptr;
  size_t len = i < batch.size() ? batch.length_of(i) : 0;
  return outcome_to_js(env, o, request, len, wire::kRuleHeaderLen, wire::rule_attr_name);
}

Napi::Array rules_to_js(Napi::Env env, const std::vector<wire::RuleRecord>& rules) {
  Napi::Array out = Napi::Array::New(env, rules.size());
  for (size_t i = 0; i < rules.size(); ++i) out.Set(static_cast<uint32_t>(i), rule_to_js(env, rules[i]));
  return out;
}

// { error: outcome }: how a failed dump or lookup resolves; lib/ throws it as a NetlinkError.
Napi::Object error_result(Napi::Env env, const io::Outcome& status) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("error", outcome_to_js(env, status, nullptr, 0, 0, nullptr));
  return result;
}

wire::RuleRecord filter_from_js(const Napi::Value& v) {
  if (v.IsObject()) return rule_from_js(v.As<Napi::Object>());
  wire::RuleRecord none;
  none.present = 0;
  return none;
}
}  // namespace

struct NativeHandle::Job {
  Napi::Promise::Deferred deferred;
  Work work;
  Finish finish;
  NativeHandle* owner;
};

Napi::Function NativeHandle::Define(Napi::Env env) {
  return DefineClass(env, "NativeHandle",
                     {
                         InstanceMethod("open", &NativeHandle::Open),
                         InstanceMethod("ruleRequests", &NativeHandle::RuleRequests),
                         InstanceMethod("ruleDump", &NativeHandle::RuleDump),
                         InstanceMethod("ruleFlush", &NativeHandle::RuleFlush),
                         InstanceMethod("linkGet", &NativeHandle::LinkGet),
                         InstanceMethod("close", &NativeHandle::Close),
                     });
}

// new NativeHandle({ path?: string, fd?: number, rcvbuf?: number })
NativeHandle::NativeHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeHandle>(info) {
  Napi::Env env = info.Env();
  Napi::Object options = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  Napi::Value path = options.Get("path"), fd = options.Get("fd"), rcvbuf = options.Get("rcvbuf");
  if (path.IsString()) namespace_path_ = path.As<Napi::String>().Utf8Value();
  if (fd.IsNumber()) namespace_fd_ = fd.As<Napi::Number>().Int32Value();
  rcvbuf_bytes_ = rcvbuf.IsNumber() ? rcvbuf.As<Napi::Number>().Int32Value() : kDefaultRcvbuf;
  to_js_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                         "nlroute-io", 0, 1);
  // An idle handle must not keep the process alive; a pending operation does.
  to_js_.Unref(env);
  io_ = std::make_unique<io::IoThread>();
}

NativeHandle::~NativeHandle() { shut_down(); }

void NativeHandle::shut_down() {
  if (!io_) return;
  io_->stop_and_join();  // closes the socket after any queued work
  io_.reset();
  to_js_.Release();
}

Napi::Promise NativeHandle::submit(Napi::Env env, Work work, Finish finish) {
  auto* job = new Job{Napi::Promise::Deferred::New(env), std::move(work), std::move(finish), this};
  Napi::Promise promise = job->deferred.Promise();
  if (!io_ || closed_) {
    delete job;
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(Napi::Error::New(env, "nlroute: the handle is closed").Value());
    return deferred.Promise();
  }
  Ref();  // the JavaScript object lives until its last operation settles
  if (pending_++ == 0) to_js_.Ref(env);
  Napi::ThreadSafeFunction to_js = to_js_;
  io_->post([job, to_js](std::unique_ptr<io::RouteSocket>& sock) mutable {
    job->work(sock);
    to_js.NonBlockingCall(job, &NativeHandle::complete);
  });
  return promise;
}

void NativeHandle::complete(Napi::Env env, Napi::Function, Job* job) {
  NativeHandle* self = job->owner;
  try {
    job->deferred.Resolve(job->finish(env));
  } catch (const Napi::Error& e) {
    job->deferred.Reject(e.Value());
  }
  delete job;
  if (--self->pending_ == 0 && self->io_) self->to_js_.Unref(env);
  if (self->closed_ && self->pending_ == 0) self->shut_down();
  self->Unref();
}

Napi::Value NativeHandle::Open(const Napi::CallbackInfo& info) {
  struct State {
    io::SysError err;
    io::SocketFeatures features;
    io::NamespaceId ns;
  };
  auto state = std::make_shared<State>();
  std::string path = namespace_path_;
  int given_fd = namespace_fd_;
  int rcvbuf = rcvbuf_bytes_;
  io::IoThread* thread = io_.get();
  return submit(
      info.Env(),
      [state, path, given_fd, rcvbuf, thread](std::unique_ptr<io::RouteSocket>& sock) {
        int ns_fd = given_fd;
        if (!path.empty()) {
          ns_fd = io::open_namespace_file(path, state->err);
          if (ns_fd < 0) return;
        }
        if (ns_fd >= 0) {
          state->ns = io::namespace_id_of_fd(ns_fd);
        } else {
          int own = io::open_namespace_file("/proc/thread-self/ns/net", state->err);
          if (own >= 0) state->ns = io::namespace_id_of_fd(own), ::close(own);
          state->err = {};
        }
        bool stranded = false;
        sock = io::RouteSocket::open(ns_fd, rcvbuf, state->err, stranded);
        if (!path.empty()) ::close(ns_fd);  // the socket holds the namespace from now on
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
      });
}

// ruleRequests(type: 'add' | 'delete', nlmsgFlags: number, records: object[])
//   -> Promise<Array<null | outcome>>
Napi::Value NativeHandle::RuleRequests(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string kind = info[0].As<Napi::String>().Utf8Value();
  uint16_t type = kind == "delete" ? wire::RTM_DELRULE : wire::RTM_NEWRULE;
  uint16_t flags = static_cast<uint16_t>(info[1].As<Napi::Number>().Uint32Value());
  Napi::Array records = info[2].As<Napi::Array>();
  struct State {
    std::vector<wire::RuleRecord> rules;
    io::RequestBatch batch;
    std::vector<io::Outcome> outcomes;
  };
  auto state = std::make_shared<State>();
  state->rules.reserve(records.Length());
  for (uint32_t i = 0; i < records.Length(); ++i) state->rules.push_back(rule_from_js(records.Get(i).As<Napi::Object>()));
  return submit(
      env,
      [state, type, flags](std::unique_ptr<io::RouteSocket>& sock) {
        if (!sock) {
          state->outcomes.assign(state->rules.size(), not_open());
          return;
        }
        ops::modify_rules(*sock, type, flags, state->rules, state->batch, state->outcomes);
      },
      [state](Napi::Env env) -> Napi::Value {
        Napi::Array out = Napi::Array::New(env, state->outcomes.size());
        for (size_t i = 0; i < state->outcomes.size(); ++i)
          out.Set(static_cast<uint32_t>(i), rule_outcome(env, state->outcomes[i], state->batch, i));
        return out;
      });
}

// ruleDump(family: number, filter: object | null) -> Promise<{ rules } | { error }>
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
      [state](std::unique_ptr<io::RouteSocket>& sock) {
        if (!sock) return void(state->status = not_open());
        state->status = ops::list_rules(*sock, state->family, state->filter, state->rules);
      },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) return error_result(env, state->status);
        Napi::Object result = Napi::Object::New(env);
        result.Set("rules", rules_to_js(env, state->rules));
        return result;
      });
}

// ruleFlush(family, filter) -> Promise<{ error } | { rules, outcomes }>
Napi::Value NativeHandle::RuleFlush(const Napi::CallbackInfo& info) {
  struct State {
    uint8_t family;
    wire::RuleRecord filter;
    ops::FlushResult result;
  };
  auto state = std::make_shared<State>();
  state->family = static_cast<uint8_t>(info[0].As<Napi::Number>().Uint32Value());
  state->filter = filter_from_js(info[1]);
  return submit(
      info.Env(),
      [state](std::unique_ptr<io::RouteSocket>& sock) {
        if (!sock) return void(state->result.dump = not_open());
        ops::flush_rules(*sock, state->family, state->filter, state->result);
      },
      [state](Napi::Env env) -> Napi::Value {
        const ops::FlushResult& r = state->result;
        if (r.dump.error) return error_result(env, r.dump);
        Napi::Object result = Napi::Object::New(env);
        result.Set("rules", rules_to_js(env, r.rules));
        Napi::Array outcomes = Napi::Array::New(env, r.outcomes.size());
        for (size_t i = 0; i < r.outcomes.size(); ++i)
          outcomes.Set(static_cast<uint32_t>(i), rule_outcome(env, r.outcomes[i], r.batch, i));
        result.Set("outcomes", outcomes);
        return result;
      });
}

// linkGet(nameOrIndex: string | number) -> Promise<{ index, name } | null | { error }>
Napi::Value NativeHandle::LinkGet(const Napi::CallbackInfo& info) {
  struct State {
    std::string name;
    int32_t index = 0;
    io::Outcome status;
    std::optional<wire::LinkRecord> link;
  };
  auto state = std::make_shared<State>();
  if (info[0].IsString()) state->name = info[0].As<Napi::String>().Utf8Value();
  else state->index = info[0].As<Napi::Number>().Int32Value();
  return submit(
      info.Env(),
      [state](std::unique_ptr<io::RouteSocket>& sock) {
        if (!sock) return void(state->status = not_open());
        state->status = ops::get_link(*sock, state->name, state->index, state->link);
      },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) return error_result(env, state->status);
        if (!state->link) return env.Null();
        Napi::Object link = Napi::Object::New(env);
        link.Set("index", state->link->index);
        link.Set("name", state->link->name);
        return link;
      });
}

// close() -> Promise<void>: queued work finishes first, then the socket is closed.
Napi::Value NativeHandle::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_ || !io_) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(env.Undefined());
    return deferred.Promise();
  }
  Napi::Promise promise = submit(
      env, [](std::unique_ptr<io::RouteSocket>& sock) { sock.reset(); },
      [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
  closed_ = true;
  return promise;
}

}  // namespace nlroute::addon
