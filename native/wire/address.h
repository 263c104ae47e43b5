// An IPv4 or IPv6 address as raw bytes, the form every record carries on the wire.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace nlroute::wire {

struct Address {
  uint8_t length = 0;  // 0 (absent), 4 or 16 bytes
  std::array<uint8_t, 16> bytes{};
  bool operator==(const Address& o) const {
    return length == o.length && std::equal(bytes.begin(), bytes.begin() + length, o.bytes.begin());
  }
  bool operator!=(const Address& o) const { return !(*this == o); }
};

}  // namespace nlroute::wire
