#include "rule_convert.h"

#include "address_convert.h"
#include "js_values.h"

namespace nlroute::addon {

using namespace nlroute::wire;

namespace {
constexpr uint64_t kU8 = 0xff, kU16 = 0xffff, kU32 = 0xffffffffu;

void set_prefix(const Napi::Env& env, const Napi::Value& v, Address& out, const char* field) {
  out = address_from_js(env, v, field);
}
}  // namespace

RuleRecord rule_from_js(const Napi::Object& object) {
  Napi::Env env = object.Env();
  RuleRecord r;
  r.family = FAMILY_UNSPEC;
  // Only the properties that are there are visited: a record rarely has more than a
  // handful, and one Get per possible field would cost more than the encoding.
  Napi::Array names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string key = names.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value v = object.Get(key);
    if (v.IsUndefined()) continue;
    if (key == "family") { r.family = static_cast<uint8_t>(read_uint(env, v, key, kU8)); r.present |= kRuleFamily; }
    else if (key == "src") { set_prefix(env, v, r.src, "src"); r.present |= kRuleSrc; }
    else if (key == "srcLen") { r.src_len = static_cast<uint8_t>(read_uint(env, v, key, 128)); r.present |= kRuleSrc; }
    else if (key == "dst") { set_prefix(env, v, r.dst, "dst"); r.present |= kRuleDst; }
    else if (key == "dstLen") { r.dst_len = static_cast<uint8_t>(read_uint(env, v, key, 128)); r.present |= kRuleDst; }
    else if (key == "tos") { r.tos = static_cast<uint8_t>(read_uint(env, v, key, kU8)); r.present |= kRuleTos; }
    else if (key == "invert") {
      if (v.ToBoolean().Value()) r.flags |= FIB_RULE_INVERT;
      r.present |= kRuleInvert;
    }
    else if (key == "action") { r.action = static_cast<uint8_t>(read_uint(env, v, key, kU8)); r.present |= kRuleAction; }
    else if (key == "priority") { r.priority = read_uint(env, v, key, kU32); r.present |= kRulePriority; }
    else if (key == "table") { r.table = read_uint(env, v, key, kU32); r.present |= kRuleTable; }
    else if (key == "fwmark") { r.fwmark = read_uint(env, v, key, kU32); r.present |= kRuleFwmark; }
    else if (key == "fwmask") { r.fwmask = read_uint(env, v, key, kU32); r.present |= kRuleFwmask; }
    else if (key == "iifname") { r.iifname = read_string(env, v, key); r.present |= kRuleIifname; }
    else if (key == "oifname") { r.oifname = read_string(env, v, key); r.present |= kRuleOifname; }
    else if (key == "goto") { r.goto_target = read_uint(env, v, key, kU32); r.present |= kRuleGoto; }
    else if (key == "flow") { r.flow = read_uint(env, v, key, kU32); r.present |= kRuleFlow; }
    else if (key == "suppressPrefixlen") { r.suppress_prefixlen = read_uint(env, v, key, kU32); r.present |= kRuleSuppressPrefixlen; }
    else if (key == "suppressIfgroup") { r.suppress_ifgroup = read_uint(env, v, key, kU32); r.present |= kRuleSuppressIfgroup; }
    else if (key == "tunId") { r.tun_id = read_u64(env, v, key); r.present |= kRuleTunId; }
    else if (key == "l3mdev") { r.l3mdev = static_cast<uint8_t>(read_uint(env, v, key, kU8)); r.present |= kRuleL3mdev; }
    else if (key == "protocol") { r.protocol = static_cast<uint8_t>(read_uint(env, v, key, kU8)); r.present |= kRuleProtocol; }
    else if (key == "ipProto") { r.ip_proto = static_cast<uint8_t>(read_uint(env, v, key, kU8)); r.present |= kRuleIpProto; }
    else if (key == "sport") {
      auto [a, b] = read_pair(env, v, key, kU16);
      r.sport = {static_cast<uint16_t>(a), static_cast<uint16_t>(b)};
      r.present |= kRuleSport;
    }
    else if (key == "dport") {
      auto [a, b] = read_pair(env, v, key, kU16);
      r.dport = {static_cast<uint16_t>(a), static_cast<uint16_t>(b)};
      r.present |= kRuleDport;
    }
    else if (key == "uidRange") {
      auto [a, b] = read_pair(env, v, key, kU32);
      r.uid_range = {a, b};
      r.present |= kRuleUidRange;
    }
    else if (key == "dscp") { r.dscp = static_cast<uint8_t>(read_uint(env, v, key, 63)); r.present |= kRuleDscp; }
    else if (key == "flowlabel") { r.flowlabel = read_uint(env, v, key, 0xfffff); r.present |= kRuleFlowlabel; }
    else if (key == "flowlabelMask") { r.flowlabel_mask = read_uint(env, v, key, 0xfffff); r.present |= kRuleFlowlabelMask; }
    else if (key == "natGateway") { r.nat_gateway = address_from_js(env, v, "natGateway"); r.present |= kRuleNatGateway; }
    else throw Napi::TypeError::New(env, "rule record: unknown field " + key);
  }
  if (r.family == FAMILY_UNSPEC && !(r.present & kRuleFamily)) r.family = FAMILY_INET;
  return r;
}

Napi::Object rule_to_js(Napi::Env env, const RuleRecord& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("family", r.family);
  if (r.src_len) {
    o.Set("src", address_to_js(env, r.src));
    o.Set("srcLen", r.src_len);
  }
  if (r.dst_len) {
    o.Set("dst", address_to_js(env, r.dst));
    o.Set("dstLen", r.dst_len);
  }
  o.Set("tos", r.tos);
  o.Set("flags", r.flags);
  o.Set("action", r.action);
  o.Set("priority", r.priority);
  o.Set("table", r.table);
  if (r.has(kRuleFwmark)) o.Set("fwmark", r.fwmark);
  if (r.has(kRuleFwmask)) o.Set("fwmask", r.fwmask);
  if (r.has(kRuleIifname)) o.Set("iifname", r.iifname);
  if (r.has(kRuleOifname)) o.Set("oifname", r.oifname);
  if (r.has(kRuleGoto)) o.Set("goto", r.goto_target);
  if (r.has(kRuleFlow)) o.Set("flow", r.flow);
  if (r.has(kRuleSuppressPrefixlen)) o.Set("suppressPrefixlen", r.suppress_prefixlen);
  if (r.has(kRuleSuppressIfgroup)) o.Set("suppressIfgroup", r.suppress_ifgroup);
  if (r.has(kRuleTunId)) o.Set("tunId", Napi::BigInt::New(env, r.tun_id));
  if (r.has(kRuleL3mdev)) o.Set("l3mdev", r.l3mdev);
  if (r.has(kRuleProtocol)) o.Set("protocol", r.protocol);
  if (r.has(kRuleIpProto)) o.Set("ipProto", r.ip_proto);
  auto pair = [&](const char* key, uint32_t a, uint32_t b) {
    Napi::Array arr = Napi::Array::New(env, 2);
    arr.Set(0u, a);
    arr.Set(1u, b);
    o.Set(key, arr);
  };
  if (r.has(kRuleSport)) pair("sport", r.sport.start, r.sport.end);
  if (r.has(kRuleDport)) pair("dport", r.dport.start, r.dport.end);
  if (r.has(kRuleUidRange)) pair("uidRange", r.uid_range.start, r.uid_range.end);
  if (r.has(kRuleDscp)) o.Set("dscp", r.dscp);
  if (r.has(kRuleFlowlabel)) o.Set("flowlabel", r.flowlabel);
  if (r.has(kRuleFlowlabelMask)) o.Set("flowlabelMask", r.flowlabel_mask);
  if (r.has(kRuleNatGateway)) o.Set("natGateway", address_to_js(env, r.nat_gateway));
  return o;
}

}  // namespace nlroute::addon
