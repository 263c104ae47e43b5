// Entry point of the addon: the NativeHandle class and the socket-free codec.
#include <napi.h>

#include "abort_token.h"
#include "codec_exports.h"
#include "env_context.h"
#include "native_handle.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // One context per environment (main thread, each Worker): see env_context.h.
  nlroute::addon::EnvContext* context = nlroute::addon::EnvContext::create(env);
  exports.Set("NativeHandle", nlroute::addon::NativeHandle::Define(env, context));
  exports.Set("AbortToken", nlroute::addon::AbortToken::Define(env));
  nlroute::addon::export_codec(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(nlroute, Init)
