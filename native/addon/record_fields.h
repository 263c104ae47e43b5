// The fields of rule and route records as they cross from JavaScript, in one table
// per object: the key lib/ uses, how the value is carried, and its range. Both ways
// records cross use it: plain objects (rule_convert, route_convert) and the packed
// requests of request_pack.h, whose field ids are indexes into these tables.
// JavaScript reads the key lists from the addon (addon.recordFields), so the two
// sides cannot disagree about an id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "../wire/route_record.h"
#include "../wire/rule_record.h"

namespace nlroute::addon {

enum class FieldKind : uint8_t {
  Number,   // an unsigned integer up to `max`
  Flag,     // true/false (packed: 0 or 1)
  Address,  // address text, "10.0.0.1" or "2001:db8::1"
  Text,     // a string (device names, congestion-control names)
  Pair,     // [start, end], each up to `max`
  Wide,     // an unsigned 64-bit integer (bigint)
};

struct FieldSpec {
  const char* key;
  FieldKind kind;
  uint64_t max;
};

struct FieldValue {
  uint64_t number = 0;  // Number, Flag, Wide, and the start of a Pair
  uint32_t second = 0;  // the end of a Pair
  wire::Address address;
  std::string text;
};

// A table row: the field as JavaScript sees it, and how its value (already range-checked
// against the row) goes into a record, presence bit included. A field id is the row's
// position, so a new field is one new row at the end of its table.
template <typename Record>
struct FieldRow : FieldSpec {
  void (*set)(Record& record, const FieldValue& value);
};
using RuleFieldRow = FieldRow<wire::RuleRecord>;
using RouteFieldRow = FieldRow<wire::RouteRecord>;

const RuleFieldRow* rule_fields(uint32_t& count);
const RouteFieldRow* route_fields(uint32_t& count);
std::optional<uint32_t> rule_field_id(const std::string& key);
std::optional<uint32_t> route_field_id(const std::string& key);

// Settles what depends on several fields (RTA_GATEWAY or RTA_VIA) once all are set.
void finish_route(wire::RouteRecord& route);

}  // namespace nlroute::addon
