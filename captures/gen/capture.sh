#!/bin/sh
# Records one generator run on the loopback interface of a fresh network namespace, so the
# capture holds that call and nothing else, and no packet can leave the machine.
#
#   captures/gen/capture.sh NAME COMMAND [ARGS...]
#
# writes captures/NAME.pcapng (the command writes its own key log and SDPs, given NAME).
# Needs root (unshare -n) and dumpcap (Debian: tshark).
set -eu
name=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/$name.pcapng"
exec unshare -n sh -c '
  set -eu
  ip link set lo up
  dumpcap -q -i lo -f "udp or tcp" -w "$0.tmp" &
  pid=$!
  # dumpcap needs a moment before it records.
  sleep 1
  "$@" || status=$?
  sleep 0.5
  kill -INT $pid
  wait $pid || true
  mv "$0.tmp" "$0"
  exit ${status:-0}
' "$out" "$@"
