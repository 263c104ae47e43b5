#include "message_writer.h"

#include <endian.h>

#include <cstring>

#include "constants.h"

namespace nlroute::wire {

namespace {
struct NlmsgHeader {
  uint32_t len;
  uint16_t type;
  uint16_t flags;
  uint32_t seq;
  uint32_t pid;
};
static_assert(sizeof(NlmsgHeader) == kNlmsgHeaderLen);

struct AttrHeader {
  uint16_t len;
  uint16_t type;
};
static_assert(sizeof(AttrHeader) == kAttrHeaderLen);
}  // namespace

MessageWriter::MessageWriter(std::vector<uint8_t>& buffer, uint16_t type, uint16_t flags,
                             uint32_t seq)
    : buffer_(buffer), start_(buffer.size()) {
  // The caller's buffer may hold earlier messages; each one starts 4-aligned.
  buffer_.resize(align(static_cast<uint32_t>(start_)));
  start_ = buffer_.size();
  NlmsgHeader header{kNlmsgHeaderLen, type, flags, seq, 0};
  grow_padded(&header, sizeof header);
}

void MessageWriter::grow_padded(const void* data, uint32_t length) {
  size_t at = buffer_.size();
  buffer_.resize(at + align(length), 0);
  if (length) std::memcpy(buffer_.data() + at, data, length);
  patch_message_length();
}

void MessageWriter::patch_message_length() {
  uint32_t len = static_cast<uint32_t>(buffer_.size() - start_);
  std::memcpy(buffer_.data() + start_, &len, sizeof len);
}

uint32_t MessageWriter::length() const { return static_cast<uint32_t>(buffer_.size() - start_); }

void MessageWriter::put_header(const void* header, uint32_t length) { grow_padded(header, length); }

namespace {
constexpr size_t kMaxLength16 = 0xffff;
}  // namespace

void MessageWriter::put_attr(uint16_t type, const void* payload, uint32_t length) {
  if (length > kMaxLength16 - kAttrHeaderLen) {
    fits_ = false;
    return;
  }
  AttrHeader header{static_cast<uint16_t>(kAttrHeaderLen + length), type};
  size_t at = buffer_.size();
  buffer_.resize(at + kAttrHeaderLen + align(length), 0);
  std::memcpy(buffer_.data() + at, &header, sizeof header);
  if (length) std::memcpy(buffer_.data() + at + kAttrHeaderLen, payload, length);
  patch_message_length();
}

void MessageWriter::put_be32(uint16_t type, uint32_t host_value) {
  uint32_t be = htobe32(host_value);
  put_attr(type, &be, 4);
}

void MessageWriter::put_be64(uint16_t type, uint64_t host_value) {
  uint64_t be = htobe64(host_value);
  put_attr(type, &be, 8);
}

void MessageWriter::put_cstring(uint16_t type, std::string_view value) {
  std::vector<char> with_nul(value.begin(), value.end());
  with_nul.push_back('\0');
  put_attr(type, with_nul.data(), static_cast<uint32_t>(with_nul.size()));
}

size_t MessageWriter::begin_nest(uint16_t type) {
  size_t token = buffer_.size();
  put_attr(type, nullptr, 0);
  return token;
}

void MessageWriter::end_nest(size_t token) { patch_u16_length(token); }

void MessageWriter::patch_u16_length(size_t at) {
  size_t written = buffer_.size() - at;
  if (written > kMaxLength16) fits_ = false;
  uint16_t len = static_cast<uint16_t>(written);
  std::memcpy(buffer_.data() + at, &len, sizeof len);
  // Nests may hold raw records (RTA_MULTIPATH's rtnexthop) appended by the caller.
  patch_message_length();
}

}  // namespace nlroute::wire
