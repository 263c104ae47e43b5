// Decoding the packed requests that lib/requests/pack-writer.ts writes (the format is
// described in request_pack.h) into encoded netlink messages. Pure C++, no N-API, so
// that the fuzzer can drive it with arbitrary words and text; request_pack.cc is the
// N-API side. Every read is bounds-checked: a malformed pack is a PackError, never a
// read past the end or a message with a wrapped length.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../socket/exchange.h"
#include "../wire/route_record.h"
#include "../wire/rule_record.h"

namespace nlroute::addon {

struct PackError : std::runtime_error {
  enum class Kind { Malformed, TooLong };
  PackError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
  Kind kind;
};

// A request whose record did not fit in words (metrics, nexthops) comes as a side
// record: the caller turns side `index` into a rule or route record.
struct SideRecords {
  size_t count = 0;
  std::function<wire::RuleRecord(size_t index)> rule;
  std::function<wire::RouteRecord(size_t index)> route;
};

// Appends one encoded request per packed request to `batch`; is_rule[i] says which
// kind request i is. Throws PackError.
void decode_packed_requests(const uint32_t* words, size_t count, const std::u16string& text,
                            const SideRecords& sides, io::RequestBatch& batch,
                            std::vector<bool>& is_rule);

}  // namespace nlroute::addon
