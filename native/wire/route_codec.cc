#include "route_codec.h"

#include "message_writer.h"

namespace nlroute::wire {

namespace {

struct RouteHeader {
  uint8_t family, dst_len, src_len, tos, table, protocol, scope, type;
  uint32_t flags;
};
static_assert(sizeof(RouteHeader) == kRouteHeaderLen);

struct NexthopHeader {
  uint16_t len;
  uint8_t flags, hops;
  int32_t ifindex;
};
static_assert(sizeof(NexthopHeader) == kNexthopHeaderLen);

// struct rta_cacheinfo: only rta_expires (offset 8, in clock ticks) is read.
constexpr size_t kCacheinfoLen = 32;
constexpr size_t kCacheinfoExpiresAt = 8;
// The kernel reports rta_expires in USER_HZ ticks, which is 100 on every Linux ABI.
constexpr int32_t kUserHz = 100;

// RTA_VIA: struct rtvia { u16 family; u8 addr[]; }
void put_via(MessageWriter& w, uint8_t family, const Address& a) {
  uint8_t payload[2 + 16] = {};
  uint16_t f = family;
  std::memcpy(payload, &f, 2);
  std::memcpy(payload + 2, a.bytes.data(), a.length);
  w.put_attr(RTA_VIA, payload, 2 + a.length);
}

void put_gateway(MessageWriter& w, uint8_t via_family, const Address& a) {
  if (via_family)
    put_via(w, via_family, a);
  else
    w.put_address(RTA_GATEWAY, a);
}

void put_be16(MessageWriter& w, uint16_t type, uint16_t host_value) {
  uint16_t be = static_cast<uint16_t>((host_value >> 8) | (host_value << 8));
  w.put_u16(type, be);
}

void put_metrics(MessageWriter& w, const Metrics& m) {
  size_t nest = w.begin_nest(RTA_METRICS);
  for (uint16_t slot = RTAX_LOCK + 1; slot <= RTAX_MAX; ++slot) {
    if (!(m.set & (1u << slot))) continue;
    if (slot == RTAX_CC_ALGO)
      w.put_attr(slot, m.congctl.data(), static_cast<uint32_t>(m.congctl.size()));
    else
      w.put_u32(slot, m.values[slot]);
  }
  // iproute2 appends the lock mask after the values.
  if (m.has_lock) w.put_u32(RTAX_LOCK, m.lock);
  w.end_nest(nest);
}

// RTA_MULTIPATH is not a nest of attributes but an array of rtnexthop records, each
// followed by its own attributes and counted in its rtnh_len.
void put_multipath(MessageWriter& w, std::vector<uint8_t>& buffer,
                   const std::vector<Nexthop>& hops) {
  size_t nest = w.begin_nest(RTA_MULTIPATH);
  for (const Nexthop& hop : hops) {
    size_t at = buffer.size();
    NexthopHeader h{0, hop.flags, hop.hops, hop.ifindex};
    buffer.insert(buffer.end(), reinterpret_cast<uint8_t*>(&h),
                  reinterpret_cast<uint8_t*>(&h) + sizeof h);
    if (hop.gateway.length) put_gateway(w, hop.via_family, hop.gateway);
    if (hop.has_flow) w.put_u32(RTA_FLOW, hop.flow);
    w.patch_u16_length(at);
  }
  w.end_nest(nest);
}

// An address of the route's family: 4 bytes for IPv4, 16 for IPv6.
bool read_family_address(Bytes b, uint8_t family, Address& out) {
  return read_address(b, out, family == FAMILY_INET6 ? 16 : 4);
}

bool read_via(Bytes b, uint8_t& family, Address& out) {
  if (b.size < 2) return false;
  uint16_t f;
  std::memcpy(&f, b.data, 2);
  if (f != FAMILY_INET && f != FAMILY_INET6) return false;
  family = static_cast<uint8_t>(f);
  return read_family_address({b.data + 2, b.size - 2}, family, out);
}

bool read_metrics(Bytes region, Metrics& m) {
  AttrIterator it(region);
  AttrView a;
  while (it.next(a)) {
    if (a.type == RTAX_CC_ALGO) {
      m.congctl = read_cstring(a.payload);
      m.set |= 1u << RTAX_CC_ALGO;
    } else if (a.type == RTAX_LOCK) {
      auto v = read_exact<uint32_t>(a.payload);
      if (!v) return false;
      m.lock = *v;
      m.has_lock = true;
    } else if (a.type > RTAX_LOCK &&
               a.type <= RTAX_MAX) {  // RTAX_UNSPEC (0) is no metric (fuzzing found it kept)
      auto v = read_exact<uint32_t>(a.payload);
      if (!v) return false;
      m.values[a.type] = *v;
      m.set |= 1u << a.type;
    }
  }
  return !it.malformed();
}

bool read_multipath(Bytes region, uint8_t family, std::vector<Nexthop>& out) {
  while (region.size >= kNexthopHeaderLen) {
    NexthopHeader h;
    std::memcpy(&h, region.data, sizeof h);
    if (h.len < kNexthopHeaderLen || h.len > region.size) return false;
    Nexthop hop;
    hop.flags = h.flags;
    hop.hops = h.hops;
    hop.ifindex = h.ifindex;
    AttrIterator it({region.data + kNexthopHeaderLen, h.len - kNexthopHeaderLen});
    AttrView a;
    while (it.next(a)) {
      // One gateway per hop, as RTA_GATEWAY or RTA_VIA: the kernel never sends both
      // (it refuses a route that has both), and a record holds one.
      if ((a.type == RTA_GATEWAY || a.type == RTA_VIA) && hop.gateway.length) return false;
      if (a.type == RTA_GATEWAY && !read_family_address(a.payload, family, hop.gateway))
        return false;
      if (a.type == RTA_VIA && !read_via(a.payload, hop.via_family, hop.gateway)) return false;
      if (a.type == RTA_FLOW) {
        auto v = read_exact<uint32_t>(a.payload);
        if (!v) return false;
        hop.flow = *v;
        hop.has_flow = true;
      }
    }
    if (it.malformed()) return false;
    out.push_back(hop);
    size_t step = align(h.len);
    if (step >= region.size) break;
    region = {region.data + step, region.size - step};
  }
  return true;
}

// True when the first `bits` bits of a and b are equal.
bool same_leading_bits(const Address& a, const Address& b, unsigned bits) {
  unsigned whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), whole) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

bool dst_passes(const RouteRecord& r, const RouteRecord& want, DstMatch how) {
  switch (how) {
    case DstMatch::Exact:
      return r.dst_len == want.dst_len && same_leading_bits(r.dst, want.dst, r.dst_len);
    case DstMatch::Root:
      return r.dst_len >= want.dst_len && same_leading_bits(r.dst, want.dst, want.dst_len);
    case DstMatch::Covering:
      return r.dst_len <= want.dst_len && same_leading_bits(r.dst, want.dst, r.dst_len);
  }
  return false;
}

bool gateway_passes(const RouteRecord& r, const Address& gateway) {
  if ((r.has(kRouteGateway) || r.has(kRouteVia)) && r.gateway == gateway) return true;
  for (const Nexthop& hop : r.nexthops)
    if (hop.gateway == gateway) return true;
  return false;
}

}  // namespace

bool Metrics::operator==(const Metrics& o) const {
  if (set != o.set || has_lock != o.has_lock || (has_lock && lock != o.lock)) return false;
  for (uint16_t slot = 0; slot <= RTAX_MAX; ++slot)
    if ((set & (1u << slot)) && slot != RTAX_CC_ALGO && values[slot] != o.values[slot])
      return false;
  return congctl == o.congctl;
}

bool encode_route(std::vector<uint8_t>& buffer, uint16_t type, uint16_t flags, uint32_t seq,
                  const RouteRecord& r) {
  MessageWriter w(buffer, type, flags, seq);
  RouteHeader h{};
  h.family = r.family;
  h.dst_len = r.dst_len;
  h.src_len = r.src_len;
  h.tos = r.tos;
  // Tables that fit in a byte go in the header, as iproute2 sends them; larger ones
  // in RTA_TABLE with the header's table 0 (RT_TABLE_UNSPEC).
  bool small_table = r.table < 256;
  h.table = small_table ? static_cast<uint8_t>(r.table) : 0;
  h.protocol = r.protocol;
  h.scope = r.scope;
  h.type = r.type;
  h.flags = r.flags;
  w.put_header(&h, sizeof h);

  // Attribute order follows iproute2's usual command order so golden bytes compare.
  if (r.has(kRouteDst)) w.put_address(RTA_DST, r.dst);
  if (r.has(kRouteSrc)) w.put_address(RTA_SRC, r.src);
  if (r.has(kRoutePrefsrc)) w.put_address(RTA_PREFSRC, r.prefsrc);
  if (r.has(kRouteGateway)) w.put_address(RTA_GATEWAY, r.gateway);
  if (r.has(kRouteVia)) put_via(w, r.via_family, r.gateway);
  if (r.has(kRoutePriority)) w.put_u32(RTA_PRIORITY, r.priority);
  if (!small_table) w.put_u32(RTA_TABLE, r.table);
  if (r.has(kRouteIif)) w.put_u32(RTA_IIF, r.iif);
  if (r.has(kRouteOif)) w.put_u32(RTA_OIF, r.oif);
  if (r.has(kRouteFlow)) w.put_u32(RTA_FLOW, r.flow);
  if (r.has(kRoutePref)) w.put_u8(RTA_PREF, r.pref);
  if (r.has(kRouteExpires)) w.put_u32(RTA_EXPIRES, r.expires);
  if (r.has(kRouteNhId)) w.put_u32(RTA_NH_ID, r.nh_id);
  if (r.has(kRouteMark)) w.put_u32(RTA_MARK, r.mark);
  if (r.has(kRouteUid)) w.put_u32(RTA_UID, r.uid);
  if (r.has(kRouteIpProto)) w.put_u8(RTA_IP_PROTO, r.ip_proto);
  if (r.has(kRouteSport)) put_be16(w, RTA_SPORT, r.sport);
  if (r.has(kRouteDport)) put_be16(w, RTA_DPORT, r.dport);
  if (r.has(kRouteMetrics)) put_metrics(w, r.metrics);
  if (r.has(kRouteMultipath)) put_multipath(w, buffer, r.nexthops);
  return w.fits();
}

void encode_route_dump(std::vector<uint8_t>& buffer, uint32_t seq, const RouteDumpRequest& q) {
  MessageWriter w(buffer, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq);
  RouteHeader h{};
  h.family = q.family;
  h.protocol = q.protocol;
  h.type = q.type;
  w.put_header(&h, sizeof h);
  // RTA_TABLE for every table filter, even small ones: that is what iproute2 sends
  // and the strict dump validator reads it in preference to rtm_table.
  if (q.table) w.put_u32(RTA_TABLE, q.table);
  if (q.oif) w.put_u32(RTA_OIF, q.oif);
}

std::optional<RouteRecord> decode_route(const MessageView& msg) {
  // A deletion's notification (RTM_DELROUTE) carries the route as a dump does.
  if ((msg.type != RTM_NEWROUTE && msg.type != RTM_DELROUTE) || msg.payload.size < kRouteHeaderLen)
    return std::nullopt;
  RouteHeader h;
  std::memcpy(&h, msg.payload.data, sizeof h);
  if (h.family != FAMILY_INET && h.family != FAMILY_INET6) return std::nullopt;

  RouteRecord r;
  r.family = h.family;
  r.dst_len = h.dst_len;
  r.src_len = h.src_len;
  r.tos = h.tos;
  r.table = h.table;  // RTA_TABLE, when present, is authoritative (252 means "see RTA_TABLE")
  r.protocol = h.protocol;
  r.scope = h.scope;
  r.type = h.type;
  r.flags = h.flags;

  auto attrs = after_header(msg.payload, kRouteHeaderLen);
  AttrIterator it(*attrs);
  AttrView a;
  bool ok = true;
  auto u32 = [&](uint32_t& field, RouteField bit) {
    ok = read_into(a.payload, read_exact<uint32_t>, field, r.present, bit);
  };
  auto address = [&](Address& field, RouteField bit) {
    ok = read_family_address(a.payload, r.family, field);
    r.present |= bit;
  };
  while (ok && it.next(a)) {
    switch (a.type) {
      case RTA_DST:
        address(r.dst, kRouteDst);
        break;
      case RTA_SRC:
        address(r.src, kRouteSrc);
        break;
      case RTA_PREFSRC:
        address(r.prefsrc, kRoutePrefsrc);
        break;
      // A record holds one gateway (RTA_GATEWAY or RTA_VIA, never both, as the kernel
      // refuses both): a message with two, or one twice, does not decode, so that
      // decode -> encode -> decode gives back the same record for every input.
      case RTA_GATEWAY:
        if (r.has(kRouteGateway) || r.has(kRouteVia))
          ok = false;
        else
          address(r.gateway, kRouteGateway);
        break;
      case RTA_VIA:
        if (r.has(kRouteGateway) || r.has(kRouteVia)) {
          ok = false;
          break;
        }
        ok = read_via(a.payload, r.via_family, r.gateway);
        r.present |= kRouteVia;
        break;
      case RTA_TABLE:
        if (auto v = read_exact<uint32_t>(a.payload))
          r.table = *v;
        else
          ok = false;
        break;
      case RTA_OIF:
        u32(r.oif, kRouteOif);
        break;
      case RTA_IIF:
        u32(r.iif, kRouteIif);
        break;
      case RTA_PRIORITY:
        u32(r.priority, kRoutePriority);
        break;
      case RTA_FLOW:
        u32(r.flow, kRouteFlow);
        break;
      case RTA_NH_ID:
        u32(r.nh_id, kRouteNhId);
        break;
      case RTA_MARK:
        u32(r.mark, kRouteMark);
        break;
      case RTA_UID:
        u32(r.uid, kRouteUid);
        break;
      case RTA_PREF:
        ok = read_into(a.payload, read_exact<uint8_t>, r.pref, r.present, kRoutePref);
        break;
      case RTA_METRICS:
        ok = read_metrics(a.payload, r.metrics);
        if (r.metrics.set || r.metrics.has_lock) r.present |= kRouteMetrics;
        break;
      case RTA_MULTIPATH:
        ok = read_multipath(a.payload, r.family, r.nexthops);
        r.present |= kRouteMultipath;
        break;
      case RTA_CACHEINFO:
        if (a.payload.size >= kCacheinfoLen) {
          int32_t ticks;
          std::memcpy(&ticks, a.payload.data + kCacheinfoExpiresAt, 4);
          if (ticks > 0)
            r.expires = static_cast<uint32_t>(ticks / kUserHz), r.present |= kRouteExpires;
        }
        break;
      case RTA_EXPIRES:
        // What a request carries (seconds); the kernel's answers carry RTA_CACHEINFO. Read
        // both, so that a record encoded and decoded again keeps its expiry (fuzzing found it).
        if (auto v = read_exact<uint32_t>(a.payload))
          r.expires = *v, r.present |= kRouteExpires;
        else
          ok = false;
        break;
      case RTA_ENCAP_TYPE:
        if (auto v = read_exact<uint16_t>(a.payload)) r.encap_type = *v, r.present |= kRouteEncap;
        break;
      default:
        break;  // attributes we do not model (RTA_ENCAP contents, RTA_NEWDST, ...) are skipped
    }
  }
  if (!ok || it.malformed()) return std::nullopt;
  // A length without an address would make the record lie.
  if (r.dst_len && !r.has(kRouteDst)) return std::nullopt;
  if (r.src_len && !r.has(kRouteSrc)) return std::nullopt;
  return r;
}

RouteDumpRequest kernel_part(const RouteFilter& f) {
  RouteDumpRequest q;
  if (f.has(kFilterFamily)) q.family = f.want.family;
  if (f.has(kFilterTable)) q.table = f.want.table;
  if (f.has(kFilterProtocol)) q.protocol = f.want.protocol;
  if (f.has(kFilterType)) q.type = f.want.type;
  if (f.has(kFilterOif)) q.oif = f.want.oif;
  return q;
}

bool route_matches(const RouteRecord& r, const RouteFilter& f, bool kernel_filtered) {
  if (r.flags & RTM_F_CLONED) return false;
  const RouteRecord& w = f.want;
  if (f.has(kFilterFamily) && w.family != FAMILY_UNSPEC && r.family != w.family) return false;
  if (!kernel_filtered) {
    if (f.has(kFilterTable) && r.table != w.table) return false;
    if (f.has(kFilterProtocol) && r.protocol != w.protocol) return false;
    if (f.has(kFilterType) && r.type != w.type) return false;
    if (f.has(kFilterOif)) {
      bool on_dev = r.oif == w.oif;
      for (const Nexthop& hop : r.nexthops)
        on_dev = on_dev || static_cast<uint32_t>(hop.ifindex) == w.oif;
      if (!on_dev) return false;
    }
  }
  // A dst filter of a known family never matches the other family; `default`
  // without a family (length 0, family unspecified) matches both.
  if (f.has(kFilterDst) && ((w.family && r.family != w.family) || !dst_passes(r, w, f.dst_match)))
    return false;
  if (f.has(kFilterGateway) && !gateway_passes(r, w.gateway)) return false;
  if (f.has(kFilterPrefsrc) && !(r.has(kRoutePrefsrc) && r.prefsrc == w.prefsrc)) return false;
  if (f.has(kFilterPriority) && r.priority != w.priority) return false;
  if (f.has(kFilterScope) && r.scope != w.scope) return false;
  if (f.has(kFilterTos) && r.tos != w.tos) return false;
  return true;
}

const char* route_attr_name(uint16_t type) {
  switch (type) {
    case RTA_DST:
      return "RTA_DST";
    case RTA_SRC:
      return "RTA_SRC";
    case RTA_IIF:
      return "RTA_IIF";
    case RTA_OIF:
      return "RTA_OIF";
    case RTA_GATEWAY:
      return "RTA_GATEWAY";
    case RTA_PRIORITY:
      return "RTA_PRIORITY";
    case RTA_PREFSRC:
      return "RTA_PREFSRC";
    case RTA_METRICS:
      return "RTA_METRICS";
    case RTA_MULTIPATH:
      return "RTA_MULTIPATH";
    case RTA_FLOW:
      return "RTA_FLOW";
    case RTA_TABLE:
      return "RTA_TABLE";
    case RTA_MARK:
      return "RTA_MARK";
    case RTA_VIA:
      return "RTA_VIA";
    case RTA_PREF:
      return "RTA_PREF";
    case RTA_EXPIRES:
      return "RTA_EXPIRES";
    case RTA_UID:
      return "RTA_UID";
    case RTA_IP_PROTO:
      return "RTA_IP_PROTO";
    case RTA_SPORT:
      return "RTA_SPORT";
    case RTA_DPORT:
      return "RTA_DPORT";
    case RTA_NH_ID:
      return "RTA_NH_ID";
    default:
      return "";
  }
}

}  // namespace nlroute::wire
