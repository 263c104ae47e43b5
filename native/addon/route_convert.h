// JavaScript route records <-> wire::RouteRecord / RouteFilter. The field names are
// the ones lib/native.ts declares; values arrive already validated by lib/routes.
#pragma once

#include <napi.h>

#include "../wire/route_codec.h"

namespace nlroute::addon {

wire::RouteRecord route_from_js(const Napi::Object& object);
wire::RouteFilter route_filter_from_js(const Napi::Value& value);

}  // namespace nlroute::addon
