#!/usr/bin/env bash
# Measures the running TUI on this host next to bmon: bytes written to the terminal per second,
# CPU share of one core and memory. Usage: Benchmarks/measure_tui.sh [SECONDS] [BINARY] [ROUNDS] [-- ARGS...]
# Each round starts droptop (with ARGS) and bmon at the same time in two detached 120x40 tmux
# servers, lets them settle 3 s, then records SECONDS of terminal output (tmux pipe-pane) and
# on-CPU time (/proc/PID/schedstat, nanoseconds: /proc/PID/stat counts 10 ms ticks, as coarse as
# the whole figure). Both see the same load, so compare them within a round.
# NETNS=1 runs both in a network namespace made for the run (lo up, nothing else): an idle host's
# network on a machine whose own namespace is busy (its socket and TCP counts are its own; the
# kernel's hash tables, /proc/interrupts and softirqs stay shared). Needs root.
set -euo pipefail
secs=${1:-30}
bin=${2:-.build-static/release/droptop}
rounds=${3:-1}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
args=("$@")
tag=droptop-measure-$$
run=()
if [ "${NETNS:-0}" = 1 ]; then
  ip netns add "$tag"
  ip -n "$tag" link set lo up
  run=(ip netns exec "$tag")
fi
cleanup() {
  for s in d b; do tmux -L "$tag-$s" kill-server 2>/dev/null || true; done
  [ "${NETNS:-0}" = 1 ] && ip netns del "$tag" 2>/dev/null || true
}
trap cleanup EXIT

start() {   # SERVER COMMAND...: prints the program's pid
  local server=$1; shift
  tmux -L "$server" new-session -d -s m -x 120 -y 40 "env LANG=C.UTF-8 TERM=xterm-256color ${run[*]} $*"
  sleep 0.5
  # ip netns exec and env exec the program: the pane's process is the program itself.
  tmux -L "$server" display -p -t m '#{pane_pid}'
}

cpu_ns() { awk '{print $1}' /proc/"$1"/schedstat; }

report() {   # NAME PID OUT CPU0 CPU1
  local bytes; bytes=$(stat -c %s "$3")
  awk -v n="$1" -v b="$bytes" -v s="$secs" -v c=$(($5 - $4)) \
    -v h="$(awk '/VmHWM/ {print $2}' /proc/"$2"/status)" -v r="$(awk '/VmRSS/ {print $2}' /proc/"$2"/status)" 'BEGIN {
    printf "%-8s cpu %.3f%% of one core   terminal %.2f KB/s (%d bytes)   RSS %.1f MB, peak %.1f MB\n",
      n, c / 1e9 / s * 100, b / 1024 / s, b, r / 1024, h / 1024 }'
}

have_bmon=$(command -v bmon > /dev/null && echo 1 || echo 0)
echo "# $secs s a round, $(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ), droptop ${args[*]:-}${run[*]:+ (in a new network namespace)}"
for round in $(seq "$rounds"); do
  dout=$(mktemp); bout=$(mktemp)
  dpid=$(start "$tag-d" "$bin" "${args[@]}")
  [ "$have_bmon" = 1 ] && bpid=$(start "$tag-b" bmon)
  sleep 3   # let the first frames settle
  tmux -L "$tag-d" pipe-pane -o -t m "cat >> $dout"
  [ "$have_bmon" = 1 ] && tmux -L "$tag-b" pipe-pane -o -t m "cat >> $bout"
  d0=$(cpu_ns "$dpid"); [ "$have_bmon" = 1 ] && b0=$(cpu_ns "$bpid")
  sleep "$secs"
  d1=$(cpu_ns "$dpid"); [ "$have_bmon" = 1 ] && b1=$(cpu_ns "$bpid")
  echo "round $round"
  report droptop "$dpid" "$dout" "$d0" "$d1"
  [ "$have_bmon" = 1 ] && report bmon "$bpid" "$bout" "$b0" "$b1"
  tmux -L "$tag-d" send-keys -t m q; tmux -L "$tag-b" send-keys -t m q 2>/dev/null || true
  sleep 0.5
  for s in d b; do tmux -L "$tag-$s" kill-server 2>/dev/null || true; done
  rm -f "$dout" "$bout"
done
[ "$have_bmon" = 1 ] || echo "(bmon is not installed: apt-get install bmon to compare)"
