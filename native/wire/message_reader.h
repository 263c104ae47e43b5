// Reading netlink datagrams and attributes without trusting a single length.
//
// Every view here is a (pointer, length) window into a buffer someone else owns;
// every length read from the wire is checked against the window before use, so a
// malformed or truncated datagram ends iteration instead of reading past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "address.h"

namespace nlroute::wire {

struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

struct MessageView {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t seq = 0;
  uint32_t pid = 0;
  Bytes whole;    // header included
  Bytes payload;  // after the 16-byte header
};

// Walks the messages of one datagram. `malformed()` tells a clean end from a bad length.
class MessageIterator {
 public:
  explicit MessageIterator(Bytes datagram) : rest_(datagram) {}
  bool next(MessageView& out);
  bool malformed() const { return malformed_; }

 private:
  Bytes rest_;
  bool malformed_ = false;
};

struct AttrView {
  uint16_t type = 0;  // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
  Bytes payload;
};

class AttrIterator {
 public:
  explicit AttrIterator(Bytes region) : rest_(region) {}
  bool next(AttrView& out);
  bool malformed() const { return malformed_; }

 private:
  Bytes rest_;
  bool malformed_ = false;
};

// The bytes after a fixed family header of `header_len` bytes, or nullopt if the
// payload is shorter than the header.
std::optional<Bytes> after_header(Bytes payload, size_t header_len);

// Fixed-size reads that refuse a payload of the wrong size.
template <typename T>
std::optional<T> read_exact(Bytes b) {
  if (b.size != sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, b.data, sizeof(T));
  return value;
}
std::optional<uint32_t> read_be32(Bytes b);
std::optional<uint64_t> read_be64(Bytes b);

// The decoders' one step per attribute: a read that checks the size once (`read_exact<T>`,
// `read_be32`, ...) into `field`, with `bit` set in `present` when it succeeded. False for
// a payload of the wrong size, which makes the whole record malformed.
template <typename Field, typename Read, typename Present, typename Bit>
bool read_into(Bytes b, Read read, Field& field, Present& present, Bit bit) {
  auto value = read(b);
  if (!value) return false;
  field = *value;
  present |= bit;
  return true;
}
// An address attribute: 4 or 16 bytes, or exactly `expected_length` when it is not 0.
bool read_address(Bytes b, Address& out, size_t expected_length = 0);
// A string attribute: stops at the first NUL or the payload end, whichever comes first.
std::string read_cstring(Bytes b);

}  // namespace nlroute::wire
