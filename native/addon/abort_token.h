// What JavaScript holds to stop one call early: an AbortSignal's listener calls
// token.abort(), and the I/O thread sees the flag between kernel round trips (a batch
// sends nothing more, a dump reads its rest without using it). Passed as the last
// argument of the NativeHandle methods that can take long.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>

namespace nlroute::addon {

class AbortToken : public Napi::ObjectWrap<AbortToken> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit AbortToken(const Napi::CallbackInfo& info);

  // The flag of `value` when it is an AbortToken, else null (no token given).
  static std::shared_ptr<std::atomic<bool>> flag_of(const Napi::Value& value);

 private:
  Napi::Value Abort(const Napi::CallbackInfo& info);
  std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace nlroute::addon
