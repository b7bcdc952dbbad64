#!/usr/bin/env python3
"""Makes one more kind of network trouble inside a test's own namespace(s), bounded in count and
time, and stops by itself. Prints 'ready PORT' when the trouble is about to start.
Usage: more_trouble.py SCENARIO [DESTINATION]
  min-ttl          TCP SYNs over loopback (TTL 64) to a listener with IP_MINTTL 255
  no-route         UDP to 192.0.2.1 from a namespace without a default route
  reassembly DEST  first fragments only (MF set, offset 0) to DEST; none is ever completed
  udp-csum DEST    UDP datagrams with a wrong checksum to port 9 of DEST (raw socket)
  spoofed DEST     UDP to DEST from a source DEST has no route back to (raw socket)
  tcp-csum DEST    TCP SYNs with a wrong checksum to port 9 of DEST (raw socket)
  icmp-csum DEST   ICMP echo requests with a wrong checksum to DEST (raw socket)
  ip-truncated DEST IF MAC   IPv4 to DEST claiming 200 bytes more than it has, as frames on IF to MAC
  ip-bad-csum DEST IF MAC    IPv4 to DEST with a wrong header checksum, as frames on IF to MAC
  unknown-proto    IP packets of an unused protocol (253) to 127.0.0.1
  udp DEST         plain UDP datagrams to DEST (port 9)
  udp-ttl1 DEST    UDP datagrams with TTL 1 to DEST (they expire at the first router)
  udp-df DEST      1400-byte UDP datagrams with DF set to DEST (IP_PMTUDISC_PROBE: DF whatever
                   the path MTU the sender learns, so every one reaches the router)"""
import socket, struct, sys, time

scenario = sys.argv[1]
destination = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
DURATION = 3.0                # seconds of trouble
deadline = time.time() + 20   # never run longer than this

IP_MINTTL = 21                # <linux/in.h>
IP_MTU_DISCOVER, IP_PMTUDISC_PROBE = 10, 3


def ready(port):
    print("ready", port, flush=True)


def paced(total, seconds, action):
    """Runs action(i) `total` times spread over `seconds`; OSError from one action is ignored."""
    start = time.time()
    for i in range(total):
        if time.time() > deadline:
            break
        try:
            action(i)
        except OSError:
            pass
        lag = start + seconds * (i + 1) / total - time.time()
        if lag > 0:
            time.sleep(lag)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4_header(src, dst, protocol, payload_length, ident, flags_offset, ttl=64):
    # The kernel fills in the header checksum (and the id when it is 0) for IP_HDRINCL.
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_length, ident, flags_offset, ttl,
                       protocol, 0, socket.inet_aton(src), socket.inet_aton(dst))


def raw_sender():
    # IPPROTO_RAW: send only, the header is ours; it never receives what it sends.
    return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)


def source_for(dst):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.connect((dst, 9))
    src = probe.getsockname()[0]
    probe.close()
    return src


if scenario == "min-ttl":
    srv = socket.socket()
    srv.setsockopt(socket.IPPROTO_IP, IP_MINTTL, 255)   # only packets that crossed no router
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    port = srv.getsockname()[1]
    clients = []
    def connect(i):
        c = socket.socket()
        c.setblocking(False)
        clients.append(c)                 # kept open: closing a SYN_SENT socket sends nothing
        c.connect_ex(("127.0.0.1", port))
    ready(port)
    paced(600, DURATION, connect)
elif scenario == "no-route":
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ready(9)
    paced(1500, DURATION, lambda i: tx.sendto(b"x" * 100, ("192.0.2.1", 9)))   # ENETUNREACH
elif scenario == "reassembly":
    # Over a veth: on loopback the kernel's expiry path reports its drops as IP_LOCALNET.
    src = source_for(destination)
    tx = raw_sender()
    udp = struct.pack("!HHHH", 40000, 9, 8 + 1400, 0) + b"x" * 1024          # claims 1408 bytes
    ready(9)
    MF = 0x2000
    paced(600, DURATION, lambda i: tx.sendto(
        ipv4_header(src, destination, socket.IPPROTO_UDP, len(udp), 1 + i, MF) + udp, (destination, 0)))
elif scenario == "udp-csum":
    # To port 9 of DESTINATION, where nothing listens: the checksum is checked before the port.
    src = source_for(destination)
    tx = raw_sender()
    payload = b"x" * 100
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(destination) + struct.pack("!BBH", 0, 17, length)
    good = checksum(pseudo + struct.pack("!HHHH", 40000, 9, length, 0) + payload) or 0xFFFF
    bad = good ^ 0x0101                                              # wrong, and never 0 (none)
    udp = struct.pack("!HHHH", 40000, 9, length, bad) + payload
    packet = ipv4_header(src, destination, socket.IPPROTO_UDP, len(udp), 0, 0) + udp
    ready(9)
    paced(900, DURATION, lambda i: tx.sendto(packet, (destination, 0)))
elif scenario == "spoofed":
    # UDP from 10.20.0.5, a source DEST has no route back to: reverse path filtering drops it.
    tx = raw_sender()
    udp = struct.pack("!HHHH", 40000, 9, 8 + 100, 0) + b"x" * 100        # checksum 0: none
    packet = ipv4_header("10.20.0.5", destination, socket.IPPROTO_UDP, len(udp), 0, 0) + udp
    ready(9)
    paced(900, DURATION, lambda i: tx.sendto(packet, (destination, 0)))
elif scenario == "tcp-csum":
    # TCP SYNs with a wrong checksum to port 9 of DEST: counted before any socket lookup.
    src = source_for(destination)
    tx = raw_sender()
    def syn(i):
        header = struct.pack("!HHIIBBHHH", 40000 + i % 1000, 9, i, 0, 5 << 4, 0x02, 65535, 0, 0)
        pseudo = socket.inet_aton(src) + socket.inet_aton(destination) + struct.pack("!BBH", 0, 6, len(header))
        bad = checksum(pseudo + header) ^ 0x0101
        header = header[:16] + struct.pack("!H", bad) + header[18:]
        tx.sendto(ipv4_header(src, destination, socket.IPPROTO_TCP, len(header), 0, 0) + header, (destination, 0))
    ready(9)
    paced(900, DURATION, syn)
elif scenario == "icmp-csum":
    # ICMP echo requests with a wrong checksum to DEST: dropped before any reply.
    src = source_for(destination)
    tx = raw_sender()
    body = b"x" * 56
    bad = checksum(struct.pack("!BBHHH", 8, 0, 0, 1, 1) + body) ^ 0x0101
    icmp = struct.pack("!BBHHH", 8, 0, bad, 1, 1) + body
    packet = ipv4_header(src, destination, socket.IPPROTO_ICMP, len(icmp), 0, 0) + icmp
    ready(0)
    paced(900, DURATION, lambda i: tx.sendto(packet, (destination, 0)))
elif scenario in ("ip-truncated", "ip-bad-csum"):
    # Ethernet frames written on interface IF to MAC (AF_PACKET: no IP layer of ours in the way),
    # carrying UDP to DEST with an IPv4 header that is wrong: a total length 200 bytes longer than
    # the packet, or a header checksum off by one bit.
    interface, mac = sys.argv[3], bytes.fromhex(sys.argv[4].replace(":", ""))
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((interface, 0))
    src = source_for(destination)
    udp = struct.pack("!HHHH", 40000, 9, 8 + 100, 0) + b"x" * 100
    header = bytearray(ipv4_header(src, destination, socket.IPPROTO_UDP, len(udp), 1, 0))
    if scenario == "ip-truncated":
        header[2:4] = struct.pack("!H", 20 + len(udp) + 200)
    header[10:12] = struct.pack("!H", checksum(bytes(header)) ^ (0x0100 if scenario == "ip-bad-csum" else 0))
    frame = mac + tx.getsockname()[4] + b"\x08\x00" + bytes(header) + udp
    ready(0)
    paced(900, DURATION, lambda i: tx.send(frame))
elif scenario == "unknown-proto":
    tx = raw_sender()
    ready(0)
    paced(900, DURATION, lambda i: tx.sendto(
        ipv4_header("127.0.0.1", "127.0.0.1", 253, 64, 0, 0) + b"x" * 64, ("127.0.0.1", 0)))
elif scenario in ("udp", "udp-ttl1", "udp-df"):
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    size = 100
    if scenario == "udp-ttl1":
        tx.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)
    elif scenario == "udp-df":
        tx.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE)
        size = 1400
    ready(9)
    paced(900, DURATION, lambda i: tx.sendto(b"x" * size, (destination, 9)))
else:
    sys.exit("unknown scenario " + scenario)
