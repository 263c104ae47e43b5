// Running a piece of code inside another network namespace, on the calling thread
// only, and always coming back. Sockets keep the namespace they were created in,
// so this is needed exactly once per handle: to create its netlink socket.
#pragma once

#include <functional>
#include <string>

#include "sys_error.h"

namespace nlroute::io {

// Opens a namespace file (/run/netns/NAME, /proc/PID/ns/net, ...) read-only and close-on-exec.
int open_namespace_file(const std::string& path, SysError& err);

// Why a caller's descriptor cannot be used as a network namespace: 0 when it can.
enum class NamespaceFdProblem { None, NotOpen, NotNamespace, OtherNamespaceType };
// Checks `fd` (an nsfs file of type CLONE_NEWNET) and returns a close-on-exec
// duplicate the caller owns, or -1 with the problem. Working on a duplicate means a
// caller that closes its fd, and a number the process reuses meanwhile, can never make
// the library enter another namespace than the one checked.
int duplicate_namespace_fd(int fd, NamespaceFdProblem& problem);
// The problem with using `fd` (ours) as a network namespace, if any.
NamespaceFdProblem namespace_fd_problem(int fd);

// Switches this thread into `target_ns_fd`, runs `body`, and switches back.
// target_ns_fd < 0 runs `body` where the thread already is. If switching back fails,
// `stranded` is set: the caller must end this thread rather than keep using it.
void run_in_namespace(int target_ns_fd, const std::function<void()>& body, SysError& err,
                      bool& stranded);

// Device and inode of a namespace file: what identifies a namespace (to notice one
// that was deleted and recreated under the same name).
struct NamespaceId {
  unsigned long long dev = 0, ino = 0;
};
NamespaceId namespace_id_of_fd(int fd);
// The namespace the calling thread is in (zeros when it cannot be read).
NamespaceId current_namespace_id();

}  // namespace nlroute::io
