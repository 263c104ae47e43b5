#include "link_ops.h"

#include <cerrno>

namespace nlroute::ops {

io::Outcome get_link(io::RouteSocket& sock, const std::string& name, int32_t index,
                     std::optional<wire::LinkRecord>& found) {
  std::vector<uint8_t> request, reply;
  uint32_t seq = sock.next_seq();
  if (name.empty()) {
    wire::encode_link_get_by_index(request, seq, index);
  } else {
    wire::encode_link_get_by_name(request, seq, name);
  }
  io::Outcome o = io::request_reply(sock, request, seq, reply);
  if (o.error == ENODEV) return io::Outcome{};
  if (o.error) return o;
  wire::MessageIterator it({reply.data(), reply.size()});
  wire::MessageView msg;
  if (it.next(msg)) found = wire::decode_link(msg);
  return o;
}

io::Outcome list_links(io::RouteSocket& sock, std::vector<wire::LinkRecord>& out) {
  return io::dump(
      sock, [](std::vector<uint8_t>& buf, uint32_t seq) { wire::encode_link_dump(buf, seq); },
      [&](const wire::MessageView& msg) {
        if (auto link = wire::decode_link(msg)) out.push_back(std::move(*link));
      },
      [&] { out.clear(); });
}

}  // namespace nlroute::ops
