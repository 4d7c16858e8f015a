"""A process tree read through /proc from inside its root: what seep's probes read from outside.

Used by the pytest plugin (seep_pytest.py), whose test runs in the process it measures. The same
figures as harness/probes (sampler.ts, fds.ts, tcpSockets.ts): RSS and threads summed over the tree
from /proc/PID/stat, fds by kind from their link targets, inet sockets as the socket inodes of the
tree found in /proc/PID/net/tcp and tcp6 (TIME_WAIT has inode 0: nobody's), children as the tree
less its root. Standard library only; Linux only.
"""

import os
import socket
import struct

TCP_STATES = ("ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
              "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid):
    """(ppid, threads, rss pages) of a process, None when it is gone; fields after the last ')'."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            text = f.read().decode("latin1")
    except (FileNotFoundError, ProcessLookupError):
        return None
    f = text[text.rindex(")") + 2:].split()
    if f[0] in ("Z", "X"):
        return None
    return int(f[1]), int(f[17]), int(f[21])  # fields 4, 20 and 24 of proc(5)


def _children(pid):
    out = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for tid in tids:  # a child's parent is the thread that forked it
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(c) for c in f.read().split())
        except FileNotFoundError:
            continue
    return out


def tree(root=None):
    """[(pid, threads, rss bytes)] of the root and its descendants, root first."""
    root = root or os.getpid()
    out, seen, queue = [], set(), [(root, None)]
    while queue:
        pid, parent = queue.pop(0)
        st = _stat(pid)
        if pid in seen or st is None or (parent is not None and st[0] != parent):
            continue
        seen.add(pid)
        out.append((pid, st[1], st[2] * _PAGE))
        queue.extend((c, pid) for c in _children(pid))
    return out


def _fds(pid):
    """[(fd, link target)] of a process; [] when it is gone."""
    d = f"/proc/{pid}/fd"
    out = []
    try:
        names = os.listdir(d)
    except FileNotFoundError:
        return out
    for n in names:
        try:
            out.append((int(n), os.readlink(f"{d}/{n}")))
        except (FileNotFoundError, OSError):
            continue  # closed between the listing and the read
    return out


def _kind(target):
    if target.startswith("socket:["):
        return "socket"
    if target.startswith("pipe:["):
        return "pipe"
    return "file" if target.startswith("/") else "other"


def _address(hex_addr):
    ip, port = hex_addr.split(":")
    raw = bytes.fromhex(ip)
    # the kernel prints each 32-bit word in host byte order
    words = b"".join(struct.pack("=I", w) for w in struct.unpack(">" + "I" * (len(raw) // 4), raw))
    if len(words) == 4:
        return f"{socket.inet_ntop(socket.AF_INET, words)}:{int(port, 16)}"
    return f"[{socket.inet_ntop(socket.AF_INET6, words)}]:{int(port, 16)}"


def tcp_table(pid=None):
    """inode -> (state, local, remote) for the tcp and tcp6 tables of the process's namespace."""
    pid = pid or os.getpid()
    table = {}
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{name}") as f:
                lines = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            f = line.split()
            if len(f) < 10 or f[9] == "0":
                continue
            table[int(f[9])] = (TCP_STATES[int(f[3], 16) - 1], _address(f[1]), _address(f[2]))
    return table


def sample():
    """The sample values seep's sampler reads for a tree (its METRICS names), the TCP states and the pids."""
    procs = tree()
    values = {"rss": sum(p[2] for p in procs), "threads": sum(p[1] for p in procs), "children": len(procs) - 1}
    kinds = {"file": 0, "socket": 0, "pipe": 0, "other": 0}
    inodes = set()
    for pid, _t, _r in procs:
        for _fd, target in _fds(pid):
            k = _kind(target)
            kinds[k] += 1
            if k == "socket":
                inodes.add(int(target[8:-1]))
    values.update(fds=sum(kinds.values()), fdFile=kinds["file"], fdSocket=kinds["socket"], fdPipe=kinds["pipe"], fdOther=kinds["other"])
    table = tcp_table()
    tcp = {}
    for inode in inodes:
        entry = table.get(inode)
        if entry:
            tcp[entry[0]] = tcp.get(entry[0], 0) + 1
    values["sockets"] = sum(tcp.values())
    return values, tcp, sorted(p[0] for p in procs)


def command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip() or f"[pid {pid}]"
    except FileNotFoundError:
        return f"[pid {pid} exited]"


def identities():
    """The tree's processes, inet sockets and fds as seep's leftovers ({kind, id, detail}), for "which ones are new"."""
    procs = tree()
    table = tcp_table()
    processes, sockets, fds = [], [], []
    for pid, _t, _r in procs:
        processes.append({"kind": "process", "id": str(pid), "detail": command_line(pid)})
        for fd, target in _fds(pid):
            fds.append({"kind": "fd", "id": f"{pid}:{fd}", "detail": target})
            if target.startswith("socket:["):
                entry = table.get(int(target[8:-1]))
                if entry:
                    sockets.append({"kind": "socket", "id": target[8:-1], "detail": f"{entry[0]} {entry[1]} -> {entry[2]} (pid {pid})"})
    return {"processes": processes, "sockets": sockets, "fds": fds}


def new_since(before, after):
    """What is in `after` and was not in `before`, per kind (goleak's identities, as runner/identityDiff.ts)."""
    out = {}
    for key, items in after.items():
        seen = {x["id"] for x in before.get(key, [])}
        out[key] = [x for x in items if x["id"] not in seen]
    return out


def carrying(cookie_name, cookie):
    """Pids (other than this process's tree) whose environment carries the cookie: escaped descendants."""
    needle = f"{cookie_name}={cookie}".encode()
    inside = {p[0] for p in tree()}
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in inside:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(name))
        except OSError:
            continue  # another user's process, or gone
    return found
