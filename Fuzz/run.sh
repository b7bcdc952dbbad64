#!/bin/sh
# Builds the libFuzzer harness (Fuzz/FuzzDropTop.swift) with AddressSanitizer and runs each
# target for SECONDS (default 60), seeded from the fixture trees, the recordings and
# Fuzz/regressions/TARGET/ (inputs that once crashed droptop). SECONDS 0 runs every seed once
# and nothing else: deterministic, what CI does.
#   Fuzz/run.sh [SECONDS] [TARGET...]
# A crash leaves its input in .build-fuzz/crashes/TARGET/ and exits non-zero; add it to
# Fuzz/regressions/TARGET/ with the fix.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}; [ $# -gt 0 ] && shift
targets=${*:-"netdev snmp snmp6 interrupts softirqs softnet sockets sockdiag sockstat values names recording samples
  stattables rtnetlink btf tracefs"}
scratch=.build-fuzz
# Release with testability: ~10x the executions of a debug build, and @testable still works.
swift build -c release --scratch-path "$scratch" --target DropTopTUI \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -g >/dev/null
find "$scratch/release/" -path '*/DropTopTUI.build/*.o' -o -path '*/DropTopCore.build/*.o' \
  -o -path '*/OrderedCollections.build/*.o' -o -path '*/DequeModule.build/*.o' \
  -o -path '*/InternalCollectionsUtilities.build/*.o' -o -path '*/ContainersPreview.build/*.o' \
  -o -path '*/SystemPackage.build/*.o' -o -path '*/CSystem.build/*.o' | sed 's/.*/"&"/' > "$scratch/objects.txt"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -I "$scratch/release/Modules" \
  -Xcc -fmodule-map-file="$scratch/checkouts/swift-system/Sources/CSystem/include/module.modulemap" \
  -Xcc -fmodule-map-file=Sources/CNcurses/module.modulemap \
  Fuzz/FuzzDropTop.swift @"$scratch/objects.txt" -lncursesw -use-ld=lld -o "$scratch/fuzz-droptop"

seeds() {  # the fixture files each target reads
  case $1 in
    netdev) echo "net/dev";; snmp) echo "net/snmp net/netstat";; snmp6) echo "net/snmp6";;
    interrupts) echo "interrupts";; softirqs) echo "softirqs";; softnet) echo "net/softnet_stat";;
    sockets) echo "net/tcp net/tcp6 net/udp net/udp6";; sockstat) echo "net/sockstat net/sockstat6";;
    values) echo "sys/net/core/netdev_max_backlog sys/net/ipv4/ip_local_port_range";;
    stattables) echo "net/stat/arp_cache net/stat/ndisc_cache net/stat/nf_conntrack";;
    *) echo "";;
  esac
}
status=0
for t in $targets; do
  corpus="$scratch/corpus/$t"; crashes="$scratch/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  for f in $(seeds "$t"); do
    for tree in Tests/Fixtures/*/proc; do
      [ -f "$tree/$f" ] && cp "$tree/$f" "$corpus/$(echo "$tree/$f" | tr '/' '_')"
    done
  done
  [ "$t" = recording ] && cp Tests/Fixtures/recordings/*.jsonl "$corpus/"
  [ "$t" = tracefs ] && cp Tests/Fixtures/dropreasons/kfree_skb_format_* "$corpus/"
  # The head of the running kernel's BTF: the header and the first types (the whole is ~5 MB).
  [ "$t" = btf ] && [ -r /sys/kernel/btf/vmlinux ] && head -c 150000 /sys/kernel/btf/vmlinux > "$corpus/vmlinux-head"
  [ -d "Fuzz/regressions/$t" ] && cp "Fuzz/regressions/$t/"* "$corpus/"
  [ "$t" = names ] && printf 'eth0\033[2J\377\\x' > "$corpus/hostile"
  extra=""
  [ "$secs" = 0 ] && extra="-runs=0"
  [ "$t" = samples ] && extra="$extra -len_control=0 -max_len=16384"
  if [ "$secs" = 0 ]; then echo "fuzz: $t, seeds and regressions only"; else echo "fuzz: $t for $secs s"; fi
  if ! SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$t "$scratch/fuzz-droptop" "$corpus" \
       -max_total_time="$secs" -max_len=200000 -timeout=20 -rss_limit_mb=4096 \
       -artifact_prefix="$crashes/" -print_final_stats=1 $extra 2> "$scratch/fuzz-$t.log"; then
    echo "fuzz: $t FAILED, see $scratch/fuzz-$t.log and $crashes/"; status=1
  else
    grep -E 'stat::number_of_executed_units|cov:' "$scratch/fuzz-$t.log" | tail -2
  fi
done
exit $status
