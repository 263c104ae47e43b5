# Dumps rules, routes and links from the current network namespace over a raw
# NETLINK_ROUTE socket and writes every datagram, and every message on its own, as a
# seed file; then provokes an extended ACK and writes that answer too. Run inside a
# scratch namespace (scripts/fuzz/make-seeds.ts does). Usage: dump-datagrams.py DIR
import os, socket, struct, sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, 0))
s.setsockopt(270, 11, 1)  # SOL_NETLINK, NETLINK_EXT_ACK
seq = 0
count = 0

def save(name, data):
    global count
    with open(os.path.join(out, '%s-%03d' % (name, count)), 'wb') as f:
        f.write(data)
    count += 1

def messages(datagram):
    at = 0
    while at + 16 <= len(datagram):
        length, kind = struct.unpack_from('=IH', datagram, at)
        if length < 16 or at + length > len(datagram):
            return
        yield kind, datagram[at:at + length]
        at += (length + 3) & ~3

def dump(kind, family, header_len, name):
    global seq
    seq += 1
    header = bytes([family]) + bytes(header_len - 1)
    s.send(struct.pack('=IHHII', 16 + header_len, kind, 0x301, seq, 0) + header)
    while True:
        datagram = s.recv(1 << 16)
        save(name + '-datagram', datagram)
        done = False
        for k, message in messages(datagram):
            save(name, message)
            done = done or k in (2, 3)
        if done:
            return

dump(34, 2, 12, 'rules4')
dump(34, 10, 12, 'rules6')
dump(26, 2, 12, 'routes4')
dump(26, 10, 12, 'routes6')
dump(18, 0, 16, 'links')
# An RTM_NEWRULE the kernel refuses with a message (a goto backwards), with NLM_F_ACK.
seq += 1
header = struct.pack('=BBBBBBBBI', 2, 0, 0, 0, 0, 0, 0, 2, 0)  # family inet, action goto
attrs = struct.pack('=HHI', 8, 6, 100) + struct.pack('=HHI', 8, 8, 50)  # FRA_PRIORITY 100, FRA_GOTO 50
s.send(struct.pack('=IHHII', 16 + len(header) + len(attrs), 32, 0x605, seq, 0) + header + attrs)
save('extack', s.recv(1 << 16))
