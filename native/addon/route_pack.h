// Handing many routes to JavaScript cheaply. Building one JavaScript object per
// route through N-API costs a boundary crossing per property, which for a 100k-route
// table is most of the time; instead the I/O thread packs every route into one byte
// buffer with a fixed layout, and lib/routes/unpack.ts builds the objects in
// JavaScript. The rare parts (RTA_VIA, metrics, multipath) go as N-API objects in a
// side array, referenced by index from the packed record.
//
// Record layout (little-endian; every record starts 4-byte aligned):
//   0 u16 record length   2 u8 family    3 u8 dst_len
//   4 u8 src_len          5 u8 tos       6 u8 protocol   7 u8 scope
//   8 u8 type             9 u8 pref      10 u16 encap type
//   12 u32 present (wire::RouteField bits)                16 u32 rtm_flags
//   20 u32 table   24 u32 oif   28 u32 iif   32 u32 priority   36 u32 flow (realms)
//   40 u32 expires 44 u32 nhid  48 u32 mark  52 u32 uid        56 i32 extras index or -1
//   60 addresses, 4 or 16 bytes each by family, in this order when present:
//      dst, src, prefsrc, gateway (same-family gateway only; RTA_VIA goes to extras)
// lib/routes/unpack.ts must change with this file.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "../wire/route_record.h"

namespace nlroute::addon {

constexpr uint32_t kPackedRouteFixedLen = 60;

struct RoutePack {
  std::vector<uint8_t> bytes;
  uint32_t count = 0;
  std::vector<wire::RouteRecord> extras;  // routes with parts that are not packed

  void add(const wire::RouteRecord& route);
  void clear();
};

// { count, bytes: ArrayBuffer, extras: object[] } on the JavaScript thread.
Napi::Object route_pack_to_js(Napi::Env env, const RoutePack& pack);

}  // namespace nlroute::addon
