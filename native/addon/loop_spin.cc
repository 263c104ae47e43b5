#include "loop_spin.h"

namespace nlroute::addon {

namespace {
constexpr uint64_t kSpinMicros = 200;
}

LoopSpinner::LoopSpinner(Napi::Env env) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return;
  idle_ = new Idle;
  if (uv_idle_init(loop, &idle_->handle) != 0) {
    delete idle_;
    idle_ = nullptr;
    return;
  }
  idle_->handle.data = this;
  // Spinning never keeps the process alive; a pending operation does, by other means.
  uv_unref(reinterpret_cast<uv_handle_t*>(&idle_->handle));
}

void LoopSpinner::close(void (*done)(void*), void* arg) {
  if (!idle_) return done(arg);
  Idle* idle = idle_;
  idle_ = nullptr;
  running_ = false;
  idle->handle.data = nullptr;
  idle->done = done;
  idle->arg = arg;
  uv_close(reinterpret_cast<uv_handle_t*>(&idle->handle), [](uv_handle_t* h) {
    Idle* closed = reinterpret_cast<Idle*>(h);  // handle is the first member
    closed->done(closed->arg);
    delete closed;
  });
}

void LoopSpinner::kick() {
  if (!idle_) return;
  until_ns_ = uv_hrtime() + kSpinMicros * 1000;
  if (!running_) {
    uv_idle_start(&idle_->handle, &LoopSpinner::on_idle);
    running_ = true;
  }
}

void LoopSpinner::stop() {
  if (!idle_ || !running_) return;
  uv_idle_stop(&idle_->handle);
  running_ = false;
}

void LoopSpinner::on_idle(uv_idle_t* handle) {
  auto* self = static_cast<LoopSpinner*>(handle->data);
  if (self && uv_hrtime() > self->until_ns_) self->stop();
}

}  // namespace nlroute::addon
