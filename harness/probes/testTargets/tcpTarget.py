# Test target: owns a listener on 127.0.0.1 and N connections to it (both ends), then waits.
# argv: N. Prints "ready <port>" once every connection is accepted. Exits on stdin EOF or after 60 s.
import socket
import sys
import select

n = int(sys.argv[1])
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(n)
port = listener.getsockname()[1]
clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
accepted = [listener.accept()[0] for _ in range(n)]
print(f"ready {port}", flush=True)
select.select([sys.stdin], [], [], 60)
