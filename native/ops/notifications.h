// Reading the kernel's change notifications from a socket that joined rtnetlink's
// multicast groups: what runs on a watch's I/O thread. Each message is decoded with
// the codecs the listings use and filtered here, so that only what the watcher asked
// for crosses into JavaScript.
#pragma once

#include <cstdint>
#include <vector>

#include "../socket/exchange.h"
#include "../wire/link_codec.h"
#include "../wire/route_codec.h"
#include "../wire/rule_record.h"

namespace nlroute::ops {

// What a watch selects. A kind that is not watched is not subscribed to either; the
// filters are the listings' own (rule_matches, route_matches).
struct NotificationFilter {
  bool rules = false;
  wire::RuleRecord rule_filter;  // present == 0: every rule
  bool routes = false;
  wire::RouteFilter route_filter;
  bool links = false;
};

// The multicast groups that deliver what `filter` selects, plus the address groups
// when routes are watched (see kRoutesMayHaveGone).
std::vector<uint32_t> groups_for(const NotificationFilter& filter);

enum NotificationKind : uint8_t {
  kRuleAdded = 0,
  kRuleRemoved = 1,
  kRouteAdded = 2,  // also a replacement (NLM_F_REPLACE in `flags`)
  kRouteRemoved = 3,
  kLinkAdded =
      4,  // also any change of a device (RTM_NEWLINK); delivered when links or routes are watched
  kLinkRemoved = 5,
  // A device went away or down, or an address was removed: the kernel deletes IPv4
  // routes through them without telling anyone, so the watcher must read the routes again.
  kRoutesMayHaveGone = 6,
};

struct Notification {
  NotificationKind kind;
  uint32_t port_id;  // nlmsg_pid: the socket whose request caused it (0: the kernel itself)
  uint32_t seq;      // nlmsg_seq: that request's sequence number
  uint16_t flags;    // nlmsg_flags (NLM_F_REPLACE on a replaced route)
};

struct NotificationBatch {
  std::vector<Notification> order;  // every notification, in the order the kernel sent them
  // The objects, each list in the order of its kind's entries in `order`.
  std::vector<wire::RuleRecord> rules;
  std::vector<wire::RouteRecord> routes;
  std::vector<wire::LinkRecord> links;
  // The socket's receive buffer overflowed (ENOBUFS) before the last of these: some
  // notifications are lost, and only a fresh listing tells what changed.
  bool overflow = false;
};

// Waits (without limit, until cancelled) for the first notification, then takes what
// else is queued and what comes in the next 2 ms, up to `max` notifications (a batch
// may end a datagram's worth past it). Returns the socket's
// error, if any; ENOBUFS is not an error here but `overflow`, and ends the batch.
io::Outcome read_notifications(io::RouteSocket& sock, const NotificationFilter& filter, size_t max,
                               NotificationBatch& out);

}  // namespace nlroute::ops
