#!/bin/sh
# Size of the Prometheus exposition with --all-netns: N pods shaped like a Kubernetes node's
# (default 20): each an `ip netns` namespace with lo and a veth to the host up, one process in a
# cgroup named as the kubelet's systemd driver names it and a pod log directory, so droptop
# names it namespace/pod and labels pod and container. Prints the text's bytes and series, with
# and without the namespaces, then (when droptop-bench is built beside DROPTOP) the CPU time of
# writing the text: droptop-bench exposition. Needs root. Cleans up after itself.
# Usage: scripts/scrape-size.sh [N [DROPTOP]]   (e.g. scripts/scrape-size.sh 100 .build/release/droptop)
set -eu
N=${1:-20}; DROPTOP=${2:-.build/debug/droptop}
TAG=dtsz$$
LOGS=$(mktemp -d)
TOP=/sys/fs/cgroup/unified/$TAG.slice
SLICE=$TOP/kubepods.slice/kubepods-burstable.slice
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    i=0; while [ $i -lt "$N" ]; do ip netns del "$TAG-$i" 2>/dev/null || true; i=$((i + 1)); done
    find "$TOP" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    rm -rf "$LOGS"
}
trap cleanup EXIT INT TERM
i=0
while [ $i -lt "$N" ]; do
    uid=$(cat /proc/sys/kernel/random/uuid)
    id=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
    scope=$SLICE/kubepods-burstable-pod$(echo "$uid" | tr - _).slice/cri-containerd-$id.scope
    mkdir -p "$scope" "$LOGS/shop_cart-$i-7d9f8b6c5-x2x4k_$uid"
    ip netns add "$TAG-$i"
    ip -n "$TAG-$i" link set lo up
    ip link add "${TAG}h$i" type veth peer name eth0 netns "$TAG-$i"
    ip link set "${TAG}h$i" up
    ip -n "$TAG-$i" link set eth0 up
    sh -c 'echo $$ > "$1/cgroup.procs" && exec ip netns exec "$2" sleep 3600' sh "$scope" "$TAG-$i" &
    PIDS="$PIDS $!"
    i=$((i + 1))
done
sleep 1
for mode in host all-netns; do
    flag=""; [ "$mode" = all-netns ] && flag=--all-netns
    DROPTOP_POD_LOG_DIR=$LOGS "$DROPTOP" --once --format prometheus --interval 0 $flag > "$LOGS/$mode.prom"
    grep -v '^#' "$LOGS/$mode.prom" | grep 'netns_name="shop/cart-' > "$LOGS/$mode.ours" || true
    printf '%-10s %8d bytes %6d series in all; the %d namespaces of this script: %8d bytes %6d series\n' "$mode" \
        "$(wc -c < "$LOGS/$mode.prom")" "$(grep -vc '^#' "$LOGS/$mode.prom")" \
        "$(grep -c '^droptop_netns_info' "$LOGS/$mode.ours" || true)" "$(wc -c < "$LOGS/$mode.ours")" "$(wc -l < "$LOGS/$mode.ours")"
done
echo "namespaces droptop saw (other programs may have made some): $(grep -c '^droptop_netns_info' "$LOGS/all-netns.prom")"
grep "^droptop_netns_info.*netns_name=\"shop/cart-0-" "$LOGS/all-netns.prom" || true
grep "^droptop_network_receive_drop_total.*netns_name=\"shop/cart-0-" "$LOGS/all-netns.prom" || true
BENCH="$(dirname "$DROPTOP")/droptop-bench"
if [ -x "$BENCH" ]; then DROPTOP_POD_LOG_DIR=$LOGS "$BENCH" exposition 20; fi
