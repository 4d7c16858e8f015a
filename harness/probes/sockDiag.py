"""seep's tcp state helper: the kernel's netlink sock_diag dump, which Node cannot ask for itself
(it has no AF_NETLINK socket), kept running for the length of a run so that a boundary costs a
request on a pipe instead of a process spawned (sockDiagClient.ts).

One request per line on stdin: "<seq> <family 4|6> <states, hex bitmask of the kernel's TCP_* states>
[<local port>:<remote port> ...]". One answer per line on stdout: "<seq> ok inode:state:localport:remoteport ..."
for every socket of that family in this network namespace that is in one of those states, has one of
those pairs of ports when any are given, and has an inode (TIME_WAIT and request sockets have none:
nobody's), or "<seq> error <why>". The kernel skips a socket whose state was not asked for before it
formats anything of it (inet_diag's idiag_states), and one whose ports do not match the filter
(compiled to inet_diag bytecode, as ss compiles "( sport = :A and dport = :B ) or ..."), so asking
for every state but ESTABLISHED, or for a few pairs of ports, costs a walk of its hash and a message
per socket that matched.
Prints "ready" once its netlink socket is open. Ends when stdin closes.
"""

import os
import socket
import struct
import sys

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST = 1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
INET_DIAG_REQ_BYTECODE = 1
# inet_diag_bc_op codes (include/uapi/linux/inet_diag.h)
BC_JMP, BC_S_GE, BC_S_LE, BC_D_GE, BC_D_LE = 1, 2, 3, 4, 5


def term(sport, dport):
    """sport == A and dport == B, as four comparisons of 8 bytes (an op and one holding the port);
    a failed one jumps 4 bytes past the term's end, where the next term starts after a JMP op."""
    out = b""
    for j, (code, port) in enumerate(((BC_S_GE, sport), (BC_S_LE, sport), (BC_D_GE, dport), (BC_D_LE, dport))):
        out += struct.pack("=BBH", code, 8, 36 - 8 * j) + struct.pack("=BBH", 0, 0, port)
    return out


def bytecode(pairs):
    """The OR of the pairs' terms, nested as ss nests them: a term, a JMP over the rest (taken when
    the term matched: past the end, accepted), the rest. Every op's "yes" is its own length, so the
    kernel's audit reaches every jump's target (inet_diag_bc_audit's valid_cc)."""
    first = term(*pairs[0])
    if len(pairs) == 1:
        return first
    rest = bytecode(pairs[1:])
    return first + struct.pack("=BBH", BC_JMP, 4, len(rest) + 4) + rest


BUFFER = bytearray(1 << 20)  # one receive buffer for the helper's life: no 1 MB allocation per recv


def dump(sock, seq, family, states, pairs):
    # struct inet_diag_req_v2: family, protocol, ext, pad, states, then a zeroed inet_diag_sockid
    req = struct.pack("=BBBBI", family, socket.IPPROTO_TCP, 0, 0, states) + b"\0" * 48
    if pairs:
        code = bytecode(pairs)
        req += struct.pack("=HH", 4 + len(code), INET_DIAG_REQ_BYTECODE) + code
    sock.send(struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + req)
    out = []
    while True:
        size = sock.recv_into(BUFFER)
        data = BUFFER
        off = 0
        while off < size:
            length, kind, _flags, got = struct.unpack_from("=IHHI", data, off)
            if length < 16:
                raise OSError("short netlink message")
            if got == seq:
                if kind == NLMSG_DONE:
                    return out
                if kind == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", data, off + 16)[0]
                    raise OSError(err, os.strerror(err))
                if kind == SOCK_DIAG_BY_FAMILY:
                    # struct inet_diag_msg after the 16-byte header: state at 1, ports (big-endian) at
                    # 4 and 6, inode at 68
                    state = data[off + 17]
                    sport, dport = struct.unpack_from(">HH", data, off + 20)
                    inode = struct.unpack_from("=I", data, off + 84)[0]
                    if inode:
                        out.append("%d:%d:%d:%d" % (inode, state, sport, dport))
            off += (length + 3) & ~3


def main():
    try:
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    except OSError as err:
        sys.stdout.write("error %s\n" % err)
        sys.stdout.flush()
        return 1
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        seq = parts[0]
        try:
            family = socket.AF_INET if parts[1] == "4" else socket.AF_INET6
            pairs = [tuple(int(p) for p in word.split(":")) for word in parts[3:]]
            found = dump(sock, int(seq), family, int(parts[2], 16), pairs)
            sys.stdout.write("%s ok %s\n" % (seq, " ".join(found)))
        except (OSError, ValueError, IndexError) as err:
            sys.stdout.write("%s error %s\n" % (seq, err))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
