#include "rule_codec.h"

#include "message_writer.h"

namespace nlroute::wire {

namespace {

struct RuleHeader {
  uint8_t family, dst_len, src_len, tos, table, res1, res2, action;
  uint32_t flags;
};
static_assert(sizeof(RuleHeader) == kRuleHeaderLen);

// Prefixes compare by length and by the bytes the length covers; a rule "from all"
// has length 0 and matches a filter "from all" only.
bool same_prefix(uint8_t len_a, const Address& a, uint8_t len_b, const Address& b) {
  if (len_a != len_b) return false;
  if (len_a == 0) return true;
  return a == b;
}

}  // namespace

bool encode_rule(std::vector<uint8_t>& buffer, uint16_t type, uint16_t flags, uint32_t seq,
                 const RuleRecord& r) {
  MessageWriter w(buffer, type, flags, seq);
  RuleHeader h{};
  h.family = r.family;
  h.dst_len = r.has(kRuleDst) ? r.dst_len : 0;
  h.src_len = r.has(kRuleSrc) ? r.src_len : 0;
  h.tos = r.tos;
  // Tables that fit in a byte go in the header, as iproute2 sends them; larger ones
  // in FRA_TABLE with the header's table 0.
  bool small_table = r.has(kRuleTable) && r.table < 256;
  h.table = small_table ? static_cast<uint8_t>(r.table) : 0;
  h.action = r.action;
  h.flags = r.flags & FIB_RULE_INVERT;
  w.put_header(&h, sizeof h);

  // Attribute order follows iproute2's usual command order so golden bytes compare.
  if (r.has(kRulePriority)) w.put_u32(FRA_PRIORITY, r.priority);
  if (r.has(kRuleSrc) && r.src.length) w.put_address(FRA_SRC, r.src);
  if (r.has(kRuleDst) && r.dst.length) w.put_address(FRA_DST, r.dst);
  if (r.has(kRuleFwmark)) w.put_u32(FRA_FWMARK, r.fwmark);
  if (r.has(kRuleFwmask)) w.put_u32(FRA_FWMASK, r.fwmask);
  if (r.has(kRuleIifname)) w.put_cstring(FRA_IIFNAME, r.iifname);
  if (r.has(kRuleOifname)) w.put_cstring(FRA_OIFNAME, r.oifname);
  if (r.has(kRuleGoto)) w.put_u32(FRA_GOTO, r.goto_target);
  if (r.has(kRuleFlow)) w.put_u32(FRA_FLOW, r.flow);
  if (r.has(kRuleSuppressPrefixlen)) w.put_u32(FRA_SUPPRESS_PREFIXLEN, r.suppress_prefixlen);
  if (r.has(kRuleSuppressIfgroup)) w.put_u32(FRA_SUPPRESS_IFGROUP, r.suppress_ifgroup);
  if (r.has(kRuleTunId)) w.put_be64(FRA_TUN_ID, r.tun_id);
  if (r.has(kRuleL3mdev)) w.put_u8(FRA_L3MDEV, r.l3mdev);
  if (r.has(kRuleUidRange)) w.put_attr(FRA_UID_RANGE, &r.uid_range, sizeof r.uid_range);
  if (r.has(kRuleProtocol)) w.put_u8(FRA_PROTOCOL, r.protocol);
  if (r.has(kRuleIpProto)) w.put_u8(FRA_IP_PROTO, r.ip_proto);
  if (r.has(kRuleSport)) w.put_attr(FRA_SPORT_RANGE, &r.sport, sizeof r.sport);
  if (r.has(kRuleDport)) w.put_attr(FRA_DPORT_RANGE, &r.dport, sizeof r.dport);
  if (r.has(kRuleDscp)) w.put_u8(FRA_DSCP, r.dscp);
  if (r.has(kRuleFlowlabel)) w.put_be32(FRA_FLOWLABEL, r.flowlabel);
  if (r.has(kRuleFlowlabelMask)) w.put_be32(FRA_FLOWLABEL_MASK, r.flowlabel_mask);
  if (r.has(kRuleNatGateway)) w.put_address(FRA_NAT_GATEWAY, r.nat_gateway);
  if (r.has(kRuleTable) && !small_table) w.put_u32(FRA_TABLE, r.table);
  return w.fits();
}

void encode_rule_dump(std::vector<uint8_t>& buffer, uint32_t seq, uint8_t family) {
  MessageWriter w(buffer, RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, seq);
  RuleHeader h{};
  h.family = family;
  w.put_header(&h, sizeof h);
}

std::optional<RuleRecord> decode_rule(const MessageView& msg) {
  // A deletion's notification (RTM_DELRULE) carries the rule as a dump does.
  if (msg.type != RTM_NEWRULE && msg.type != RTM_DELRULE) return std::nullopt;
  if (msg.payload.size < kRuleHeaderLen) return std::nullopt;
  RuleHeader h;
  std::memcpy(&h, msg.payload.data, sizeof h);
  if (h.family != FAMILY_INET && h.family != FAMILY_INET6) return std::nullopt;

  RuleRecord r;
  r.family = h.family;
  r.src_len = h.src_len;
  r.dst_len = h.dst_len;
  r.tos = h.tos;
  r.action = h.action;
  r.flags = h.flags;
  r.table = h.table;
  // These are always known for a rule that exists, attribute or not (pref 0 has none).
  r.present = kRuleFamily | kRuleTos | kRuleInvert | kRuleAction | kRuleTable | kRulePriority |
              kRuleSrc | kRuleDst;

  auto attrs = after_header(msg.payload, kRuleHeaderLen);
  AttrIterator it(*attrs);
  AttrView a;
  bool ok = true;
  while (ok && it.next(a)) {
    switch (a.type) {
      case FRA_SRC:
        ok = read_address(a.payload, r.src);
        break;
      case FRA_DST:
        ok = read_address(a.payload, r.dst);
        break;
      // Always present (see above): the attribute only gives the value.
      case FRA_PRIORITY:
        ok = read_into(a.payload, read_exact<uint32_t>, r.priority, r.present, kRulePriority);
        break;
      case FRA_TABLE:
        ok = read_into(a.payload, read_exact<uint32_t>, r.table, r.present, kRuleTable);
        break;
      case FRA_FWMARK:
        ok = read_into(a.payload, read_exact<uint32_t>, r.fwmark, r.present, kRuleFwmark);
        break;
      case FRA_FWMASK:
        ok = read_into(a.payload, read_exact<uint32_t>, r.fwmask, r.present, kRuleFwmask);
        break;
      case FRA_IIFNAME:
        r.iifname = read_cstring(a.payload);
        r.present |= kRuleIifname;
        break;
      case FRA_OIFNAME:
        r.oifname = read_cstring(a.payload);
        r.present |= kRuleOifname;
        break;
      case FRA_GOTO:
        ok = read_into(a.payload, read_exact<uint32_t>, r.goto_target, r.present, kRuleGoto);
        break;
      case FRA_FLOW:
        ok = read_into(a.payload, read_exact<uint32_t>, r.flow, r.present, kRuleFlow);
        break;
      case FRA_SUPPRESS_PREFIXLEN:
        if (auto v = read_exact<uint32_t>(a.payload)) {
          if (*v != kSuppressUnset) {
            r.suppress_prefixlen = *v;
            r.present |= kRuleSuppressPrefixlen;
          }
        } else
          ok = false;
        break;
      case FRA_SUPPRESS_IFGROUP:
        if (auto v = read_exact<uint32_t>(a.payload)) {
          if (*v != kSuppressUnset) {
            r.suppress_ifgroup = *v;
            r.present |= kRuleSuppressIfgroup;
          }
        } else
          ok = false;
        break;
      case FRA_TUN_ID:
        ok = read_into(a.payload, read_be64, r.tun_id, r.present, kRuleTunId);
        break;
      case FRA_L3MDEV:
        ok = read_into(a.payload, read_exact<uint8_t>, r.l3mdev, r.present, kRuleL3mdev);
        break;
      case FRA_UID_RANGE:
        ok = read_into(a.payload, read_exact<UidRange>, r.uid_range, r.present, kRuleUidRange);
        break;
      case FRA_PROTOCOL:
        ok = read_into(a.payload, read_exact<uint8_t>, r.protocol, r.present, kRuleProtocol);
        break;
      case FRA_IP_PROTO:
        ok = read_into(a.payload, read_exact<uint8_t>, r.ip_proto, r.present, kRuleIpProto);
        break;
      case FRA_SPORT_RANGE:
        ok = read_into(a.payload, read_exact<PortRange>, r.sport, r.present, kRuleSport);
        break;
      case FRA_DPORT_RANGE:
        ok = read_into(a.payload, read_exact<PortRange>, r.dport, r.present, kRuleDport);
        break;
      case FRA_DSCP:
        ok = read_into(a.payload, read_exact<uint8_t>, r.dscp, r.present, kRuleDscp);
        break;
      case FRA_FLOWLABEL:
        ok = read_into(a.payload, read_be32, r.flowlabel, r.present, kRuleFlowlabel);
        break;
      case FRA_FLOWLABEL_MASK:
        ok = read_into(a.payload, read_be32, r.flowlabel_mask, r.present, kRuleFlowlabelMask);
        break;
      case FRA_NAT_GATEWAY:
        if ((ok = read_address(a.payload, r.nat_gateway))) r.present |= kRuleNatGateway;
        break;
      default:
        break;  // newer attributes we do not model yet are skipped, not fatal
    }
  }
  if (!ok || it.malformed()) return std::nullopt;
  // A length without an address (or the reverse) would make the record lie.
  if (r.src_len && r.src.length == 0) return std::nullopt;
  if (r.dst_len && r.dst.length == 0) return std::nullopt;
  if (r.src_len == 0) r.src = {};
  if (r.dst_len == 0) r.dst = {};
  return r;
}

bool rule_matches(const RuleRecord& r, const RuleRecord& f) {
  auto wants = [&](RuleField field) { return f.has(field); };
  if (wants(kRuleFamily) && f.family != FAMILY_UNSPEC && f.family != r.family) return false;
  if (wants(kRuleSrc) && !same_prefix(r.src_len, r.src, f.src_len, f.src)) return false;
  if (wants(kRuleDst) && !same_prefix(r.dst_len, r.dst, f.dst_len, f.dst)) return false;
  if (wants(kRuleTos) && r.tos != f.tos) return false;
  if (wants(kRuleInvert) && (r.flags & FIB_RULE_INVERT) != (f.flags & FIB_RULE_INVERT))
    return false;
  if (wants(kRulePriority) && r.priority != f.priority) return false;
  if (wants(kRuleTable) && r.table != f.table) return false;
  if (wants(kRuleAction) && r.action != f.action) return false;
  // Optional attributes: the filter matches only rules that carry the same value.
  auto same = [&](RuleField field, bool equal) { return !wants(field) || (r.has(field) && equal); };
  return same(kRuleFwmark, r.fwmark == f.fwmark) && same(kRuleFwmask, r.fwmask == f.fwmask) &&
         same(kRuleIifname, r.iifname == f.iifname) && same(kRuleOifname, r.oifname == f.oifname) &&
         same(kRuleGoto, r.goto_target == f.goto_target) && same(kRuleFlow, r.flow == f.flow) &&
         same(kRuleSuppressPrefixlen, r.suppress_prefixlen == f.suppress_prefixlen) &&
         same(kRuleSuppressIfgroup, r.suppress_ifgroup == f.suppress_ifgroup) &&
         same(kRuleTunId, r.tun_id == f.tun_id) && same(kRuleL3mdev, r.l3mdev == f.l3mdev) &&
         same(kRuleProtocol, r.protocol == f.protocol) &&
         same(kRuleIpProto, r.ip_proto == f.ip_proto) && same(kRuleSport, r.sport == f.sport) &&
         same(kRuleDport, r.dport == f.dport) && same(kRuleUidRange, r.uid_range == f.uid_range) &&
         same(kRuleDscp, r.dscp == f.dscp) && same(kRuleFlowlabel, r.flowlabel == f.flowlabel) &&
         same(kRuleFlowlabelMask, r.flowlabel_mask == f.flowlabel_mask) &&
         same(kRuleNatGateway, r.nat_gateway == f.nat_gateway);
}

const char* rule_attr_name(uint16_t type) {
  switch (type) {
    case FRA_DST:
      return "FRA_DST";
    case FRA_SRC:
      return "FRA_SRC";
    case FRA_IIFNAME:
      return "FRA_IIFNAME";
    case FRA_GOTO:
      return "FRA_GOTO";
    case FRA_NAT_GATEWAY:
      return "RTA_GATEWAY";
    case FRA_PRIORITY:
      return "FRA_PRIORITY";
    case FRA_FWMARK:
      return "FRA_FWMARK";
    case FRA_FLOW:
      return "FRA_FLOW";
    case FRA_TUN_ID:
      return "FRA_TUN_ID";
    case FRA_SUPPRESS_IFGROUP:
      return "FRA_SUPPRESS_IFGROUP";
    case FRA_SUPPRESS_PREFIXLEN:
      return "FRA_SUPPRESS_PREFIXLEN";
    case FRA_TABLE:
      return "FRA_TABLE";
    case FRA_FWMASK:
      return "FRA_FWMASK";
    case FRA_OIFNAME:
      return "FRA_OIFNAME";
    case FRA_L3MDEV:
      return "FRA_L3MDEV";
    case FRA_UID_RANGE:
      return "FRA_UID_RANGE";
    case FRA_PROTOCOL:
      return "FRA_PROTOCOL";
    case FRA_IP_PROTO:
      return "FRA_IP_PROTO";
    case FRA_SPORT_RANGE:
      return "FRA_SPORT_RANGE";
    case FRA_DPORT_RANGE:
      return "FRA_DPORT_RANGE";
    case FRA_DSCP:
      return "FRA_DSCP";
    case FRA_FLOWLABEL:
      return "FRA_FLOWLABEL";
    case FRA_FLOWLABEL_MASK:
      return "FRA_FLOWLABEL_MASK";
    default:
      return "";
  }
}

}  // namespace nlroute::wire
