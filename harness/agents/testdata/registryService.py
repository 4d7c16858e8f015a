"""Test target: an HTTP service on 127.0.0.1 with two leaks and a fixed twin (argv[1]).

GET /job keeps every Job in a module-level registry (leaky) or lets it go (fixed).
GET /socket opens a socket and drops it unclosed (leaky: ResourceWarning) or closes it (fixed).
"""

import socket
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

MODE = sys.argv[1] if len(sys.argv) > 1 else "leaky"

_JOB_REGISTRY = {}


class Job:
    def __init__(self, n, payload):
        self.n = n
        self.payload = payload


def run_job(n):
    job = Job(n, bytearray(4096))
    if MODE == "leaky":
        _JOB_REGISTRY[n] = job
    return len(job.payload)


def probe_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if MODE == "fixed":
        sock.close()


class Handler(BaseHTTPRequestHandler):
    count = 0

    def do_GET(self):
        Handler.count += 1
        if self.path == "/socket":
            probe_socket()
        else:
            run_job(Handler.count)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(f"listening {server.server_address[1]}", flush=True)
server.serve_forever()
