#include "codec_exports.h"

#include "../wire/constants.h"
#include "../wire/kernel_status.h"
#include "../wire/route_codec.h"
#include "../wire/rule_codec.h"
#include "record_fields.h"
#include "route_convert.h"
#include "route_pack.h"
#include "rule_convert.h"

namespace nlroute::addon {

namespace {

wire::Bytes bytes_of(const Napi::Value& v) {
  auto buf = v.As<Napi::Buffer<uint8_t>>();
  return {buf.Data(), buf.Length()};
}

// encodeRule(kind: 'add' | 'delete', nlmsgFlags, seq, record) -> Buffer
Napi::Value EncodeRule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string kind = info[0].As<Napi::String>().Utf8Value();
  uint16_t type = kind == "delete" ? wire::RTM_DELRULE : wire::RTM_NEWRULE;
  uint16_t flags = static_cast<uint16_t>(info[1].As<Napi::Number>().Uint32Value());
  uint32_t seq = info[2].As<Napi::Number>().Uint32Value();
  std::vector<uint8_t> out;
  if (!wire::encode_rule(out, type, flags, seq, rule_from_js(info[3].As<Napi::Object>()))) {
    throw Napi::RangeError::New(env, "rule: an attribute is longer than netlink's 16-bit length");
  }
  return Napi::Buffer<uint8_t>::Copy(env, out.data(), out.size());
}

// encodeRuleDump(family, seq) -> Buffer
Napi::Value EncodeRuleDump(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> out;
  wire::encode_rule_dump(out, info[1].As<Napi::Number>().Uint32Value(),
                         static_cast<uint8_t>(info[0].As<Napi::Number>().Uint32Value()));
  return Napi::Buffer<uint8_t>::Copy(info.Env(), out.data(), out.size());
}

// decodeRules(datagram: Buffer) -> Array<record | null>; null for a message that
// does not decode. Stops quietly at a malformed length, as the socket code does.
Napi::Value DecodeRules(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  wire::MessageIterator it(bytes_of(info[0]));
  wire::MessageView msg;
  uint32_t n = 0;
  while (it.next(msg)) {
    auto rule = wire::decode_rule(msg);
    out.Set(n++, rule ? Napi::Value(rule_to_js(env, *rule)) : env.Null());
  }
  return out;
}

// ruleMatches(rule record, filter record) -> boolean
Napi::Value RuleMatches(const Napi::CallbackInfo& info) {
  auto rule = rule_from_js(info[0].As<Napi::Object>());
  auto filter = rule_from_js(info[1].As<Napi::Object>());
  return Napi::Boolean::New(info.Env(), wire::rule_matches(rule, filter));
}

// encodeRoute(kind: 'add' | 'delete' | 'get', nlmsgFlags, seq, record) -> Buffer
Napi::Value EncodeRoute(const Napi::CallbackInfo& info) {
  std::string kind = info[0].As<Napi::String>().Utf8Value();
  uint16_t type = kind == "delete" ? wire::RTM_DELROUTE
                  : kind == "get"  ? wire::RTM_GETROUTE
                                   : wire::RTM_NEWROUTE;
  uint16_t flags = static_cast<uint16_t>(info[1].As<Napi::Number>().Uint32Value());
  std::vector<uint8_t> out;
  if (!wire::encode_route(out, type, flags, info[2].As<Napi::Number>().Uint32Value(),
                          route_from_js(info[3].As<Napi::Object>()))) {
    throw Napi::RangeError::New(info.Env(),
                                "route: an attribute is longer than netlink's 16-bit length");
  }
  return Napi::Buffer<uint8_t>::Copy(info.Env(), out.data(), out.size());
}

// encodeRouteDump(filter, seq) -> Buffer: the dump request a route listing sends
Napi::Value EncodeRouteDump(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> out;
  wire::encode_route_dump(out, info[1].As<Napi::Number>().Uint32Value(),
                          wire::kernel_part(route_filter_from_js(info[0])));
  return Napi::Buffer<uint8_t>::Copy(info.Env(), out.data(), out.size());
}

// decodeRoutes(datagram: Buffer, filter?) -> pack ({ count, bytes, extras }) of the
// routes that decode (and pass the filter, applied as if the kernel had not).
Napi::Value DecodeRoutes(const Napi::CallbackInfo& info) {
  wire::RouteFilter filter = route_filter_from_js(info[1]);
  RoutePack pack;
  wire::MessageIterator it(bytes_of(info[0]));
  wire::MessageView msg;
  while (it.next(msg)) {
    auto route = wire::decode_route(msg);
    if (route && wire::route_matches(*route, filter, false)) pack.add(*route);
  }
  return route_pack_to_js(info.Env(), pack);
}

// parseStatus(message: Buffer) -> { error, seq, message?, offset? } | null
Napi::Value ParseStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  wire::MessageIterator it(bytes_of(info[0]));
  wire::MessageView msg;
  if (!it.next(msg)) return env.Null();
  std::optional<wire::KernelStatus> status;
  if (msg.type == wire::NLMSG_ERROR) status = wire::parse_error_message(msg);
  if (msg.type == wire::NLMSG_DONE) status = wire::parse_done_message(msg);
  if (!status) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("error", status->error);
  o.Set("seq", status->request_seq);
  if (!status->message.empty()) o.Set("message", status->message);
  if (status->offset) o.Set("offset", *status->offset);
  return o;
}

const char* kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::Number:
      return "number";
    case FieldKind::Flag:
      return "flag";
    case FieldKind::Address:
      return "address";
    case FieldKind::Text:
      return "text";
    case FieldKind::Pair:
      return "pair";
    case FieldKind::Wide:
      return "wide";
  }
  return "";
}

// [[key, kind], ...] in id order: what lib/requests/pack-writer.ts writes by.
template <typename Row>
Napi::Array field_table(Napi::Env env, const Row* fields, uint32_t count) {
  Napi::Array out = Napi::Array::New(env, count);
  for (uint32_t i = 0; i < count; ++i) {
    Napi::Array entry = Napi::Array::New(env, 2);
    entry.Set(0u, fields[i].key);
    entry.Set(1u, kind_name(fields[i].kind));
    out.Set(i, entry);
  }
  return out;
}

}  // namespace

void export_codec(Napi::Env env, Napi::Object exports) {
  Napi::Object codec = Napi::Object::New(env);
  codec.Set("encodeRule", Napi::Function::New(env, EncodeRule));
  codec.Set("encodeRuleDump", Napi::Function::New(env, EncodeRuleDump));
  codec.Set("decodeRules", Napi::Function::New(env, DecodeRules));
  codec.Set("ruleMatches", Napi::Function::New(env, RuleMatches));
  codec.Set("encodeRoute", Napi::Function::New(env, EncodeRoute));
  codec.Set("encodeRouteDump", Napi::Function::New(env, EncodeRouteDump));
  codec.Set("decodeRoutes", Napi::Function::New(env, DecodeRoutes));
  codec.Set("parseStatus", Napi::Function::New(env, ParseStatus));
  exports.Set("codec", codec);
  uint32_t count;
  Napi::Object fields = Napi::Object::New(env);
  const RuleFieldRow* rules = rule_fields(count);
  fields.Set("rule", field_table(env, rules, count));
  const RouteFieldRow* routes = route_fields(count);
  fields.Set("route", field_table(env, routes, count));
  exports.Set("recordFields", fields);
}

}  // namespace nlroute::addon
