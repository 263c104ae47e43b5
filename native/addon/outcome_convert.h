// io::Outcome -> the plain object the TypeScript layer turns into a NetlinkError.
#pragma once

#include <napi.h>

#include "../socket/exchange.h"

namespace nlroute::addon {

// Names the request attribute an extended-ACK offset points at ("FRA_SRC"), given the
// request bytes and the family header length; empty when unknown.
using AttrNamer = const char* (*)(uint16_t type);

// Success without a warning is `null`, so that a 10k-result array stays cheap.
Napi::Value outcome_to_js(Napi::Env env, const io::Outcome& outcome, const uint8_t* request,
                          size_t request_len, uint32_t family_header_len, AttrNamer namer);

// { error: outcome }: how a failed dump or lookup resolves; lib/ throws it as a NetlinkError.
Napi::Object error_result(Napi::Env env, const io::Outcome& status);

}  // namespace nlroute::addon
