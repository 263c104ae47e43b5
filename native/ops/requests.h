// A mixed run of rule and route changes (what a batch or a burst of single calls
// becomes): encoded back to back where the requests arrive, numbered and sent
// through one transact on the I/O thread.
#pragma once

#include <cstdint>
#include <vector>

#include "../socket/exchange.h"
#include "../wire/route_record.h"
#include "../wire/rule_record.h"

namespace nlroute::ops {

// Append one RTM_NEWRULE/RTM_DELRULE (or route) request to `batch`, with sequence
// number 0 until send_encoded numbers it. `tolerated`: an errno that does not stop a
// stop-at-first-error run (EEXIST for an idempotent add), or 0. False when the request
// does not fit netlink's 16-bit lengths (see MessageWriter::fits).
[[nodiscard]] bool append_rule(io::RequestBatch& batch, bool remove, uint16_t flags, int tolerated,
                               const wire::RuleRecord& rule);
[[nodiscard]] bool append_route(io::RequestBatch& batch, bool remove, uint16_t flags, int tolerated,
                                const wire::RouteRecord& route);

// Gives the requests consecutive sequence numbers from the socket and transacts
// them: one outcome per request, in order.
void send_encoded(io::RouteSocket& sock, io::RequestBatch& batch,
                  std::vector<io::Outcome>& outcomes, const io::TransactOptions& options);

}  // namespace nlroute::ops
