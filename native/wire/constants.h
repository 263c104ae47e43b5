// Numbers of the rtnetlink protocol that nlroute speaks.
//
// They are spelled out here instead of taken from <linux/*.h> because the build
// machine's uapi headers can be older than the kernel we run on (FRA_DSCP and
// FRA_FLOWLABEL are newer than Debian 12's headers), and the wire format is a
// stable ABI: these values never change once a kernel has shipped them.
#pragma once

#include <cstdint>

namespace nlroute::wire {

// struct nlmsghdr, struct rtattr and alignment
constexpr uint32_t kAlign = 4;
constexpr uint32_t align(uint32_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }
constexpr uint32_t kNlmsgHeaderLen = 16;
constexpr uint32_t kAttrHeaderLen = 4;

// nlmsg_type: control messages
constexpr uint16_t NLMSG_NOOP = 1;
constexpr uint16_t NLMSG_ERROR = 2;
constexpr uint16_t NLMSG_DONE = 3;
constexpr uint16_t NLMSG_OVERRUN = 4;
constexpr uint16_t NLMSG_MIN_TYPE = 0x10;

// nlmsg_type: rtnetlink
constexpr uint16_t RTM_NEWLINK = 16;
constexpr uint16_t RTM_DELLINK = 17;
constexpr uint16_t RTM_GETLINK = 18;
constexpr uint16_t RTM_NEWADDR = 20;
constexpr uint16_t RTM_DELADDR = 21;
constexpr uint16_t RTM_NEWROUTE = 24;
constexpr uint16_t RTM_DELROUTE = 25;
constexpr uint16_t RTM_GETROUTE = 26;
constexpr uint16_t RTM_NEWRULE = 32;
constexpr uint16_t RTM_DELRULE = 33;
constexpr uint16_t RTM_GETRULE = 34;

// nlmsg_flags
constexpr uint16_t NLM_F_REQUEST = 0x01;
constexpr uint16_t NLM_F_MULTI = 0x02;
constexpr uint16_t NLM_F_ACK = 0x04;
constexpr uint16_t NLM_F_ECHO = 0x08;
constexpr uint16_t NLM_F_DUMP_INTR = 0x10;
constexpr uint16_t NLM_F_DUMP_FILTERED = 0x20;
constexpr uint16_t NLM_F_REPLACE = 0x100;
constexpr uint16_t NLM_F_EXCL = 0x200;
constexpr uint16_t NLM_F_CREATE = 0x400;
constexpr uint16_t NLM_F_APPEND = 0x800;
constexpr uint16_t NLM_F_ROOT = 0x100;
constexpr uint16_t NLM_F_MATCH = 0x200;
constexpr uint16_t NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
// flags on NLMSG_ERROR / NLMSG_DONE
constexpr uint16_t NLM_F_CAPPED = 0x100;
constexpr uint16_t NLM_F_ACK_TLVS = 0x200;

// extended ACK attributes (inside NLMSG_ERROR / NLMSG_DONE)
constexpr uint16_t NLMSGERR_ATTR_MSG = 1;
constexpr uint16_t NLMSGERR_ATTR_OFFS = 2;

// socket options at SOL_NETLINK
constexpr int SOL_NETLINK_LEVEL = 270;
constexpr int NETLINK_CAP_ACK_OPT = 10;
constexpr int NETLINK_EXT_ACK_OPT = 11;
constexpr int NETLINK_GET_STRICT_CHK_OPT = 12;
constexpr int NETLINK_ADD_MEMBERSHIP_OPT = 1;

// rtnetlink multicast groups (RTNLGRP_*): what a notification socket joins
constexpr uint32_t RTNLGRP_LINK = 1;
constexpr uint32_t RTNLGRP_IPV4_IFADDR = 5;
constexpr uint32_t RTNLGRP_IPV4_ROUTE = 7;
constexpr uint32_t RTNLGRP_IPV4_RULE = 8;
constexpr uint32_t RTNLGRP_IPV6_IFADDR = 9;
constexpr uint32_t RTNLGRP_IPV6_ROUTE = 11;
constexpr uint32_t RTNLGRP_IPV6_RULE = 19;

// ifinfomsg.ifi_flags
constexpr uint32_t IFF_UP_FLAG = 0x1;

// address families
constexpr uint8_t FAMILY_UNSPEC = 0;
constexpr uint8_t FAMILY_INET = 2;
constexpr uint8_t FAMILY_INET6 = 10;

// struct fib_rule_hdr is 12 bytes: family dst_len src_len tos table res1 res2 action, u32 flags
constexpr uint32_t kRuleHeaderLen = 12;

// FRA_* rule attributes
constexpr uint16_t FRA_DST = 1;
constexpr uint16_t FRA_SRC = 2;
constexpr uint16_t FRA_IIFNAME = 3;
constexpr uint16_t FRA_GOTO = 4;
constexpr uint16_t FRA_NAT_GATEWAY =
    5;  // RTA_GATEWAY as iproute2 sends it for the deprecated `nat`
constexpr uint16_t FRA_PRIORITY = 6;
constexpr uint16_t FRA_FWMARK = 10;
constexpr uint16_t FRA_FLOW = 11;
constexpr uint16_t FRA_TUN_ID = 12;
constexpr uint16_t FRA_SUPPRESS_IFGROUP = 13;
constexpr uint16_t FRA_SUPPRESS_PREFIXLEN = 14;
constexpr uint16_t FRA_TABLE = 15;
constexpr uint16_t FRA_FWMASK = 16;
constexpr uint16_t FRA_OIFNAME = 17;
constexpr uint16_t FRA_L3MDEV = 19;
constexpr uint16_t FRA_UID_RANGE = 20;
constexpr uint16_t FRA_PROTOCOL = 21;
constexpr uint16_t FRA_IP_PROTO = 22;
constexpr uint16_t FRA_SPORT_RANGE = 23;
constexpr uint16_t FRA_DPORT_RANGE = 24;
constexpr uint16_t FRA_DSCP = 25;
constexpr uint16_t FRA_FLOWLABEL = 26;
constexpr uint16_t FRA_FLOWLABEL_MASK = 27;

// fib_rule_hdr.flags
constexpr uint32_t FIB_RULE_PERMANENT = 0x01;
constexpr uint32_t FIB_RULE_INVERT = 0x02;
constexpr uint32_t FIB_RULE_UNRESOLVED = 0x04;
constexpr uint32_t FIB_RULE_IIF_DETACHED = 0x08;
constexpr uint32_t FIB_RULE_OIF_DETACHED = 0x10;

// struct rtmsg is 12 bytes: family dst_len src_len tos table protocol scope type, u32 flags
constexpr uint32_t kRouteHeaderLen = 12;

// RTA_* route attributes
constexpr uint16_t RTA_DST = 1;
constexpr uint16_t RTA_SRC = 2;
constexpr uint16_t RTA_IIF = 3;
constexpr uint16_t RTA_OIF = 4;
constexpr uint16_t RTA_GATEWAY = 5;
constexpr uint16_t RTA_PRIORITY = 6;
constexpr uint16_t RTA_PREFSRC = 7;
constexpr uint16_t RTA_METRICS = 8;
constexpr uint16_t RTA_MULTIPATH = 9;
constexpr uint16_t RTA_FLOW = 11;
constexpr uint16_t RTA_CACHEINFO = 12;
constexpr uint16_t RTA_TABLE = 15;
constexpr uint16_t RTA_MARK = 16;
constexpr uint16_t RTA_VIA = 18;
constexpr uint16_t RTA_PREF = 20;
constexpr uint16_t RTA_ENCAP_TYPE = 21;
constexpr uint16_t RTA_ENCAP = 22;
constexpr uint16_t RTA_EXPIRES = 23;
constexpr uint16_t RTA_UID = 25;
constexpr uint16_t RTA_IP_PROTO = 27;
constexpr uint16_t RTA_SPORT = 28;
constexpr uint16_t RTA_DPORT = 29;
constexpr uint16_t RTA_NH_ID = 30;

// RTAX_* metrics inside RTA_METRICS (RTAX_LOCK is a bitmask of locked metrics)
constexpr uint16_t RTAX_LOCK = 1;
constexpr uint16_t RTAX_CC_ALGO = 16;
constexpr uint16_t RTAX_MAX = 17;

// rtm_flags (and rtnh_flags for the low byte)
constexpr uint32_t RTNH_F_ONLINK = 0x04;
constexpr uint32_t RTM_F_CLONED = 0x200;
constexpr uint32_t RTM_F_LOOKUP_TABLE = 0x1000;
constexpr uint32_t RTM_F_FIB_MATCH = 0x2000;

// rtm_type
constexpr uint8_t RTN_UNSPEC = 0;
constexpr uint8_t RTN_UNICAST = 1;

// rtm_scope
constexpr uint8_t RT_SCOPE_NOWHERE = 255;

// struct rtnexthop is 8 bytes: u16 len, u8 flags, u8 hops, i32 ifindex
constexpr uint32_t kNexthopHeaderLen = 8;

// routing table ids
constexpr uint32_t RT_TABLE_UNSPEC = 0;
constexpr uint32_t RT_TABLE_COMPAT = 252;
constexpr uint32_t RT_TABLE_MAIN = 254;

// FRA_SUPPRESS_PREFIXLEN / FRA_SUPPRESS_IFGROUP value meaning "not set"
constexpr uint32_t kSuppressUnset = 0xffffffffu;

// struct ifinfomsg is 16 bytes; IFLA_IFNAME carries the device name, IFLA_ADDRESS
// its hardware address (the MAC a DVR router's IPv6 gateway is derived from)
constexpr uint32_t kLinkHeaderLen = 16;
constexpr uint16_t IFLA_ADDRESS = 1;
constexpr uint16_t IFLA_IFNAME = 3;
constexpr uint16_t IFLA_EXT_MASK = 29;
constexpr uint32_t RTEXT_FILTER_SKIP_STATS = 1u << 3;

}  // namespace nlroute::wire
