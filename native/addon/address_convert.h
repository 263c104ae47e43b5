// Address text <-> bytes, shared by every record converter.
#pragma once

#include <napi.h>

#include <string>

#include "../wire/address.h"

namespace nlroute::addon {

// "10.0.0.1" or "2001:db8::1" -> 4 or 16 bytes; throws a TypeError naming `field`.
wire::Address address_from_js(const Napi::Env& env, const Napi::Value& value, const char* field);
Napi::String address_to_js(Napi::Env env, const wire::Address& address);

}  // namespace nlroute::addon
