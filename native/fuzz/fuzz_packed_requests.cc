// libFuzzer target: the packed requests that cross from JavaScript (request_pack.h).
// The input is split into the text (UTF-16, its length in the first two bytes) and
// the 32-bit words; side records are plain records. A malformed pack must end in a
// PackError, and every request that encodes must iterate as one whole message whose
// attributes all lie inside it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../addon/packed_requests.h"
#include "../wire/message_reader.h"

using namespace nlroute;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t text_units = (data[0] | (data[1] << 8)) % 512;
  data += 2, size -= 2;
  if (text_units * 2 > size) text_units = size / 2;
  std::u16string text(text_units, u'\0');
  if (text_units) std::memcpy(text.data(), data, text_units * 2);
  data += text_units * 2, size -= text_units * 2;
  std::vector<uint32_t> words(size / 4);
  if (!words.empty()) std::memcpy(words.data(), data, words.size() * 4);

  addon::SideRecords sides;
  sides.count = 2;
  sides.rule = [](size_t) { return wire::RuleRecord{}; };
  sides.route = [](size_t) { return wire::RouteRecord{}; };
  io::RequestBatch batch;
  std::vector<bool> is_rule;
  try {
    addon::decode_packed_requests(words.data(), words.size(), text, sides, batch, is_rule);
  } catch (const addon::PackError&) {
    return 0;
  }
  if (is_rule.size() != batch.size()) __builtin_trap();
  for (size_t i = 0; i < batch.size(); ++i) {
    wire::MessageIterator it({batch.bytes.data() + batch.starts[i], batch.length_of(i)});
    wire::MessageView msg{};
    if (!it.next(msg)) __builtin_trap();
    size_t header = is_rule[i] ? wire::kRuleHeaderLen : wire::kRouteHeaderLen;
    auto attrs = wire::after_header(msg.payload, header);
    if (!attrs) __builtin_trap();
    wire::AttrIterator a(*attrs);
    wire::AttrView attr{};
    while (a.next(attr)) {
    }
    if (a.malformed()) __builtin_trap();  // every length we wrote must be the truth
  }
  return 0;
}
