#!/bin/sh
# Proves the release binary is what we ship: it stays within its size budget, links only
# system libraries, and every mode works with an empty environment and no Swift in reach
# (the terminal UI too, under tmux when tmux is installed), also in a root that holds nothing
# but the binary and its libraries.
set -eu
bin=${1:-.build-static/release/droptop}
budget=${SIZE_BUDGET:-15000000}
here=$(cd "$(dirname "$0")/.." && pwd)
size=$(stat -c %s "$bin")
echo "check-release: $bin ($size bytes, budget $budget)"
if [ "$size" -ge "$budget" ]; then
  echo "check-release: FAIL: $size bytes is over the budget of $budget (docs/performance.md)" >&2
  exit 1
fi
if ldd "$bin" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
  echo "check-release: FAIL: links Swift runtime libraries" >&2; exit 1
fi
ldd "$bin" | awk '{print "  " $1}'
tmp=$(mktemp -d)
session="droptop-check-release-$$"
# --one-file-system: never descend into a /proc or /sys still bound inside the jail.
trap 'tmux kill-session -t "$session" 2>/dev/null || true; umount "$tmp/jail/proc" "$tmp/jail/sys" 2>/dev/null || true; rm -rf --one-file-system "$tmp"' EXIT
cp "$bin" "$tmp/droptop"
cp "$here/Tests/Fixtures/recordings/server64.jsonl" "$tmp/rec.jsonl"
cd "$tmp"
run() { env -i PATH=/usr/bin:/bin "$@"; }
fail() { echo "check-release: FAIL: $*" >&2; exit 1; }

run ./droptop --version
run ./droptop --help | grep -q -- '--replay' || fail "--help"
run ./droptop --once --interval 0 --compact > once.json
grep -q '"schema":"droptop.snapshot/1"' once.json || fail "--once"
run ./droptop --once --interval 0 --format prometheus | grep -q '^droptop_' || fail "prometheus"
run ./droptop --json --count 2 --interval 0.2 | wc -l | grep -qx 2 || fail "--json"
run ./droptop --replay rec.jsonl -b -n ALL | grep -q '^Average:' || fail "batch replay"
run ./droptop --record new.jsonl --json --count 1 --interval 0.2 > /dev/null
run ./droptop --replay new.jsonl --once --compact | grep -q '"schema"' || fail "record/replay"
run ./droptop --generate-completion-script bash | grep -q droptop || fail "completions"
run ./droptop --bogus-option > /dev/null 2>&1 && fail "bad usage accepted"
env -i PATH=/usr/bin:/bin ./droptop --listen 127.0.0.1:0 --textfile . --interval 0.2 2> listen.err &   # env execs: $! is droptop
fleet=$!
sleep 1
kill -TERM $fleet
wait $fleet || fail "--listen/--textfile did not exit 0 on SIGTERM"
grep -q '^droptop: listening on http://127.0.0.1:' listen.err || fail "--listen"
grep -q '^droptop_last_success_timestamp_seconds ' droptop.prom || fail "--textfile"
echo "check-release: ok (--version, --help, --once json and prometheus, --json, batch, record/replay, --listen, --textfile)"

# A root holding nothing but the binary and the libraries ldd names (and /proc, /sys bound
# read-only): no toolchain, no ICU or time zone data, nothing the binary could find by accident.
chroot=$(command -v chroot || true)
if [ "$(id -u)" = 0 ] && [ -n "$chroot" ]; then
  jail="$tmp/jail"
  mkdir -p "$jail/proc" "$jail/sys" "$jail/tmp"
  cp droptop rec.jsonl "$jail/"
  for lib in $(ldd droptop | grep -oE '/[^ ]+'); do
    mkdir -p "$jail$(dirname "$lib")"; cp -L "$lib" "$jail$lib"
  done
  if mount --bind /proc "$jail/proc" 2>/dev/null && mount --bind /sys "$jail/sys" 2>/dev/null; then
    mount -o remount,bind,ro "$jail/proc" 2>/dev/null || true
    mount -o remount,bind,ro "$jail/sys" 2>/dev/null || true
    status=0
    {
      env -i "$chroot" "$jail" /droptop --version
      env -i "$chroot" "$jail" /droptop --once --interval 0.2 --compact | grep -q '"schema":"droptop.snapshot/1"'
      env -i "$chroot" "$jail" /droptop --replay /rec.jsonl -b -n ALL | grep -q '^Average:'
    } || status=1
    umount "$jail/proc" "$jail/sys"
    [ $status = 0 ] || fail "the binary does not run in a root with only its libraries"
    echo "check-release: ok (runs in a root with only its $(ldd droptop | grep -c '/') libraries)"
  else
    umount "$jail/proc" 2>/dev/null || true
    echo "check-release: skipped the minimal-root check: cannot bind-mount /proc and /sys here"
  fi
else
  echo "check-release: skipped the minimal-root check: needs root and chroot"
fi

if ! command -v tmux > /dev/null; then
  echo "check-release: skipped the terminal UI check: tmux is not installed"
  exit 0
fi
tmux new-session -d -s "$session" -x 120 -y 40 \
  "env -i PATH=/usr/bin:/bin TERM=xterm-256color LANG=C.UTF-8 ./droptop --replay rec.jsonl; echo EXITED \$?; sleep 30"
seen=""
for _ in $(seq 50); do
  sleep 0.1
  if tmux capture-pane -p -t "$session" | grep -q 'REPLAY'; then seen=yes; break; fi
done
[ -n "$seen" ] || { tmux capture-pane -p -t "$session"; fail "the terminal UI did not draw"; }
tmux capture-pane -p -t "$session" | grep -q '│' || fail "no UTF-8 box drawing in the terminal UI"
tmux send-keys -t "$session" q
for _ in $(seq 50); do
  sleep 0.1
  if tmux capture-pane -p -t "$session" | grep -q 'EXITED 0'; then
    echo "check-release: ok (the terminal UI draws a replay and quits with q)"
    exit 0
  fi
done
tmux capture-pane -p -t "$session"
fail "the terminal UI did not quit on q"
