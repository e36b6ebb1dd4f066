#!/bin/sh
# rtcspec replay against tshark on the same capture of more than a million packets, built
# from a real capture by repeating it with shifted timestamps (editcap -t, mergecap -a).
# Prints both times, the ratios (rtcspec without and with SRTP decryption, when a key log
# PREFIX.keys sits beside the capture) and the peak RSS of each.
#
#   harness/benches/replay_vs_tshark.sh [CAPTURE] [DOUBLINGS]
#
# Defaults: captures/aiortc-turn-aiortc.pcapng (1,008 packets), doubled 10 times
# (1,032,192 packets). Needs tshark, editcap, mergecap (Debian: tshark) and GNU time.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
src=${1:-$root/captures/aiortc-turn-aiortc.pcapng}
doublings=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
rtcspec=$root/target/release/rtcspec

cp "$src" "$work/big.pcapng"
span=$(capinfos -u -M -T -r "$src" | awk -F'\t' '{print int($2) + 1}')
i=0
while [ "$i" -lt "$doublings" ]; do
  editcap -t "$span" "$work/big.pcapng" "$work/shifted.pcapng"
  mergecap -a -w "$work/next.pcapng" "$work/big.pcapng" "$work/shifted.pcapng"
  mv "$work/next.pcapng" "$work/big.pcapng"
  span=$((span * 2))
  i=$((i + 1))
done
packets=$(capinfos -c -M -T -r "$work/big.pcapng" | awk -F'\t' '{print $2}')
size=$(du -m "$work/big.pcapng" | cut -f1)
echo "capture: $packets packets, $size MB (from $(basename "$src"))"

measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
  cat "$work/time"
}
# Warm the page cache so both read from memory.
cat "$work/big.pcapng" >/dev/null
set -- $(measure tshark -n -r "$work/big.pcapng" -q -z conv,udp)
tshark_s=$1 tshark_kb=$2
set -- $(measure "$rtcspec" replay "$work/big.pcapng" --out "$work/report" --format json)
rtcspec_s=$1 rtcspec_kb=$2
ratio() { awk "BEGIN{printf \"%.1f\", $1 / $2}"; }
echo "tshark -q -z conv,udp:        ${tshark_s} s, peak RSS $((tshark_kb / 1024)) MiB"
echo "rtcspec replay:               ${rtcspec_s} s, peak RSS $((rtcspec_kb / 1024)) MiB, $(ratio "$tshark_s" "$rtcspec_s")x faster"
keys=${src%.pcapng}.keys
if [ -f "$keys" ]; then
  set -- $(measure "$rtcspec" replay "$work/big.pcapng" --keylog "$keys" --out "$work/report-keys" --format json)
  echo "rtcspec replay --keylog:      $1 s, peak RSS $(($2 / 1024)) MiB, $(ratio "$tshark_s" "$1")x faster (every SRTP/SRTCP packet decrypted and authenticated)"
fi
