#!/bin/sh
# Records a real UDP receive-buffer overflow (plus datagrams to a closed port and a listener
# whose accept queue overflows) inside a network namespace made for it; the screenshots replay
# this recording. Needs root. Usage: scripts/record-udp-overflow.sh OUT.jsonl [DROPTOP]
set -eu
out=$1
bin=${2:-.build/release/droptop}
ns=droptop-shot-$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
rm -f "$out"
ip netns exec "$ns" python3 Tests/scenarios/trouble.py udp-rcvbuf4 > /dev/null &
ip netns exec "$ns" python3 Tests/scenarios/trouble.py closed-port > /dev/null &
ip netns exec "$ns" python3 Tests/scenarios/trouble.py accept-queue > /dev/null &
sleep 0.5
ip netns exec "$ns" "$bin" --json --count 3 --interval 1 --record "$out" > /dev/null
wait
echo "recorded $(($(wc -l < "$out") - 1)) samples to $out"
