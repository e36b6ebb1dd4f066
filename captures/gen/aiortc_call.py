#!/usr/bin/env python3
"""One real aiortc <-> aiortc call on loopback, for captures/.

Two RTCPeerConnections in one process: audio (Opus), video (VP8) and a data channel
carrying small messages and one of 20 KiB (more than 16 KiB: SCTP fragments it). Run it
under captures/gen/capture.sh, which records the loopback interface with dumpcap in a
network namespace of its own, so only this call is in the capture.

With --turn, both peers gather relay candidates only, from that TURN server (coturn,
started by captures/gen/turn_call.sh), so every packet crosses it.

Writes, next to --out PREFIX: PREFIX.keys (the DTLS master secrets, from pyOpenSSL's key
log callback on the contexts aiortc creates), PREFIX.offer.sdp and PREFIX.answer.sdp.
"""
import argparse
import asyncio
import importlib.metadata
import os
import sys

import aioice.ice

# Loopback only: host candidates on 127.0.0.1, and no public STUN server.
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection  # noqa: E402
from aiortc.rtcconfiguration import RTCIceTransportPolicy  # noqa: E402
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack  # noqa: E402
from aiortc.rtcicetransport import RTCIceGatherer  # noqa: E402

RTCIceGatherer.getDefaultIceServers = staticmethod(lambda: [])

# The key log hook is the aiortc shim's (shims/python/aiortc_keylog.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shims", "python"))
from aiortc_keylog import unique_lines  # noqa: E402  (installs the key log callback)


async def call(prefix: str, seconds: float, turn) -> None:
    if turn:
        url, user, password = turn
        config = RTCConfiguration(
            iceServers=[RTCIceServer(url, username=user, credential=password)],
            iceTransportPolicy=RTCIceTransportPolicy.RELAY,
        )
    else:
        config = RTCConfiguration(iceServers=[])
    caller, callee = RTCPeerConnection(config), RTCPeerConnection(config)
    caller.addTrack(AudioStreamTrack())
    caller.addTrack(VideoStreamTrack())
    channel = caller.createDataChannel("chat")
    received = []
    opened = asyncio.Event()
    done = asyncio.Event()

    @callee.on("track")
    def on_track(track):
        async def drain():
            while True:
                try:
                    await track.recv()
                except Exception:
                    return
        asyncio.ensure_future(drain())

    @callee.on("datachannel")
    def on_datachannel(ch):
        @ch.on("message")
        def on_message(message):
            received.append(message)
            ch.send(f"echo {len(message)}")
            if len(received) == 4:
                done.set()

    @channel.on("open")
    def on_open():
        opened.set()

    await caller.setLocalDescription(await caller.createOffer())
    await callee.setRemoteDescription(caller.localDescription)
    await callee.setLocalDescription(await callee.createAnswer())
    await caller.setRemoteDescription(callee.localDescription)
    with open(prefix + ".offer.sdp", "w") as f:
        f.write(caller.localDescription.sdp)
    with open(prefix + ".answer.sdp", "w") as f:
        f.write(callee.localDescription.sdp)
    await asyncio.wait_for(opened.wait(), 10)
    for message in ["hello", "x" * 1000, "y" * 20 * 1024, b"\x00\x01binary"]:
        channel.send(message)
    await asyncio.wait_for(done.wait(), 10)
    await asyncio.sleep(seconds)
    await caller.close()
    await callee.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="output prefix, e.g. captures/aiortc-aiortc")
    p.add_argument("--seconds", type=float, default=3.0, help="media time after the data channel exchange")
    p.add_argument("--turn", nargs=3, metavar=("URL", "USER", "PASSWORD"), help="relay everything through this TURN server")
    args = p.parse_args()
    asyncio.run(call(args.out, args.seconds, args.turn))
    unique = unique_lines()
    with open(args.out + ".keys", "w") as f:
        f.write(f"# aiortc {importlib.metadata.version('aiortc')} via pyOpenSSL keylog callback\n")
        f.writelines(line + "\n" for line in unique)
    print(f"{args.out}: {len(unique)} key log lines")


if __name__ == "__main__":
    main()
