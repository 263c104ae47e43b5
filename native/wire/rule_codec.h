// RuleRecord <-> RTM_NEWRULE / RTM_DELRULE / RTM_GETRULE bytes, and the native
// filter that stands in for the kernel (rule dumps cannot be filtered kernel-side).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "message_reader.h"
#include "rule_record.h"

namespace nlroute::wire {

// Appends one RTM_NEWRULE or RTM_DELRULE carrying exactly the fields present in `rule`.
// False when an attribute was too long for netlink's 16-bit lengths: not to be sent.
[[nodiscard]] bool encode_rule(std::vector<uint8_t>& buffer, uint16_t type, uint16_t flags,
                               uint32_t seq, const RuleRecord& rule);

// Appends an RTM_GETRULE dump request (family only: strict mode refuses anything else).
void encode_rule_dump(std::vector<uint8_t>& buffer, uint32_t seq, uint8_t family);

// Decodes one RTM_NEWRULE from a dump. nullopt for malformed messages and for the
// multicast-routing families (RTNL_FAMILY_IPMR/IP6MR) an AF_UNSPEC dump also returns.
std::optional<RuleRecord> decode_rule(const MessageView& msg);

// True when every field present in `filter` equals the rule's value.
bool rule_matches(const RuleRecord& rule, const RuleRecord& filter);

// The kernel's name for a FRA_* attribute type, for error messages ("FRA_SRC").
const char* rule_attr_name(uint16_t type);

}  // namespace nlroute::wire
