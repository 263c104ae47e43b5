// An IPv4 or IPv6 address as raw bytes, the form every record carries on the wire.
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace nlroute::wire {

struct Address {
  uint8_t length = 0;  // 0 (absent), 4 or 16 bytes
  std::array<uint8_t, 16> bytes{};
  bool operator==(const Address& o) const {
    return length == o.length && std::equal(bytes.begin(), bytes.begin() + length, o.bytes.begin());
  }
  bool operator!=(const Address& o) const { return !(*this == o); }
};

// An address from its text (dotted IPv4 or any IPv6 form inet_pton takes); false for
// anything else. The one text parser of the native side.
inline bool parse_address(const std::string& text, Address& out) {
  if (::inet_pton(AF_INET, text.c_str(), out.bytes.data()) == 1) return out.length = 4, true;
  if (::inet_pton(AF_INET6, text.c_str(), out.bytes.data()) == 1) return out.length = 16, true;
  return false;
}

}  // namespace nlroute::wire
