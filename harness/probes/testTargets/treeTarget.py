# Test target: a parent with two forked children, each holding 8 MiB of ballast, then all wait.
# argv: [connections] makes the parent also hold that many connections to a listener of its own.
# Prints "ready <child1> <child2>" once both children hold their ballast. Children exit when the
# parent's pipe closes or after 60 s.
import os
import select
import socket
import sys

r, w = os.pipe()
ready_r, ready_w = os.pipe()
kids = []
for i in range(2):
    pid = os.fork()
    if pid == 0:
        os.close(w)
        ballast = b"x" * (8 * 1024 * 1024)  # resident: every page is written
        os.write(ready_w, b"!")
        select.select([r], [], [], 60)
        os._exit(0)
    kids.append(pid)
os.close(r)
got = b""
n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
if n:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(n)
    clients = [socket.create_connection(listener.getsockname()) for _ in range(n)]
    accepted = [listener.accept()[0] for _ in range(n)]
while len(got) < 2:
    got += os.read(ready_r, 2 - len(got))
print("ready " + " ".join(map(str, kids)), flush=True)
select.select([sys.stdin], [], [], 60)
