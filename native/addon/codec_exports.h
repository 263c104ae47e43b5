// The pure wire codec exposed to JavaScript without a socket, so that golden bytes,
// decoding and filtering can be unit-tested (and fuzzed) without root or a kernel.
#pragma once

#include <napi.h>

namespace nlroute::addon {

void export_codec(Napi::Env env, Napi::Object exports);

}  // namespace nlroute::addon
