#include "notifications.h"

#include <cerrno>
#include <chrono>
#include <thread>

#include "../wire/constants.h"
#include "../wire/rule_codec.h"

namespace nlroute::ops {

using namespace nlroute::wire;

namespace {
// How long a batch goes on gathering notifications after its first, and how long it
// sleeps whenever the socket is empty in that time.
constexpr auto kGatherTime = std::chrono::milliseconds(2);
constexpr auto kGatherPause = std::chrono::microseconds(250);

// The family a filter asks for: 0 (both) when it names none.
uint8_t rule_family_of(const NotificationFilter& f) {
  return f.rule_filter.has(kRuleFamily) ? f.rule_filter.family : FAMILY_UNSPEC;
}
uint8_t route_family_of(const NotificationFilter& f) {
  return f.route_filter.has(kFilterFamily) ? f.route_filter.want.family : FAMILY_UNSPEC;
}

bool wants(uint8_t asked, uint8_t family) { return asked == FAMILY_UNSPEC || asked == family; }

// Sorts one message into `out` when it is something the filter selects.
void take(const MessageView& msg, const NotificationFilter& filter, NotificationBatch& out) {
  Notification n{kRuleAdded, msg.pid, msg.seq, msg.flags};
  switch (msg.type) {
    case RTM_NEWRULE:
    case RTM_DELRULE: {
      if (!filter.rules) return;
      auto rule = decode_rule(msg);
      if (!rule || !rule_matches(*rule, filter.rule_filter)) return;
      n.kind = msg.type == RTM_NEWRULE ? kRuleAdded : kRuleRemoved;
      out.rules.push_back(std::move(*rule));
      break;
    }
    case RTM_NEWROUTE:
    case RTM_DELROUTE: {
      if (!filter.routes) return;
      auto route = decode_route(msg);
      // Not kernel-filtered: every part of the filter is applied here.
      if (!route || !route_matches(*route, filter.route_filter, false)) return;
      n.kind = msg.type == RTM_NEWROUTE ? kRouteAdded : kRouteRemoved;
      out.routes.push_back(std::move(*route));
      break;
    }
    case RTM_NEWLINK:
    case RTM_DELLINK: {
      // Only the devices themselves (ifi_family AF_UNSPEC): the same group carries
      // AF_BRIDGE messages about bridge ports, whose RTM_DELLINK removes no device.
      if (msg.payload.size == 0 || msg.payload.data[0] != FAMILY_UNSPEC) return;
      auto link = decode_link(msg);
      if (!link) return;
      bool gone = msg.type == RTM_DELLINK;
      bool went_down = !gone && (link->change & IFF_UP_FLAG) && !(link->flags & IFF_UP_FLAG);
      if (filter.routes && (gone || went_down)) out.order.push_back({kRoutesMayHaveGone, 0, 0, 0});
      // Delivered when routes are watched too: the routes name devices by these names.
      n.kind = gone ? kLinkRemoved : kLinkAdded;
      out.links.push_back(std::move(*link));
      break;
    }
    case RTM_DELADDR:
      if (filter.routes) out.order.push_back({kRoutesMayHaveGone, 0, 0, 0});
      return;
    default:
      return;
  }
  out.order.push_back(n);
}
}  // namespace

std::vector<uint32_t> groups_for(const NotificationFilter& filter) {
  std::vector<uint32_t> groups;
  if (filter.rules) {
    uint8_t family = rule_family_of(filter);
    if (wants(family, FAMILY_INET)) groups.push_back(RTNLGRP_IPV4_RULE);
    if (wants(family, FAMILY_INET6)) groups.push_back(RTNLGRP_IPV6_RULE);
  }
  if (filter.routes) {
    uint8_t family = route_family_of(filter);
    if (wants(family, FAMILY_INET)) groups.push_back(RTNLGRP_IPV4_ROUTE);
    if (wants(family, FAMILY_INET6)) groups.push_back(RTNLGRP_IPV6_ROUTE);
    // Routes disappear with addresses and devices, not always with a notification.
    groups.push_back(RTNLGRP_IPV4_IFADDR);
    groups.push_back(RTNLGRP_IPV6_IFADDR);
  }
  if (filter.links || filter.routes) groups.push_back(RTNLGRP_LINK);
  return groups;
}

io::Outcome read_notifications(io::RouteSocket& sock, const NotificationFilter& filter, size_t max,
                               NotificationBatch& out) {
  io::Outcome o;
  auto wait = io::RouteSocket::Wait::Indefinitely;
  std::chrono::steady_clock::time_point gather_until;
  std::vector<Bytes> datagrams;
  while (out.order.size() < max) {
    size_t truncated = 0;
    int err = sock.receive_many(datagrams, wait, truncated);
    if (err == EAGAIN) {
      // Everything queued is taken. While the first is young, let more gather: one
      // answer per few notifications would cost more in handing over (and a receive per
      // datagram) than the notifications themselves.
      if (std::chrono::steady_clock::now() >= gather_until) break;
      std::this_thread::sleep_for(kGatherPause);
      continue;
    }
    // ENOBUFS: the kernel dropped notifications; a truncated one is lost as well.
    if (err == ENOBUFS || truncated) out.overflow = true;
    if (err && err != ENOBUFS) {
      o.error = err;
      o.syscall = "recv";
      return o;
    }
    for (const Bytes& datagram : datagrams) {
      MessageIterator it(datagram);
      MessageView msg;
      while (it.next(msg)) take(msg, filter, out);
    }
    if (out.overflow) break;
    if (wait != io::RouteSocket::Wait::DontWait) {
      wait = io::RouteSocket::Wait::DontWait;
      gather_until = std::chrono::steady_clock::now() + kGatherTime;
    }
  }
  return o;
}

}  // namespace nlroute::ops
