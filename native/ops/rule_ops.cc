#include "rule_ops.h"

#include "../wire/constants.h"
#include "../wire/rule_codec.h"
#include "resend.h"

namespace nlroute::ops {

using namespace nlroute::wire;

namespace {
// Collects dumped rules that match, keeping the raw message too when asked to.
io::Outcome dump_matching(io::RouteSocket& sock, uint8_t family, const RuleRecord& filter,
                          std::vector<RuleRecord>& rules, std::vector<std::vector<uint8_t>>* raw) {
  return io::dump(
      sock, [&](std::vector<uint8_t>& buf, uint32_t seq) { encode_rule_dump(buf, seq, family); },
      [&](const MessageView& msg) {
        auto rule = decode_rule(msg);
        if (!rule || !rule_matches(*rule, filter)) return;
        rules.push_back(std::move(*rule));
        if (raw) raw->emplace_back(msg.whole.data, msg.whole.data + msg.whole.size);
      },
      [&] {
        rules.clear();
        if (raw) raw->clear();
      });
}
}  // namespace

io::Outcome list_rules(io::RouteSocket& sock, uint8_t family, const RuleRecord& filter,
                       std::vector<RuleRecord>& out) {
  return dump_matching(sock, family, filter, out, nullptr);
}

void flush_rules(io::RouteSocket& sock, uint8_t family, const RuleRecord& filter,
                 RuleFlushResult& result) {
  std::vector<RuleRecord> matched;
  std::vector<std::vector<uint8_t>> raw;
  result.dump = dump_matching(sock, family, filter, matched, &raw);
  if (result.dump.error) return;

  io::RequestBatch& batch = result.batch;
  for (size_t i = 0; i < matched.size(); ++i) {
    // Priority 0 (the local rule) has no FRA_PRIORITY; iproute2's flush skips it.
    if (matched[i].priority == 0) continue;
    append_resent(sock, batch, {raw[i].data(), raw[i].size()}, RTM_DELRULE);
    result.rules.push_back(std::move(matched[i]));
  }
  io::transact(sock, batch, result.outcomes);
}

}  // namespace nlroute::ops
