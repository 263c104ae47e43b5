// A mixed run of rule and route changes (what a batch or a burst of single calls
// becomes), encoded back to back and sent through one transact.
#pragma once

#include <cstdint>
#include <vector>

#include "../socket/exchange.h"
#include "../wire/route_record.h"
#include "../wire/rule_record.h"

namespace nlroute::ops {

struct Request {
  enum class Object : uint8_t { Rule, Route };
  Object object = Object::Route;
  bool remove = false;     // RTM_DEL* instead of RTM_NEW*
  uint16_t flags = 0;      // NLM_F_CREATE/EXCL/REPLACE/APPEND; REQUEST and ACK are added
  int tolerated_error = 0; // an errno that does not stop a stop-at-first-error run (EEXIST for "ensure")
  wire::RuleRecord rule;   // for Object::Rule
  wire::RouteRecord route; // for Object::Route
};

// Encodes every request (consecutive sequence numbers) into `batch` and transacts it:
// one outcome per request, in order.
void send_requests(io::RouteSocket& sock, const std::vector<Request>& requests, io::RequestBatch& batch,
                   std::vector<io::Outcome>& outcomes, const io::TransactOptions& options);

}  // namespace nlroute::ops
