#include "js_values.h"

#include <cmath>

#include "address_convert.h"
#include "record_fields.h"

namespace nlroute::addon {

namespace {
[[noreturn]] void bad(const Napi::Env& env, const std::string& field, const char* what) {
  throw Napi::TypeError::New(env, "record field " + field + ": " + what);
}
}  // namespace

uint32_t read_uint(const Napi::Env& env, const Napi::Value& v, const std::string& field,
                   uint64_t max) {
  if (!v.IsNumber()) bad(env, field, "expected a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > static_cast<double>(max) || std::floor(d) != d)
    bad(env, field, "out of range");
  return static_cast<uint32_t>(d);
}

uint64_t read_u64(const Napi::Env& env, const Napi::Value& v, const std::string& field) {
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t value = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) bad(env, field, "out of range");
    return value;
  }
  if (!v.IsNumber()) bad(env, field, "expected a bigint or number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9007199254740991.0 || std::floor(d) != d) bad(env, field, "out of range");
  return static_cast<uint64_t>(d);
}

std::pair<uint32_t, uint32_t> read_pair(const Napi::Env& env, const Napi::Value& v,
                                        const std::string& field, uint64_t max) {
  if (!v.IsArray() || v.As<Napi::Array>().Length() != 2) bad(env, field, "expected [start, end]");
  Napi::Array a = v.As<Napi::Array>();
  return {read_uint(env, a.Get(0u), field, max), read_uint(env, a.Get(1u), field, max)};
}

std::string read_string(const Napi::Env& env, const Napi::Value& v, const std::string& field) {
  if (!v.IsString()) bad(env, field, "expected a string");
  return v.As<Napi::String>().Utf8Value();
}

FieldValue read_field(const Napi::Env& env, const Napi::Value& v, const FieldSpec& spec) {
  FieldValue out;
  switch (spec.kind) {
    case FieldKind::Number:
      out.number = read_uint(env, v, spec.key, spec.max);
      break;
    case FieldKind::Flag:
      out.number = v.ToBoolean().Value() ? 1 : 0;
      break;
    case FieldKind::Address:
      out.address = address_from_js(env, v, spec.key);
      break;
    case FieldKind::Text:
      out.text = read_string(env, v, spec.key);
      break;
    case FieldKind::Wide:
      out.number = read_u64(env, v, spec.key);
      break;
    case FieldKind::Pair: {
      auto [a, b] = read_pair(env, v, spec.key, spec.max);
      out.number = a;
      out.second = b;
      break;
    }
  }
  return out;
}

}  // namespace nlroute::addon
