// The three ways nlroute talks to the kernel over a RouteSocket:
//  - transact: many requests, packed into as few datagrams as the socket allows; the
//    last of each datagram asks for an ACK, and the kernel answers the others only
//    when they fail (each failure matched to its request by sequence number);
//  - dump: one dump request, every reply message handed to a callback until NLMSG_DONE;
//  - request_reply: one request whose answer is a message (RTM_GETLINK, route get).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "../wire/message_reader.h"
#include "route_socket.h"

namespace nlroute::io {

struct Outcome {
  enum class State : uint8_t {
    Done,     // the kernel answered: error 0 (success, maybe with a warning) or an errno
    Unknown,  // the ACK was lost in a receive-buffer overflow: applied or not, we cannot tell
    NotSent,  // sendmsg failed; the kernel never saw it
    Skipped,  // not sent on purpose: an earlier request of a stop-at-first-error batch failed
  };
  State state = State::Done;
  int error = 0;                   // errno; 0 is success
  std::string message;             // the kernel's extended-ACK text (a warning when error is 0)
  std::optional<uint32_t> offset;  // extended-ACK attribute offset into the request
  std::string syscall;             // for local failures: which call failed

  // Applied, with nothing to tell: no errno, no warning.
  bool plain_success() const {
    return state == State::Done && error == 0 && message.empty() && !offset && syscall.empty();
  }
};

// Requests laid back to back in one buffer, with consecutive sequence numbers from `first_seq`.
struct RequestBatch {
  std::vector<uint8_t> bytes;
  std::vector<size_t> starts;  // where each message begins in `bytes`
  uint32_t first_seq = 0;
  // Per request, an errno that is not a failure for a stop-at-first-error run (0:
  // none); may be empty.
  std::vector<int> tolerated;

  size_t size() const { return starts.size(); }
  size_t length_of(size_t i) const {
    return (i + 1 < starts.size() ? starts[i + 1] : bytes.size()) - starts[i];
  }
};

struct TransactOptions {
  // Send one request per sendmsg and none after the first that fails (those are
  // Skipped). The kernel does not stop inside a multi-message datagram, so this is
  // the only way to be sure nothing after a failure was applied.
  bool stop_at_first_error = false;
  // Most requests without an ACK yet; 0: as many as the receive buffer has room for.
  // Only tests set it, to provoke ENOBUFS on purpose.
  size_t max_in_flight = 0;
};

// Sends every request and fills one Outcome per request, in order. It sets each
// request's NLM_F_ACK flag in `batch` (only the last of each datagram keeps it). A
// success the kernel did not acknowledge carries no warning: extended-ACK text on a
// success comes only with an ACK.
void transact(RouteSocket& sock, RequestBatch& batch, std::vector<Outcome>& outcomes,
              const TransactOptions& options = {});

// Runs a dump. On NLM_F_DUMP_INTR (the kernel's "the data changed under you") the
// partial result is thrown away (`on_restart`) and the dump retried a bounded number
// of times. The returned Outcome is the dump's own status.
Outcome dump(RouteSocket& sock,
             const std::function<void(std::vector<uint8_t>&, uint32_t seq)>& encode,
             const std::function<void(const wire::MessageView&)>& on_message,
             const std::function<void()>& on_restart);

// Sends one request without NLM_F_ACK and copies its answer message into `reply`.
Outcome request_reply(RouteSocket& sock, const std::vector<uint8_t>& request, uint32_t seq,
                      std::vector<uint8_t>& reply);

}  // namespace nlroute::io
