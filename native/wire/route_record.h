// A route as the kernel knows it: the rtmsg header plus RTA_* attributes, each
// optional one marked in `present`. TypeScript fills in iproute2's defaults and
// resolves names; this is the exact, numeric form that is encoded, decoded and matched.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "address.h"
#include "constants.h"

namespace nlroute::wire {

// Which optional fields of a RouteRecord were given (in a request) or found (in a dump).
enum RouteField : uint32_t {
  kRouteDst = 1u << 0,
  kRouteSrc = 1u << 1,      // RTA_SRC: the source prefix (`from`)
  kRoutePrefsrc = 1u << 2,  // RTA_PREFSRC: the preferred source address (`src`)
  kRouteGateway = 1u << 3,  // RTA_GATEWAY, same family as the route
  kRouteVia = 1u << 4,      // RTA_VIA: a gateway of the other family (`via inet6`)
  kRouteOif = 1u << 5,
  kRouteIif = 1u << 6,
  kRoutePriority = 1u << 7,
  kRouteMetrics = 1u << 8,
  kRouteMultipath = 1u << 9,
  kRouteFlow = 1u << 10,  // realms
  kRoutePref = 1u << 11,  // IPv6 router preference
  kRouteExpires = 1u << 12,
  kRouteNhId = 1u << 13,
  kRouteMark = 1u << 14,
  kRouteUid = 1u << 15,
  kRouteIpProto = 1u << 16,
  kRouteSport = 1u << 17,
  kRouteDport = 1u << 18,
  kRouteEncap = 1u << 19,  // decode only: the route has a lightweight tunnel
};

struct Nexthop {
  uint8_t flags = 0;  // RTNH_F_*: ONLINK on input; DEAD/LINKDOWN/... reported
  uint8_t hops = 0;   // weight - 1
  int32_t ifindex = 0;
  Address gateway;         // same family as the route
  uint8_t via_family = 0;  // non-zero: `gateway` is an RTA_VIA of this family
  bool has_flow = false;
  uint32_t flow = 0;
  bool operator==(const Nexthop& o) const {
    return flags == o.flags && hops == o.hops && ifindex == o.ifindex && gateway == o.gateway &&
           via_family == o.via_family && has_flow == o.has_flow && flow == o.flow;
  }
};

// RTA_METRICS: value per RTAX_* slot (index = RTAX number), which slots are set, the
// lock mask (RTAX_LOCK) and the congestion-control name (RTAX_CC_ALGO, a string).
struct Metrics {
  uint32_t set = 0;  // bit n: values[n] is present
  uint32_t values[RTAX_MAX + 1] = {};
  uint32_t lock = 0;
  bool has_lock = false;
  std::string congctl;
  bool operator==(const Metrics& o) const;
};

struct RouteRecord {
  uint32_t present = 0;
  uint8_t family = FAMILY_INET;
  uint8_t dst_len = 0, src_len = 0, tos = 0;
  uint8_t protocol = 0, scope = 0, type = 0;
  uint32_t flags = 0;  // rtm_flags
  uint32_t table = 0;  // RTA_TABLE when decoded; rtm_table or RTA_TABLE when encoded
  Address dst, src, prefsrc, gateway;
  uint8_t via_family = 0;  // with kRouteVia: the family of `gateway`
  uint32_t oif = 0, iif = 0, priority = 0, flow = 0, expires = 0, nh_id = 0;
  uint32_t mark = 0, uid = 0;
  uint8_t pref = 0, ip_proto = 0;
  uint16_t sport = 0, dport = 0;
  uint16_t encap_type = 0;
  Metrics metrics;
  std::vector<Nexthop> nexthops;

  bool has(RouteField f) const { return (present & f) != 0; }
};

}  // namespace nlroute::wire
