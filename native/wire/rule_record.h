// A policy rule as the kernel knows it: the fib_rule_hdr fields plus FRA_* attributes,
// each optional one marked in `present`. Names and validation live in TypeScript; this
// is the exact, numeric form that is encoded, decoded and matched.
#pragma once

#include <cstdint>
#include <string>

#include "address.h"
#include "constants.h"

namespace nlroute::wire {

struct PortRange {
  uint16_t start = 0, end = 0;
  bool operator==(const PortRange& o) const { return start == o.start && end == o.end; }
};

struct UidRange {
  uint32_t start = 0, end = 0;
  bool operator==(const UidRange& o) const { return start == o.start && end == o.end; }
};

// Which fields of a RuleRecord were given (in a request or filter) or found (in a dump).
enum RuleField : uint32_t {
  kRuleSrc = 1u << 0,
  kRuleDst = 1u << 1,
  kRuleTos = 1u << 2,
  kRuleInvert = 1u << 3,
  kRulePriority = 1u << 4,
  kRuleTable = 1u << 5,
  kRuleAction = 1u << 6,
  kRuleFwmark = 1u << 7,
  kRuleFwmask = 1u << 8,
  kRuleIifname = 1u << 9,
  kRuleOifname = 1u << 10,
  kRuleGoto = 1u << 11,
  kRuleFlow = 1u << 12,
  kRuleSuppressPrefixlen = 1u << 13,
  kRuleSuppressIfgroup = 1u << 14,
  kRuleTunId = 1u << 15,
  kRuleL3mdev = 1u << 16,
  kRuleProtocol = 1u << 17,
  kRuleIpProto = 1u << 18,
  kRuleSport = 1u << 19,
  kRuleDport = 1u << 20,
  kRuleUidRange = 1u << 21,
  kRuleDscp = 1u << 22,
  kRuleFlowlabel = 1u << 23,
  kRuleFlowlabelMask = 1u << 24,
  kRuleNatGateway = 1u << 25,
  kRuleFamily = 1u << 26,  // only meaningful in filters: family 0 there means "any"
};

struct RuleRecord {
  uint32_t present = 0;
  uint8_t family = FAMILY_INET;
  uint8_t src_len = 0, dst_len = 0, tos = 0, action = 0;
  uint32_t flags = 0;  // FIB_RULE_*; INVERT is the `not` selector, the rest are state bits
  uint32_t table = 0, priority = 0, fwmark = 0, fwmask = 0, goto_target = 0, flow = 0;
  uint32_t suppress_prefixlen = 0, suppress_ifgroup = 0;
  uint64_t tun_id = 0;
  Address src, dst, nat_gateway;
  std::string iifname, oifname;
  uint8_t l3mdev = 0, protocol = 0, ip_proto = 0, dscp = 0;
  PortRange sport, dport;
  UidRange uid_range;
  uint32_t flowlabel = 0, flowlabel_mask = 0;

  bool has(RuleField f) const { return (present & f) != 0; }
};

}  // namespace nlroute::wire
