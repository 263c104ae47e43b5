#include "route_pack.h"

#include <arpa/inet.h>

#include <cstring>

#include "address_convert.h"

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint32_t kExtraParts = kRouteVia | kRouteMetrics | kRouteMultipath | kRouteFlow |
                                 kRouteExpires | kRouteNhId | kRouteIif | kRouteMark | kRouteUid;

template <typename T>
void put(uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof value);
}

// Appends "address" or "address/length" (length >= 0) and returns how many bytes
// that took. IPv4 is formatted by hand: it is most of what a big table holds, and
// inet_ntop costs several times more.
uint8_t append_address_text(std::string& out, const Address& a, int prefix_length) {
  size_t start = out.size();
  char buffer[INET6_ADDRSTRLEN + 4];
  char* end = buffer;
  auto decimal = [&end](unsigned v) {
    if (v >= 100) *end++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *end++ = static_cast<char>('0' + v / 10 % 10);
    *end++ = static_cast<char>('0' + v % 10);
  };
  if (a.length == 4) {
    for (int i = 0; i < 4; ++i) {
      if (i) *end++ = '.';
      decimal(a.bytes[i]);
    }
  } else {
    ::inet_ntop(AF_INET6, a.bytes.data(), buffer, INET6_ADDRSTRLEN);
    end = buffer + std::strlen(buffer);
  }
  if (prefix_length >= 0) {
    *end++ = '/';
    decimal(static_cast<unsigned>(prefix_length));
  }
  out.append(buffer, end);
  return static_cast<uint8_t>(out.size() - start);
}

Napi::Object metrics_to_js(Napi::Env env, const Metrics& m) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Array values = Napi::Array::New(env);
  uint32_t n = 0;
  for (uint32_t slot = RTAX_LOCK + 1; slot <= RTAX_MAX; ++slot) {
    if (!(m.set & (1u << slot)) || slot == RTAX_CC_ALGO) continue;
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, slot);
    pair.Set(1u, m.values[slot]);
    values.Set(n++, pair);
  }
  o.Set("values", values);
  if (m.set & (1u << RTAX_CC_ALGO)) o.Set("congctl", m.congctl);
  if (m.has_lock) o.Set("lock", m.lock);
  return o;
}

Napi::Object nexthop_to_js(Napi::Env env, const Nexthop& hop) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("flags", hop.flags);
  o.Set("hops", hop.hops);
  o.Set("ifindex", hop.ifindex);
  if (hop.gateway.length) o.Set("gateway", address_to_js(env, hop.gateway));
  if (hop.via_family) o.Set("viaFamily", hop.via_family);
  if (hop.has_flow) o.Set("flow", hop.flow);
  return o;
}

Napi::Object extras_to_js(Napi::Env env, const RouteRecord& r) {
  Napi::Object o = Napi::Object::New(env);
  if (r.has(kRouteVia)) {
    o.Set("gateway", address_to_js(env, r.gateway));
    o.Set("viaFamily", r.via_family);
  }
  if (r.has(kRouteMetrics)) o.Set("metrics", metrics_to_js(env, r.metrics));
  if (r.has(kRouteFlow)) o.Set("flow", r.flow);
  if (r.has(kRouteExpires)) o.Set("expires", r.expires);
  if (r.has(kRouteNhId)) o.Set("nhid", r.nh_id);
  if (r.has(kRouteIif)) o.Set("iif", r.iif);
  if (r.has(kRouteMark)) o.Set("mark", r.mark);
  if (r.has(kRouteUid)) o.Set("uid", r.uid);
  if (r.has(kRouteMultipath)) {
    Napi::Array hops = Napi::Array::New(env, r.nexthops.size());
    for (size_t i = 0; i < r.nexthops.size(); ++i)
      hops.Set(static_cast<uint32_t>(i), nexthop_to_js(env, r.nexthops[i]));
    o.Set("nexthops", hops);
  }
  return o;
}
}  // namespace

void RoutePack::add(const RouteRecord& r) {
  size_t at = bytes.size();
  bytes.resize(at + kPackedRouteLen);
  uint8_t* p = bytes.data() + at;
  p[0] = r.family;
  p[1] = r.dst_len;
  p[2] = r.src_len;
  p[3] = r.tos;
  p[4] = r.protocol;
  p[5] = r.scope;
  p[6] = r.type;
  p[7] = r.pref;
  put<uint32_t>(p + 8, r.present);
  put<uint32_t>(p + 12, r.flags);
  put<uint32_t>(p + 16, r.table);
  put<uint32_t>(p + 20, r.oif);
  put<uint32_t>(p + 24, r.priority);
  int32_t extra = -1;
  if (r.present & kExtraParts) {
    extra = static_cast<int32_t>(extras.size());
    extras.push_back(r);
  }
  put<int32_t>(p + 28, extra);
  put<uint32_t>(p + 32, static_cast<uint32_t>(text.size()));
  p[36] = r.has(kRouteDst) ? append_address_text(text, r.dst, r.dst_len) : 0;
  p[37] = r.has(kRouteSrc) && r.src_len ? append_address_text(text, r.src, r.src_len) : 0;
  p[38] = r.has(kRoutePrefsrc) ? append_address_text(text, r.prefsrc, -1) : 0;
  p[39] = r.has(kRouteGateway) ? append_address_text(text, r.gateway, -1) : 0;
  ++count;
}

void RoutePack::reserve_like(const ListingSize& last) {
  size_t b = last.bytes.load(std::memory_order_relaxed);
  size_t t = last.text.load(std::memory_order_relaxed);
  bytes.reserve(b + b / 8);  // an eighth more: the table may have grown since
  text.reserve(t + t / 8);
}

namespace {
constexpr size_t kSlack = 64 * 1024;  // below this much unused, keeping it is cheaper than a copy

template <typename Container>
void give_back_unused(Container& c) {
  if (c.capacity() - c.size() > c.size() + kSlack) c.shrink_to_fit();
}
}  // namespace

void RoutePack::settle_into(ListingSize& last) {
  last.bytes.store(bytes.size(), std::memory_order_relaxed);
  last.text.store(text.size(), std::memory_order_relaxed);
  give_back_unused(bytes);
  give_back_unused(text);
}

void RoutePack::clear() {
  bytes.clear();
  text.clear();
  extras.clear();
  count = 0;
}

namespace {
// An ArrayBuffer over memory the container owns; the container is freed when the
// ArrayBuffer is collected. Saves copying megabytes for every big listing.
template <typename Container>
Napi::ArrayBuffer hand_over(Napi::Env env, Container& data) {
  if (data.empty()) return Napi::ArrayBuffer::New(env, 0);
  auto* owned = new Container(std::move(data));
  return Napi::ArrayBuffer::New(
      env, owned->data(), owned->size(), [](Napi::Env, void*, Container* c) { delete c; }, owned);
}
}  // namespace

Napi::Object route_pack_to_js(Napi::Env env, RoutePack& pack) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("count", pack.count);
  o.Set("bytes", hand_over(env, pack.bytes));
  o.Set("text", hand_over(env, pack.text));
  Napi::Array extras = Napi::Array::New(env, pack.extras.size());
  for (size_t i = 0; i < pack.extras.size(); ++i)
    extras.Set(static_cast<uint32_t>(i), extras_to_js(env, pack.extras[i]));
  o.Set("extras", extras);
  pack.clear();
  return o;
}

}  // namespace nlroute::addon
