// Handing many routes to JavaScript cheaply. Building one JavaScript object per
// route through N-API costs a boundary crossing per property, and formatting
// addresses in JavaScript costs more than the whole kernel dump, so the I/O thread
// packs every route into one fixed-size record of a byte buffer, writes the address
// texts into one latin1 text buffer, and lib/routes/unpack.ts builds the objects in
// JavaScript, taking each string as a slice of the text decoded once. The rare
// parts (RTA_VIA, metrics, multipath) go as N-API objects in a side array,
// referenced by index from the record.
//
// Record layout (little-endian; kPackedRouteLen bytes each):
//   0 u8 family   1 u8 dst_len   2 u8 src_len   3 u8 tos
//   4 u8 protocol 5 u8 scope     6 u8 type      7 u8 pref
//   8 u32 present (wire::RouteField bits)   12 u32 rtm_flags   16 u32 table
//   20 u32 oif    24 u32 priority    28 i32 extras index or -1
//   32 u32 offset of this route's texts in the text buffer, then their lengths:
//   36 u8 dst ("10.0.0.0/24")  37 u8 from ("2001:db8::/48")  38 u8 prefsrc  39 u8 gateway
//      (a length of 0: absent; the texts follow each other in this order)
// Fields that big tables do not have (RTA_VIA, metrics, multipath, realms, expires,
// nhid, and the iif/mark/uid of a `route get` answer) are in the extras object.
// lib/routes/unpack.ts must change with this file.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "../wire/route_record.h"

namespace nlroute::addon {

constexpr uint32_t kPackedRouteLen = 40;

// How big the environment's last route listing was: the next one is likely about as
// big (an agent lists the same tables again; a benchmark, the same table). Shared by
// the handles' I/O threads.
struct ListingSize {
  std::atomic<size_t> bytes{0};
  std::atomic<size_t> text{0};
};

struct RoutePack {
  std::vector<uint8_t> bytes;
  std::string text;  // latin1 address texts
  uint32_t count = 0;
  std::vector<wire::RouteRecord> extras;  // routes with parts that are not packed

  void add(const wire::RouteRecord& route);
  void clear();
  // Room for a listing as big as the last one, so that a big table's pack is written
  // once instead of copied at every doubling into fresh memory, whose pages this VM
  // faults in slowly (a warm 100k-route listing: 64-99 ms median, then 34-41).
  // Reserved memory that is never written costs no page.
  void reserve_like(const ListingSize& last);
  // After the listing: remembers its size, and gives back what the reservation left far
  // unused, so that a small listing after a big one does not hold megabytes for as
  // long as JavaScript keeps its buffers.
  void settle_into(ListingSize& last);
};

// { count, bytes: ArrayBuffer, text: ArrayBuffer, extras: object[] } on the JavaScript
// thread. The buffers are handed over, not copied: `pack` is left empty.
Napi::Object route_pack_to_js(Napi::Env env, RoutePack& pack);

}  // namespace nlroute::addon
