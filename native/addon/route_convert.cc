#include "route_convert.h"

#include "address_convert.h"
#include "js_values.h"
#include "record_fields.h"

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint64_t kU8 = 0xff, kU16 = 0xffff, kU32 = 0xffffffffu;

uint8_t via_family_of(const Napi::Env& env, const Napi::Value& v, const std::string& field) {
  uint32_t f = read_uint(env, v, field, kU8);
  if (f != FAMILY_INET && f != FAMILY_INET6)
    throw Napi::TypeError::New(env, "record field " + field + ": not a family");
  return static_cast<uint8_t>(f);
}

// { values: [[slot, value], ...], lock?: number, congctl?: string }
Metrics metrics_from_js(const Napi::Env& env, const Napi::Object& o) {
  Metrics m;
  Napi::Value values = o.Get("values");
  if (values.IsArray()) {
    Napi::Array list = values.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      auto [slot, value] = read_pair(env, list.Get(i), "metrics.values", kU32);
      if (slot <= RTAX_LOCK || slot > RTAX_MAX || slot == RTAX_CC_ALGO) {
        throw Napi::TypeError::New(env, "record field metrics.values: bad RTAX slot");
      }
      m.values[slot] = value;
      m.set |= 1u << slot;
    }
  }
  Napi::Value congctl = o.Get("congctl");
  if (!congctl.IsUndefined()) {
    m.congctl = read_string(env, congctl, "metrics.congctl");
    m.set |= 1u << RTAX_CC_ALGO;
  }
  Napi::Value lock = o.Get("lock");
  if (!lock.IsUndefined()) {
    m.lock = read_uint(env, lock, "metrics.lock", kU32);
    m.has_lock = true;
  }
  return m;
}

Nexthop nexthop_from_js(const Napi::Env& env, const Napi::Object& o) {
  Nexthop hop;
  Napi::Value v;
  if (!(v = o.Get("flags")).IsUndefined())
    hop.flags = static_cast<uint8_t>(read_uint(env, v, "nexthop.flags", kU8));
  if (!(v = o.Get("hops")).IsUndefined())
    hop.hops = static_cast<uint8_t>(read_uint(env, v, "nexthop.hops", kU8));
  if (!(v = o.Get("ifindex")).IsUndefined())
    hop.ifindex = static_cast<int32_t>(read_uint(env, v, "nexthop.ifindex", 0x7fffffff));
  if (!(v = o.Get("gateway")).IsUndefined())
    hop.gateway = address_from_js(env, v, "nexthop.gateway");
  if (!(v = o.Get("viaFamily")).IsUndefined())
    hop.via_family = via_family_of(env, v, "nexthop.viaFamily");
  if (!(v = o.Get("flow")).IsUndefined())
    hop.flow = read_uint(env, v, "nexthop.flow", kU32), hop.has_flow = true;
  return hop;
}
}  // namespace

RouteRecord route_from_js(const Napi::Object& object) {
  Napi::Env env = object.Env();
  RouteRecord r;
  uint32_t count;
  const RouteFieldRow* fields = route_fields(count);
  for_each_given(object, [&](const std::string& key, const Napi::Value& v) {
    if (key == "metrics") {
      r.metrics = metrics_from_js(env, v.As<Napi::Object>());
      r.present |= kRouteMetrics;
    } else if (key == "nexthops") {
      if (!v.IsArray()) throw Napi::TypeError::New(env, "record field nexthops: expected an array");
      Napi::Array hops = v.As<Napi::Array>();
      for (uint32_t h = 0; h < hops.Length(); ++h)
        r.nexthops.push_back(nexthop_from_js(env, hops.Get(h).As<Napi::Object>()));
      r.present |= kRouteMultipath;
    } else if (auto id = route_field_id(key)) {
      fields[*id].set(r, read_field(env, v, fields[*id]));
    } else {
      throw Napi::TypeError::New(env, "route record: unknown field " + key);
    }
  });
  finish_route(r);
  return r;
}

RouteFilter route_filter_from_js(const Napi::Value& value) {
  RouteFilter f;
  if (!value.IsObject()) return f;
  Napi::Object o = value.As<Napi::Object>();
  Napi::Env env = o.Env();
  Napi::Value v;
  auto given = [&](const char* key) { return !(v = o.Get(key)).IsUndefined(); };
  RouteRecord& w = f.want;
  if (given("family"))
    w.family = static_cast<uint8_t>(read_uint(env, v, "family", kU8)), f.fields |= kFilterFamily;
  if (given("table")) w.table = read_uint(env, v, "table", kU32), f.fields |= kFilterTable;
  if (given("protocol"))
    w.protocol = static_cast<uint8_t>(read_uint(env, v, "protocol", kU8)),
    f.fields |= kFilterProtocol;
  if (given("type"))
    w.type = static_cast<uint8_t>(read_uint(env, v, "type", kU8)), f.fields |= kFilterType;
  if (given("oif")) w.oif = read_uint(env, v, "oif", kU32), f.fields |= kFilterOif;
  if (given("dst")) {
    w.dst = address_from_js(env, v, "dst");
    w.dst_len = static_cast<uint8_t>(read_uint(env, o.Get("dstLen"), "dstLen", 128));
    std::string how = given("dstMatch") ? read_string(env, v, "dstMatch") : "exact";
    f.dst_match = how == "root"    ? DstMatch::Root
                  : how == "match" ? DstMatch::Covering
                                   : DstMatch::Exact;
    f.fields |= kFilterDst;
  }
  if (given("gateway")) w.gateway = address_from_js(env, v, "gateway"), f.fields |= kFilterGateway;
  if (given("prefsrc")) w.prefsrc = address_from_js(env, v, "prefsrc"), f.fields |= kFilterPrefsrc;
  if (given("priority"))
    w.priority = read_uint(env, v, "priority", kU32), f.fields |= kFilterPriority;
  if (given("scope"))
    w.scope = static_cast<uint8_t>(read_uint(env, v, "scope", kU8)), f.fields |= kFilterScope;
  if (given("tos"))
    w.tos = static_cast<uint8_t>(read_uint(env, v, "tos", kU8)), f.fields |= kFilterTos;
  f.missing_table_is_error = given("missingTableIsError") && v.ToBoolean().Value();
  return f;
}

}  // namespace nlroute::addon
