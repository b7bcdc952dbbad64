#!/usr/bin/env python3
"""Writes the hand-made fixture trees under Tests/Fixtures/ (all but `thismachine`, which is a
copy of a real host's files, and `idle_netns`, the snmp, netstat and snmp6 of a new namespace on
Linux 6.18). Formats follow the kernel's documentation and real files; the values are chosen so
tests can assert exact numbers. Run: python3 Tests/Fixtures/make_fixtures.py"""
import os, shutil, struct

HERE = os.path.dirname(os.path.abspath(__file__))

def write(root, rel, data, mode="w"):
    path = os.path.join(HERE, root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)

def fresh(root):
    shutil.rmtree(os.path.join(HERE, root), ignore_errors=True)

def netdev(rows):
    out = ("Inter-|   Receive                                                |  Transmit\n"
           " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
    for name, vals in rows:
        out += "%6s: %s\n" % (name, " ".join("%7d" % v for v in vals))
    return out

def pairs(sections):
    out = ""
    for name, kv in sections:
        out += name + ": " + " ".join(k for k, _ in kv) + "\n"
        out += name + ": " + " ".join(str(v) for _, v in kv) + "\n"
    return out

def v4hex(a, b, c, d):
    # One 32-bit word in host (little-endian) byte order, as /proc/net/tcp prints it.
    return "%08X" % struct.unpack("<I", bytes([a, b, c, d]))[0]

def v6hex(groups16):
    raw = b"".join(struct.pack(">H", g) for g in groups16)
    return "".join("%08X" % struct.unpack("<I", raw[i:i + 4])[0] for i in range(0, 16, 4))

TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
TCP6_HEADER = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
UDP_HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"

def tcp_row(i, local, lport, remote, rport, state, rxq=0, retr=0, inode=1000):
    return "%4d: %s:%04X %s:%04X %02X %08X:%08X 00:00000000 %08X     0        0 %d 1 0000000000000000 100 0 0 10 0\n" % (
        i, local, lport, remote, rport, state, 0, rxq, retr, inode)

def udp_row(i, local, lport, rxq, drops, inode):
    return "%5d: %s:%04X 00000000:0000 07 00000000:%08X 00:00000000 00000000     0        0 %d 2 0000000000000000 %d\n" % (
        i, local, lport, rxq, inode, drops)

SNMP_TCP = [("RtoAlgorithm", 1), ("RtoMin", 200), ("RtoMax", 120000), ("MaxConn", -1), ("ActiveOpens", 1000),
            ("PassiveOpens", 2000), ("AttemptFails", 10), ("EstabResets", 20), ("CurrEstab", 40), ("InSegs", 500000),
            ("OutSegs", 400000), ("RetransSegs", 1200), ("InErrs", 3), ("OutRsts", 55), ("InCsumErrors", 0)]

def server64():
    """A 64-CPU server, CPUs 62 and 63 offline; ixgbe eth0 (16 queues) and mlx5 ens1f0 (16 queues)."""
    root = "server64"; fresh(root)
    cpus = list(range(62))
    write(root, "proc/sys/kernel/hostname", "db-17\n")
    write(root, "proc/sys/kernel/osrelease", "5.15.0-91-generic\n")
    write(root, "sys/devices/system/cpu/online", "0-61\n")
    write(root, "proc/net/dev", netdev([
        ("lo", [123456, 1000, 0, 0, 0, 0, 0, 0, 123456, 1000, 0, 0, 0, 0, 0, 0]),
        ("eth0", [9876543210, 8000000, 2, 1500, 700, 3, 0, 1200, 1234567890, 6000000, 0, 4, 0, 0, 0, 0]),
        ("ens1f0", [5000000000, 4000000, 0, 0, 0, 0, 0, 10, 4000000000, 3000000, 0, 0, 0, 0, 0, 0]),
        ("eth1", [0] * 16),
    ]))
    for name, oper, carrier, speed in [("lo", "unknown", "1", None), ("eth0", "up", "1", "10000"),
                                       ("ens1f0", "up", "1", "25000"), ("eth1", "down", "0", "-1")]:
        write(root, "sys/class/net/%s/operstate" % name, oper + "\n")
        write(root, "sys/class/net/%s/carrier" % name, carrier + "\n")
        if speed: write(root, "sys/class/net/%s/speed" % name, speed + "\n")
        if speed: write(root, "sys/class/net/%s/duplex" % name, ("full" if speed != "-1" else "unknown") + "\n")
        write(root, "sys/class/net/%s/mtu" % name, ("65536" if name == "lo" else "9000") + "\n")
        write(root, "sys/class/net/%s/tx_queue_len" % name, "1000\n")
    stats = {"rx_missed_errors": 700, "rx_over_errors": 0, "rx_fifo_errors": 700, "rx_crc_errors": 3,
             "rx_length_errors": 0, "rx_frame_errors": 0, "rx_dropped": 800, "tx_dropped": 4}
    for k, v in stats.items():
        write(root, "sys/class/net/eth0/statistics/%s" % k, "%d\n" % v)
    # mlx5: the device link names the PCI function whose msi_irqs lists the IRQs.
    pci = "sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0"
    for irq in range(200, 216):
        write(root, pci + "/msi_irqs/%d" % irq, "msix\n")
    os.symlink("../../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0",
               os.path.join(HERE, root, "sys/class/net/ens1f0/device"))
    eth0pci = "sys/devices/pci0000:00/0000:00:02.0/0000:02:00.0"
    write(root, eth0pci + "/vendor", "0x8086\n")
    os.symlink("../../../devices/pci0000:00/0000:00:02.0/0000:02:00.0",
               os.path.join(HERE, root, "sys/class/net/eth0/device"))
    # interrupts: all traffic of eth0 queue q lands on CPU q (q < 16); ens1f0 all on CPU 0.
    out = " " * 11 + "".join("CPU%-8d" % c for c in cpus) + "\n"
    def row(label, counts, desc):
        return "%4s: %s  %s\n" % (label, " ".join("%10d" % c for c in counts), desc)
    out += row("0", [40] + [0] * 61, "IO-APIC   2-edge      timer")
    for q in range(16):
        counts = [0] * 62; counts[q] = 1000 * (q + 1)
        out += row(str(100 + q), counts, "PCI-MSI 1048576-edge      eth0-TxRx-%d" % q)
    for q in range(16):
        counts = [0] * 62; counts[0] = 50000 + q
        out += row(str(200 + q), counts, "mlx5_comp%d@pci:0000:3b:00.0" % q)
    out += row("NMI", [1] * 62, "Non-maskable interrupts")
    out += row("LOC", [99] * 62, "Local timer interrupts")
    out += "ERR:          0\nMIS:          0\n"
    write(root, "proc/interrupts", out)
    so = " " * 20 + "".join("CPU%-8d" % c for c in cpus) + "\n"
    for name in ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"]:
        vals = [(c + 1) * (10 if name == "NET_RX" else 3 if name == "NET_TX" else 1) for c in cpus]
        so += "%12s:%s\n" % (name, "".join("%11d" % v for v in vals))
    write(root, "proc/softirqs", so)
    sn = ""
    for c in cpus:
        dropped = 5 if c == 3 else 0
        cols = [1000 + c, dropped, 2 * c, 0, 0, 0, 0, 0, 0, 7, 0, 0, c]
        sn += " ".join("%08x" % v for v in cols) + "\n"
    write(root, "proc/net/softnet_stat", sn)
    write(root, "proc/net/snmp", pairs([
        ("Ip", [("Forwarding", 2), ("DefaultTTL", 64), ("InReceives", 1000000), ("InHdrErrors", 1), ("InAddrErrors", 0),
                ("ForwDatagrams", 0), ("InUnknownProtos", 0), ("InDiscards", 7), ("InDelivers", 999000),
                ("OutRequests", 900000), ("OutDiscards", 0), ("OutNoRoutes", 2), ("ReasmTimeout", 0), ("ReasmReqds", 0),
                ("ReasmOKs", 0), ("ReasmFails", 0), ("FragOKs", 0), ("FragFails", 0), ("FragCreates", 0)]),
        ("Tcp", SNMP_TCP),
        ("Udp", [("InDatagrams", 30000), ("NoPorts", 12), ("InErrors", 40), ("OutDatagrams", 29000), ("RcvbufErrors", 40),
                 ("SndbufErrors", 0), ("InCsumErrors", 0), ("IgnoredMulti", 0), ("MemErrors", 0)]),
    ]))
    write(root, "proc/net/netstat", pairs([
        ("TcpExt", [("SyncookiesSent", 0), ("PruneCalled", 0), ("ListenOverflows", 33), ("ListenDrops", 33),
                    ("TCPTimeouts", 9), ("TCPSynRetrans", 4), ("TCPBacklogDrop", 0)]),
        ("IpExt", [("InNoRoutes", 0), ("InOctets", 9999999), ("OutOctets", 8888888)]),
    ]))
    write(root, "proc/net/snmp6", "Ip6InReceives                   \t100\nIp6InDiscards                   \t0\n"
          "Icmp6InMsgs                     \t5\nIcmp6InType133                  \t2\nUdp6InDatagrams                 \t50\n"
          "Udp6RcvbufErrors                \t6\nUdpLite6InDatagrams             \t0\n")
    # Sockets: a listener on 5432 with 5 waiting connections, 30 established from 10.0.0.7,
    # 12 from 10.0.0.8 (2 retransmitting), 4 TIME_WAIT to 10.0.0.9, 3 CLOSE_WAIT on local port 8080.
    tcp, i, inode = TCP_HEADER, 0, 5000
    def add(*a, **k):
        nonlocal tcp, i, inode
        tcp += tcp_row(i, *a, inode=inode, **k); i += 1; inode += 1
    add(v4hex(0, 0, 0, 0), 5432, v4hex(0, 0, 0, 0), 0, 0x0A, rxq=5)
    add(v4hex(127, 0, 0, 1), 6379, v4hex(0, 0, 0, 0), 0, 0x0A)
    for n in range(30): add(v4hex(10, 0, 0, 1), 5432, v4hex(10, 0, 0, 7), 40000 + n, 0x01)
    for n in range(12): add(v4hex(10, 0, 0, 1), 5432, v4hex(10, 0, 0, 8), 41000 + n, 0x01, retr=(1 if n < 2 else 0))
    for n in range(4): add(v4hex(10, 0, 0, 1), 50000 + n, v4hex(10, 0, 0, 9), 80, 0x06)
    for n in range(3): add(v4hex(10, 0, 0, 1), 8080, v4hex(10, 0, 0, 10), 42000 + n, 0x08)
    add(v4hex(10, 0, 0, 1), 51000, v4hex(10, 0, 0, 11), 443, 0x02)
    write(root, "proc/net/tcp", tcp)
    tcp6 = TCP6_HEADER
    tcp6 += tcp_row(0, v6hex([0] * 8), 443, v6hex([0] * 8), 0, 0x0A, rxq=0, inode=9000)
    tcp6 += tcp_row(1, v6hex([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), 443, v6hex([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x42]), 50123, 0x01, inode=9001)
    tcp6 += tcp_row(2, v6hex([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]), 443, v6hex([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0007]), 50124, 0x01, inode=9002)
    write(root, "proc/net/tcp6", tcp6)
    udp = UDP_HEADER
    udp += udp_row(0, v4hex(0, 0, 0, 0), 514, 212992, 40, 7000)
    udp += udp_row(1, v4hex(127, 0, 0, 53), 53, 0, 0, 7001)
    write(root, "proc/net/udp", udp)
    write(root, "proc/net/udp6", UDP_HEADER.replace("rem_address   ", "remote_address") + udp_row(0, v6hex([0] * 8), 5353, 0, 6, 7002))
    write(root, "proc/net/sockstat", "sockets: used 321\nTCP: inuse 50 orphan 0 tw 4 alloc 52 mem 12\nUDP: inuse 2 mem 3\n"
          "UDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n")
    write(root, "proc/net/sockstat6", "TCP6: inuse 3\nUDP6: inuse 1\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n")
    for name, val in [("core/netdev_max_backlog", "1000"), ("core/netdev_budget", "300"), ("core/netdev_budget_usecs", "2000"),
                      ("core/somaxconn", "128"), ("core/rmem_default", "212992"), ("core/rmem_max", "212992"),
                      ("ipv4/tcp_rmem", "4096\t131072\t6291456"), ("ipv4/tcp_max_syn_backlog", "1024"),
                      ("ipv4/tcp_syncookies", "1"), ("ipv4/ip_local_port_range", "32768\t60999")]:
        write(root, "proc/sys/net/" + name, val + "\n")

def kernel310():
    """An old 3.10-era kernel: fewer snmp columns, 10-column softnet_stat, a name glued to its counter."""
    root = "kernel310"; fresh(root)
    write(root, "proc/sys/kernel/hostname", "centos7\n")
    write(root, "proc/sys/kernel/osrelease", "3.10.0-1160.el7.x86_64\n")
    write(root, "proc/net/dev",
          "Inter-|   Receive                                                |  Transmit\n"
          " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
          "    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0\n"
          "  eth0:1234567890 2000000    1    2    0     0          0        10 987654321 1500000    0    0    0     0       0          0\n")
    write(root, "proc/net/snmp", pairs([
        ("Ip", [("Forwarding", 1), ("DefaultTTL", 64), ("InReceives", 2000000), ("InHdrErrors", 0), ("InAddrErrors", 0),
                ("ForwDatagrams", 0), ("InUnknownProtos", 0), ("InDiscards", 0), ("InDelivers", 2000000),
                ("OutRequests", 1500000), ("OutDiscards", 0), ("OutNoRoutes", 0), ("ReasmTimeout", 0), ("ReasmReqds", 0),
                ("ReasmOKs", 0), ("ReasmFails", 0), ("FragOKs", 0), ("FragFails", 0), ("FragCreates", 0)]),
        ("Tcp", [("RtoAlgorithm", 1), ("RtoMin", 200), ("RtoMax", 120000), ("MaxConn", -1), ("ActiveOpens", 10),
                 ("PassiveOpens", 20), ("AttemptFails", 0), ("EstabResets", 1), ("CurrEstab", 2), ("InSegs", 3000),
                 ("OutSegs", 2500), ("RetransSegs", 5), ("InErrs", 0), ("OutRsts", 3)]),
        ("Udp", [("InDatagrams", 100), ("NoPorts", 1), ("InErrors", 0), ("OutDatagrams", 90), ("RcvbufErrors", 0), ("SndbufErrors", 0)]),
    ]))
    write(root, "proc/net/netstat", pairs([("TcpExt", [("SyncookiesSent", 0), ("ListenOverflows", 0), ("ListenDrops", 0)]),
                                           ("IpExt", [("InNoRoutes", 0), ("InOctets", 100)])]))
    write(root, "proc/net/softnet_stat",
          "0001e240 00000000 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n"
          "000186a0 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n")
    write(root, "proc/softirqs", "                    CPU0       CPU1       \n          HI:          0          0\n"
          "      NET_TX:         10         20\n      NET_RX:        300        400\n")
    write(root, "proc/interrupts", "           CPU0       CPU1       \n  0:         45          0   IO-APIC-edge      timer\n"
          " 27:     500000          0   PCI-MSI-edge      eth0\nNMI:          0          0   Non-maskable interrupts\nERR:          0\n")
    write(root, "proc/net/tcp", TCP_HEADER + tcp_row(0, v4hex(0, 0, 0, 0), 22, v4hex(0, 0, 0, 0), 0, 0x0A, inode=1)
          + tcp_row(1, v4hex(192, 168, 1, 5), 22, v4hex(192, 168, 1, 100), 51000, 0x01, inode=2))
    write(root, "proc/net/udp", UDP_HEADER)
    write(root, "proc/net/sockstat", "sockets: used 80\nTCP: inuse 2 orphan 0 tw 0 alloc 3 mem 1\nUDP: inuse 1 mem 0\n")
    write(root, "sys/class/net/eth0/operstate", "up\n")
    write(root, "sys/class/net/eth0/carrier", "1\n")
    write(root, "sys/class/net/eth0/speed", "100\n")
    write(root, "sys/class/net/eth0/duplex", "half\n")   # an old 100 Mbit/s hub link

def container():
    """A container-like tree: no snmp, no interrupts (hidden), the rest present."""
    root = "container"; fresh(root)
    write(root, "proc/net/dev", netdev([("lo", [0] * 16), ("eth0", [1000, 10, 0, 0, 0, 0, 0, 0, 2000, 20, 0, 0, 0, 0, 0, 0])]))
    write(root, "proc/net/netstat", pairs([("TcpExt", [("ListenOverflows", 0)])]))
    write(root, "proc/softirqs", "                    CPU0       \n      NET_TX:          1\n      NET_RX:          2\n")
    write(root, "proc/net/tcp", TCP_HEADER)
    write(root, "sys/class/net/eth0/operstate", "up\n")

def broken():
    """Truncated and garbage files: each must cost only its own section."""
    root = "broken"; fresh(root)
    # net/dev cut mid-row.
    write(root, "proc/net/dev", netdev([("lo", [1] * 16)]) + "  eth0:    5903      41    0")
    write(root, "proc/net/snmp", "\x00\x01garbage without structure\xff\n")
    write(root, "proc/net/netstat", pairs([("TcpExt", [("ListenOverflows", 5), ("ListenDrops", 99999999999999999999999)])]))
    write(root, "proc/net/softnet_stat", "zzzzzzzz 00000000\n")
    write(root, "proc/interrupts", "           CPU0\n 24:  99999999999999999999999  IO-APIC 5-edge x\n")
    write(root, "proc/softirqs", b"")
    write(root, "proc/net/tcp", TCP_HEADER + tcp_row(0, v4hex(127, 0, 0, 1), 80, v4hex(0, 0, 0, 0), 0, 0x0A, inode=1)
          + "   1: GARBAGE\n" + tcp_row(2, v4hex(127, 0, 0, 1), 81, v4hex(127, 0, 0, 1), 5000, 0x01, inode=2)
          + "   3: 0100007F:00")
    write(root, "proc/net/sockstat", "sockets used\n")

def oddnames():
    """Interface names holding an ESC sequence, a stray 0xff byte, a right-to-left override
    (U+202E) and a zero-width space (U+200B)."""
    root = "oddnames"; fresh(root)
    hdr = ("Inter-|   Receive                                                |  Transmit\n"
           " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
    body = (b"  ev\x1b[31mil: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n  b\xffd: 7 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n  a\\b: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
            + "  \u202e1: 3 1 0 0 0 0 0 0 3 1 0 0 0 0 0 0\n  \u200b: 4 1 0 0 0 0 0 0 4 1 0 0 0 0 0 0\n".encode())
    write(root, "proc/net/dev", hdr.encode() + body)

def server64_later():
    """server64 two seconds later: eth0 received 200,000 packets (250 MB) with 100 drops and 40
    FIFO overruns, CPU 3 dropped 10 from its backlog, 60 TCP retransmits out of 2,000 segments."""
    root = "server64_later"; fresh(root)
    shutil.copytree(os.path.join(HERE, "server64"), os.path.join(HERE, root), symlinks=True)
    write(root, "proc/net/dev", netdev([
        ("lo", [123456, 1000, 0, 0, 0, 0, 0, 0, 123456, 1000, 0, 0, 0, 0, 0, 0]),
        ("eth0", [9876543210 + 250000000, 8000000 + 200000, 2, 1600, 740, 3, 0, 1200, 1234567890 + 10000000, 6000000 + 80000, 0, 4, 0, 0, 0, 0]),
        ("ens1f0", [5000000000, 4000000, 0, 0, 0, 0, 0, 10, 4000000000, 3000000, 0, 0, 0, 0, 0, 0]),
        ("eth1", [0] * 16),
    ]))
    tcp = [(k, v + {"OutSegs": 2000, "RetransSegs": 60, "InSegs": 3000, "ActiveOpens": 4}.get(k, 0)) for k, v in SNMP_TCP]
    snmp = open(os.path.join(HERE, root, "proc/net/snmp")).read().split("\n")
    out = []
    for line in snmp:
        if line.startswith("Tcp:") and not line.split()[1].isalpha():
            line = "Tcp: " + " ".join(str(v) for _, v in tcp)
        out.append(line)
    write(root, "proc/net/snmp", "\n".join(out))
    # The breakdown behind those 100 drops and 40 FIFO errors: the ring overflowed 40 times
    # (rx_missed_errors, folded into the drop column, and rx_fifo_errors), the stack dropped 60.
    for k, v in {"rx_missed_errors": 740, "rx_fifo_errors": 740, "rx_dropped": 860}.items():
        write(root, "sys/class/net/eth0/statistics/%s" % k, "%d\n" % v)
    sn = ""
    for c in range(62):
        dropped = 5 + 10 if c == 3 else 0
        cols = [1000 + c + (20000 if c == 3 else 0), dropped, 2 * c, 0, 0, 0, 0, 0, 0, 7, 0, 0, c]
        sn += " ".join("%08x" % v for v in cols) + "\n"
    write(root, "proc/net/softnet_stat", sn)
    # eth0 queue 3 (IRQ 103) took 50,000 more interrupts, all on CPU 3, and CPU 3 ran 60,000
    # more NET_RX softirqs: one CPU drowning while the others idle.
    lines = open(os.path.join(HERE, root, "proc/interrupts")).read().split("\n")
    for k, line in enumerate(lines):
        if line.startswith(" 103:"):
            label, rest = line.split(":", 1)
            fields = rest.split()
            counts, desc = [int(v) for v in fields[:62]], " ".join(fields[62:])
            counts[3] += 50000
            lines[k] = "%4s: %s  %s" % (label.strip(), " ".join("%10d" % c for c in counts), desc)
    write(root, "proc/interrupts", "\n".join(lines))
    lines = open(os.path.join(HERE, root, "proc/softirqs")).read().split("\n")
    for k, line in enumerate(lines):
        if line.strip().startswith("NET_RX:"):
            vals = [int(v) for v in line.split(":", 1)[1].split()]
            vals[3] += 60000
            lines[k] = "%12s:%s" % ("NET_RX", "".join("%11d" % v for v in vals))
    write(root, "proc/softirqs", "\n".join(lines))

def longnames():
    """server64's /proc with 15-character interface names (Calico, LXC, Docker bridges), for layouts."""
    root = "longnames"; fresh(root)
    for rel in ("proc/net/snmp", "proc/net/netstat", "proc/net/snmp6", "proc/net/softnet_stat", "proc/softirqs",
                "proc/interrupts", "proc/net/tcp", "proc/net/tcp6", "proc/net/udp", "proc/net/udp6",
                "proc/net/sockstat", "proc/net/sockstat6", "sys/devices/system/cpu/online"):
        write(root, rel, open(os.path.join(HERE, "server64", rel)).read())
    write(root, "proc/sys/kernel/hostname", "k8s-node-07\n")
    write(root, "proc/sys/kernel/osrelease", "6.1.0-13-amd64\n")
    names = ["cali0123456789a", "lxcbr0123456789", "br-3f2a1b9c8d7e", "enp129s0f1np1", "vethab12cd34ef5"]
    rows = []
    for k, name in enumerate(names):
        rows.append((name, [98765432100 * (k + 1), 80000000, 123456, 15000, 7000, 30, 2, 120000,
                            12345678900, 60000000, 11, 40, 5, 6, 7, 0]))
        write(root, "sys/class/net/%s/operstate" % name, "up\n")
        write(root, "sys/class/net/%s/carrier" % name, "1\n")
        write(root, "sys/class/net/%s/speed" % name, "100000\n")
        write(root, "sys/class/net/%s/duplex" % name, "full\n")
        write(root, "sys/class/net/%s/mtu" % name, "1500\n")
        write(root, "sys/class/net/%s/tx_queue_len" % name, "1000\n")
    write(root, "proc/net/dev", netdev(rows))

if __name__ == "__main__":
    for make in (server64, server64_later, kernel310, container, broken, oddnames, longnames):
        make()
        write(make.__name__, "sys/.keep", "")
