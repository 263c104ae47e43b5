#include "packed_requests.h"

#include "../ops/requests.h"
#include "record_fields.h"

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint32_t kSideRecord = 0xffffffffu;
constexpr uint32_t kObjectRule = 1, kObjectRoute = 2;

[[noreturn]] void malformed(const std::string& what) {
  throw PackError(PackError::Kind::Malformed, "request pack: " + what);
}

// Reads the packed words with bounds checks.
class WordReader {
 public:
  WordReader(const uint32_t* words, size_t count) : words_(words), count_(count) {}
  bool done() const { return at_ >= count_; }
  uint32_t next() {
    if (at_ >= count_) malformed("truncated");
    return words_[at_++];
  }

 private:
  const uint32_t* words_;
  size_t count_;
  size_t at_ = 0;
};

// The slice [offset, offset + length) of the UTF-16 text, as UTF-8.
std::string slice(const std::u16string& text, uint32_t offset, uint32_t length) {
  if (offset > text.size() || length > text.size() - offset) malformed("bad text slice");
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
[[noreturn]] void too_long(size_t index) {
  throw PackError(PackError::Kind::TooLong,
                  "request " + std::to_string(index) +
                      ": an attribute is longer than netlink's 16-bit length (65535 bytes)");
}

FieldValue read_packed_field(WordReader& in, const std::u16string& text, const FieldSpec& spec) {
  FieldValue v;
  switch (spec.kind) {
    case FieldKind::Number:
    case FieldKind::Flag:
      v.number = in.next();
      if (v.number > spec.max)
        malformed(std::string("record field ") + spec.key + ": out of range");
      break;
    case FieldKind::Pair:
      v.number = in.next();
      v.second = in.next();
      if (v.number > spec.max || v.second > spec.max)
        malformed(std::string("record field ") + spec.key + ": out of range");
      break;
    case FieldKind::Wide: {
      uint64_t low = in.next(), high = in.next();
      v.number = low | (high << 32);
      break;
    }
    case FieldKind::Text:
    case FieldKind::Address: {
      uint32_t offset = in.next(), length = in.next();
      std::string s = slice(text, offset, length);
      if (spec.kind == FieldKind::Text) {
        v.text = std::move(s);
      } else if (!wire::parse_address(s, v.address)) {
        malformed(std::string("record field ") + spec.key + ": not an address: " + s);
      }
      break;
    }
  }
  return v;
}
}  // namespace

void decode_packed_requests(const uint32_t* words, size_t count, const std::u16string& chars,
                            const SideRecords& sides, io::RequestBatch& batch,
                            std::vector<bool>& is_rule) {
  WordReader in(words, count);
  uint32_t rule_count, route_count;
  const RuleFieldRow* rule_table = rule_fields(rule_count);
  const RouteFieldRow* route_table = route_fields(route_count);
  while (!in.done()) {
    uint32_t head = in.next();
    uint32_t object = head & 0xff;
    if (object != kObjectRule && object != kObjectRoute) malformed("bad object");
    bool rule = object == kObjectRule;
    bool remove = ((head >> 8) & 0xff) == 1;
    auto flags = static_cast<uint16_t>(head >> 16);
    int tolerated = static_cast<int>(in.next());
    uint32_t fields = in.next();
    uint32_t side = fields == kSideRecord ? in.next() : 0;
    if (fields == kSideRecord && side >= sides.count) malformed("bad side index");
    if (rule) {
      RuleRecord r;
      if (fields == kSideRecord) {
        r = sides.rule(side);
      } else {
        r.family = FAMILY_UNSPEC;
        for (uint32_t f = 0; f < fields; ++f) {
          uint32_t id = in.next();
          if (id >= rule_count) malformed("bad rule field");
          rule_table[id].set(r, read_packed_field(in, chars, rule_table[id]));
        }
        if (!(r.present & kRuleFamily)) r.family = FAMILY_INET;
      }
      if (!ops::append_rule(batch, remove, flags, tolerated, r)) too_long(batch.size() - 1);
    } else {
      RouteRecord r;
      if (fields == kSideRecord) {
        r = sides.route(side);
      } else {
        for (uint32_t f = 0; f < fields; ++f) {
          uint32_t id = in.next();
          if (id >= route_count) malformed("bad route field");
          route_table[id].set(r, read_packed_field(in, chars, route_table[id]));
        }
        finish_route(r);
      }
      if (!ops::append_route(batch, remove, flags, tolerated, r)) too_long(batch.size() - 1);
    }
    is_rule.push_back(rule);
  }
}

}  // namespace nlroute::addon
