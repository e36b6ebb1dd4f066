#!/usr/bin/env python3
"""aiortc as the answering side of a call driven by another process (captures/gen/*.js).

Reads one JSON line {"offer": SDP} on stdin, answers with {"answer": SDP} on stdout (ICE
gathered: no trickle), echoes every data channel message as "echo <size>", and sends Opus
audio back. Ends on a "bye" line or after --seconds. Writes PREFIX.keys (DTLS master
secret, through pyOpenSSL's key log callback); the caller writes the SDPs.
"""
import argparse
import asyncio
import importlib.metadata
import json
import os
import sys

import aioice.ice

ADDRESS = os.environ.get("AIORTC_ADDRESS", "127.0.0.1")
# Host candidates on the given address only; no public STUN server.
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: [ADDRESS]

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import AudioStreamTrack  # noqa: E402
from aiortc.rtcicetransport import RTCIceGatherer  # noqa: E402

RTCIceGatherer.getDefaultIceServers = staticmethod(lambda: [])
# The key log hook is the aiortc shim's (shims/python/aiortc_keylog.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shims", "python"))
from aiortc_keylog import unique_lines  # noqa: E402  (installs the key log callback)


async def answer(prefix: str, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    offer = json.loads(await reader.readline())["offer"]
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))

    @pc.on("datachannel")
    def on_datachannel(ch):
        @ch.on("message")
        def on_message(message):
            ch.send(f"echo {len(message)}")

    @pc.on("track")
    def on_track(track):
        async def drain():
            while True:
                try:
                    await track.recv()
                except Exception:
                    return
        asyncio.ensure_future(drain())

    await pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
    for t in pc.getTransceivers():
        if t.kind == "audio":
            t.sender.replaceTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createAnswer())
    print(json.dumps({"answer": pc.localDescription.sdp}), flush=True)
    try:
        await asyncio.wait_for(reader.readline(), seconds)
    except asyncio.TimeoutError:
        pass
    await pc.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="output prefix for the key log")
    p.add_argument("--seconds", type=float, default=20.0, help="longest the call may last")
    args = p.parse_args()
    asyncio.run(answer(args.out, args.seconds))
    with open(args.out + ".keys", "w") as f:
        f.write(f"# aiortc {importlib.metadata.version('aiortc')} via pyOpenSSL keylog callback\n")
        f.writelines(line + "\n" for line in unique_lines())


if __name__ == "__main__":
    main()
