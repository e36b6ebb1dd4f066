#!/bin/sh
# OpenSSL s_client <-> s_server on 127.0.0.1: DTLS 1.2 with use_srtp, the server's cookie
# exchange (HelloVerifyRequest, -listen) and an MTU of 256, so the ClientHello and the
# server's flight are fragmented across datagrams. Both ends write their key logs.
#
# Loss is not part of this capture: with datagrams dropped (nftables), OpenSSL 3.0's s_server
# in -listen mode gives the handshake up and closes its socket instead of retransmitting.
#
# Run under capture.sh, which provides the network namespace:
#   captures/gen/capture.sh openssl-dtls12 captures/gen/openssl_dtls.sh captures/openssl-dtls12
# Needs openssl.
set -eu
out=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=rtcspec \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
# s_server stops when its stdin ends: keep it open for the length of the call.
sleep 8 | openssl s_server -dtls1_2 -listen -accept 127.0.0.1:4444 -naccept 1 -mtu 256 \
  -cert "$dir/cert.pem" -key "$dir/key.pem" -use_srtp SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80 \
  -keylogfile "$dir/server.keys" >"$dir/server.log" 2>&1 &
server=$!
sleep 1.5
(echo "hello over DTLS"; sleep 2) | timeout 20 openssl s_client -dtls1_2 -connect 127.0.0.1:4444 -mtu 256 \
  -use_srtp SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM -keylogfile "$out.keys" >"$dir/client.log" 2>&1 || { cat "$dir/client.log" "$dir/server.log" >&2; exit 1; }
wait $server 2>/dev/null || true
grep -q "hello over DTLS" "$dir/server.log"
grep -h "SRTP Extension negotiated\|Protocol\|Cipher" "$dir/client.log" | sort -u
# Both ends logged the same master secret.
[ "$(grep CLIENT_RANDOM "$dir/server.keys")" = "$(grep CLIENT_RANDOM "$out.keys")" ]
