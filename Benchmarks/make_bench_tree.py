#!/usr/bin/env python3
"""Writes a large synthetic /proc + /sys tree for the benchmark: 100,000 sockets in tcp+tcp6
(70k/30k), 128 CPUs in interrupts, softirqs and softnet_stat, 64 NIC queue IRQs.
Usage: make_bench_tree.py DIR"""
import os, random, shutil, struct, sys

root = sys.argv[1]
shutil.rmtree(root, ignore_errors=True)
random.seed(7)
def w(rel, text):
    p = os.path.join(root, rel); os.makedirs(os.path.dirname(p), exist_ok=True); open(p, "w").write(text)
src = "/proc"
for rel in ["net/dev", "net/snmp", "net/netstat", "net/snmp6", "net/sockstat", "net/sockstat6", "net/udp", "net/udp6"]:
    w("proc/" + rel, open(os.path.join(src, rel)).read())
ncpu = 128
hdr = " " * 11 + "".join("CPU%-8d" % c for c in range(ncpu)) + "\n"
rows = []
for irq in range(300):
    desc = ("PCI-MSI 1048576-edge eth0-TxRx-%d" % (irq - 100)) if 100 <= irq < 164 else "IO-APIC %d-edge dev%d" % (irq, irq)
    rows.append("%4d: %s  %s\n" % (irq, " ".join("%10d" % random.randrange(10**9) for _ in range(ncpu)), desc))
for name in ["NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM"]:
    rows.append("%4s: %s  %s interrupts\n" % (name, " ".join("%10d" % random.randrange(10**9) for _ in range(ncpu)), name))
w("proc/interrupts", hdr + "".join(rows) + "ERR:          0\nMIS:          0\n")
so = " " * 20 + "".join("CPU%-8d" % c for c in range(ncpu)) + "\n"
for name in ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"]:
    so += "%12s:%s\n" % (name, "".join("%11d" % random.randrange(10**9) for _ in range(ncpu)))
w("proc/softirqs", so)
w("proc/net/softnet_stat", "".join(" ".join("%08x" % v for v in [random.randrange(2**32), 0, 5, 0, 0, 0, 0, 0, 0, 3, 0, 0, c, 0, 0]) + "\n" for c in range(ncpu)))
def v4(a): return "%08X" % struct.unpack("<I", bytes(a))[0]
tcp = ["  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"]
for i in range(70000):
    st = random.choice([1, 1, 1, 1, 6, 6, 8, 10]) if i > 10 else 10
    tcp.append("%4d: %s:%04X %s:%04X %02X %08X:%08X 00:00000000 %08X  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n" % (
        i, v4([10, 0, 0, 1]), 8080 if st == 10 else 30000 + i % 30000, v4([10, 1, random.randrange(256), random.randrange(256)]),
        random.randrange(65536), st, random.randrange(100), 0, random.choice([0, 0, 0, 1]), 100000 + i))
w("proc/net/tcp", "".join(tcp))
tcp6 = ["  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"]
for i in range(30000):
    tcp6.append("%4d: %s:%04X %s:%04X %02X %08X:%08X 00:00000000 %08X  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n" % (
        i, "B80D0120000000000000000001000000", 443, "B80D01200000000000000000%08X" % random.randrange(2**32),
        random.randrange(65536), 1, 0, 0, 0, 200000 + i))
w("proc/net/tcp6", "".join(tcp6))
for name in ["eth0", "lo"]:
    w("sys/class/net/%s/operstate" % name, "up\n"); w("sys/class/net/%s/mtu" % name, "1500\n")
print("wrote", root)
