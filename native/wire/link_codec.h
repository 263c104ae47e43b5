// RTM_GETLINK by name, and reading the ifindex/name out of the RTM_NEWLINK answer:
// device names must be resolved inside the handle's own namespace, so this goes
// over the handle's netlink socket rather than if_nametoindex().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message_reader.h"

namespace nlroute::wire {

void encode_link_get_by_name(std::vector<uint8_t>& buffer, uint32_t seq, std::string_view name);
void encode_link_get_by_index(std::vector<uint8_t>& buffer, uint32_t seq, int32_t index);
// Every device of the namespace (RTM_GETLINK dump), without statistics.
void encode_link_dump(std::vector<uint8_t>& buffer, uint32_t seq);

struct LinkRecord {
  int32_t index = 0;
  std::string name;
  // The hardware address as the kernel gives it (6 bytes for Ethernet and veth);
  // empty when the device has none (lo has six zero bytes, a tunnel may have none).
  std::vector<uint8_t> address;
  uint32_t flags = 0;   // ifi_flags (IFF_UP, ...)
  uint32_t change = 0;  // ifi_change: in a notification, the flags that just changed
};
std::optional<LinkRecord> decode_link(const MessageView& msg);

}  // namespace nlroute::wire
