#!/usr/bin/env python3
"""Sends a bounded UDP flood and stops by itself: COUNT datagrams of SIZE bytes to HOST:PORT,
spread over SECONDS. Send errors (ENOBUFS from a full queue, EHOSTUNREACH after a failed
neighbour resolution) are counted, not fatal. Prints 'ready 0' before it starts and
'sent N failed M' at the end.
Usage: flood.py HOST PORT COUNT SECONDS SIZE"""
import socket, sys, time

host, port, count, seconds, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
tx = socket.socket(family, socket.SOCK_DGRAM)
payload = b"x" * size
print("ready 0", flush=True)
sent = failed = 0
start = time.time()
for i in range(count):
    try:
        tx.sendto(payload, (host, port))
        sent += 1
    except OSError:
        failed += 1
    lag = start + seconds * (i + 1) / count - time.time()
    if lag > 0:
        time.sleep(lag)
print("sent", sent, "failed", failed, flush=True)
