#!/usr/bin/env python3
"""Makes one kind of network trouble on loopback inside a test's own namespace, bounded in count
and time, and stops by itself. Prints 'ready PORT PID' when the trouble is about to start (or holds).
Usage: trouble.py SCENARIO   (udp-rcvbuf4, udp-rcvbuf6, closed-port, accept-queue, close-wait,
time-wait, reset-storm, idle)"""
import os, socket, sys, time

scenario = sys.argv[1]
# Seconds of trouble: 3, or TROUBLE_SECONDS for a test that needs it to outlast a slow first sample
# (a debug build on a host with hundreds of namespaces); the paced counts keep their rate.
DURATION = float(os.environ.get("TROUBLE_SECONDS", "3"))
SCALE = DURATION / 3.0
deadline = time.time() + 20   # never run longer than this


def ready(port):
    print("ready", port, os.getpid(), flush=True)   # the PID: the process droptop must name as the owner


def paced(total, seconds, action):
    """Runs action() `total` times spread over `seconds`."""
    start = time.time()
    for i in range(total):
        action(i)
        lag = start + seconds * (i + 1) / total - time.time()
        if lag > 0:
            time.sleep(lag)


if scenario in ("udp-rcvbuf4", "udp-rcvbuf6"):
    family, host = (socket.AF_INET, "127.0.0.1") if scenario.endswith("4") else (socket.AF_INET6, "::1")
    rx = socket.socket(family, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)   # tiny, and never read
    rx.bind((host, 0))
    port = rx.getsockname()[1]
    tx = socket.socket(family, socket.SOCK_DGRAM)
    ready(port)
    paced(int(3000 * SCALE), DURATION, lambda i: tx.sendto(b"x" * 1000, (host, port)))
elif scenario == "closed-port":
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ready(9)
    paced(int(1500 * SCALE), DURATION, lambda i: tx.sendto(b"x" * 100, ("127.0.0.1", 9)))
elif scenario == "accept-queue":
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)                                    # backlog 1 and never accept()
    port = srv.getsockname()[1]
    ready(port)
    clients = []
    def connect(i):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect_ex(("127.0.0.1", port))
        except OSError:
            pass
        clients.append(c)
    paced(int(300 * SCALE), DURATION, connect)
elif scenario == "close-wait":
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    port = srv.getsockname()[1]
    accepted = []
    for i in range(60):
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        s, _ = srv.accept()
        accepted.append(s)          # the server never closes these
        c.close()                   # the client does: the server side sits in CLOSE_WAIT
    ready(port)
    time.sleep(DURATION)
elif scenario == "time-wait":
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(256)
    port = srv.getsockname()[1]
    for i in range(150):
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        s, _ = srv.accept()
        c.close()                   # the client closes first: its side goes to TIME_WAIT
        s.close()
    ready(port)
    time.sleep(DURATION)
elif scenario == "reset-storm":
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()                   # a port nobody listens on: every connect gets a RST
    ready(port)
    def connect(i):
        c = socket.socket()
        c.connect_ex(("127.0.0.1", port))
        c.close()
    paced(int(600 * SCALE), DURATION, connect)
elif scenario == "idle":
    ready(0)
    time.sleep(DURATION)
else:
    sys.exit("unknown scenario " + scenario)
