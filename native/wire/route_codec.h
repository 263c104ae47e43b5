// RouteRecord <-> RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE bytes, and the native
// filter that finishes what the kernel's dump filter cannot do.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "message_reader.h"
#include "route_record.h"

namespace nlroute::wire {

// Appends one route message carrying the header fields as given and exactly the
// attributes present in `route`. Serves add/replace/delete and `route get` alike:
// the caller picks the message type, the flags and the header values. False when an
// attribute was too long for netlink's 16-bit lengths: the message must not be sent.
[[nodiscard]] bool encode_route(std::vector<uint8_t>& buffer, uint16_t type, uint16_t flags,
                                uint32_t seq, const RouteRecord& route);

// What a route dump asks the kernel to filter on (strict checking): a table
// (0 = every table), a protocol, a type and an output device (0 = any).
struct RouteDumpRequest {
  uint8_t family = FAMILY_UNSPEC;
  uint32_t table = 0;
  uint8_t protocol = 0;
  uint8_t type = 0;
  uint32_t oif = 0;
};
void encode_route_dump(std::vector<uint8_t>& buffer, uint32_t seq, const RouteDumpRequest& request);

// Decodes one RTM_NEWROUTE (from a dump or a `route get` answer). nullopt for
// malformed messages and for families other than IPv4/IPv6.
std::optional<RouteRecord> decode_route(const MessageView& msg);

// Selects routes from a dump. Table, protocol, type and device are what the kernel
// filters on when it can; the rest the kernel never filters, so it is done here.
enum RouteFilterField : uint32_t {
  kFilterFamily = 1u << 0,
  kFilterTable = 1u << 1,
  kFilterProtocol = 1u << 2,
  kFilterType = 1u << 3,
  kFilterOif = 1u << 4,
  kFilterDst = 1u << 5,
  kFilterGateway = 1u << 6,
  kFilterPrefsrc = 1u << 7,
  kFilterPriority = 1u << 8,
  kFilterScope = 1u << 9,
  kFilterTos = 1u << 10,
};
enum class DstMatch : uint8_t {
  Exact,    // the route's prefix is exactly this one
  Root,     // the route's prefix lies inside this one (`ip route show root P`)
  Covering  // the route's prefix contains this one (`ip route show match P`)
};
struct RouteFilter {
  uint32_t fields = 0;
  RouteRecord want;  // the values the selected fields must have
  DstMatch dst_match = DstMatch::Exact;
  // A dump of a table that was never created fails with ENOENT; by default that is
  // an empty listing, with this set it is the listing's error (as for `ip route show`).
  bool missing_table_is_error = false;
  bool has(RouteFilterField f) const { return (fields & f) != 0; }
};

// The part of `filter` the kernel applies when it honours a dump filter.
RouteDumpRequest kernel_part(const RouteFilter& filter);

// True when the route passes the filter. `kernel_filtered`: the reply carried
// NLM_F_DUMP_FILTERED, so table/protocol/type/device were already applied.
// Cloned (cache) entries never pass: listing and flushing are about the FIB.
bool route_matches(const RouteRecord& route, const RouteFilter& filter, bool kernel_filtered);

// The kernel's name for an RTA_* attribute type, for error messages ("RTA_GATEWAY").
const char* route_attr_name(uint16_t type);

}  // namespace nlroute::wire
