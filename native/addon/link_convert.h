// wire::LinkRecord -> the plain device object JavaScript sees (handle.link(), link
// listings, watch events).
#pragma once

#include <napi.h>

#include "../wire/link_codec.h"

namespace nlroute::addon {

// { index, name, address? }: the hardware address in the colon-separated lower-case
// hex `ip link` prints; left out when the kernel sent none.
Napi::Object link_to_js(Napi::Env env, const wire::LinkRecord& record);

}  // namespace nlroute::addon
