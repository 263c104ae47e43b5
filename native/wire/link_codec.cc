#include "link_codec.h"

#include "constants.h"
#include "message_writer.h"

namespace nlroute::wire {

namespace {
struct LinkHeader {
  uint8_t family, pad;
  uint16_t type;
  int32_t index;
  uint32_t flags, change;
};
static_assert(sizeof(LinkHeader) == kLinkHeaderLen);

void encode_link_get(std::vector<uint8_t>& buffer, uint32_t seq, int32_t index,
                     std::string_view name) {
  MessageWriter w(buffer, RTM_GETLINK, NLM_F_REQUEST, seq);
  LinkHeader h{};
  h.index = index;
  w.put_header(&h, sizeof h);
  if (!name.empty()) w.put_cstring(IFLA_IFNAME, name);
  // Statistics are most of an RTM_NEWLINK's size and we never read them.
  w.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
}
}  // namespace

void encode_link_get_by_name(std::vector<uint8_t>& buffer, uint32_t seq, std::string_view name) {
  encode_link_get(buffer, seq, 0, name);
}

void encode_link_get_by_index(std::vector<uint8_t>& buffer, uint32_t seq, int32_t index) {
  encode_link_get(buffer, seq, index, {});
}

void encode_link_dump(std::vector<uint8_t>& buffer, uint32_t seq) {
  MessageWriter w(buffer, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
  LinkHeader h{};
  w.put_header(&h, sizeof h);
  w.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
}

std::optional<LinkRecord> decode_link(const MessageView& msg) {
  // A deletion's notification (RTM_DELLINK) carries the device as a dump does.
  if ((msg.type != RTM_NEWLINK && msg.type != RTM_DELLINK) || msg.payload.size < kLinkHeaderLen)
    return std::nullopt;
  LinkHeader h;
  std::memcpy(&h, msg.payload.data, sizeof h);
  LinkRecord link;
  link.index = h.index;
  link.flags = h.flags;
  link.change = h.change;
  AttrIterator it(*after_header(msg.payload, kLinkHeaderLen));
  AttrView a;
  while (it.next(a)) {
    if (a.type == IFLA_IFNAME) link.name = read_cstring(a.payload);
    if (a.type == IFLA_ADDRESS)
      link.address.assign(a.payload.data, a.payload.data + a.payload.size);
  }
  if (it.malformed()) return std::nullopt;
  return link;
}

}  // namespace nlroute::wire
