#include "address_convert.h"

#include <arpa/inet.h>

namespace nlroute::addon {

wire::Address address_from_js(const Napi::Env& env, const Napi::Value& value, const char* field) {
  if (!value.IsString()) {
    throw Napi::TypeError::New(env, std::string("record: ") + field + " must be an address string");
  }
  std::string text = value.As<Napi::String>().Utf8Value();
  wire::Address a;
  if (!wire::parse_address(text, a)) {
    throw Napi::TypeError::New(env,
                               std::string("record: ") + field + " is not an address: " + text);
  }
  return a;
}

Napi::String address_to_js(Napi::Env env, const wire::Address& a) {
  char text[INET6_ADDRSTRLEN] = {0};
  ::inet_ntop(a.length == 16 ? AF_INET6 : AF_INET, a.bytes.data(), text, sizeof text);
  return Napi::String::New(env, text);
}

}  // namespace nlroute::addon
