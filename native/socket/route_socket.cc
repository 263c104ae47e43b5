#include "route_socket.h"

#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <ctime>

#include "../wire/constants.h"
#include "netns.h"

namespace nlroute::io {

namespace {
constexpr int kNetlinkRoute = 0;

// Dump datagrams are capped near 32 KiB by the kernel; twice that never truncates.
constexpr size_t kReceiveBufferBytes = 64 * 1024;
// receive_acks: slots for one recvmmsg. An ACK with NETLINK_CAP_ACK is its header,
// the error, the request's header and extended-ACK text: well under 2 KiB.
constexpr size_t kAckSlots = 32;
constexpr size_t kAckSlotBytes = 2048;
// receive_many: notifications are one per datagram and small (a route's is a few
// hundred bytes); a bigger one than a slot is counted as truncated (lost).
constexpr size_t kManySlots = 32;
constexpr size_t kManySlotBytes = 8192;
// The most slots one recvmmsg reads into.
constexpr size_t kMostSlots = kAckSlots > kManySlots ? kAckSlots : kManySlots;
// The longest single wait when a call has no deadline of its own: a kernel that never
// answers would otherwise hang a handle forever.
constexpr int kReceiveTimeoutMs = 60 * 1000;
// While waiting, how often a cancelled call looks at its flag.
constexpr int kCancelPollMs = 50;

bool set_flag(int fd, int option) {
  int one = 1;
  return ::setsockopt(fd, wire::SOL_NETLINK_LEVEL, option, &one, sizeof one) == 0;
}

int get_int(int fd, int option) {
  int value = 0;
  socklen_t len = sizeof value;
  ::getsockopt(fd, SOL_SOCKET, option, &value, &len);
  return value;
}
}  // namespace

std::unique_ptr<RouteSocket> RouteSocket::open(int ns_fd, int rcvbuf_bytes, SysError& err,
                                               bool& stranded) {
  int fd = -1;
  run_in_namespace(
      ns_fd,
      [&] {
        fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, kNetlinkRoute);
        if (fd < 0) err = {errno, "socket(AF_NETLINK, NETLINK_ROUTE)"};
      },
      err, stranded);
  if (fd < 0 || err) {
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  std::unique_ptr<RouteSocket> sock(new RouteSocket(fd));
  NetlinkAddress local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    err = {errno, "bind(AF_NETLINK)"};
    return nullptr;
  }
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
    err = {errno, "getsockname(AF_NETLINK)"};
    return nullptr;
  }
  sock->features_.port_id = local.nl_pid;
  sock->configure(rcvbuf_bytes);
  return sock;
}

void RouteSocket::configure(int rcvbuf_bytes) {
  // Each of these is a newer-kernel feature; a kernel without one still works, with
  // less detail in errors or with filtering done here instead of in the kernel.
  features_.ext_ack = set_flag(fd_, wire::NETLINK_EXT_ACK_OPT);
  features_.cap_ack = set_flag(fd_, wire::NETLINK_CAP_ACK_OPT);
  features_.strict_check = set_flag(fd_, wire::NETLINK_GET_STRICT_CHK_OPT);
  // ACKs of a pipelined batch queue up here; FORCE passes net.core.rmem_max when we
  // have CAP_NET_ADMIN, the plain option is the unprivileged fallback.
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes) != 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
  }
  int sndbuf = 1 << 20;
  if (::setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  }
  features_.rcvbuf = get_int(fd_, SO_RCVBUF);
  features_.sndbuf = get_int(fd_, SO_SNDBUF);
  receive_buffer_.resize(kReceiveBufferBytes);
}

RouteSocket::~RouteSocket() {
  if (fd_ >= 0) ::close(fd_);
}

size_t RouteSocket::max_send_bytes() const {
  return features_.sndbuf > 64 ? static_cast<size_t>(features_.sndbuf - 32) : 4096;
}

int RouteSocket::take_pending_error() {
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len) != 0) return errno;
  return error;
}

int RouteSocket::send(const uint8_t* data, size_t size) {
  NetlinkAddress kernel{};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t n = ::sendto(fd_, data, size, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
    if (n >= 0) return static_cast<size_t>(n) == size ? 0 : EMSGSIZE;
    if (errno != EINTR) return errno;
  }
}

// Waits until the socket has something to read, within the call's deadline (or the
// default limit, unless `indefinitely`), waking now and then to notice a cancelled call.
int RouteSocket::wait_readable(bool indefinitely) {
  pollfd pfd{fd_, POLLIN, 0};
  auto limit = indefinitely ? Clock::time_point::max()
                            : std::min(deadline_,
                                       Clock::now() + std::chrono::milliseconds(kReceiveTimeoutMs));
  for (;;) {
    if (cancelled()) return ECANCELED;
    auto left =
        indefinitely
            ? static_cast<long long>(kCancelPollMs)
            : std::chrono::duration_cast<std::chrono::milliseconds>(limit - Clock::now()).count();
    if (left <= 0) {
      timed_out_ = true;
      return ETIMEDOUT;
    }
    int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, kCancelPollMs)));
    if (ready > 0) return 0;
    if (ready < 0 && errno != EINTR) return errno;
  }
}

// Runs `attempt` (a non-blocking receive returning a count or -1 with errno) until it
// gives something. The kernel answers a request inside sendmsg(), so the answer is
// usually queued already: try first, and with Wait::Block wait only when there is
// nothing yet. Returns the count, or -errno.
template <typename Attempt>
long RouteSocket::receive_now_or_wait(Wait wait, Attempt attempt) {
  for (;;) {
    long n = attempt();
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait != Wait::DontWait) {
      if (int err = wait_readable(wait == Wait::Indefinitely)) return -err;
      continue;
    }
    return -(errno == EWOULDBLOCK ? EAGAIN : errno);
  }
}

int RouteSocket::receive_acks(std::vector<wire::Bytes>& out, Wait wait, size_t most, size_t& cut) {
  out.clear();
  cut = 0;
  if (!features_.cap_ack) {
    wire::Bytes one;
    int err = receive(one, wait);
    if (err == EMSGSIZE) {
      cut = 1;
      return 0;
    }
    if (err == 0) out.push_back(one);
    return err;
  }
  if (ack_slots_.empty()) ack_slots_.resize(kAckSlots * kAckSlotBytes);
  size_t slots = std::min(kAckSlots, std::max<size_t>(most, 1));
  return receive_into_slots(ack_slots_, slots, kAckSlotBytes, out, wait, cut);
}

int RouteSocket::receive_many(std::vector<wire::Bytes>& out, Wait wait, size_t& truncated) {
  out.clear();
  truncated = 0;
  if (many_slots_.empty()) many_slots_.resize(kManySlots * kManySlotBytes);
  return receive_into_slots(many_slots_, kManySlots, kManySlotBytes, out, wait, truncated);
}

// One recvmmsg into `count` slots of `slot_bytes` each: waits for the first datagram as
// receive() does, then takes whatever else is queued. Datagrams from anyone but the
// kernel are dropped (and waited past); cut ones are counted in `truncated`, not kept.
int RouteSocket::receive_into_slots(std::vector<uint8_t>& slots, size_t count, size_t slot_bytes,
                                    std::vector<wire::Bytes>& out, Wait wait, size_t& truncated) {
  // On the stack: an awaited call's ACK is read here, and three heap arrays per read
  // were a measurable part of it.
  std::array<mmsghdr, kMostSlots> messages{};
  std::array<iovec, kMostSlots> vectors{};
  std::array<NetlinkAddress, kMostSlots> senders{};
  count = std::min(count, kMostSlots);
  for (size_t i = 0; i < count; ++i) {
    vectors[i] = {slots.data() + i * slot_bytes, slot_bytes};
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &senders[i];
  }
  for (;;) {
    for (size_t i = 0; i < count; ++i) messages[i].msg_hdr.msg_namelen = sizeof senders[i];
    long n = receive_now_or_wait(wait, [&] {
      return static_cast<long>(
          ::recvmmsg(fd_, messages.data(), static_cast<unsigned>(count), MSG_DONTWAIT, nullptr));
    });
    if (n < 0) return static_cast<int>(-n);
    for (long i = 0; i < n; ++i) {
      if (!from_kernel(senders[i], messages[i].msg_hdr.msg_namelen)) continue;
      if (messages[i].msg_hdr.msg_flags & MSG_TRUNC) {
        ++truncated;
        continue;
      }
      out.push_back({slots.data() + i * slot_bytes, messages[i].msg_len});
    }
    if (!out.empty() || truncated) return 0;
    // Everything that came was from another sender: wait for the kernel's.
  }
}

int RouteSocket::receive(wire::Bytes& out, Wait wait) {
  for (;;) {
    NetlinkAddress sender{};
    socklen_t sender_len = sizeof sender;
    long n = receive_now_or_wait(wait, [&] {
      return static_cast<long>(::recvfrom(fd_, receive_buffer_.data(), receive_buffer_.size(),
                                          MSG_TRUNC | MSG_DONTWAIT,
                                          reinterpret_cast<sockaddr*>(&sender), &sender_len));
    });
    if (n < 0) return static_cast<int>(-n);
    if (!from_kernel(sender, sender_len)) continue;
    if (static_cast<size_t>(n) > receive_buffer_.size()) return EMSGSIZE;
    out = {receive_buffer_.data(), static_cast<size_t>(n)};
    return 0;
  }
}

int RouteSocket::join_group(uint32_t group) {
  if (::setsockopt(fd_, wire::SOL_NETLINK_LEVEL, wire::NETLINK_ADD_MEMBERSHIP_OPT, &group,
                   sizeof group) != 0)
    return errno;
  return 0;
}

int RouteSocket::namespace_fd() const {
  int fd = ::ioctl(fd_, SIOCGSKNS);  // the kernel opens it close-on-exec
  return fd >= 0 ? fd : -errno;
}

bool RouteSocket::from_kernel(const NetlinkAddress& sender, socklen_t length) {
  // Another process in the namespace with CAP_NET_ADMIN there can send to our port
  // id; its "ACKs" and "dump replies" would be taken as the kernel's. Only port 0 is
  // the kernel.
  if (length >= sizeof sender && sender.nl_family == AF_NETLINK && sender.nl_pid == 0) return true;
  ++foreign_dropped_;
  return false;
}

}  // namespace nlroute::io
