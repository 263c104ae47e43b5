#include "requests.h"

#include <cstring>

#include "../wire/constants.h"
#include "../wire/route_codec.h"
#include "../wire/rule_codec.h"

namespace nlroute::ops {

using namespace nlroute::wire;

bool append_rule(io::RequestBatch& batch, bool remove, uint16_t flags, int tolerated,
                 const RuleRecord& rule) {
  batch.starts.push_back(batch.bytes.size());
  batch.tolerated.push_back(tolerated);
  return encode_rule(batch.bytes, remove ? RTM_DELRULE : RTM_NEWRULE,
                     flags | NLM_F_REQUEST | NLM_F_ACK, 0, rule);
}

bool append_route(io::RequestBatch& batch, bool remove, uint16_t flags, int tolerated,
                  const RouteRecord& route) {
  batch.starts.push_back(batch.bytes.size());
  batch.tolerated.push_back(tolerated);
  return encode_route(batch.bytes, remove ? RTM_DELROUTE : RTM_NEWROUTE,
                      flags | NLM_F_REQUEST | NLM_F_ACK, 0, route);
}

void send_encoded(io::RouteSocket& sock, io::RequestBatch& batch,
                  std::vector<io::Outcome>& outcomes, const io::TransactOptions& options) {
  // nlmsg_seq sits at offset 8 of every message header.
  for (size_t i = 0; i < batch.size(); ++i) {
    uint32_t seq = sock.next_seq();
    if (i == 0) batch.first_seq = seq;
    std::memcpy(batch.bytes.data() + batch.starts[i] + 8, &seq, sizeof seq);
  }
  io::transact(sock, batch, outcomes, options);
}

}  // namespace nlroute::ops
