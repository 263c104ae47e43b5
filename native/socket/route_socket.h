// One NETLINK_ROUTE socket: created (in a namespace), configured, and used for
// plain send/receive. It knows nothing of rules or routes.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "../wire/message_reader.h"
#include "sys_error.h"

namespace nlroute::io {

// struct sockaddr_nl, spelled out so that <linux/netlink.h>'s macros (NLMSG_ERROR, ...)
// never meet the constants of the same names in wire/constants.h.
struct NetlinkAddress {
  sa_family_t nl_family;
  unsigned short nl_pad;
  uint32_t nl_pid;
  uint32_t nl_groups;
};

struct SocketFeatures {
  bool ext_ack = false;       // NETLINK_EXT_ACK: error text and attribute offsets
  bool cap_ack = false;       // NETLINK_CAP_ACK: error ACKs without the echoed request
  bool strict_check = false;  // NETLINK_GET_STRICT_CHK: kernel-side dump filters
  int rcvbuf = 0;             // effective sizes, as the kernel reports them
  int sndbuf = 0;
  uint32_t port_id = 0;
};

class RouteSocket {
 public:
  // Creates the socket inside `ns_fd` (or here, for -1) and configures it.
  static std::unique_ptr<RouteSocket> open(int ns_fd, int rcvbuf_bytes, SysError& err,
                                           bool& stranded);
  ~RouteSocket();
  RouteSocket(const RouteSocket&) = delete;
  RouteSocket& operator=(const RouteSocket&) = delete;

  const SocketFeatures& features() const { return features_; }

  // A flag owned by the socket's thread: when it turns true, exchanges stop between
  // kernel round trips (the environment that asked for them is going away).
  void set_cancel_flag(const std::atomic<bool>* flag) { cancel_ = flag; }
  bool cancelled() const {
    return (cancel_ && cancel_->load(std::memory_order_relaxed)) ||
           (call_cancel_ && call_cancel_->load(std::memory_order_relaxed));
  }

  using Clock = std::chrono::steady_clock;
  // One call's limits, set by the I/O thread around each call: a flag its caller may
  // raise (an AbortSignal), and a deadline for every wait on the kernel (timeoutMs).
  // A wait past the deadline answers ETIMEDOUT and marks the socket timed out: the
  // kernel may still answer later, so the socket is not used again.
  void begin_call(const std::atomic<bool>* cancel, Clock::time_point deadline) {
    call_cancel_ = cancel;
    deadline_ = deadline;
  }
  void end_call() { call_cancel_ = nullptr; }
  // For a dump that was cancelled: its rest must still be read (the kernel keeps one
  // dump per socket running until it is read to its end), so the call's flag is let go.
  void drain_after_cancel() { call_cancel_ = nullptr; }
  bool timed_out() const { return timed_out_; }
  // True (and the socket timed out) once the call's deadline has passed: checked
  // between datagrams, so that a dump that never ends is bounded too.
  bool past_deadline() {
    if (deadline_ != Clock::time_point::max() && Clock::now() >= deadline_) timed_out_ = true;
    return timed_out_;
  }
  uint32_t next_seq() { return ++seq_; }

  // The largest datagram the kernel accepts from us (sk_sndbuf - 32).
  size_t max_send_bytes() const;

  // Sends one datagram holding one or more messages. Returns 0 or an errno.
  int send(const uint8_t* data, size_t size);

  // Block: until something comes, within the call's deadline (or a minute at most).
  // Indefinitely: for a notification socket, where silence is normal: no limit, but
  // a cancelled call still ends the wait within kCancelPollMs.
  enum class Wait { Block, DontWait, Indefinitely };
  // Receives one datagram into the socket's own buffer; `out` points into it until the
  // next call. Returns 0, or an errno (ENOBUFS: the kernel dropped messages; EAGAIN
  // with DontWait: nothing queued; EMSGSIZE: a datagram did not fit and was cut).
  int receive(wire::Bytes& out, Wait wait);

  // Receives a run of small datagrams (ACKs) with one recvmmsg: waits for the first
  // as receive() does, then takes whatever else is queued, up to `most` (at most a few
  // dozen; a lone request's caller asks for one, and the kernel then does not look for
  // a second). With NETLINK_CAP_ACK an ACK never carries a copy of the request, so each
  // fits a small slot; without it this is receive() one datagram at a time. `cut`
  // counts datagrams too big for their slot: their answers are lost. `out` points into
  // the socket's buffers until the next call. Errors as for receive(), but never EMSGSIZE.
  int receive_acks(std::vector<wire::Bytes>& out, Wait wait, size_t most, size_t& cut);

  // The socket's pending error, taken (SO_ERROR reads and clears it): ENOBUFS when the
  // kernel dropped a message for a full receive buffer since the last receive said so.
  // 0 when there is none.
  int take_pending_error();

  // Joins an rtnetlink multicast group (RTNLGRP_*): the kernel's notifications of
  // changes in the socket's namespace queue up here from now on. 0 or an errno.
  int join_group(uint32_t group);

  // A new file descriptor (close-on-exec) for the socket's network namespace
  // (SIOCGSKNS): how a second socket is made in exactly this namespace, however it was
  // named when this one was opened. The descriptor, or -errno.
  int namespace_fd() const;

  // Receives a run of datagrams with one recvmmsg, as receive_acks() does, for a
  // notification socket: `truncated` counts those too big for a slot (8 KiB), which
  // are lost. Errors as for receive().
  int receive_many(std::vector<wire::Bytes>& out, Wait wait, size_t& truncated);

  // Datagrams dropped because they did not come from the kernel (port id 0).
  uint64_t foreign_dropped() const { return foreign_dropped_; }

 private:
  explicit RouteSocket(int fd) : fd_(fd) {}
  void configure(int rcvbuf_bytes);
  bool from_kernel(const NetlinkAddress& sender, socklen_t length);
  int wait_readable(bool indefinitely);
  int receive_into_slots(std::vector<uint8_t>& slots, size_t count, size_t slot_bytes,
                         std::vector<wire::Bytes>& out, Wait wait, size_t& truncated);
  template <typename Attempt>
  long receive_now_or_wait(Wait wait, Attempt attempt);

  int fd_;
  uint32_t seq_ = 0;
  const std::atomic<bool>* cancel_ = nullptr;
  const std::atomic<bool>* call_cancel_ = nullptr;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
  uint64_t foreign_dropped_ = 0;
  SocketFeatures features_;
  std::vector<uint8_t> receive_buffer_;
  std::vector<uint8_t> ack_slots_;   // allocated on first use
  std::vector<uint8_t> many_slots_;  // allocated on first use
};

}  // namespace nlroute::io
