#!/bin/sh
# Records the two server64 fixture trees one second apart (a 62-CPU server whose eth0 takes
# 200,000 packets with drops, FIFO overruns and a CPU dropping from its backlog), for the
# screenshots. Usage: scripts/record-server64.sh OUT.jsonl [DROPTOP]
set -eu
out=$1
bin=${2:-.build/release/droptop}
f=Tests/Fixtures
rm -f "$out"
"$bin" --once --interval 0 --record "$out" --proc $f/server64/proc --sys $f/server64/sys > /dev/null
sleep 2
"$bin" --once --interval 0 --record "$out" --proc $f/server64_later/proc --sys $f/server64_later/sys > /dev/null
echo "recorded 2 samples to $out"
