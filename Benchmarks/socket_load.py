#!/usr/bin/env python3
"""A loopback TCP socket load for benchmarks: SOCKETS sockets (connected pairs, both ends held)
spread over processes of at most 19,000 sockets each (one process may hold 20,000 files).
Run it inside a network namespace (Benchmarks/measure_modes.sh makes one). Prints 'ready N'
once every process holds its sockets; runs until stdin closes (at most HOLD seconds, default 600).
Usage: socket_load.py SOCKETS [HOLD]"""
import os, resource, select, socket, sys

PER_PROCESS = 19_000


def hold(pairs, done):
    resource.setrlimit(resource.RLIMIT_NOFILE, (20_000, 20_000))
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)
    port, keep = srv.getsockname()[1], []
    for _ in range(pairs):
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
        keep.append(c)
        keep.append(srv.accept()[0])
    os.write(done, b"x")
    select.select([sys.stdin], [], [], hold_seconds)
    os._exit(0)


total = int(sys.argv[1])
hold_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 600
left, children = total // 2, []
r, w = os.pipe()
while left > 0:
    pairs = min(left, PER_PROCESS // 2)
    left -= pairs
    pid = os.fork()
    if pid == 0:
        hold(pairs, w)
    children.append(pid)
for _ in children:
    os.read(r, 1)
print("ready", total, flush=True)
select.select([sys.stdin], [], [], hold_seconds)
for pid in children:
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass
for pid in children:
    os.waitpid(pid, 0)
