#!/usr/bin/python3
"""Generate real GStreamer webrtcbin SDP offers/answers for the rtcspec corpus.

Uses Debian's GStreamer (python3-gst-1.0, gstreamer1.0-plugins-bad,
gstreamer1.0-nice), so run it with the system interpreter /usr/bin/python3.
Two webrtcbin elements in separate pipelines: A offers, B answers. Saved SDP is
webrtcbin's local-description after set-local-description once ICE gathering
is complete (or after a short timeout).

Network safety: no stun-server / turn-server is set (webrtcbin's default is
none); run_all.sh runs this inside a network namespace that only has `lo`.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import Gst, GstSdp, GstWebRTC  # noqa: E402,F401

from corpus_common import Corpus  # noqa: E402

Gst.init(None)
C = Corpus("gstreamer", f"GStreamer {Gst.version_string().split()[-1]} webrtcbin (Debian)",
           "tools/gen_gstreamer.py")

D = GstWebRTC.WebRTCRTPTransceiverDirection
OPUS = "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=96"
PCMU = "application/x-rtp,media=audio,encoding-name=PCMU,clock-rate=8000,payload=0"
VP8 = "application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=97"
H264 = ("application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=102,"
        "packetization-mode=(string)1,profile-level-id=(string)42e01f")
VP9 = "application/x-rtp,media=video,encoding-name=VP9,clock-rate=90000,payload=98"

AUDIO_SRC = ("audiotestsrc is-live=true wave=silence ! audioconvert ! audioresample ! opusenc ! "
             "rtpopuspay pt=96 ! " + OPUS + " ! w.")
VIDEO_SRC = ("videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=10/1 ! "
             "vp8enc deadline=1 ! rtpvp8pay pt=97 ! " + VP8 + " ! w.")


def wait_promise(p, timeout=5.0):
    t0 = time.time()
    while p.wait() == Gst.PromiseResult.PENDING and time.time() - t0 < timeout:
        time.sleep(0.01)
    return p.get_reply()


class Peer:
    def __init__(self, bundle="max-bundle", sources=()):
        desc = f"webrtcbin name=w bundle-policy={bundle} " + " ".join(sources)
        el = Gst.parse_launch(desc)
        if isinstance(el, Gst.Pipeline):
            self.pipe = el
        else:  # a lone webrtcbin: parse_launch returns the element itself
            self.pipe = Gst.Pipeline.new(None)
            self.pipe.add(el)
        self.w = self.pipe.get_by_name("w")
        self.pipe.set_state(Gst.State.PLAYING)
        self.pipe.get_state(Gst.SECOND * 5)

    def add_transceiver(self, direction, caps):
        t = self.w.emit("add-transceiver", direction, Gst.Caps.from_string(caps) if caps else None)
        return t

    def data_channel(self, label):
        return self.w.emit("create-data-channel", label, None)

    def _create(self, what):
        p = Gst.Promise.new()
        self.w.emit(f"create-{what}", None, p)
        reply = wait_promise(p)
        if reply is None:
            raise RuntimeError(f"create-{what}: no reply")
        if not reply.has_field(what):
            raise RuntimeError(f"create-{what}: {reply.to_string()}")
        desc = reply.get_value(what)
        # the boxed description is owned by the promise's reply: rebuild an
        # independent copy from its text before the promise is released
        t = GstWebRTC.WebRTCSDPType.OFFER if what == "offer" else GstWebRTC.WebRTCSDPType.ANSWER
        ok, msg = GstSdp.SDPMessage.new_from_text(desc.sdp.as_text())
        return GstWebRTC.WebRTCSessionDescription.new(t, msg)

    def create_offer(self):
        return self._create("offer")

    def create_answer(self):
        return self._create("answer")

    def set_local(self, desc):
        p = Gst.Promise.new()
        self.w.emit("set-local-description", desc, p)
        wait_promise(p)

    def set_remote(self, desc):
        p = Gst.Promise.new()
        self.w.emit("set-remote-description", desc, p)
        wait_promise(p)

    def local_sdp(self, timeout=1.0):
        # with only `lo` libnice gathers nothing and the state may stay "gathering"
        t0 = time.time()
        while (self.w.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE
               and time.time() - t0 < timeout):
            time.sleep(0.02)
        return self.w.get_property("local-description").sdp.as_text()

    def transceivers(self):
        out, i = [], 0
        while True:
            t = self.w.emit("get-transceiver", i)
            if t is None:
                return out
            out.append(t)
            i += 1

    def close(self):
        self.pipe.set_state(Gst.State.NULL)


def remote_copy(desc):
    """Round-trip through text, as a real signalling channel would."""
    ok, msg = GstSdp.SDPMessage.new_from_text(desc.sdp.as_text())
    return GstWebRTC.WebRTCSessionDescription.new(desc.type, msg)


def negotiate(name, desc, setup_a=None, setup_b=None, bundle="max-bundle", bundle_b=None,
              sources=(), sources_b=()):
    a = Peer(bundle, sources)
    b = Peer(bundle_b or bundle, sources_b)
    try:
        if setup_a:
            setup_a(a)
        offer = a.create_offer()
        a.set_local(offer)
        C.save(f"offer-{name}", a.local_sdp(), "offer", desc)
        b.set_remote(remote_copy(a.w.get_property("local-description")))
        if setup_b:
            setup_b(b)
        answer = b.create_answer()
        b.set_local(answer)
        C.save(f"answer-{name}", b.local_sdp(), "answer", f"answer to offer-{name}: {desc}")
    finally:
        a.close()
        b.close()


def tx(*specs):
    def s(p):
        for direction, caps in specs:
            p.add_transceiver(direction, caps)
    return s


def dc(*labels):
    def s(p):
        for label in labels:
            p.data_channel(label)
    return s


def seq(*fs):
    def s(p):
        for f in fs:
            f(p)
    return s


def answer_caps(caps):
    """Answerer sets codec-preferences on the transceivers created from the offer."""
    def s(p):
        for t in p.transceivers():
            t.set_property("codec-preferences", Gst.Caps.from_string(caps))
    return s


def answer_direction(direction):
    def s(p):
        for t in p.transceivers():
            t.set_property("direction", direction)
    return s


def attempt(name, fn):
    try:
        fn()
    except Exception as e:  # keep going; report at the end
        print(f"scenario {name} failed: {e!r}", file=sys.stderr)
        return False
    return True


def main():
    fails = 0
    S = D.SENDRECV
    A = answer_caps
    cases = [
        ("audio-only", "one audio transceiver sendrecv (add-transceiver with OPUS caps), max-bundle",
         dict(setup_a=tx((S, OPUS)), setup_b=A(OPUS))),
        ("video-only", "one video transceiver sendrecv (VP8 caps)",
         dict(setup_a=tx((S, VP8)), setup_b=A(VP8))),
        ("audio-video-sources", "live audiotestsrc!opusenc and videotestsrc!vp8enc linked into webrtcbin (ssrc/msid present); answerer recvonly",
         dict(sources=(AUDIO_SRC, VIDEO_SRC))),
        ("audio-video-sources-both", "both peers send live OPUS + VP8 sources",
         dict(sources=(AUDIO_SRC, VIDEO_SRC), sources_b=(AUDIO_SRC, VIDEO_SRC))),
        ("data-only", "data channel only (create-data-channel)",
         dict(setup_a=dc("chat"))),
        ("audio-video-data", "audio+video transceivers + data channel, max-bundle",
         dict(setup_a=seq(tx((S, OPUS), (S, VP8)), dc("chat")), setup_b=A_any)),
        ("audio-video-no-bundle", "audio+video transceivers, bundle-policy none (no BUNDLE group)",
         dict(setup_a=tx((S, OPUS), (S, VP8)), setup_b=A_any, bundle="none")),
        ("audio-video-data-max-compat", "audio+video+data, bundle-policy max-compat",
         dict(setup_a=seq(tx((S, OPUS), (S, VP8)), dc("chat")), setup_b=A_any, bundle="max-compat")),
        ("audio-video-balanced", "audio+video transceivers, bundle-policy balanced",
         dict(setup_a=tx((S, OPUS), (S, VP8)), setup_b=A_any, bundle="balanced")),
        ("directions", "audio sendonly + video recvonly + audio inactive",
         dict(setup_a=tx((D.SENDONLY, OPUS), (D.RECVONLY, VP8), (D.INACTIVE, PCMU)), setup_b=A_any)),
        ("answer-inactive", "audio+video sendrecv; answerer sets its transceivers inactive",
         dict(setup_a=tx((S, OPUS), (S, VP8)), setup_b=seq(A_any, answer_direction(D.INACTIVE)))),
        ("video-h264", "video transceiver with H264 caps (packetization-mode 1, 42e01f)",
         dict(setup_a=tx((S, H264)), setup_b=A(H264))),
        ("video-multi-codec", "video transceiver whose caps list VP8, VP9 and H264",
         dict(setup_a=tx((S, f"{VP8};{VP9};{H264}")), setup_b=A(f"{VP8};{VP9};{H264}"))),
        ("audio-pcmu", "audio transceiver with PCMU caps (static PT 0)",
         dict(setup_a=tx((S, PCMU)), setup_b=A(PCMU))),
        ("2a2v", "2 audio + 2 video transceivers, max-bundle",
         dict(setup_a=tx((S, OPUS), (S, OPUS), (S, VP8), (S, VP8)), setup_b=A_any)),
    ]
    for name, desc, kw in cases:
        if not attempt(name, lambda: negotiate(name, desc, **kw)):
            fails += 1
    C.finish()
    if fails:
        print(f"{fails} scenario(s) failed", file=sys.stderr)


def A_any(p):
    """Answerer: give every offered transceiver caps matching its kind."""
    for t in p.transceivers():
        mline = t.get_property("mlineindex")
        offer = p.w.get_property("remote-description").sdp
        media = offer.get_media(mline)
        m = media.get_media()
        if m == "audio":
            fmt = media.get_format(0)
            t.set_property("codec-preferences", Gst.Caps.from_string(PCMU if fmt == "0" else OPUS))
        elif m == "video":
            t.set_property("codec-preferences", Gst.Caps.from_string(VP8))


if __name__ == "__main__":
    main()
