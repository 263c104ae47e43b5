#include "message_reader.h"

#include <endian.h>

#include "constants.h"

namespace nlroute::wire {

namespace {
// The window after skipping `step` bytes (an aligned length, which may overrun the
// last element's padding at the very end of a buffer).
Bytes skip(Bytes b, size_t step) {
  return step >= b.size ? Bytes{} : Bytes{b.data + step, b.size - step};
}
}  // namespace

bool MessageIterator::next(MessageView& out) {
  if (rest_.size == 0) return false;
  if (rest_.size < kNlmsgHeaderLen) {
    malformed_ = true;
    return false;
  }
  uint32_t len;
  std::memcpy(&len, rest_.data, 4);
  if (len < kNlmsgHeaderLen || len > rest_.size) {
    malformed_ = true;
    return false;
  }
  std::memcpy(&out.type, rest_.data + 4, 2);
  std::memcpy(&out.flags, rest_.data + 6, 2);
  std::memcpy(&out.seq, rest_.data + 8, 4);
  std::memcpy(&out.pid, rest_.data + 12, 4);
  out.whole = {rest_.data, len};
  out.payload = {rest_.data + kNlmsgHeaderLen, len - kNlmsgHeaderLen};
  rest_ = skip(rest_, align(len));
  return true;
}

bool AttrIterator::next(AttrView& out) {
  if (rest_.size < kAttrHeaderLen) {
    // Fewer than 4 trailing bytes can only be padding; anything else is damage.
    if (rest_.size != 0) malformed_ = true;
    return false;
  }
  uint16_t len, type;
  std::memcpy(&len, rest_.data, 2);
  std::memcpy(&type, rest_.data + 2, 2);
  if (len < kAttrHeaderLen || len > rest_.size) {
    malformed_ = true;
    return false;
  }
  out.type = type & 0x3fff;
  out.payload = {rest_.data + kAttrHeaderLen, static_cast<size_t>(len - kAttrHeaderLen)};
  rest_ = skip(rest_, align(len));
  return true;
}

std::optional<Bytes> after_header(Bytes payload, size_t header_len) {
  if (payload.size < header_len) return std::nullopt;
  size_t skip = align(static_cast<uint32_t>(header_len));
  if (skip > payload.size) skip = payload.size;
  return Bytes{payload.data + skip, payload.size - skip};
}

std::optional<uint32_t> read_be32(Bytes b) {
  auto v = read_exact<uint32_t>(b);
  if (!v) return std::nullopt;
  return be32toh(*v);
}

std::optional<uint64_t> read_be64(Bytes b) {
  auto v = read_exact<uint64_t>(b);
  if (!v) return std::nullopt;
  return be64toh(*v);
}

bool read_address(Bytes b, Address& out, size_t expected_length) {
  bool fits = expected_length ? b.size == expected_length : (b.size == 4 || b.size == 16);
  if (!fits) return false;
  out.length = static_cast<uint8_t>(b.size);
  std::memcpy(out.bytes.data(), b.data, b.size);
  return true;
}

std::string read_cstring(Bytes b) {
  size_t n = 0;
  while (n < b.size && b.data[n] != 0) ++n;
  return std::string(reinterpret_cast<const char*>(b.data), n);
}

}  // namespace nlroute::wire
