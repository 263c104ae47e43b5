#include "request_pack.h"

#include <arpa/inet.h>

#include "record_fields.h"
#include "route_convert.h"
#include "rule_convert.h"

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint32_t kSideRecord = 0xffffffffu;
constexpr uint32_t kObjectRule = 1, kObjectRoute = 2;

// Reads the packed words with bounds checks; a malformed pack is a TypeError, never
// a read past the end.
class WordReader {
 public:
  WordReader(const Napi::Env& env, const uint32_t* words, size_t count) : env_(env), words_(words), count_(count) {}
  bool done() const { return at_ >= count_; }
  uint32_t next() {
    if (at_ >= count_) throw Napi::TypeError::New(env_, "request pack: truncated");
    return words_[at_++];
  }

 private:
  const Napi::Env& env_;
  const uint32_t* words_;
  size_t count_;
  size_t at_ = 0;
};

// The slice [offset, offset + length) of the UTF-16 text, as UTF-8.
std::string slice(const Napi::Env& env, const std::u16string& text, uint32_t offset, uint32_t length) {
  if (offset > text.size() || length > text.size() - offset) throw Napi::TypeError::New(env, "request pack: bad text slice");
  std::string out;
  out.reserve(length);
  for (uint32_t i = offset; i < offset + length; ++i) {
    char16_t c = text[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {  // device names never need surrogate pairs; they are encoded as they come
      out.push_back(static_cast<char>(0xe0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  }
  return out;
}

// lib/ checks every length before packing; this is the last line, so a request the
// kernel would read with a wrapped length is never sent whatever reaches us.
Napi::Error too_long(const Napi::Env& env, size_t index) {
  Napi::Error e = Napi::RangeError::New(env, "request " + std::to_string(index) +
                                                 ": an attribute is longer than netlink's 16-bit length (65535 bytes)");
  e.Set("code", "EMSGSIZE");
  return e;
}

FieldValue read_packed_field(const Napi::Env& env, WordReader& in, const std::u16string& text, const FieldSpec& spec) {
  FieldValue v;
  switch (spec.kind) {
    case FieldKind::Number:
    case FieldKind::Flag:
      v.number = in.next();
      if (v.number > spec.max) throw Napi::TypeError::New(env, std::string("record field ") + spec.key + ": out of range");
      break;
    case FieldKind::Pair:
      v.number = in.next();
      v.second = in.next();
      if (v.number > spec.max || v.second > spec.max) {
        throw Napi::TypeError::New(env, std::string("record field ") + spec.key + ": out of range");
      }
      break;
    case FieldKind::Wide: {
      uint64_t low = in.next(), high = in.next();
      v.number = low | (high << 32);
      break;
    }
    case FieldKind::Text:
    case FieldKind::Address: {
      uint32_t offset = in.next(), length = in.next();
      std::string s = slice(env, text, offset, length);
      if (spec.kind == FieldKind::Text) {
        v.text = std::move(s);
      } else if (::inet_pton(AF_INET, s.c_str(), v.address.bytes.data()) == 1) {
        v.address.length = 4;
      } else if (::inet_pton(AF_INET6, s.c_str(), v.address.bytes.data()) == 1) {
        v.address.length = 16;
      } else {
        throw Napi::TypeError::New(env, std::string("record field ") + spec.key + ": not an address: " + s);
      }
      break;
    }
  }
  return v;
}
}  // namespace

void encode_packed_requests(const Napi::Uint32Array& words, const Napi::String& text, const Napi::Array& sides,
                            io::RequestBatch& batch, std::vector<bool>& is_rule) {
  Napi::Env env = words.Env();
  std::u16string chars = text.Utf16Value();
  WordReader in(env, words.Data(), words.ElementLength());
  uint32_t rule_count, route_count;
  const FieldSpec* rule_table = rule_fields(rule_count);
  const FieldSpec* route_table = route_fields(route_count);
  while (!in.done()) {
    uint32_t head = in.next();
    uint32_t object = head & 0xff;
    if (object != kObjectRule && object != kObjectRoute) throw Napi::TypeError::New(env, "request pack: bad object");
    bool rule = object == kObjectRule;
    bool remove = ((head >> 8) & 0xff) == 1;
    auto flags = static_cast<uint16_t>(head >> 16);
    int tolerated = static_cast<int>(in.next());
    uint32_t fields = in.next();
    uint32_t side = fields == kSideRecord ? in.next() : 0;
    if (fields == kSideRecord && side >= sides.Length()) throw Napi::TypeError::New(env, "request pack: bad side index");
    if (rule) {
      RuleRecord r;
      if (fields == kSideRecord) {
        r = rule_from_js(sides.Get(side).As<Napi::Object>());
      } else {
        r.family = FAMILY_UNSPEC;
        for (uint32_t f = 0; f < fields; ++f) {
          uint32_t id = in.next();
          if (id >= rule_count) throw Napi::TypeError::New(env, "request pack: bad rule field");
          set_rule_field(r, id, read_packed_field(env, in, chars, rule_table[id]));
        }
        if (!(r.present & kRuleFamily)) r.family = FAMILY_INET;
      }
      if (!ops::append_rule(batch, remove, flags, tolerated, r)) throw too_long(env, batch.size() - 1);
    } else {
      RouteRecord r;
      if (fields == kSideRecord) {
        r = route_from_js(sides.Get(side).As<Napi::Object>());
      } else {
        for (uint32_t f = 0; f < fields; ++f) {
          uint32_t id = in.next();
          if (id >= route_count) throw Napi::TypeError::New(env, "request pack: bad route field");
          set_route_field(r, id, read_packed_field(env, in, chars, route_table[id]));
        }
        finish_route(r);
      }
      if (!ops::append_route(batch, remove, flags, tolerated, r)) throw too_long(env, batch.size() - 1);
    }
    is_rule.push_back(rule);
  }
}

}  // namespace nlroute::addon
