#include "route_pack.h"

#include <cstring>

#include "address_convert.h"

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint32_t kExtraParts = kRouteVia | kRouteMetrics | kRouteMultipath;

template <typename T>
void put(uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof value);
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
  if (r.has(kRouteMultipath)) {
    Napi::Array hops = Napi::Array::New(env, r.nexthops.size());
    for (size_t i = 0; i < r.nexthops.size(); ++i) hops.Set(static_cast<uint32_t>(i), nexthop_to_js(env, r.nexthops[i]));
    o.Set("nexthops", hops);
  }
  return o;
}
}  // namespace

void RoutePack::add(const RouteRecord& r) {
  uint32_t address_len = r.family == FAMILY_INET6 ? 16 : 4;
  uint32_t addresses = (r.has(kRouteDst) + r.has(kRouteSrc) + r.has(kRoutePrefsrc) + r.has(kRouteGateway));
  uint32_t length = align(kPackedRouteFixedLen + addresses * address_len);
  size_t at = bytes.size();
  bytes.resize(at + length, 0);
  uint8_t* p = bytes.data() + at;
  put<uint16_t>(p, static_cast<uint16_t>(length));
  p[2] = r.family;
  p[3] = r.dst_len;
  p[4] = r.src_len;
  p[5] = r.tos;
  p[6] = r.protocol;
  p[7] = r.scope;
  p[8] = r.type;
  p[9] = r.pref;
  put<uint16_t>(p + 10, r.encap_type);
  put<uint32_t>(p + 12, r.present);
  put<uint32_t>(p + 16, r.flags);
  put<uint32_t>(p + 20, r.table);
  put<uint32_t>(p + 24, r.oif);
  put<uint32_t>(p + 28, r.iif);
  put<uint32_t>(p + 32, r.priority);
  put<uint32_t>(p + 36, r.flow);
  put<uint32_t>(p + 40, r.expires);
  put<uint32_t>(p + 44, r.nh_id);
  put<uint32_t>(p + 48, r.mark);
  put<uint32_t>(p + 52, r.uid);
  int32_t extra = -1;
  if (r.present & kExtraParts) {
    extra = static_cast<int32_t>(extras.size());
    extras.push_back(r);
  }
  put<int32_t>(p + 56, extra);
  uint8_t* a = p + kPackedRouteFixedLen;
  for (auto [field, address] : {std::pair{kRouteDst, &r.dst}, {kRouteSrc, &r.src},
                                {kRoutePrefsrc, &r.prefsrc}, {kRouteGateway, &r.gateway}}) {
    if (!r.has(field)) continue;
    std::memcpy(a, address->bytes.data(), address_len);
    a += address_len;
  }
  ++count;
}

void RoutePack::clear() {
  bytes.clear();
  extras.clear();
  count = 0;
}

Napi::Object route_pack_to_js(Napi::Env env, const RoutePack& pack) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("count", pack.count);
  Napi::ArrayBuffer bytes = Napi::ArrayBuffer::New(env, pack.bytes.size());
  if (!pack.bytes.empty()) std::memcpy(bytes.Data(), pack.bytes.data(), pack.bytes.size());
  o.Set("bytes", bytes);
  Napi::Array extras = Napi::Array::New(env, pack.extras.size());
  for (size_t i = 0; i < pack.extras.size(); ++i) extras.Set(static_cast<uint32_t>(i), extras_to_js(env, pack.extras[i]));
  o.Set("extras", extras);
  return o;
}

}  // namespace nlroute::addon
