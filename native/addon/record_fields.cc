#include "record_fields.h"

#include <string_view>
#include <unordered_map>

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint64_t kU8 = 0xff, kU16 = 0xffff, kU32 = 0xffffffffu, kU64 = ~0ull;

// Ids are positions: append new fields at the end of a table, never reorder.
const FieldSpec kRuleFields[] = {
    {"family", FieldKind::Number, kU8},         {"src", FieldKind::Address, 0},
    {"srcLen", FieldKind::Number, 128},         {"dst", FieldKind::Address, 0},
    {"dstLen", FieldKind::Number, 128},         {"tos", FieldKind::Number, kU8},
    {"invert", FieldKind::Flag, 1},             {"action", FieldKind::Number, kU8},
    {"priority", FieldKind::Number, kU32},      {"table", FieldKind::Number, kU32},
    {"fwmark", FieldKind::Number, kU32},        {"fwmask", FieldKind::Number, kU32},
    {"iifname", FieldKind::Text, 0},            {"oifname", FieldKind::Text, 0},
    {"goto", FieldKind::Number, kU32},          {"flow", FieldKind::Number, kU32},
    {"suppressPrefixlen", FieldKind::Number, kU32}, {"suppressIfgroup", FieldKind::Number, kU32},
    {"tunId", FieldKind::Wide, kU64},           {"l3mdev", FieldKind::Number, kU8},
    {"protocol", FieldKind::Number, kU8},       {"ipProto", FieldKind::Number, kU8},
    {"sport", FieldKind::Pair, kU16},           {"dport", FieldKind::Pair, kU16},
    {"uidRange", FieldKind::Pair, kU32},        {"dscp", FieldKind::Number, 63},
    {"flowlabel", FieldKind::Number, 0xfffff},  {"flowlabelMask", FieldKind::Number, 0xfffff},
    {"natGateway", FieldKind::Address, 0},
};

// Metrics and nexthops are nested and are not in this table (see route_convert.cc).
const FieldSpec kRouteFields[] = {
    {"family", FieldKind::Number, kU8},     {"dstLen", FieldKind::Number, 128},
    {"srcLen", FieldKind::Number, 128},     {"tos", FieldKind::Number, kU8},
    {"table", FieldKind::Number, kU32},     {"protocol", FieldKind::Number, kU8},
    {"scope", FieldKind::Number, kU8},      {"type", FieldKind::Number, kU8},
    {"flags", FieldKind::Number, kU32},     {"dst", FieldKind::Address, 0},
    {"src", FieldKind::Address, 0},         {"prefsrc", FieldKind::Address, 0},
    {"gateway", FieldKind::Address, 0},     {"viaFamily", FieldKind::Number, kU8},
    {"oif", FieldKind::Number, kU32},       {"iif", FieldKind::Number, kU32},
    {"priority", FieldKind::Number, kU32},  {"flow", FieldKind::Number, kU32},
    {"pref", FieldKind::Number, kU8},       {"expires", FieldKind::Number, kU32},
    {"nhid", FieldKind::Number, kU32},      {"mark", FieldKind::Number, kU32},
    {"uid", FieldKind::Number, kU32},       {"ipProto", FieldKind::Number, kU8},
    {"sport", FieldKind::Number, kU16},     {"dport", FieldKind::Number, kU16},
};

template <size_t N>
std::unordered_map<std::string_view, uint32_t> index_of(const FieldSpec (&table)[N]) {
  std::unordered_map<std::string_view, uint32_t> ids;
  for (uint32_t i = 0; i < N; ++i) ids.emplace(table[i].key, i);
  return ids;
}
}  // namespace

const FieldSpec* rule_fields(uint32_t& count) {
  count = std::size(kRuleFields);
  return kRuleFields;
}

const FieldSpec* route_fields(uint32_t& count) {
  count = std::size(kRouteFields);
  return kRouteFields;
}

std::optional<uint32_t> rule_field_id(const std::string& key) {
  static const auto ids = index_of(kRuleFields);
  auto it = ids.find(key);
  return it == ids.end() ? std::nullopt : std::optional<uint32_t>(it->second);
}

std::optional<uint32_t> route_field_id(const std::string& key) {
  static const auto ids = index_of(kRouteFields);
  auto it = ids.find(key);
  return it == ids.end() ? std::nullopt : std::optional<uint32_t>(it->second);
}

void set_rule_field(RuleRecord& r, uint32_t id, const FieldValue& v) {
  auto u8 = static_cast<uint8_t>(v.number);
  auto u32 = static_cast<uint32_t>(v.number);
  switch (id) {
    case 0: r.family = u8, r.present |= kRuleFamily; break;
    case 1: r.src = v.address, r.present |= kRuleSrc; break;
    case 2: r.src_len = u8, r.present |= kRuleSrc; break;
    case 3: r.dst = v.address, r.present |= kRuleDst; break;
    case 4: r.dst_len = u8, r.present |= kRuleDst; break;
    case 5: r.tos = u8, r.present |= kRuleTos; break;
    case 6:
      if (v.number) r.flags |= FIB_RULE_INVERT;
      r.present |= kRuleInvert;
      break;
    case 7: r.action = u8, r.present |= kRuleAction; break;
    case 8: r.priority = u32, r.present |= kRulePriority; break;
    case 9: r.table = u32, r.present |= kRuleTable; break;
    case 10: r.fwmark = u32, r.present |= kRuleFwmark; break;
    case 11: r.fwmask = u32, r.present |= kRuleFwmask; break;
    case 12: r.iifname = v.text, r.present |= kRuleIifname; break;
    case 13: r.oifname = v.text, r.present |= kRuleOifname; break;
    case 14: r.goto_target = u32, r.present |= kRuleGoto; break;
    case 15: r.flow = u32, r.present |= kRuleFlow; break;
    case 16: r.suppress_prefixlen = u32, r.present |= kRuleSuppressPrefixlen; break;
    case 17: r.suppress_ifgroup = u32, r.present |= kRuleSuppressIfgroup; break;
    case 18: r.tun_id = v.number, r.present |= kRuleTunId; break;
    case 19: r.l3mdev = u8, r.present |= kRuleL3mdev; break;
    case 20: r.protocol = u8, r.present |= kRuleProtocol; break;
    case 21: r.ip_proto = u8, r.present |= kRuleIpProto; break;
    case 22: r.sport = {static_cast<uint16_t>(v.number), static_cast<uint16_t>(v.second)}, r.present |= kRuleSport; break;
    case 23: r.dport = {static_cast<uint16_t>(v.number), static_cast<uint16_t>(v.second)}, r.present |= kRuleDport; break;
    case 24: r.uid_range = {u32, v.second}, r.present |= kRuleUidRange; break;
    case 25: r.dscp = u8, r.present |= kRuleDscp; break;
    case 26: r.flowlabel = u32, r.present |= kRuleFlowlabel; break;
    case 27: r.flowlabel_mask = u32, r.present |= kRuleFlowlabelMask; break;
    case 28: r.nat_gateway = v.address, r.present |= kRuleNatGateway; break;
    default: break;
  }
}

void set_route_field(RouteRecord& r, uint32_t id, const FieldValue& v) {
  auto u8 = static_cast<uint8_t>(v.number);
  auto u32 = static_cast<uint32_t>(v.number);
  switch (id) {
    case 0: r.family = u8; break;
    case 1: r.dst_len = u8; break;
    case 2: r.src_len = u8; break;
    case 3: r.tos = u8; break;
    case 4: r.table = u32; break;
    case 5: r.protocol = u8; break;
    case 6: r.scope = u8; break;
    case 7: r.type = u8; break;
    case 8: r.flags = u32; break;
    case 9: r.dst = v.address, r.present |= kRouteDst; break;
    case 10: r.src = v.address, r.present |= kRouteSrc; break;
    case 11: r.prefsrc = v.address, r.present |= kRoutePrefsrc; break;
    // The gateway's attribute (RTA_GATEWAY or RTA_VIA) is decided once all fields are in.
    case 12: r.gateway = v.address; break;
    case 13: r.via_family = u8; break;
    case 14: r.oif = u32, r.present |= kRouteOif; break;
    case 15: r.iif = u32, r.present |= kRouteIif; break;
    case 16: r.priority = u32, r.present |= kRoutePriority; break;
    case 17: r.flow = u32, r.present |= kRouteFlow; break;
    case 18: r.pref = u8, r.present |= kRoutePref; break;
    case 19: r.expires = u32, r.present |= kRouteExpires; break;
    case 20: r.nh_id = u32, r.present |= kRouteNhId; break;
    case 21: r.mark = u32, r.present |= kRouteMark; break;
    case 22: r.uid = u32, r.present |= kRouteUid; break;
    case 23: r.ip_proto = u8, r.present |= kRouteIpProto; break;
    case 24: r.sport = static_cast<uint16_t>(v.number), r.present |= kRouteSport; break;
    case 25: r.dport = static_cast<uint16_t>(v.number), r.present |= kRouteDport; break;
    default: break;
  }
}

void finish_route(wire::RouteRecord& r) {
  if (r.gateway.length) r.present |= r.via_family ? wire::kRouteVia : wire::kRouteGateway;
}

}  // namespace nlroute::addon
