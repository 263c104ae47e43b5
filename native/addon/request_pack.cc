#include "request_pack.h"

#include "packed_requests.h"
#include "route_convert.h"
#include "rule_convert.h"

namespace nlroute::addon {

void encode_packed_requests(const Napi::Uint32Array& words, const Napi::String& text,
                            const Napi::Array& sides, io::RequestBatch& batch,
                            std::vector<bool>& is_rule) {
  Napi::Env env = words.Env();
  SideRecords side_records;
  side_records.count = sides.Length();
  side_records.rule = [&](size_t i) {
    return rule_from_js(sides.Get(static_cast<uint32_t>(i)).As<Napi::Object>());
  };
  side_records.route = [&](size_t i) {
    return route_from_js(sides.Get(static_cast<uint32_t>(i)).As<Napi::Object>());
  };
  try {
    decode_packed_requests(words.Data(), words.ElementLength(), text.Utf16Value(), side_records,
                           batch, is_rule);
  } catch (const PackError& e) {
    if (e.kind == PackError::Kind::Malformed) throw Napi::TypeError::New(env, e.what());
    Napi::Error error = Napi::RangeError::New(env, e.what());
    error.Set("code", "EMSGSIZE");
    throw error;
  }
}

}  // namespace nlroute::addon
