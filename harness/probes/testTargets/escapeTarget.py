# Test target: double-forks a grandchild that calls setsid, so it leaves the process tree and is
# reparented away; only the run cookie in its environment still ties it to the run.
# argv: "ignore-term" makes the grandchild ignore SIGTERM. Prints "ready <grandchild>".
import os
import signal
import sys
import time

r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        if len(sys.argv) > 1 and sys.argv[1] == "ignore-term":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.write(w, f"{os.getpid()}\n".encode())
        time.sleep(60)
        os._exit(0)
    os._exit(0)
os.wait()
grandchild = os.read(r, 64).decode().strip()
print(f"ready {grandchild}", flush=True)
time.sleep(60)
