#include "rule_convert.h"

#include "address_convert.h"
#include "js_values.h"
#include "record_fields.h"

namespace nlroute::addon {

using namespace nlroute::wire;

RuleRecord rule_from_js(const Napi::Object& object) {
  Napi::Env env = object.Env();
  RuleRecord r;
  r.family = FAMILY_UNSPEC;
  uint32_t count;
  const RuleFieldRow* fields = rule_fields(count);
  for_each_given(object, [&](const std::string& key, const Napi::Value& v) {
    auto id = rule_field_id(key);
    if (!id) throw Napi::TypeError::New(env, "rule record: unknown field " + key);
    fields[*id].set(r, read_field(env, v, fields[*id]));
  });
  if (!(r.present & kRuleFamily)) r.family = FAMILY_INET;
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
