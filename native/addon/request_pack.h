// Many rule and route changes crossing from JavaScript at once. Converting one
// JavaScript object per request through N-API costs several microseconds, more
// than the kernel spends on a route, so lib/requests/pack-writer.ts writes them
// as 32-bit words into one Uint32Array, with every string in one text:
//
//   per request:  w0 = object (1 rule, 2 route) | kind << 8 (0 new, 1 delete) | nlmsg flags << 16
//                 w1 = an errno that counts as success for this request (0: none), e.g.
//                      EEXIST for an idempotent add; a stop-at-first-error batch goes on
//                 w2 = number of fields, or 0xffffffff and w3 = index of the request's
//                      record object in `sides` (records with metrics or nexthops)
//   per field:    the field id (its position in record_fields.h's table), then
//                   Number, Flag: 1 word      Address, Text: 2 words, offset and length in `text`
//                   Pair: 2 words, start and end      Wide: 2 words, low and high half
#pragma once

#include <napi.h>

#include <vector>

#include "../ops/requests.h"
#include "../socket/exchange.h"

namespace nlroute::addon {

// Encodes every packed request into `batch` (see ops/requests.h); `is_rule[i]` says
// which kind request i is, for naming attributes in its errors.
void encode_packed_requests(const Napi::Uint32Array& words, const Napi::String& text,
                            const Napi::Array& sides, io::RequestBatch& batch,
                            std::vector<bool>& is_rule);

}  // namespace nlroute::addon
