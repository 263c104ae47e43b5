#include "resend.h"

#include <cstring>

#include "../wire/constants.h"

namespace nlroute::ops {

void append_resent(io::RouteSocket& sock, io::RequestBatch& batch, wire::Bytes dumped,
                   uint16_t type) {
  uint32_t seq = sock.next_seq();
  if (batch.starts.empty()) batch.first_seq = seq;
  size_t at = batch.bytes.size();
  batch.starts.push_back(at);
  batch.bytes.insert(batch.bytes.end(), dumped.data, dumped.data + dumped.size);
  uint16_t flags = wire::NLM_F_REQUEST | wire::NLM_F_ACK;
  std::memcpy(batch.bytes.data() + at + 4, &type, 2);
  std::memcpy(batch.bytes.data() + at + 6, &flags, 2);
  std::memcpy(batch.bytes.data() + at + 8, &seq, 4);
  batch.bytes.resize(wire::align(static_cast<uint32_t>(batch.bytes.size())), 0);
}

}  // namespace nlroute::ops
