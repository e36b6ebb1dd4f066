#!/usr/bin/env python3
"""rtcspec shim for aiortc (Python): its SDP parser and serializer, its
RTCPeerConnection as a JSEP answerer, and as the peer of a live call (aiortc_peer.py).

Speaks the stdio JSON-lines protocol of ../PROTOCOL.md. All SDP work is aiortc's own
(aiortc.sdp for the codec, a real RTCPeerConnection for answers); this file only carries
text in and out, so rtcspec judges aiortc and not the shim.
"""

import asyncio
import importlib.metadata
import sys

from shim_protocol import Rejected, serve  # first: it guards stdout

from aiortc_peer import Peer  # before aiortc: it keeps aiortc on loopback

from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc import sdp as aiortc_sdp  # noqa: E402

CAPABILITIES = ["sdp-codec", "sdp-answerer", "peer", "rtp-events"]

# Shorter than rtcspec's per-request timeout, so a stuck peer connection becomes an error
# answer rather than a hang.
ANSWER_TIMEOUT = 4.0

_loop = asyncio.new_event_loop()


def text_field(req: dict, key: str) -> str:
    value = req.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def op_hello(req: dict) -> dict:
    return {
        "ok": True,
        "implementation": "aiortc",
        "version": importlib.metadata.version("aiortc"),
        "capabilities": CAPABILITIES,
    }


def op_sdp_round_trip(req: dict) -> dict:
    text = text_field(req, "sdp")
    try:
        parsed = aiortc_sdp.SessionDescription.parse(text)
    except Exception as e:  # any failure of the parser is aiortc rejecting the input
        raise Rejected(f"{type(e).__name__}: {e}") from None
    return {"ok": True, "sdp": str(parsed)}


async def answer(offer: str) -> str:
    # A fresh peer connection per offer, no ICE servers. createAnswer alone yields the
    # full description (credentials, fingerprints); setLocalDescription would start ICE
    # gathering, which the protocol asks shims not to do.
    pc = RTCPeerConnection()
    try:
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
            created = await pc.createAnswer()
        except Exception as e:  # aiortc refusing the offer is a result
            raise Rejected(f"{type(e).__name__}: {e}") from None
        return created.sdp
    finally:
        await pc.close()


def op_sdp_answer(req: dict) -> dict:
    offer = text_field(req, "offer")
    try:
        sdp = _loop.run_until_complete(asyncio.wait_for(answer(offer), ANSWER_TIMEOUT))
    except asyncio.TimeoutError:
        raise RuntimeError(f"aiortc did not answer within {ANSWER_TIMEOUT} s") from None
    return {"ok": True, "answer": sdp}


PEER = Peer()

OPS = {
    "hello": op_hello,
    "sdp.round_trip": op_sdp_round_trip,
    "sdp.answer": op_sdp_answer,
    **PEER.ops(),
}


def on_exit() -> None:
    try:
        PEER.shutdown()
    finally:
        _loop.close()


if __name__ == "__main__":
    sys.exit(serve(f"aiortc {importlib.metadata.version('aiortc')}", OPS, on_exit))
