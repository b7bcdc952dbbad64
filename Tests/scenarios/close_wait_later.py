#!/usr/bin/env python3
"""A crowded namespace where connections go to CLOSE_WAIT later, for the socket tiers' test.
Usage: close_wait_later.py PAIRS CLOSING   Holds PAIRS loopback connections (2 x PAIRS ESTABLISHED
sockets, at most 2,500 pairs), prints 'ready', waits for a line on stdin, then opens CLOSING more
connections (at most 200) whose client ends close while the server ends stay open: CLOSING sockets
in CLOSE_WAIT, and CLOSING FIN_WAIT2 sockets that the kernel keeps as timewait minisockets.
Prints 'closewait CLOSING' and holds everything until stdin closes (at most 60 s). Loopback only."""
import select, socket, sys

pairs, closing = min(2500, int(sys.argv[1])), min(200, int(sys.argv[2]))
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
for _ in range(closing):
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    keep.append(srv.accept()[0])     # the server end never closes: CLOSE_WAIT
    c.close()                        # the client end: FIN_WAIT2, then a minisocket
print("closewait", closing, flush=True)
select.select([sys.stdin], [], [], 60)
