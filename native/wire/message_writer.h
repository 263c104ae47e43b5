// Building netlink messages into a buffer the caller owns (libmnl style).
//
// A MessageWriter appends exactly one message to the end of a byte vector; several
// writers used one after another on the same vector produce a multi-message
// datagram, which is how batches are packed. Nothing here does I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "address.h"

namespace nlroute::wire {

class MessageWriter {
 public:
  MessageWriter(std::vector<uint8_t>& buffer, uint16_t type, uint16_t flags, uint32_t seq);

  // The fixed family header (fib_rule_hdr, rtmsg, ifinfomsg) that follows nlmsghdr.
  void put_header(const void* header, uint32_t length);

  void put_attr(uint16_t type, const void* payload, uint32_t length);
  void put_u8(uint16_t type, uint8_t value) { put_attr(type, &value, 1); }
  void put_u16(uint16_t type, uint16_t value) { put_attr(type, &value, 2); }
  void put_u32(uint16_t type, uint32_t value) { put_attr(type, &value, 4); }
  void put_u64(uint16_t type, uint64_t value) { put_attr(type, &value, 8); }
  void put_be32(uint16_t type, uint32_t host_value);
  void put_be64(uint16_t type, uint64_t host_value);
  // An IPv4 or IPv6 address: its 4 or 16 bytes.
  void put_address(uint16_t type, const Address& address) {
    put_attr(type, address.bytes.data(), address.length);
  }
  // A NUL-terminated string, the way the kernel expects interface names.
  void put_cstring(uint16_t type, std::string_view value);

  // Nested attributes: begin returns a token that end() needs to patch the length.
  size_t begin_nest(uint16_t type);
  void end_nest(size_t token);

  // Patches a 16-bit length field at `at` (an rtnexthop's rtnh_len) to the bytes
  // written since `at`; a length that does not fit marks the message as not fitting.
  void patch_u16_length(size_t at);

  // Offset of this message inside the shared buffer, and its final length.
  size_t offset() const { return start_; }
  uint32_t length() const;

  // False once any attribute, nest or record was longer than its 16-bit length field
  // can say (65535 bytes, header included): such a message must not be sent, since
  // the kernel would read a wrapped length and so a different request.
  bool fits() const { return fits_; }

 private:
  void grow_padded(const void* data, uint32_t length);
  void patch_message_length();

  std::vector<uint8_t>& buffer_;
  size_t start_;
  bool fits_ = true;
};

}  // namespace nlroute::wire
