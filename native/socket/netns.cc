#include "netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace nlroute::io {

namespace {
// /proc/self/ns/net names the thread-group leader's namespace, not this thread's;
// only /proc/thread-self tells where *this* thread is.
constexpr const char* kOwnNamespace = "/proc/thread-self/ns/net";
}  // namespace

int open_namespace_file(const std::string& path, SysError& err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) err = {errno, "open(" + path + ")"};
  return fd;
}

void run_in_namespace(int target_ns_fd, const std::function<void()>& body, SysError& err,
                      bool& stranded) {
  stranded = false;
  if (target_ns_fd < 0) {
    body();
    return;
  }
  int home = open_namespace_file(kOwnNamespace, err);
  if (home < 0) return;
  if (::setns(target_ns_fd, CLONE_NEWNET) != 0) {
    err = {errno, "setns(CLONE_NEWNET)"};
    ::close(home);
    return;
  }
  body();
  if (::setns(home, CLONE_NEWNET) != 0) {
    // Cannot happen short of a kernel bug (we hold the fd), but if it does the thread
    // must never run anything else.
    stranded = true;
    if (!err) err = {errno, "setns(back to own namespace)"};
  }
  ::close(home);
}

NamespaceId namespace_id_of_fd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return {};
  return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)};
}

}  // namespace nlroute::io
