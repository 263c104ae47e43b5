// A failed system call: which call (and on what), and its errno.
#pragma once

#include <string>

namespace nlroute::io {

struct SysError {
  int errnum = 0;
  std::string call;  // e.g. "setns(/run/netns/qrouter-1)"
  explicit operator bool() const { return errnum != 0; }
};

}  // namespace nlroute::io
