#!/usr/bin/env python3
"""A crowded namespace whose listener starts overflowing later, for freshness tests.
Usage: crowded_overflow.py PAIRS   Holds PAIRS loopback connections (2 x PAIRS sockets, at most
2,500 pairs), prints 'ready', waits for a line on stdin, then opens a listener with backlog 1
that is never accept()ed, prints 'overflowing PORT' and connects to it 30 times a second until
stdin closes (at most 30 s). Loopback only, bounded."""
import select, socket, sys, time

pairs = min(2500, int(sys.argv[1]))
keep = []
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]
for _ in range(pairs):
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    keep.append(c)
    keep.append(srv.accept()[0])
print("ready", flush=True)
sys.stdin.readline()
full = socket.socket()
full.bind(("127.0.0.1", 0))
full.listen(1)                       # backlog 1 and never accept()
print("overflowing", full.getsockname()[1], flush=True)
clients = []
deadline = time.time() + 30
while time.time() < deadline and len(clients) < 900:
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", full.getsockname()[1]))
    clients.append(c)
    if select.select([sys.stdin], [], [], 1 / 30)[0]:
        break
