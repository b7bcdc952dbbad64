#!/usr/bin/env bash
# Measures the running TUI on this host: bytes written to the terminal per second, CPU share of
# one core and peak RSS. Usage: Benchmarks/measure_tui.sh [SECONDS] [BINARY]
set -euo pipefail
secs=${1:-30}
bin=${2:-.build/release/droptop}
sock=droptop-measure-$$
out=$(mktemp)
tmux -L "$sock" new-session -d -s m -x 120 -y 40 "env LANG=C.UTF-8 TERM=xterm-256color $bin"
sleep 3   # let the first frames settle
pid=$(pgrep -P "$(tmux -L "$sock" display -p -t m '#{pane_pid}')" droptop || tmux -L "$sock" display -p -t m '#{pane_pid}')
tmux -L "$sock" pipe-pane -o -t m "cat >> $out"
t0=$(awk '{print $14+$15}' /proc/$pid/stat)
sleep "$secs"
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
tmux -L "$sock" pipe-pane -t m
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
bytes=$(stat -c %s "$out")
tck=$(getconf CLK_TCK)
tmux -L "$sock" send-keys -t m q
sleep 0.5
tmux -L "$sock" kill-server 2>/dev/null || true
rm -f "$out"
awk -v b="$bytes" -v s="$secs" -v c=$((t1 - t0)) -v t="$tck" -v h="$hwm" 'BEGIN {
  printf "terminal output: %.2f KB/s (%d bytes in %d s)\ncpu: %.2f%% of one core\npeak RSS: %.1f MB\n", b/1024/s, b, s, c/t/s*100, h/1024 }'
