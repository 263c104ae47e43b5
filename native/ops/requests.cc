#include "requests.h"

#include "../wire/constants.h"
#include "../wire/route_codec.h"
#include "../wire/rule_codec.h"

namespace nlroute::ops {

using namespace nlroute::wire;

void send_requests(io::RouteSocket& sock, const std::vector<Request>& requests, io::RequestBatch& batch,
                   std::vector<io::Outcome>& outcomes, const io::TransactOptions& options) {
  batch = {};
  batch.starts.reserve(requests.size());
  batch.tolerated.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const Request& r = requests[i];
    uint32_t seq = sock.next_seq();
    if (i == 0) batch.first_seq = seq;
    batch.starts.push_back(batch.bytes.size());
    batch.tolerated.push_back(r.tolerated_error);
    uint16_t flags = r.flags | NLM_F_REQUEST | NLM_F_ACK;
    if (r.object == Request::Object::Rule) {
      encode_rule(batch.bytes, r.remove ? RTM_DELRULE : RTM_NEWRULE, flags, seq, r.rule);
    } else {
      encode_route(batch.bytes, r.remove ? RTM_DELROUTE : RTM_NEWROUTE, flags, seq, r.route);
    }
  }
  io::transact(sock, batch, outcomes, options);
}

}  // namespace nlroute::ops
