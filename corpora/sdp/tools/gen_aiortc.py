#!/usr/bin/env python3
"""Generate real aiortc SDP offers/answers for the rtcspec SDP corpus.

Two in-process aiortc peers (A = offerer, B = answerer) negotiate a series of
configurations. What is saved is pc.localDescription.sdp after
setLocalDescription (aiortc gathers all candidates inside setLocalDescription,
so this is the SDP an aiortc application actually sends), except for files
named *-createoffer / *-createanswer, which are the raw createOffer() /
createAnswer() output before setLocalDescription.

Network safety: no ICE servers are configured (aiortc would otherwise default
to a public STUN server), and aioice host discovery is patched to 127.0.0.1,
so every candidate is a loopback host candidate. run_all.sh additionally runs
this inside a fresh network namespace that only has `lo`.
"""
import asyncio
import importlib.metadata
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aioice.ice  # noqa: E402

# --- loopback only -----------------------------------------------------------
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]

from aiortc import (  # noqa: E402
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
)
from aiortc.rtcconfiguration import RTCBundlePolicy  # noqa: E402
from aiortc.rtcicetransport import RTCIceGatherer  # noqa: E402
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack  # noqa: E402

# belt and braces: never fall back to the built-in public STUN server
RTCIceGatherer.getDefaultIceServers = staticmethod(lambda: [])

from corpus_common import Corpus  # noqa: E402

VERSION = importlib.metadata.version("aiortc")
AIOICE_VERSION = importlib.metadata.version("aioice")
C = Corpus("aiortc", f"{VERSION} (aioice {AIOICE_VERSION})",
           "tools/gen_aiortc.py")


def pc(bundle=RTCBundlePolicy.BALANCED, always_dc=False):
    cfg = RTCConfiguration(iceServers=[], bundlePolicy=bundle,
                           alwaysNegotiateDataChannels=always_dc)
    p = RTCPeerConnection(configuration=cfg)
    return p


def codecs(kind, *mimes, rtx=True):
    """Capabilities filtered to the given mime types (in that order)."""
    caps = RTCRtpSender.getCapabilities(kind).codecs
    out = []
    for m in mimes:
        out += [c for c in caps if c.mimeType.lower() == m.lower()]
    if rtx and kind == "video":
        out += [c for c in caps if c.mimeType.lower() == "video/rtx"]
    return out


async def negotiate(name, desc, setup_a, setup_b=None, bundle=RTCBundlePolicy.BALANCED,
                    bundle_b=None, always_dc=False, save_answer=True, complete=False,
                    answer_desc=None):
    """Run one offer/answer. Returns (a, b) still open if complete=True."""
    a = pc(bundle, always_dc)
    b = pc(bundle_b or bundle)
    await setup_a(a)
    offer = await a.createOffer()
    await a.setLocalDescription(offer)
    C.save(f"offer-{name}", a.localDescription.sdp, "offer", desc)
    await b.setRemoteDescription(a.localDescription)
    if setup_b:
        await setup_b(b)
    answer = await b.createAnswer()
    await b.setLocalDescription(answer)
    if save_answer:
        C.save(f"answer-{name}", b.localDescription.sdp, "answer",
               answer_desc or f"answer to offer-{name}: {desc}")
    if complete:
        await a.setRemoteDescription(b.localDescription)
        return a, b
    await a.close()
    await b.close()
    return None


# --- offerer setups ----------------------------------------------------------
def tx(*specs):
    """specs: ('audio'|'video', direction[, 'track'][, codec-list])."""
    async def setup(p):
        for spec in specs:
            kind, direction = spec[0], spec[1]
            extra = spec[2:]
            if "track" in extra:
                track = AudioStreamTrack() if kind == "audio" else VideoStreamTrack()
                # addTransceiver(track) rather than addTrack: addTrack would
                # reuse an earlier track-less transceiver of the same kind
                t = p.addTransceiver(track, direction=direction)
            else:
                t = p.addTransceiver(kind, direction=direction)
            for e in extra:
                if isinstance(e, list):
                    t.setCodecPreferences(e)
    return setup


def with_dc(setup=None, labels=("chat",)):
    async def s(p):
        if setup:
            await setup(p)
        for label in labels:
            p.createDataChannel(label)
    return s


def answer_tracks(kinds=("audio", "video")):
    """Answerer attaches local tracks to the transceivers created from the offer."""
    async def s(p):
        for t in p.getTransceivers():
            if t.kind in kinds:
                track = AudioStreamTrack() if t.kind == "audio" else VideoStreamTrack()
                t.sender.replaceTrack(track)
                t.direction = "sendrecv"
    return s


def answer_direction(direction):
    async def s(p):
        for t in p.getTransceivers():
            t.direction = direction
    return s


def answer_codecs(kind, lst):
    async def s(p):
        for t in p.getTransceivers():
            if t.kind == kind:
                t.setCodecPreferences(lst)
    return s


async def main():
    BAL, MAXB, MAXC = (RTCBundlePolicy.BALANCED, RTCBundlePolicy.MAX_BUNDLE,
                       RTCBundlePolicy.MAX_COMPAT)

    # raw createOffer/createAnswer output (no candidates, before SLD)
    a, b = pc(), pc()
    await tx(("audio", "sendrecv", "track"), ("video", "sendrecv", "track"))(a)
    a.createDataChannel("chat")
    o = await a.createOffer()
    C.save("offer-audio-video-data-createoffer", o.sdp, "offer",
           "audio+video tracks + data channel; raw createOffer() output before setLocalDescription (no candidates)")
    await a.setLocalDescription(o)
    await b.setRemoteDescription(a.localDescription)
    ans = await b.createAnswer()
    C.save("answer-audio-video-data-createanswer", ans.sdp, "answer",
           "answer to audio+video+data offer; raw createAnswer() output before setLocalDescription (no candidates)")
    await a.close()
    await b.close()

    await negotiate("audio-only", "one audio transceiver sendrecv, no track",
                    tx(("audio", "sendrecv")))
    await negotiate("audio-track", "one audio transceiver with a track; answerer adds its own audio track",
                    tx(("audio", "sendrecv", "track")), answer_tracks())
    await negotiate("video-only", "one video transceiver sendrecv, no track",
                    tx(("video", "sendrecv")))
    await negotiate("video-track", "one video transceiver with a track; answerer adds its own video track",
                    tx(("video", "sendrecv", "track")), answer_tracks())
    await negotiate("data-only", "data channel only (one createDataChannel)",
                    with_dc())
    await negotiate("data-three-channels", "three data channels (still one application m-line)",
                    with_dc(labels=("a", "b", "c")))
    await negotiate("audio-video", "audio+video transceivers sendrecv, no tracks; answer recvonly",
                    tx(("audio", "sendrecv"), ("video", "sendrecv")))
    await negotiate("audio-video-tracks", "audio+video tracks both sides (sendrecv both ways)",
                    tx(("audio", "sendrecv", "track"), ("video", "sendrecv", "track")),
                    answer_tracks())
    await negotiate("audio-video-data", "audio+video tracks + data channel, balanced bundle policy",
                    with_dc(tx(("audio", "sendrecv", "track"), ("video", "sendrecv", "track"))),
                    answer_tracks())
    await negotiate("audio-video-data-max-bundle", "audio+video tracks + data channel, bundlePolicy max-bundle (one transport)",
                    with_dc(tx(("audio", "sendrecv", "track"), ("video", "sendrecv", "track"))),
                    answer_tracks(), bundle=MAXB)
    await negotiate("audio-video-data-max-compat", "audio+video+data, bundlePolicy max-compat (separate ICE/DTLS transport per m-line; BUNDLE group still present)",
                    with_dc(tx(("audio", "sendrecv", "track"), ("video", "sendrecv", "track"))),
                    answer_tracks(), bundle=MAXC)
    await negotiate("data-first-always-negotiate", "alwaysNegotiateDataChannels=true: application m-line first, then audio+video",
                    tx(("audio", "sendrecv"), ("video", "sendrecv")), always_dc=True)
    await negotiate("two-audio", "two audio transceivers sendrecv with tracks, balanced (share one transport)",
                    tx(("audio", "sendrecv", "track"), ("audio", "sendrecv", "track")), answer_tracks())
    await negotiate("three-video", "three video transceivers with tracks",
                    tx(("video", "sendrecv", "track"), ("video", "sendrecv", "track"),
                       ("video", "sendrecv", "track")), answer_tracks())
    await negotiate("2a2v-max-compat", "2 audio + 2 video, max-compat: four ICE transports",
                    tx(("audio", "sendrecv"), ("video", "sendrecv"), ("audio", "sendrecv"),
                       ("video", "sendrecv")), bundle=MAXC)
    await negotiate("audio-sendonly", "audio track, direction sendonly",
                    tx(("audio", "sendonly", "track")))
    await negotiate("audio-recvonly", "audio transceiver recvonly; answerer has a track (answer sendonly)",
                    tx(("audio", "recvonly")), answer_tracks())
    await negotiate("video-inactive", "video transceiver inactive",
                    tx(("video", "inactive")))
    await negotiate("mixed-directions", "audio sendonly + video recvonly + audio inactive + video sendrecv",
                    tx(("audio", "sendonly", "track"), ("video", "recvonly"), ("audio", "inactive"),
                       ("video", "sendrecv", "track")), answer_tracks())
    await negotiate("answer-inactive", "audio+video sendrecv; answerer sets its transceivers inactive",
                    tx(("audio", "sendrecv", "track"), ("video", "sendrecv", "track")),
                    answer_direction("inactive"))
    await negotiate("codecs-audio-pcmu", "setCodecPreferences audio [PCMU]",
                    tx(("audio", "sendrecv", "track", codecs("audio", "audio/PCMU"))))
    await negotiate("codecs-audio-pcma-g722", "setCodecPreferences audio [PCMA, G722]",
                    tx(("audio", "sendrecv", codecs("audio", "audio/PCMA", "audio/G722"))))
    await negotiate("codecs-video-h264", "setCodecPreferences video [H264 (both profiles), rtx]",
                    tx(("video", "sendrecv", "track", codecs("video", "video/H264"))))
    await negotiate("codecs-video-h264-then-vp8", "setCodecPreferences video [H264, VP8, rtx]",
                    tx(("video", "sendrecv", codecs("video", "video/H264", "video/VP8"))))
    await negotiate("codecs-video-vp8-no-rtx", "setCodecPreferences video [VP8] without rtx (no ssrc-group FID)",
                    tx(("video", "sendrecv", "track", codecs("video", "video/VP8", rtx=False))))
    await negotiate("answer-codecs-pcma", "full default audio offer; answerer setCodecPreferences [PCMA]",
                    tx(("audio", "sendrecv", "track")), answer_codecs("audio", codecs("audio", "audio/PCMA")))
    await negotiate("answer-codecs-h264", "full default video offer; answerer setCodecPreferences [H264, rtx]",
                    tx(("video", "sendrecv", "track")), answer_codecs("video", codecs("video", "video/H264")))

    # legacy SCTP SDP (draft-ietf-mmusic-sctp-sdp-05 style: DTLS/SCTP + a=sctpmap)
    async def legacy_dc(p):
        p._sctpLegacySdp = True  # the mode aiortc uses when the remote speaks legacy SDP
        p.createDataChannel("chat")
    await negotiate("data-legacy-sctpmap", "data channel with aiortc's legacy SCTP SDP mode (DTLS/SCTP + a=sctpmap)",
                    legacy_dc)

    # renegotiation: second offer from the same peer after a completed exchange
    a, b = await negotiate("audio-then-video-initial",
                           "initial audio-only offer, later renegotiated to add video",
                           tx(("audio", "sendrecv", "track")), answer_tracks(), complete=True)
    a.addTrack(VideoStreamTrack())
    o = await a.createOffer()
    await a.setLocalDescription(o)
    C.save("offer-reoffer-add-video", a.localDescription.sdp, "offer",
           "subsequent offer (o= version 2 expected) adding a video track to an established audio session")
    await b.setRemoteDescription(a.localDescription)
    await answer_tracks()(b)
    ans = await b.createAnswer()
    await b.setLocalDescription(ans)
    C.save("answer-reoffer-add-video", b.localDescription.sdp, "answer",
           "answer to offer-reoffer-add-video")
    await a.setRemoteDescription(b.localDescription)

    # stop a transceiver then re-offer (aiortc does not reject with port 0)
    t = a.getTransceivers()[0]
    await t.stop()
    o = await a.createOffer()
    await a.setLocalDescription(o)
    C.save("offer-reoffer-after-stop-audio", a.localDescription.sdp, "offer",
           "re-offer after transceiver.stop() on the audio transceiver (aiortc keeps the m-line with port 9, no port 0 rejection)")
    await b.setRemoteDescription(a.localDescription)
    ans = await b.createAnswer()
    await b.setLocalDescription(ans)
    C.save("answer-reoffer-after-stop-audio", b.localDescription.sdp, "answer",
           "answer to offer-reoffer-after-stop-audio")
    await a.setRemoteDescription(b.localDescription)

    # answerer becomes offerer (role reversal re-offer)
    o = await b.createOffer()
    await b.setLocalDescription(o)
    C.save("offer-reoffer-from-answerer", b.localDescription.sdp, "offer",
           "subsequent offer created by the original answerer (DTLS setup role kept)")
    await a.setRemoteDescription(b.localDescription)
    ans = await a.createAnswer()
    await a.setLocalDescription(ans)
    C.save("answer-reoffer-from-answerer", a.localDescription.sdp, "answer",
           "answer by the original offerer to offer-reoffer-from-answerer")
    await a.close()
    await b.close()

    # direction change renegotiation
    a, b = await negotiate("av-then-hold-initial", "audio+video sendrecv, later put on hold",
                           tx(("audio", "sendrecv", "track"), ("video", "sendrecv", "track")),
                           answer_tracks(), complete=True, save_answer=True)
    for t in a.getTransceivers():
        t.direction = "sendonly"
    o = await a.createOffer()
    await a.setLocalDescription(o)
    C.save("offer-reoffer-hold-sendonly", a.localDescription.sdp, "offer",
           "re-offer putting audio+video on hold (sendonly)")
    await b.setRemoteDescription(a.localDescription)
    ans = await b.createAnswer()
    await b.setLocalDescription(ans)
    C.save("answer-reoffer-hold-sendonly", b.localDescription.sdp, "answer",
           "answer to hold re-offer (recvonly expected)")
    await a.close()
    await b.close()

    # data channel added in renegotiation to an audio session
    a, b = await negotiate("audio-then-data-initial", "audio only, later a data channel is added",
                           tx(("audio", "sendrecv", "track")), answer_tracks(), complete=True,
                           save_answer=False)
    a.createDataChannel("late")
    o = await a.createOffer()
    await a.setLocalDescription(o)
    C.save("offer-reoffer-add-data", a.localDescription.sdp, "offer",
           "re-offer adding a data channel m-line to an established audio session")
    await b.setRemoteDescription(a.localDescription)
    ans = await b.createAnswer()
    await b.setLocalDescription(ans)
    C.save("answer-reoffer-add-data", b.localDescription.sdp, "answer",
           "answer to offer-reoffer-add-data")
    await a.close()
    await b.close()

    C.finish()


def quiet_closed_transports(loop, context):
    # peers are closed while aiortc's background ICE connect task may still be
    # starting; it then fails with "RTCIceTransport is closed" - harmless here
    exc = context.get("exception")
    if exc is not None and "is closed" in str(exc):
        return
    loop.default_exception_handler(context)


async def run():
    asyncio.get_running_loop().set_exception_handler(quiet_closed_transports)
    await asyncio.wait_for(main(), timeout=300)


if __name__ == "__main__":
    asyncio.run(run())
