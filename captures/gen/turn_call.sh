#!/bin/sh
# An aiortc <-> aiortc call relayed through coturn with long-term credentials: both peers
# use relay candidates only, so the capture holds the TURN control traffic (Allocate with its
# 401 challenge, CreatePermission, ChannelBind, Refresh), the relayed media inside ChannelData
# or Send/Data indications, and the relay-to-relay legs.
#
# Run under capture.sh, which provides the network namespace:
#   captures/gen/capture.sh aiortc-turn-aiortc captures/gen/turn_call.sh captures/aiortc-turn-aiortc
#   captures/gen/capture.sh aiortc-turntcp-aiortc captures/gen/turn_call.sh captures/aiortc-turntcp-aiortc tcp
# With `tcp` the peers reach coturn over TCP (RFC 8656 §3.1: STUN messages and ChannelData
# framed back to back on the stream); the relay legs stay UDP.
# Needs coturn (Debian: coturn) and the shim venv (cargo xtask setup).
set -eu
out=$1
transport=${2:-udp}
here=$(cd "$(dirname "$0")/../.." && pwd)
turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port=3478 --min-port=50000 --max-port=50100 \
  --lt-cred-mech --user=test:secret --realm=example.test --fingerprint --allow-loopback-peers --no-cli \
  --no-tls --no-dtls --log-file=stdout >/dev/null 2>&1 &
turn=$!
sleep 1
"$here/target/shim-venv/bin/python" "$here/captures/gen/aiortc_call.py" --out "$out" \
  --turn "turn:127.0.0.1:3478?transport=$transport" test secret || status=$?
kill $turn
exit ${status:-0}
