#include "env_context.h"

#include <sched.h>

#include <vector>

#include "route_pack.h"

namespace nlroute::addon {

namespace {
constexpr uint64_t kTurnBudgetMs = 3;

bool several_cpus() {
  cpu_set_t cpus;
  return sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 1;
}
}  // namespace

EnvContext::EnvContext(Napi::Env env)
    : several_cpus_(several_cpus()),
      spinner_(env),
      route_listing_size_(std::make_shared<ListingSize>()) {
  if (napi_get_uv_event_loop(env, &loop_) != napi_ok) loop_ = nullptr;
}

bool EnvContext::may_wait_briefly() const {
  // uv_now() is the loop's clock, updated as each turn starts and as it wakes from
  // polling; it may lag the precise clock by up to a millisecond.
  return several_cpus_ && loop_ != nullptr && uv_hrtime() / 1000000 - uv_now(loop_) < kTurnBudgetMs;
}

EnvContext* EnvContext::create(Napi::Env env) {
  auto* ctx = new EnvContext(env);
  napi_value name = Napi::String::New(env, "nlroute-io");
  NAPI_THROW_IF_FAILED(env,
                       napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, ctx,
                                                       &EnvContext::on_finalized, ctx,
                                                       &EnvContext::call_js, &ctx->to_js_),
                       nullptr);
  ctx->to_js_alive_ = true;
  // An idle environment must not be kept alive by us; pending work refs it.
  napi_unref_threadsafe_function(env, ctx->to_js_);
  // Registered after the thread-safe function, so it runs before that function's own
  // cleanup (hooks run last-registered first).
  NAPI_THROW_IF_FAILED(
      env, napi_add_async_cleanup_hook(env, &EnvContext::on_teardown, ctx, &ctx->hook_), nullptr);
  return ctx;
}

void EnvContext::work_started(Napi::Env env) {
  if (pending_++ == 0 && to_js_) napi_ref_threadsafe_function(env, to_js_);
  spinner_.kick();
}

void EnvContext::work_finished(Napi::Env env) {
  if (--pending_ > 0) return;
  if (to_js_) napi_unref_threadsafe_function(env, to_js_);
  spinner_.stop();
}

void EnvContext::deliver(Completion* done) {
  std::lock_guard<std::mutex> lock(deliver_mutex_);
  if (to_js_alive_ && napi_call_threadsafe_function(to_js_, done, napi_tsfn_nonblocking) == napi_ok)
    return;
  delete done;  // the environment is going away: nobody is left to tell
}

void EnvContext::call_js(napi_env env, napi_value, void*, void* data) {
  auto* done = static_cast<Completion*>(data);
  if (env != nullptr) {
    try {
      done->complete(Napi::Env(env));
    } catch (...) {
      // Only possible while the environment is being terminated (a Worker's
      // terminate()): JavaScript can no longer run, and nobody awaits the result.
    }
  }
  delete done;
}

void EnvContext::on_teardown(napi_async_cleanup_hook_handle hook, void* arg) {
  auto* ctx = static_cast<EnvContext*>(arg);
  std::vector<EnvResident*> residents(ctx->residents_.begin(), ctx->residents_.end());
  ctx->residents_.clear();
  for (EnvResident* r : residents) r->environment_ending();
  ctx->threads_.drain();
  ctx->spinner_.close(&EnvContext::on_spinner_closed, ctx);
}

void EnvContext::on_spinner_closed(void* arg) {
  auto* ctx = static_cast<EnvContext*>(arg);
  napi_remove_async_cleanup_hook(ctx->hook_);
  ctx->spinner_closed_ = true;
  ctx->delete_when_done();
}

void EnvContext::on_finalized(napi_env, void* data, void*) {
  auto* ctx = static_cast<EnvContext*>(data);
  {
    std::lock_guard<std::mutex> lock(ctx->deliver_mutex_);
    ctx->to_js_alive_ = false;
  }
  ctx->to_js_ = nullptr;
  ctx->delete_when_done();
}

void EnvContext::delete_when_done() {
  if (spinner_closed_ && to_js_ == nullptr) delete this;
}

}  // namespace nlroute::addon
