#!/bin/sh
# Proves the release binary runs on a server without Swift: it links only system libraries,
# and --version and --once work with an empty environment and no Swift library path.
set -eu
bin=${1:-.build-static/release/droptop}
echo "check-release: $bin ($(stat -c %s "$bin") bytes)"
if ldd "$bin" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
  echo "check-release: FAIL: links Swift runtime libraries" >&2; exit 1
fi
ldd "$bin" | awk '{print "  " $1}'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$bin" "$tmp/droptop"
cd "$tmp"
env -i PATH=/usr/bin:/bin ./droptop --version
env -i PATH=/usr/bin:/bin ./droptop --once --interval 0 --compact > once.json
grep -q '"schema":"droptop.snapshot/1"' once.json
echo "check-release: ok (--version and --once work without the toolchain)"
