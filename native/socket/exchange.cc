#include "exchange.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "../wire/constants.h"
#include "../wire/kernel_status.h"

namespace nlroute::io {

using wire::MessageIterator;
using wire::MessageView;

namespace {

// An answer (an ACK or a failure) is its own skb of roughly 0.8–1 KiB of receive-buffer
// truesize. Only failures and the last request of a datagram are answered, but every
// request may fail: keeping the number in flight under rcvbuf / 1.25 KiB means answers
// cannot overflow the buffer.
constexpr size_t kAckTruesize = 1280;
constexpr int kMaxDumpAttempts = 5;

Outcome from_status(const wire::KernelStatus& s) {
  Outcome o;
  o.error = s.error;
  o.message = s.message;
  o.offset = s.offset;
  return o;
}

Outcome local_failure(int errnum, const char* call) {
  Outcome o;
  o.error = errnum;
  o.syscall = call;
  return o;
}

Outcome malformed_reply() {
  Outcome o = local_failure(EPROTO, "recv");
  o.message = "malformed netlink datagram from the kernel";
  return o;
}

// `cut`: an answer was too big for its receive slot, rather than dropped by the kernel.
Outcome lost_answer(bool cut) {
  Outcome o;
  o.state = Outcome::State::Unknown;
  o.error = cut ? EMSGSIZE : ENOBUFS;
  o.syscall = "recv";
  o.message = cut ? "its answer may have been cut short on receipt; outcome unknown"
                  : "its answer may have been lost in a receive-buffer overflow; outcome unknown";
  return o;
}

// Sets or clears NLM_F_ACK on request i (its header's flags sit at offset 6).
void set_ack(RequestBatch& batch, size_t i, bool ack) {
  uint8_t* at = batch.bytes.data() + batch.starts[i] + 6;
  uint16_t flags;
  std::memcpy(&flags, at, sizeof flags);
  flags = ack ? (flags | wire::NLM_F_ACK) : (flags & ~wire::NLM_F_ACK);
  std::memcpy(at, &flags, sizeof flags);
}

// Reads the answers to the requests [from, to) of one sendmsg, where only the last
// asked for an ACK. The kernel handles one socket's messages in order and answers
// the others only when they fail, so once the last one's answer is read, every
// failure before it has been read too: the rest succeeded. Unless an answer was lost
// (the kernel dropped it for a full receive buffer, or it was cut short on receipt):
// then what has no answer may have failed, and is Unknown (the caller reads the
// kernel back). The same holds for any error of the receive itself: the kernel has
// processed every request of the send by the time sendmsg returns.
void collect_answers(RouteSocket& sock, const RequestBatch& batch, size_t from, size_t to,
                     std::vector<Outcome>& outcomes, std::vector<bool>& answered) {
  const size_t last = to - 1;
  bool overflowed = false;  // an answer was lost
  bool cut = false;         // ... by being cut short, not dropped
  // When sendmsg returns, the kernel has already processed every message in it and
  // queued (or dropped) each answer, so after an overflow we only drain what is queued.
  std::vector<wire::Bytes> datagrams;
  for (;;) {
    if (answered[last] && !overflowed) {
      // A drop is reported once, by the next receive; if it was not reported before the
      // last answer was read, it is still pending. Never infer a success across one.
      if (to - from == 1 || sock.take_pending_error() != ENOBUFS) break;
      overflowed = true;
    }
    // No more answers can come than requests of this send.
    size_t cut_now = 0;
    int err = sock.receive_acks(datagrams,
                                overflowed ? RouteSocket::Wait::DontWait : RouteSocket::Wait::Block,
                                to - from, cut_now);
    if (cut_now) overflowed = cut = true;
    if (err == ENOBUFS) {
      overflowed = true;
      continue;
    }
    if (err == EAGAIN && overflowed) break;
    if (err) {
      // Timed out, cancelled or failed while waiting for answers to requests already
      // sent: the kernel may have applied them.
      for (size_t i = from; i < to; ++i) {
        if (answered[i]) continue;
        outcomes[i] = local_failure(err, "recv");
        outcomes[i].state = Outcome::State::Unknown;
        answered[i] = true;
      }
      return;
    }
    for (const wire::Bytes& datagram : datagrams) {
      MessageIterator it(datagram);
      MessageView msg;
      while (it.next(msg)) {
        if (msg.type != wire::NLMSG_ERROR) continue;  // e.g. echoes; not an answer we track
        auto status = wire::parse_error_message(msg);
        if (!status) continue;
        uint32_t index = status->request_seq - batch.first_seq;
        if (index < from || index >= to || answered[index]) continue;  // stale or foreign
        outcomes[index] = from_status(*status);
        answered[index] = true;
      }
    }
  }
  for (size_t i = from; i < to; ++i) {
    if (answered[i]) continue;
    // Silence before the last answer is success; after a drop it may be a lost failure.
    outcomes[i] = overflowed ? lost_answer(cut) : Outcome{};
    answered[i] = true;
  }
}

}  // namespace

void transact(RouteSocket& sock, RequestBatch& batch, std::vector<Outcome>& outcomes,
              const TransactOptions& options) {
  outcomes.assign(batch.size(), Outcome{});
  std::vector<bool> answered(batch.size(), false);
  size_t max_bytes = sock.max_send_bytes();
  size_t max_in_flight = options.max_in_flight
                             ? options.max_in_flight
                             : std::max<size_t>(1, sock.features().rcvbuf / kAckTruesize);
  if (options.stop_at_first_error) max_in_flight = 1;

  size_t next = 0;
  while (next < batch.size()) {
    if (sock.cancelled() || sock.past_deadline()) {
      int why = sock.timed_out() ? ETIMEDOUT : ECANCELED;
      for (size_t i = next; i < batch.size(); ++i) {
        outcomes[i] = local_failure(why, "sendmsg");
        outcomes[i].state = Outcome::State::NotSent;
      }
      return;
    }
    // Pack as many whole messages as fit in one sendmsg and whose ACKs fit in rcvbuf.
    size_t end = next, bytes = 0;
    while (end < batch.size() && end - next < max_in_flight &&
           (end == next || bytes + batch.length_of(end) <= max_bytes)) {
      bytes += batch.length_of(end);
      ++end;
    }
    for (size_t i = next; i < end; ++i) set_ack(batch, i, i + 1 == end);
    int err = sock.send(batch.bytes.data() + batch.starts[next], bytes);
    if (err) {
      for (size_t i = next; i < end; ++i) {
        outcomes[i] = local_failure(err, "sendmsg");
        outcomes[i].state = Outcome::State::NotSent;
      }
    } else {
      collect_answers(sock, batch, next, end, outcomes, answered);
    }
    next = end;
    int last_error = outcomes[next - 1].error;
    bool tolerated = next - 1 < batch.tolerated.size() && last_error == batch.tolerated[next - 1] &&
                     outcomes[next - 1].state == Outcome::State::Done;
    if (options.stop_at_first_error && (err || (last_error && !tolerated))) {
      for (size_t i = next; i < batch.size(); ++i) outcomes[i].state = Outcome::State::Skipped;
      return;
    }
  }
}

Outcome dump(RouteSocket& sock, const std::function<void(std::vector<uint8_t>&, uint32_t)>& encode,
             const std::function<void(const MessageView&)>& on_message,
             const std::function<void()>& on_restart) {
  for (int attempt = 1;; ++attempt) {
    std::vector<uint8_t> request;
    uint32_t seq = sock.next_seq();
    encode(request, seq);
    if (int err = sock.send(request.data(), request.size())) return local_failure(err, "sendmsg");

    bool interrupted = false;
    bool cancelled = false;
    for (bool done = false; !done;) {
      if (!cancelled && sock.cancelled()) {
        // Read the rest without using it: a dump left unread keeps the socket busy.
        cancelled = true;
        sock.drain_after_cancel();
      }
      if (sock.past_deadline()) return local_failure(ETIMEDOUT, "dump");
      wire::Bytes datagram;
      int err = sock.receive(datagram, RouteSocket::Wait::Block);
      if (err == ENOBUFS) {
        Outcome o = local_failure(ENOBUFS, "recv");
        o.message = "dump messages were lost in a receive-buffer overflow";
        return o;
      }
      if (err) return local_failure(err, "recv");
      MessageIterator it(datagram);
      MessageView msg;
      while (it.next(msg)) {
        if (msg.seq != seq) continue;  // an answer to something earlier; not ours
        if (msg.flags & wire::NLM_F_DUMP_INTR) interrupted = true;
        if (msg.type == wire::NLMSG_DONE || msg.type == wire::NLMSG_ERROR) {
          auto status = msg.type == wire::NLMSG_DONE ? wire::parse_done_message(msg)
                                                     : wire::parse_error_message(msg);
          if (!status) return malformed_reply();
          if (status->error) return from_status(*status);
          done = true;
          break;
        }
        if (!interrupted && !cancelled) on_message(msg);
      }
      if (it.malformed()) return malformed_reply();
    }
    if (cancelled) return local_failure(ECANCELED, "dump");
    if (!interrupted) return Outcome{};
    on_restart();
    if (attempt == kMaxDumpAttempts) {
      Outcome o = local_failure(EAGAIN, "dump");
      o.message = "the dump was interrupted by concurrent changes " +
                  std::to_string(kMaxDumpAttempts) + " times in a row";
      return o;
    }
  }
}

Outcome request_reply(RouteSocket& sock, const std::vector<uint8_t>& request, uint32_t seq,
                      std::vector<uint8_t>& reply) {
  if (int err = sock.send(request.data(), request.size())) return local_failure(err, "sendmsg");
  for (;;) {
    wire::Bytes datagram;
    if (int err = sock.receive(datagram, RouteSocket::Wait::Block))
      return local_failure(err, "recv");
    MessageIterator it(datagram);
    MessageView msg;
    while (it.next(msg)) {
      if (msg.type == wire::NLMSG_ERROR) {
        auto status = wire::parse_error_message(msg);
        if (!status) return malformed_reply();
        if (status->request_seq != seq) continue;
        return from_status(*status);
      }
      if (msg.seq != seq) continue;
      reply.assign(msg.whole.data, msg.whole.data + msg.whole.size);
      return Outcome{};
    }
    if (it.malformed()) return malformed_reply();
  }
}

}  // namespace nlroute::io
