#!/bin/sh
# Records one generator run on the loopback interface of a fresh network namespace, so the
# capture holds that call and nothing else, and no packet can leave the machine.
#
#   captures/gen/capture.sh NAME COMMAND [ARGS...]
#
# writes captures/NAME.pcapng (the command writes its own key log and SDPs, given NAME).
# With CAPTURE_ADDRESS=10.77.0.1/24 the namespace also gets a veth interface with that
# address (the kernel here has no dummy interfaces), for stacks that ignore loopback for ICE (Chromium, libwebrtc); their traffic to
# it still crosses `lo`, where it is recorded.
# Needs root (unshare -n) and dumpcap (Debian: tshark).
set -eu
name=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/$name.pcapng"
exec unshare -n sh -c '
  set -eu
  ip link set lo up
  if [ -n "${CAPTURE_ADDRESS:-}" ]; then
    ip link add rtcspec0 type veth peer name rtcspec1
    ip addr add "$CAPTURE_ADDRESS" dev rtcspec0
    ip link set rtcspec1 up
    ip link set rtcspec0 up
    # Chromium gathers no candidates without a default route; it leads nowhere (the peer end
    # of the veth pair has no address and no other link).
    ip route add default dev rtcspec0
  fi
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
