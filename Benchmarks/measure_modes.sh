#!/usr/bin/env bash
# CPU of each droptop mode, and of sar, ss and bmon, on a host holding SOCKETS loopback TCP
# sockets inside a network namespace this script makes (and deletes). Needs root.
# Usage: Benchmarks/measure_modes.sh [SOCKETS] [SECONDS] [BINARY]
# Each long-running mode runs SECONDS (after 3 s to settle) at a 1 s interval; the CPU is the
# kernel's on-CPU time of its processes (/proc/PID/schedstat, sock_diag dumps included), as a
# share of one core. One-shot tools (--once, ss -s) give the CPU time of one run. For --json it
# also prints how old the TCP figures got (the socket tiers: states, listeners, the walk).
set -euo pipefail
sockets=${1:-10000}
secs=${2:-30}
bin=$(realpath "${3:-.build-static/release/droptop}")
here=$(dirname "$(realpath "$0")")
ns=dtbench-$$
out=$(mktemp)
ip netns add "$ns"
coproc LOAD { ip netns exec "$ns" python3 "$here/socket_load.py" "$sockets" 900; }
cleanup() { exec {LOAD[1]}>&- 2>/dev/null || true; wait "$LOAD_PID" 2>/dev/null || true; ip netns del "$ns"; rm -f "$out"; }
trap cleanup EXIT
ip netns exec "$ns" ip link set lo up
read -r ready <&"${LOAD[0]}"
echo "# $ready sockets in namespace $ns; $(nproc) CPUs; $(uname -r)"

# On-CPU nanoseconds of a process and all its descendants.
tree_ns() {
  local total c
  total=$(awk '{print $1}' /proc/"$1"/schedstat 2>/dev/null || echo 0)
  for c in $(pgrep -P "$1" 2>/dev/null || true); do total=$((total + $(tree_ns "$c"))); done
  echo "$total"
}

# measure NAME PID: CPU share over $secs seconds.
measure() {
  sleep 3
  local t0 t1
  t0=$(tree_ns "$2"); sleep "$secs"; t1=$(tree_ns "$2")
  awk -v n="$1" -v d=$((t1 - t0)) -v s="$secs" 'BEGIN { printf "%-28s %6.2f %% of one core\n", n, d / 1e9 / s * 100 }'
}

in_tmux() {   # NAME COMMAND...: a full-screen program in a detached 120x40 tmux window
  local name=$1; shift
  local sock=dtbench-$$-$RANDOM
  tmux -L "$sock" new-session -d -s m -x 120 -y 40 "env LANG=C.UTF-8 TERM=xterm-256color ip netns exec $ns $*"
  sleep 1
  local pid; pid=$(pgrep -P "$(tmux -L "$sock" display -p -t m '#{pane_pid}')" | head -1 || true)
  pid=${pid:-$(tmux -L "$sock" display -p -t m '#{pane_pid}')}
  measure "$name" "$pid"
  awk '/VmHWM/ {printf "%-28s %6.1f MB peak RSS\n", "", $2 / 1024}' /proc/"$pid"/status
  tmux -L "$sock" kill-server 2>/dev/null || true
}

in_background() {   # NAME COMMAND...: output to $out (then discarded unless read)
  local name=$1; shift
  ip netns exec "$ns" "$@" > "$out" 2>&1 &
  local pid=$!
  measure "$name" "$pid"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}

# How old the TCP figures got in the --json stream: the oldest state count, each state's worst,
# the listeners and the walk (peers), over the reports of the measured window.
json_ages() {
  python3 - "$out" <<'PY'
import json, sys
docs = []
for line in open(sys.argv[1]):
    try: docs.append(json.loads(line)["tcp"])
    except Exception: pass
docs = docs[3:]   # the settling seconds
if not docs: sys.exit()
worst = lambda key: max(d.get(key) or 0 for d in docs)
states = {}
for d in docs:
    for k, v in (d.get("state_ages_seconds") or {}).items(): states[k] = max(states.get(k, 0), v)
print("%-28s max age: states %.1f s (%s), listeners %.1f s, walk (peers) %.1f s" % ("", worst("states_age_seconds"),
      " ".join("%s %.1f" % kv for kv in states.items() if kv[1] > 0) or "all 0", worst("listeners_age_seconds"),
      worst("walk_age_seconds")))
PY
}

once() {   # NAME COMMAND...: CPU seconds of one run
  local name=$1; shift
  ip netns exec "$ns" /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 |
    awk -v n="$name" '{ printf "%-28s %6.1f ms CPU (one run)\n", n, ($1 + $2) * 1000 }'
}

in_tmux "droptop (TUI, -i 1)" "$bin" --no-drop-reasons
in_background "droptop --json -i 1" "$bin" --json -i 1 --no-drop-reasons
json_ages
in_background "droptop -b 1" "$bin" -b 1 --no-drop-reasons
in_background "droptop -b 1 -n DEV" "$bin" -b 1 -n DEV --no-drop-reasons
once "droptop --once" "$bin" --once --no-drop-reasons
command -v sar > /dev/null && in_background "sar -n DEV,SOCK 1" sar -n DEV,SOCK 1
command -v ss > /dev/null && once "ss -s" ss -s
command -v ss > /dev/null && once "ss -tan (every socket)" ss -tan
command -v bmon > /dev/null && in_tmux "bmon" bmon
# What each socket tier cost, as droptop measured it (thread CPU time around each read), and how
# old its figures got: a --json run that records its samples (Benchmarks/tier_costs.py).
rec=$(mktemp)
ip netns exec "$ns" "$bin" --json -i 1 --count "$((secs + 4))" --no-drop-reasons --record "$rec" > /dev/null
python3 "$here/tier_costs.py" "$rec" 4
rm -f "$rec"
exit 0
