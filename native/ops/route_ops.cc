#include "route_ops.h"

#include <cerrno>

#include "../wire/constants.h"
#include "resend.h"

namespace nlroute::ops {

using namespace nlroute::wire;

namespace {
// Runs the dump, handing on each route that passes the filter along with its raw message.
io::Outcome dump_matching(io::RouteSocket& sock, const RouteFilter& filter,
                          const std::function<void(RouteRecord&&, const MessageView&)>& keep,
                          const std::function<void()>& restart) {
  // Without strict checking the kernel ignores the request's filter and says so by
  // leaving NLM_F_DUMP_FILTERED off; route_matches then applies all of it here.
  RouteDumpRequest request = kernel_part(filter);
  io::Outcome o = io::dump(
      sock, [&](std::vector<uint8_t>& buf, uint32_t seq) { encode_route_dump(buf, seq, request); },
      [&](const MessageView& msg) {
        auto route = decode_route(msg);
        if (route && route_matches(*route, filter, (msg.flags & NLM_F_DUMP_FILTERED) != 0)) {
          keep(std::move(*route), msg);
        }
      },
      restart);
  // The kernel answers a dump of a table that was never created with ENOENT
  // ("FIB table does not exist"); for a listing that is simply no routes.
  if (o.error == ENOENT && filter.has(kFilterTable) && !filter.missing_table_is_error)
    return io::Outcome{};
  return o;
}
}  // namespace

io::Outcome list_routes(io::RouteSocket& sock, const RouteFilter& filter,
                        const std::function<void(RouteRecord&&)>& keep,
                        const std::function<void()>& restart) {
  return dump_matching(
      sock, filter, [&](RouteRecord&& r, const MessageView&) { keep(std::move(r)); }, restart);
}

void flush_routes(io::RouteSocket& sock, const RouteFilter& filter, RouteFlushResult& result) {
  std::vector<std::vector<uint8_t>> raw;
  result.dump = dump_matching(
      sock, filter,
      [&](RouteRecord&& r, const MessageView& msg) {
        result.routes.push_back(std::move(r));
        raw.emplace_back(msg.whole.data, msg.whole.data + msg.whole.size);
      },
      [&] {
        result.routes.clear();
        raw.clear();
      });
  if (result.dump.error) return;
  for (const auto& message : raw)
    append_resent(sock, result.batch, {message.data(), message.size()}, RTM_DELROUTE);
  io::transact(sock, result.batch, result.outcomes);
}

io::Outcome get_route(io::RouteSocket& sock, const RouteRecord& query,
                      std::optional<RouteRecord>& found) {
  std::vector<uint8_t> request, reply;
  uint32_t seq = sock.next_seq();
  // No NLM_F_ACK: the answer is the route itself (or an NLMSG_ERROR).
  if (!encode_route(request, RTM_GETROUTE, NLM_F_REQUEST, seq, query)) {
    io::Outcome too_long;
    too_long.error = EMSGSIZE;
    too_long.syscall = "encode";
    return too_long;
  }
  io::Outcome o = io::request_reply(sock, request, seq, reply);
  if (o.error) return o;
  MessageIterator it({reply.data(), reply.size()});
  MessageView msg;
  if (it.next(msg)) found = decode_route(msg);
  if (!found) {
    o.error = EPROTO;
    o.syscall = "recv";
    o.message = "the kernel's answer to route get did not decode";
  }
  return o;
}

}  // namespace nlroute::ops
