#include "loop_spin.h"

namespace nlroute::addon {

namespace {
constexpr uint64_t kSpinMicros = 200;
}

LoopSpinner::LoopSpinner(Napi::Env env) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return;
  idle_ = new uv_idle_t;
  if (uv_idle_init(loop, idle_) != 0) {
    delete idle_;
    idle_ = nullptr;
    return;
  }
  idle_->data = this;
  // Spinning never keeps the process alive; a pending operation does, by other means.
  uv_unref(reinterpret_cast<uv_handle_t*>(idle_));
}

LoopSpinner::~LoopSpinner() {
  if (!idle_) return;
  idle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(idle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
}

void LoopSpinner::kick() {
  if (!idle_) return;
  until_ns_ = uv_hrtime() + kSpinMicros * 1000;
  if (!running_) {
    uv_idle_start(idle_, &LoopSpinner::on_idle);
    running_ = true;
  }
}

void LoopSpinner::stop() {
  if (!idle_ || !running_) return;
  uv_idle_stop(idle_);
  running_ = false;
}

void LoopSpinner::on_idle(uv_idle_t* handle) {
  auto* self = static_cast<LoopSpinner*>(handle->data);
  if (self && uv_hrtime() > self->until_ns_) self->stop();
}

}  // namespace nlroute::addon
