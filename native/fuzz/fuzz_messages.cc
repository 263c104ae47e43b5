// libFuzzer target: everything nlroute reads from the kernel. The input is one
// datagram as recv() would return it: messages are iterated, and each is given to
// every decoder (rule, route, link, NLMSG_ERROR / NLMSG_DONE status, extended-ACK
// offset mapping). Beyond "no crash, no UB, no out-of-bounds read" (the sanitizers),
// it checks the property defect 14 asked for: a record that decodes, encoded and
// decoded again, encodes to the same bytes, for rules and routes alike.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../wire/constants.h"
#include "../wire/kernel_status.h"
#include "../wire/link_codec.h"
#include "../wire/message_reader.h"
#include "../wire/route_codec.h"
#include "../wire/rule_codec.h"

using namespace nlroute::wire;

namespace {

[[noreturn]] void property_failed(const char* what) {
  std::fprintf(stderr, "property failed: %s\n", what);
  __builtin_trap();  // libFuzzer saves the input as a crash
}

MessageView first_message(const std::vector<uint8_t>& bytes) {
  MessageIterator it({bytes.data(), bytes.size()});
  MessageView msg{};
  if (!it.next(msg)) property_failed("an encoded message does not iterate");
  return msg;
}

template <typename Record, typename Encode, typename Decode>
void check_stable(const Record& decoded, Encode encode, Decode decode) {
  std::vector<uint8_t> once, twice;
  if (!encode(once, decoded)) return;  // too long to send: refused, which is the point
  auto again = decode(first_message(once));
  if (!again) property_failed("what we encoded does not decode");
  if (!encode(twice, *again)) property_failed("a decoded record no longer fits");
  if (once != twice) {
    // Both encodings, for triage: the first byte that differs names the attribute.
    for (const auto* bytes : {&once, &twice}) {
      for (uint8_t b : *bytes) std::fprintf(stderr, "%02x", b);
      std::fprintf(stderr, "\n");
    }
    property_failed("decode -> encode -> decode is not stable");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MessageIterator it({data, size});
  MessageView msg{};
  while (it.next(msg)) {
    if (msg.type == NLMSG_ERROR) (void)parse_error_message(msg);
    if (msg.type == NLMSG_DONE) (void)parse_done_message(msg);
    // Extended-ACK offsets point into the request that was sent; any offset must be safe.
    if (msg.payload.size >= 4) {
      uint32_t offset;
      std::memcpy(&offset, msg.payload.data, 4);
      (void)locate_offset(msg.whole, kRuleHeaderLen, offset);
      (void)locate_offset(msg.whole, kRouteHeaderLen, offset % (msg.whole.size + 8));
    }
    (void)decode_link(msg);
    if (auto rule = decode_rule(msg)) {
      check_stable(
          *rule,
          [](std::vector<uint8_t>& out, const RuleRecord& r) {
            return encode_rule(out, RTM_NEWRULE, 0, 1, r);
          },
          [](const MessageView& m) { return decode_rule(m); });
    }
    if (auto route = decode_route(msg)) {
      check_stable(
          *route,
          [](std::vector<uint8_t>& out, const RouteRecord& r) {
            return encode_route(out, RTM_NEWROUTE, 0, 1, r);
          },
          [](const MessageView& m) { return decode_route(m); });
    }
  }
  (void)it.malformed();
  return 0;
}
