#!/usr/bin/env python3
"""Opens a known set of loopback TCP connections and holds them until stdin closes (at most 60 s).
Usage: tcp_connections.py N BYTES  -> N connections to one 127.0.0.1 listener, BYTES sent on each,
then prints 'ready PORT'. Bounded: N <= 1000, BYTES <= 10 MB, loopback only."""
import select, socket, sys

n, nbytes = int(sys.argv[1]), int(sys.argv[2])
assert 0 < n <= 1000 and 0 <= nbytes <= 10_000_000
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(n + 16)
port = srv.getsockname()[1]
pairs = []
for _ in range(n):
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    s, _ = srv.accept()
    pairs.append((c, s))
for c, s in pairs:
    if nbytes:
        c.sendall(b"x" * nbytes)
        got = 0
        while got < nbytes:
            got += len(s.recv(1 << 20))
print("ready", port, flush=True)
select.select([sys.stdin], [], [], 60)
