#include "record_fields.h"

#include <string_view>
#include <unordered_map>

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint64_t kU8 = 0xff, kU16 = 0xffff, kU32 = 0xffffffffu, kU64 = ~0ull;

// The record type and field type of a member pointer, for the setters below.
template <typename T>
struct MemberOf;
template <typename R, typename T>
struct MemberOf<T R::*> {
  using Record = R;
  using Type = T;
};
template <auto M>
using RecordOf = typename MemberOf<decltype(M)>::Record;
template <auto M>
using TypeOf = typename MemberOf<decltype(M)>::Type;

// Setters: store the value in member M, and mark Bit present (0: the field is always sent).
template <auto M, auto Bit = 0u>
void number(RecordOf<M>& r, const FieldValue& v) {
  r.*M = static_cast<TypeOf<M>>(v.number);
  r.present |= Bit;
}
template <auto M, auto Bit = 0u>
void address(RecordOf<M>& r, const FieldValue& v) {
  r.*M = v.address;
  r.present |= Bit;
}
template <auto M, auto Bit>
void text(RecordOf<M>& r, const FieldValue& v) {
  r.*M = v.text;
  r.present |= Bit;
}
template <auto M, auto Bit>
void pair(RecordOf<M>& r, const FieldValue& v) {
  using Part = decltype(TypeOf<M>::start);
  r.*M = {static_cast<Part>(v.number), static_cast<Part>(v.second)};
  r.present |= Bit;
}
void rule_invert(RuleRecord& r, const FieldValue& v) {
  if (v.number) r.flags |= FIB_RULE_INVERT;
  r.present |= kRuleInvert;
}

// Ids are positions: append new fields at the end of a table, never reorder.
const RuleFieldRow kRuleFields[] = {
    {{"family", FieldKind::Number, kU8}, number<&RuleRecord::family, kRuleFamily>},
    {{"src", FieldKind::Address, 0}, address<&RuleRecord::src, kRuleSrc>},
    {{"srcLen", FieldKind::Number, 128}, number<&RuleRecord::src_len, kRuleSrc>},
    {{"dst", FieldKind::Address, 0}, address<&RuleRecord::dst, kRuleDst>},
    {{"dstLen", FieldKind::Number, 128}, number<&RuleRecord::dst_len, kRuleDst>},
    {{"tos", FieldKind::Number, kU8}, number<&RuleRecord::tos, kRuleTos>},
    {{"invert", FieldKind::Flag, 1}, rule_invert},
    {{"action", FieldKind::Number, kU8}, number<&RuleRecord::action, kRuleAction>},
    {{"priority", FieldKind::Number, kU32}, number<&RuleRecord::priority, kRulePriority>},
    {{"table", FieldKind::Number, kU32}, number<&RuleRecord::table, kRuleTable>},
    {{"fwmark", FieldKind::Number, kU32}, number<&RuleRecord::fwmark, kRuleFwmark>},
    {{"fwmask", FieldKind::Number, kU32}, number<&RuleRecord::fwmask, kRuleFwmask>},
    {{"iifname", FieldKind::Text, 0}, text<&RuleRecord::iifname, kRuleIifname>},
    {{"oifname", FieldKind::Text, 0}, text<&RuleRecord::oifname, kRuleOifname>},
    {{"goto", FieldKind::Number, kU32}, number<&RuleRecord::goto_target, kRuleGoto>},
    {{"flow", FieldKind::Number, kU32}, number<&RuleRecord::flow, kRuleFlow>},
    {{"suppressPrefixlen", FieldKind::Number, kU32},
     number<&RuleRecord::suppress_prefixlen, kRuleSuppressPrefixlen>},
    {{"suppressIfgroup", FieldKind::Number, kU32},
     number<&RuleRecord::suppress_ifgroup, kRuleSuppressIfgroup>},
    {{"tunId", FieldKind::Wide, kU64}, number<&RuleRecord::tun_id, kRuleTunId>},
    {{"l3mdev", FieldKind::Number, kU8}, number<&RuleRecord::l3mdev, kRuleL3mdev>},
    {{"protocol", FieldKind::Number, kU8}, number<&RuleRecord::protocol, kRuleProtocol>},
    {{"ipProto", FieldKind::Number, kU8}, number<&RuleRecord::ip_proto, kRuleIpProto>},
    {{"sport", FieldKind::Pair, kU16}, pair<&RuleRecord::sport, kRuleSport>},
    {{"dport", FieldKind::Pair, kU16}, pair<&RuleRecord::dport, kRuleDport>},
    {{"uidRange", FieldKind::Pair, kU32}, pair<&RuleRecord::uid_range, kRuleUidRange>},
    {{"dscp", FieldKind::Number, 63}, number<&RuleRecord::dscp, kRuleDscp>},
    {{"flowlabel", FieldKind::Number, 0xfffff}, number<&RuleRecord::flowlabel, kRuleFlowlabel>},
    {{"flowlabelMask", FieldKind::Number, 0xfffff},
     number<&RuleRecord::flowlabel_mask, kRuleFlowlabelMask>},
    {{"natGateway", FieldKind::Address, 0}, address<&RuleRecord::nat_gateway, kRuleNatGateway>},
};

// Metrics and nexthops are nested and are not in this table (see route_convert.cc).
const RouteFieldRow kRouteFields[] = {
    {{"family", FieldKind::Number, kU8}, number<&RouteRecord::family>},
    {{"dstLen", FieldKind::Number, 128}, number<&RouteRecord::dst_len>},
    {{"srcLen", FieldKind::Number, 128}, number<&RouteRecord::src_len>},
    {{"tos", FieldKind::Number, kU8}, number<&RouteRecord::tos>},
    {{"table", FieldKind::Number, kU32}, number<&RouteRecord::table>},
    {{"protocol", FieldKind::Number, kU8}, number<&RouteRecord::protocol>},
    {{"scope", FieldKind::Number, kU8}, number<&RouteRecord::scope>},
    {{"type", FieldKind::Number, kU8}, number<&RouteRecord::type>},
    {{"flags", FieldKind::Number, kU32}, number<&RouteRecord::flags>},
    {{"dst", FieldKind::Address, 0}, address<&RouteRecord::dst, kRouteDst>},
    {{"src", FieldKind::Address, 0}, address<&RouteRecord::src, kRouteSrc>},
    {{"prefsrc", FieldKind::Address, 0}, address<&RouteRecord::prefsrc, kRoutePrefsrc>},
    // The gateway's attribute (RTA_GATEWAY or RTA_VIA) is decided once all fields are in.
    {{"gateway", FieldKind::Address, 0}, address<&RouteRecord::gateway>},
    {{"viaFamily", FieldKind::Number, kU8}, number<&RouteRecord::via_family>},
    {{"oif", FieldKind::Number, kU32}, number<&RouteRecord::oif, kRouteOif>},
    {{"iif", FieldKind::Number, kU32}, number<&RouteRecord::iif, kRouteIif>},
    {{"priority", FieldKind::Number, kU32}, number<&RouteRecord::priority, kRoutePriority>},
    {{"flow", FieldKind::Number, kU32}, number<&RouteRecord::flow, kRouteFlow>},
    {{"pref", FieldKind::Number, kU8}, number<&RouteRecord::pref, kRoutePref>},
    {{"expires", FieldKind::Number, kU32}, number<&RouteRecord::expires, kRouteExpires>},
    {{"nhid", FieldKind::Number, kU32}, number<&RouteRecord::nh_id, kRouteNhId>},
    {{"mark", FieldKind::Number, kU32}, number<&RouteRecord::mark, kRouteMark>},
    {{"uid", FieldKind::Number, kU32}, number<&RouteRecord::uid, kRouteUid>},
    {{"ipProto", FieldKind::Number, kU8}, number<&RouteRecord::ip_proto, kRouteIpProto>},
    {{"sport", FieldKind::Number, kU16}, number<&RouteRecord::sport, kRouteSport>},
    {{"dport", FieldKind::Number, kU16}, number<&RouteRecord::dport, kRouteDport>},
};

template <typename Row, size_t N>
std::unordered_map<std::string_view, uint32_t> index_of(const Row (&table)[N]) {
  std::unordered_map<std::string_view, uint32_t> ids;
  for (uint32_t i = 0; i < N; ++i) ids.emplace(table[i].key, i);
  return ids;
}
}  // namespace

const RuleFieldRow* rule_fields(uint32_t& count) {
  count = std::size(kRuleFields);
  return kRuleFields;
}

const RouteFieldRow* route_fields(uint32_t& count) {
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

void finish_route(wire::RouteRecord& r) {
  if (r.gateway.length) r.present |= r.via_family ? wire::kRouteVia : wire::kRouteGateway;
}

}  // namespace nlroute::addon
