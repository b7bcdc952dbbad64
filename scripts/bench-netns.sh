#!/bin/sh
# Cost of --all-netns: N network namespaces (default 100), each with one process, then
# 1. droptop-bench netns COUNT: the CPU time of sampling them once a second (NamespaceSampler);
# 2. droptop --json --all-netns at a 1 s interval for COUNT reports: the whole process's CPU time.
# BUSY=K keeps traffic on loopback in the first K namespaces (10 UDP datagrams a second each), so their
# counters move every sample. LISTEN=1 makes each idle namespace's process a TCP server listening on
# port 8080, as a pod's is. PERF=FILE records step 2 with `perf record -g` into FILE. FROM=K counts
# the steady state from the Kth report (default 1: after the first). MODE=batch runs
# `droptop -b 1 COUNT -n NETNS --all-netns` in step 2 instead of the JSON stream. LINKS=1 also runs
# droptop-bench links COUNT: the link facts of every /run/netns namespace, a dump each sample beside kept ones.
# Needs root and `swift build -c release`. Cleans up after itself.
# Usage: [BUSY=K] [LISTEN=1] [PERF=FILE] [FROM=K] [MODE=json|batch] [LINKS=1] scripts/bench-netns.sh [N [COUNT [DROPTOP...]]]
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
# DROPTOP may be several binaries (main's and a branch's): on the same namespaces, step 1 runs for
# each in turn (droptop-bench from the same directory), step 2 for all at once, side by side.
shift $(( $# < 2 ? $# : 2 ))
[ $# -gt 0 ] || set -- "$DROPTOP"
for droptop in "$@"; do
    echo "$droptop:"
    "$(dirname "$droptop")/droptop-bench" netns "$COUNT"
    if [ "${LINKS:-0}" = 1 ]; then "$(dirname "$droptop")/droptop-bench" links "$COUNT"; fi
done
python3 - "$COUNT" "$PERF" "$FROM" "$MODE" "$@" <<'PY'
import json, os, subprocess, sys, threading, time
count, perf, first, mode, droptops = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
def cpu_of(pid):   # user + system seconds of a running process
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
def run(index, droptop, result):
    command = [droptop, "--json", "--all-netns", "--interval", "1", "--count", count]
    if mode == "batch":
        command = [droptop, "-b", "1", count, "-n", "NETNS", "--all-netns"]
    if perf:
        command = ["perf", "record", "-q", "-g", "-o", perf + (".%d" % index if len(droptops) > 1 else ""), "--"] + command
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE)
    lines, reports, steady_start, steady_cpu = [], 0, None, None
    # After the first report the namespaces are found, their sockets opened, their sysctls read.
    for line in child.stdout:
        lines.append(line)
        if mode == "json" or b" NETNS " in line and not line.startswith(b"Average"):   # a batch report starts with its header
            reports += 1
            if reports == first:
                steady_start, steady_cpu = time.monotonic(), cpu_of(child.pid)
    cpu, end = cpu_of(child.pid), time.monotonic()
    _, _, use = os.wait4(child.pid, 0)   # this child's own rusage, not the other runs'
    result.update(wall=end - start, use=use, lines=lines, reports=reports)
    result["steady"] = (cpu - steady_cpu) / (end - steady_start) if steady_start else float("nan")
results = [{} for _ in droptops]
threads = [threading.Thread(target=run, args=(i, d, r)) for i, (d, r) in enumerate(zip(droptops, results))]
for t in threads: t.start()
for t in threads: t.join()
for droptop, r in zip(droptops, results):
    use, lines, reports = r["use"], r["lines"], r["reports"]
    cpu = use.ru_utime + use.ru_stime
    namespaces = len(json.loads(lines[-1]).get("namespaces", [])) if mode == "json" and lines else -1
    print("%s (%s): reports %d, namespaces in the last: %d, %d bytes a report, wall %.1f s, CPU %.3f s (user %.3f, system %.3f): "
          "%.2f %% of one core; from report %d on %.2f %%" % (droptop, mode, reports, namespaces,
          sum(map(len, lines)) // max(1, reports), r["wall"], cpu, use.ru_utime, use.ru_stime, 100 * cpu / r["wall"], first,
          100 * r["steady"]))
PY
