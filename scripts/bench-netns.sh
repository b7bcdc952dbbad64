#!/bin/sh
# Cost of --all-netns: N network namespaces (default 100), each with one process, then
# 1. droptop-bench netns COUNT: the CPU time of sampling them once a second (NamespaceSampler);
# 2. droptop --json --all-netns at a 1 s interval for COUNT reports: the whole process's CPU time.
# BUSY=K keeps traffic on loopback in the first K namespaces (10 UDP datagrams a second each), so their
# counters move every sample. LISTEN=1 makes each idle namespace's process a TCP server listening on
# port 8080, as a pod's is. PERF=FILE records step 2 with `perf record -g` into FILE. FROM=K counts
# the steady state from the Kth report (default 1: after the first). MODE=batch runs
# `droptop -b 1 COUNT -n NETNS --all-netns` in step 2 instead of the JSON stream.
# Needs root and `swift build -c release`. Cleans up after itself.
# Usage: [BUSY=K] [LISTEN=1] [PERF=FILE] [FROM=K] [MODE=json|batch] scripts/bench-netns.sh [N [COUNT [DROPTOP]]]
set -eu
N=${1:-100}; COUNT=${2:-30}; DROPTOP=${3:-.build/release/droptop}
BUSY=${BUSY:-0}; PERF=${PERF:-}; LISTEN=${LISTEN:-0}; FROM=${FROM:-1}; MODE=${MODE:-json}
TAG=dtbench$$
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    i=0; while [ $i -lt "$N" ]; do ip netns del "$TAG-$i" 2>/dev/null || true; i=$((i + 1)); done
}
trap cleanup EXIT INT TERM
# Ten UDP datagrams a second to itself on loopback.
TRAFFIC='import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
while True: s.sendto(b"x", s.getsockname()); s.recv(16); time.sleep(0.1)'
# A server that listens and accepts nothing (no client comes).
SERVER='import socket, time
s = socket.socket(); s.bind(("0.0.0.0", 8080)); s.listen(128); time.sleep(3600)'
i=0
while [ $i -lt "$N" ]; do
    ip netns add "$TAG-$i"
    ip -n "$TAG-$i" link set lo up
    if [ $i -lt "$BUSY" ]; then
        ip netns exec "$TAG-$i" python3 -c "$TRAFFIC" &
    elif [ "$LISTEN" = 1 ]; then
        ip netns exec "$TAG-$i" python3 -c "$SERVER" &
    else
        ip netns exec "$TAG-$i" sleep 3600 &
    fi
    PIDS="$PIDS $!"
    i=$((i + 1))
done
sleep 1
"$(dirname "$DROPTOP")/droptop-bench" netns "$COUNT"
python3 - "$DROPTOP" "$COUNT" "$PERF" "$FROM" "$MODE" <<'PY'
import json, os, resource, subprocess, sys, time
droptop, count, perf, first, mode = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
command = [droptop, "--json", "--all-netns", "--interval", "1", "--count", count]
if mode == "batch":   # one report a second: its first line starts with the time
    command = [droptop, "-b", "1", count, "-n", "NETNS", "--all-netns"]
if perf:
    command = ["perf", "record", "-q", "-g", "-o", perf, "--"] + command
def cpu_of(pid):   # user + system seconds of a running process
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
start = time.monotonic()
child = subprocess.Popen(command, stdout=subprocess.PIPE)
lines, reports = [], 0
steady_start = steady_cpu = None
# After the first report the namespaces are found, their sockets opened, their sysctls read.
for line in child.stdout:
    lines.append(line)
    if mode == "json" or b" NETNS " in line and not line.startswith(b"Average"):   # a batch report starts with its header
        reports += 1
        if reports == first:
            steady_start, steady_cpu = time.monotonic(), cpu_of(child.pid)
child.wait()
wall = time.monotonic() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = use.ru_utime + use.ru_stime
steady = (cpu - steady_cpu) / (time.monotonic() - steady_start) if steady_start else float("nan")
namespaces = len(json.loads(lines[-1]).get("namespaces", [])) if mode == "json" else -1
print("%s: reports %d, namespaces in the last: %d, %d bytes a report, wall %.1f s, CPU %.3f s (user %.3f, system %.3f): "
      "%.2f %% of one core; from report %d on %.2f %%" % (mode, reports, namespaces, sum(map(len, lines)) // max(1, reports),
      wall, cpu, use.ru_utime, use.ru_stime, 100 * cpu / wall, first, 100 * steady))
PY
