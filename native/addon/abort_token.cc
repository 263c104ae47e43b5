#include "abort_token.h"

namespace nlroute::addon {

namespace {
// Marks objects made by this class, so that any other object passed where a token
// is expected is simply no token (never unwrapped as one).
constexpr napi_type_tag kAbortTokenTag = {0x6e6c726f75746541ULL, 0x626f7274546f6b6eULL};
}  // namespace

Napi::Function AbortToken::Define(Napi::Env env) {
  return DefineClass(env, "AbortToken", {InstanceMethod("abort", &AbortToken::Abort)});
}

AbortToken::AbortToken(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AbortToken>(info) {
  info.This().As<Napi::Object>().TypeTag(&kAbortTokenTag);
}

std::shared_ptr<std::atomic<bool>> AbortToken::flag_of(const Napi::Value& value) {
  if (!value.IsObject()) return nullptr;
  Napi::Object object = value.As<Napi::Object>();
  if (!object.CheckTypeTag(&kAbortTokenTag)) return nullptr;
  return Unwrap(object)->flag_;
}

Napi::Value AbortToken::Abort(const Napi::CallbackInfo& info) {
  flag_->store(true, std::memory_order_relaxed);
  return info.Env().Undefined();
}

}  // namespace nlroute::addon
