// Rule operations as exchanges with the kernel: what runs on a handle's I/O thread.
#pragma once

#include <vector>

#include "../socket/exchange.h"
#include "../wire/rule_record.h"

namespace nlroute::ops {

// Dumps the rules of `family` (0 = IPv4 and IPv6) that match `filter`.
io::Outcome list_rules(io::RouteSocket& sock, uint8_t family, const wire::RuleRecord& filter,
                       std::vector<wire::RuleRecord>& out);

// `ip rule flush`: deletes every matching rule except those at priority 0, by sending
// each dumped rule back as RTM_DELRULE so the kernel matches it exactly.
struct RuleFlushResult {
  io::Outcome dump;
  std::vector<wire::RuleRecord> rules;  // the rules a delete was sent for
  io::RequestBatch batch;
  std::vector<io::Outcome> outcomes;  // one per rule
};
void flush_rules(io::RouteSocket& sock, uint8_t family, const wire::RuleRecord& filter,
                 RuleFlushResult& result);

}  // namespace nlroute::ops
