#!/usr/bin/env python3
"""Holds a mix of TCP sockets until stdin closes (at most 60 s), for comparing socket sources:
20 IPv4 and 5 IPv6 loopback connections, one IPv4 client on a dual-stack IPv6 listener
(v4-mapped), 3 connections waiting in an accept queue, and 2 in CLOSE_WAIT. Prints 'ready'.
Loopback only, bounded."""
import select, socket, sys

keep = []
def listener(family, addr, backlog=64):
    s = socket.socket(family); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((addr, 0)); s.listen(backlog); keep.append(s); return s
def pairs(srv, family, addr, n, accept=True):
    port = srv.getsockname()[1]
    for _ in range(n):
        c = socket.socket(family); c.connect((addr, port)); keep.append(c)
        if accept: keep.append(srv.accept()[0])

pairs(listener(socket.AF_INET, "127.0.0.1"), socket.AF_INET, "127.0.0.1", 20)
dual = listener(socket.AF_INET6, "::")
pairs(dual, socket.AF_INET6, "::1", 5)
pairs(dual, socket.AF_INET, "127.0.0.1", 1)
pairs(listener(socket.AF_INET, "127.0.0.1", 8), socket.AF_INET, "127.0.0.1", 3, accept=False)
srv = listener(socket.AF_INET, "127.0.0.1")
for _ in range(2):   # the client closes; the server end stays in CLOSE_WAIT
    c = socket.create_connection(("127.0.0.1", srv.getsockname()[1])); s, _ = srv.accept(); keep.append(s); c.close()
print("ready", flush=True)
select.select([sys.stdin], [], [], 60)
