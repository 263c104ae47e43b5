#include "netns.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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

NamespaceFdProblem namespace_fd_problem(int fd) {
  constexpr long kNsfsMagic = 0x6e736673;  // NSFS_MAGIC
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return NamespaceFdProblem::NotOpen;
  if (fs.f_type != kNsfsMagic) return NamespaceFdProblem::NotNamespace;
  if (::ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) return NamespaceFdProblem::OtherNamespaceType;
  return NamespaceFdProblem::None;
}

int duplicate_namespace_fd(int fd, NamespaceFdProblem& problem) {
  int own = fd < 0 ? -1 : ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (own < 0) {
    problem = NamespaceFdProblem::NotOpen;
    return -1;
  }
  problem = namespace_fd_problem(own);
  if (problem != NamespaceFdProblem::None) {
    ::close(own);
    return -1;
  }
  return own;
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

NamespaceId current_namespace_id() {
  SysError ignored;
  int own = open_namespace_file(kOwnNamespace, ignored);
  if (own < 0) return {};
  NamespaceId id = namespace_id_of_fd(own);
  ::close(own);
  return id;
}

}  // namespace nlroute::io
