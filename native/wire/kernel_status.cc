#include "kernel_status.h"

#include <cerrno>
#include <string>

#include "constants.h"

namespace nlroute::wire {

namespace {
// The error field of NLMSG_ERROR / NLMSG_DONE is 0 or a negative errno (the kernel's
// errnos stop at 4095, MAX_ERRNO). Anything else is not something the kernel sends:
// read it as a protocol error, without negating INT32_MIN (undefined behaviour).
constexpr int32_t kMaxErrno = 4095;

void set_error(int32_t wire_value, KernelStatus& status) {
  if (wire_value <= 0 && wire_value >= -kMaxErrno) {
    status.error = -wire_value;
    return;
  }
  status.error = EPROTO;
  status.message = "malformed answer: error code " + std::to_string(wire_value) +
                   " is not 0 or a negative errno";
}

void read_ack_tlvs(Bytes tlvs, KernelStatus& status) {
  AttrIterator it(tlvs);
  AttrView attr;
  while (it.next(attr)) {
    if (attr.type == NLMSGERR_ATTR_MSG) {
      if (status.message.empty()) status.message = read_cstring(attr.payload);
    } else if (attr.type == NLMSGERR_ATTR_OFFS) {
      status.offset = read_exact<uint32_t>(attr.payload);
    }
  }
}
}  // namespace

std::optional<KernelStatus> parse_error_message(const MessageView& msg) {
  // struct nlmsgerr: i32 error, then the request's nlmsghdr (and its payload
  // unless NLM_F_CAPPED), then TLVs when NLM_F_ACK_TLVS.
  if (msg.payload.size < 4 + kNlmsgHeaderLen) return std::nullopt;
  KernelStatus status;
  int32_t wire_value;
  std::memcpy(&wire_value, msg.payload.data, 4);
  set_error(wire_value, status);
  uint32_t inner_len;
  std::memcpy(&inner_len, msg.payload.data + 4, 4);
  std::memcpy(&status.request_seq, msg.payload.data + 4 + 8, 4);
  if (msg.flags & NLM_F_ACK_TLVS) {
    size_t tlv_at = 4 + ((msg.flags & NLM_F_CAPPED) ? kNlmsgHeaderLen : align(inner_len));
    if (tlv_at < msg.payload.size) {
      read_ack_tlvs({msg.payload.data + tlv_at, msg.payload.size - tlv_at}, status);
    }
  }
  return status;
}

std::optional<KernelStatus> parse_done_message(const MessageView& msg) {
  KernelStatus status;
  status.request_seq = msg.seq;
  // A DONE without a payload is a plain end of dump (some kernels' NLMSG_DONE).
  if (msg.payload.size < 4) return status;
  int32_t wire_value;
  std::memcpy(&wire_value, msg.payload.data, 4);
  set_error(wire_value, status);
  if ((msg.flags & NLM_F_ACK_TLVS) && msg.payload.size > 4) {
    read_ack_tlvs({msg.payload.data + 4, msg.payload.size - 4}, status);
  }
  return status;
}

OffsetTarget locate_offset(Bytes request, uint32_t family_header_len, uint32_t offset) {
  OffsetTarget target;
  uint32_t attrs_at = kNlmsgHeaderLen + align(family_header_len);
  if (offset < attrs_at) {
    target.in_fixed_header = true;
    return target;
  }
  if (request.size <= attrs_at) return target;
  AttrIterator it({request.data + attrs_at, request.size - attrs_at});
  AttrView attr;
  while (it.next(attr)) {
    size_t attr_start = static_cast<size_t>(attr.payload.data - request.data) - kAttrHeaderLen;
    size_t attr_end = attr_start + kAttrHeaderLen + attr.payload.size;
    if (offset >= attr_start && offset < attr_end) {
      target.attr_type = attr.type;
      break;
    }
  }
  return target;
}

}  // namespace nlroute::wire
