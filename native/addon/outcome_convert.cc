#include "outcome_convert.h"

#include "../wire/kernel_status.h"

namespace nlroute::addon {

Napi::Value outcome_to_js(Napi::Env env, const io::Outcome& o, const uint8_t* request,
                          size_t request_len, uint32_t family_header_len, AttrNamer namer) {
  if (o.state == io::Outcome::State::Done && o.error == 0 && o.message.empty()) return env.Null();
  Napi::Object js = Napi::Object::New(env);
  js.Set("errno", o.error);
  js.Set("state", o.state == io::Outcome::State::Done      ? "done"
                  : o.state == io::Outcome::State::Unknown ? "unknown"
                  : o.state == io::Outcome::State::Skipped ? "skipped"
                                                           : "not-sent");
  if (!o.message.empty()) js.Set("extack", o.message);
  if (!o.syscall.empty()) js.Set("syscall", o.syscall);
  if (o.offset && request) {
    js.Set("offset", *o.offset);
    auto target = wire::locate_offset({request, request_len}, family_header_len, *o.offset);
    if (target.in_fixed_header) {
      js.Set("attribute", "header");
    } else if (target.attr_type) {
      const char* name = namer ? namer(*target.attr_type) : "";
      js.Set("attribute", *name ? Napi::Value(Napi::String::New(env, name))
                                : Napi::Value(Napi::Number::New(env, *target.attr_type)));
    }
  }
  return js;
}

Napi::Object error_result(Napi::Env env, const io::Outcome& status) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("error", outcome_to_js(env, status, nullptr, 0, 0, nullptr));
  return result;
}

}  // namespace nlroute::addon
