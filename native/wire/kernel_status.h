// The kernel's answer to a request: NLMSG_ERROR (an ACK, error 0, or a failure)
// and NLMSG_DONE (the end of a dump, which carries the dump's own error).
// Both may carry extended-ACK TLVs: a human-readable message and the byte offset
// of the attribute the kernel objected to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "message_reader.h"

namespace nlroute::wire {

struct KernelStatus {
  int error = 0;                   // a positive errno; 0 means success
  uint32_t request_seq = 0;        // the sequence number of the request this answers
  std::string message;             // NLMSGERR_ATTR_MSG; also set on success for warnings
  std::optional<uint32_t> offset;  // NLMSGERR_ATTR_OFFS, from the start of the request
};

std::optional<KernelStatus> parse_error_message(const MessageView& msg);
std::optional<KernelStatus> parse_done_message(const MessageView& msg);

// Where an extended-ACK offset points inside the request we sent.
struct OffsetTarget {
  bool in_fixed_header = false;       // inside nlmsghdr or the family header
  std::optional<uint16_t> attr_type;  // the top-level attribute that contains the offset
};
OffsetTarget locate_offset(Bytes request, uint32_t family_header_len, uint32_t offset);

}  // namespace nlroute::wire
