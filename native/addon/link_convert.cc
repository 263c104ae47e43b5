#include "link_convert.h"

#include <string>

namespace nlroute::addon {

// A device as JavaScript sees it: { index, name, address? }, the hardware address in
// the colon-separated lower-case hex `ip link` prints; left out when the kernel sent none.
Napi::Object link_to_js(Napi::Env env, const wire::LinkRecord& record) {
  Napi::Object link = Napi::Object::New(env);
  link.Set("index", record.index);
  link.Set("name", record.name);
  if (!record.address.empty()) {
    static const char kHex[] = "0123456789abcdef";
    std::string text;
    for (uint8_t byte : record.address) {
      if (!text.empty()) text += ':';
      text += kHex[byte >> 4];
      text += kHex[byte & 15];
    }
    link.Set("address", text);
  }
  return link;
}

}  // namespace nlroute::addon
