// Turning dumped messages back into requests: how `ip rule flush` and `ip route
// flush` delete exactly what they listed, every field included, without re-encoding.
#pragma once

#include <cstdint>

#include "../socket/exchange.h"
#include "../wire/message_reader.h"

namespace nlroute::ops {

// Appends `dumped` to `batch` as a request of `type` with NLM_F_REQUEST|NLM_F_ACK
// and the next sequence number of `sock`.
void append_resent(io::RouteSocket& sock, io::RequestBatch& batch, wire::Bytes dumped,
                   uint16_t type);

}  // namespace nlroute::ops
