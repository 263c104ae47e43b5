// Strict reads of numbers from JavaScript values. The TypeScript layer has already
// validated user input; these checks guard the boundary itself, so a bug there
// becomes a TypeError naming the property instead of a wrong number on the wire.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace nlroute::addon {

uint32_t read_uint(const Napi::Env& env, const Napi::Value& v, const std::string& field,
                   uint64_t max);
uint64_t read_u64(const Napi::Env& env, const Napi::Value& v, const std::string& field);
// [start, end] as a two-element array of integers up to `max`.
std::pair<uint32_t, uint32_t> read_pair(const Napi::Env& env, const Napi::Value& v,
                                        const std::string& field, uint64_t max);
std::string read_string(const Napi::Env& env, const Napi::Value& v, const std::string& field);

// Calls visit(key, value) for each property of `object` that is not undefined. Only
// the properties that are there are visited: a record rarely has more than a
// handful, and one Get per possible field would cost more than the encoding.
template <typename Visit>
void for_each_given(const Napi::Object& object, Visit&& visit) {
  Napi::Array names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string key = names.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value value = object.Get(key);
    if (!value.IsUndefined()) visit(key, value);
  }
}

struct FieldSpec;
struct FieldValue;
// A record field's value as its table entry says it is carried (record_fields.h).
FieldValue read_field(const Napi::Env& env, const Napi::Value& v, const FieldSpec& spec);

}  // namespace nlroute::addon
