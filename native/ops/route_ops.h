// Route operations as exchanges with the kernel: what runs on a handle's I/O thread.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "../socket/exchange.h"
#include "../wire/route_codec.h"

namespace nlroute::ops {

// Dumps the routes that pass `filter`, asking the kernel to filter what it can.
// A table that does not exist holds no routes: that is an empty list, not an error.
// Each passing route goes to `keep` as it is decoded; `restart` means "forget what
// was kept": the dump is being retried after an NLM_F_DUMP_INTR.
io::Outcome list_routes(io::RouteSocket& sock, const wire::RouteFilter& filter,
                        const std::function<void(wire::RouteRecord&&)>& keep,
                        const std::function<void()>& restart);

// `ip route flush`: deletes every route that passes `filter`, by sending each dumped
// route back as RTM_DELROUTE so the kernel matches it exactly.
struct RouteFlushResult {
  io::Outcome dump;
  std::vector<wire::RouteRecord> routes;  // the routes a delete was sent for
  io::RequestBatch batch;
  std::vector<io::Outcome> outcomes;  // one per route
};
void flush_routes(io::RouteSocket& sock, const wire::RouteFilter& filter, RouteFlushResult& result);

// `ip route get`: the route the kernel would use for the query (an RTM_GETROUTE
// whose header and attributes the caller has filled in).
io::Outcome get_route(io::RouteSocket& sock, const wire::RouteRecord& query,
                      std::optional<wire::RouteRecord>& found);

}  // namespace nlroute::ops
