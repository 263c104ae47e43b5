// Device lookups inside the handle's namespace.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../socket/exchange.h"
#include "../wire/link_codec.h"

namespace nlroute::ops {

// `found` is empty when the kernel says there is no such device (ENODEV).
io::Outcome get_link(io::RouteSocket& sock, const std::string& name, int32_t index,
                     std::optional<wire::LinkRecord>& found);

// Every device of the namespace: what a name cache is filled from.
io::Outcome list_links(io::RouteSocket& sock, std::vector<wire::LinkRecord>& out);

}  // namespace nlroute::ops
