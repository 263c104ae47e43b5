// Entry point of the addon: the NativeHandle class and the socket-free codec.
#include <napi.h>

#include "codec_exports.h"
#include "native_handle.h"
#include "thread_cache.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeHandle", nlroute::addon::NativeHandle::Define(env));
  nlroute::addon::export_codec(env, exports);
  // Kept I/O threads are stopped before the environment goes away.
  napi_add_env_cleanup_hook(env, [](void*) { nlroute::addon::drain_io_threads(); }, nullptr);
  return exports;
}
}  // namespace

NODE_API_MODULE(nlroute, Init)
