#!/usr/bin/env python3
"""A loopback UDP socket load for benchmarks: one process binding SOCKETS UDP sockets on
127.0.0.1 (nothing sent). Prints 'ready' once they are bound; runs until stdin closes (at most
HOLD seconds, default 120).
Usage: udp_load.py SOCKETS [HOLD]"""
import resource, select, socket, sys

count = int(sys.argv[1])
hold_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 120
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
if hard != resource.RLIM_INFINITY and count + 100 > hard:
    sys.exit(f"udp_load.py: {count} sockets need {count + 100} files; the limit is {hard} (run several)")
resource.setrlimit(resource.RLIMIT_NOFILE, (count + 100, hard))
keep = []
for _ in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    keep.append(s)
print("ready", flush=True)
select.select([sys.stdin], [], [], hold_seconds)
