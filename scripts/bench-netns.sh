#!/bin/sh
# Cost of --all-netns: N network namespaces (default 100), each with one process, then
# 1. droptop-bench netns COUNT: the CPU time of sampling them once a second (NamespaceSampler);
# 2. droptop --json --all-netns at a 1 s interval for COUNT reports: the whole process's CPU time.
# BUSY=K keeps traffic on loopback in the first K namespaces (10 UDP datagrams a second each), so their
# counters move every sample. PERF=FILE records step 2 with `perf record -g` into FILE. LINKS=1 also runs
# droptop-bench links COUNT: the link facts of every /run/netns namespace, a dump each sample beside kept ones.
# Needs root and `swift build -c release`. Cleans up after itself.
# Usage: [BUSY=K] [PERF=FILE] [LINKS=1] scripts/bench-netns.sh [N [COUNT [DROPTOP]]]
set -eu
N=${1:-100}; COUNT=${2:-30}; DROPTOP=${3:-.build/release/droptop}
BUSY=${BUSY:-0}; PERF=${PERF:-}
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
i=0
while [ $i -lt "$N" ]; do
    ip netns add "$TAG-$i"
    ip -n "$TAG-$i" link set lo up
    if [ $i -lt "$BUSY" ]; then
        ip netns exec "$TAG-$i" python3 -c "$TRAFFIC" &
    else
        ip netns exec "$TAG-$i" sleep 3600 &
    fi
    PIDS="$PIDS $!"
    i=$((i + 1))
done
sleep 1
"$(dirname "$DROPTOP")/droptop-bench" netns "$COUNT"
[ "${LINKS:-0}" = 1 ] && "$(dirname "$DROPTOP")/droptop-bench" links "$COUNT"
python3 - "$DROPTOP" "$COUNT" "$PERF" <<'PY'
import json, os, resource, subprocess, sys, time
droptop, count, perf = sys.argv[1], sys.argv[2], sys.argv[3]
command = [droptop, "--json", "--all-netns", "--interval", "1", "--count", count]
if perf:
    command = ["perf", "record", "-q", "-g", "-o", perf, "--"] + command
def cpu_of(pid):   # user + system seconds of a running process
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
start = time.monotonic()
child = subprocess.Popen(command, stdout=subprocess.PIPE)
lines = [child.stdout.readline()]
# After the first report: the namespaces are found, their sockets opened, their sysctls read.
steady_start, steady_cpu = time.monotonic(), cpu_of(child.pid)
lines += child.stdout.read().splitlines()
child.wait()
wall = time.monotonic() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
docs = [json.loads(l) for l in lines if l.strip()]
cpu = use.ru_utime + use.ru_stime
steady = (cpu - steady_cpu) / (time.monotonic() - steady_start)
print("reports %d, namespaces in the last: %d, %d bytes of JSON a report, wall %.1f s, CPU %.3f s (user %.3f, system %.3f): "
      "%.2f %% of one core; after the first report %.2f %%" % (len(docs), len(docs[-1].get("namespaces", [])),
      sum(map(len, lines)) // max(1, len(docs)), wall, cpu, use.ru_utime, use.ru_stime, 100 * cpu / wall, 100 * steady))
PY
