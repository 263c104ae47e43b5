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

// Field ids are positions in these tables.
const FieldSpec* rule_fields(uint32_t& count);
const FieldSpec* route_fields(uint32_t& count);
std::optional<uint32_t> rule_field_id(const std::string& key);
std::optional<uint32_t> route_field_id(const std::string& key);

// Store a value (already range-checked against the table) into a record.
void set_rule_field(wire::RuleRecord& rule, uint32_t id, const FieldValue& value);
void set_route_field(wire::RouteRecord& route, uint32_t id, const FieldValue& value);
// Settles what depends on several fields (RTA_GATEWAY or RTA_VIA) once all are set.
void finish_route(wire::RouteRecord& route);

}  // namespace nlroute::addon
