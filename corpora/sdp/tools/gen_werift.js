#!/usr/bin/env node
// Generate real werift SDP offers/answers for the rtcspec SDP corpus.
//
// Two in-process werift peers (A offers, B answers). Saved SDP is
// pc.localDescription.sdp once ICE gathering is complete (werift appends the
// gathered host candidates + a=end-of-candidates to localDescription), except
// files named *-createoffer / *-createanswer, which are the raw
// createOffer()/createAnswer() strings.
//
// Network safety: iceServers is [] (werift's default is a public STUN
// server), IPv6 off, sockets bound to 127.0.0.1, and 127.0.0.1 added as the
// only extra host address. run_all.sh also runs this inside a network
// namespace that only has `lo`, so no other interface exists.
"use strict";
const path = require("path");
const w = require("werift");
const { Corpus, pkgVersion, withTimeout } = require(path.join(__dirname, "corpus_common.js"));

const C = new Corpus("werift", pkgVersion("werift"), "tools/gen_werift.js");

const LOOPBACK = {
  iceServers: [],
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ["127.0.0.1"],
  iceInterfaceAddresses: { udp4: "127.0.0.1" },
};

function pc(extra = {}) {
  return new w.RTCPeerConnection({ ...LOOPBACK, ...extra });
}

async function gathered(p) {
  const t0 = Date.now();
  while (p.iceGatheringState !== "complete" && Date.now() - t0 < 5000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return p.localDescription.sdp;
}

const rtx = () => new w.RTCRtpCodecParameters({ mimeType: "video/rtx", clockRate: 90000 });
const red = () => new w.RTCRtpCodecParameters({ mimeType: "audio/red", clockRate: 48000, channels: 2 });
const allExt = () => ({
  audio: [w.useSdesMid(), w.useAbsSendTime(), w.useAudioLevelIndication(), w.useTransportWideCC()],
  video: [w.useSdesMid(), w.useSdesRTPStreamId(), w.useRepairedRtpStreamId(), w.useAbsSendTime(),
    w.useTransportWideCC(), w.useDependencyDescriptor(), w.useVideoOrientation()],
});

// opts: cfgA, cfgB, setupA(a), setupB(b), desc, answerDesc, keep (return peers), saveAnswer
async function negotiate(name, desc, opts = {}) {
  const a = pc(opts.cfgA || {});
  const b = pc(opts.cfgB || opts.cfgA || {});
  if (opts.setupA) await opts.setupA(a);
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  C.save(`offer-${name}`, await gathered(a), "offer", desc);
  await b.setRemoteDescription(a.localDescription);
  if (opts.setupB) await opts.setupB(b);
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  if (opts.saveAnswer !== false) {
    C.save(`answer-${name}`, await gathered(b), "answer", opts.answerDesc || `answer to offer-${name}: ${desc}`);
  }
  if (opts.keep) {
    await a.setRemoteDescription(b.localDescription);
    return [a, b];
  }
  await a.close();
  await b.close();
  return null;
}

async function reoffer(a, b, name, desc, offerOpts, setupB) {
  const o = await a.createOffer(offerOpts);
  await a.setLocalDescription(o);
  C.save(`offer-${name}`, await gathered(a), "offer", desc);
  await b.setRemoteDescription(a.localDescription);
  if (setupB) await setupB(b);
  const ans = await b.createAnswer();
  await b.setLocalDescription(ans);
  C.save(`answer-${name}`, await gathered(b), "answer", `answer to offer-${name}`);
  await a.setRemoteDescription(b.localDescription);
}

const addTx = (...specs) => async (p) => {
  for (const [kind, direction, extra] of specs) p.addTransceiver(kind, { direction, ...(extra || {}) });
};
const addTracks = (...kinds) => async (p) => {
  for (const kind of kinds) p.addTrack(new w.MediaStreamTrack({ kind }), new w.MediaStream([]));
};
const answerSend = async (b) => {
  for (const t of b.getTransceivers()) {
    t.sender.replaceTrack(new w.MediaStreamTrack({ kind: t.kind }));
    t.setDirection("sendrecv");
  }
};
const dc = (...labels) => async (p) => { for (const l of labels) p.createDataChannel(l); };
const seq = (...fs) => async (p) => { for (const f of fs) await f(p); };

async function main() {
  // raw createOffer / createAnswer (no candidates)
  {
    const a = pc(), b = pc();
    a.addTransceiver("audio", { direction: "sendrecv" });
    a.addTransceiver("video", { direction: "sendrecv" });
    a.createDataChannel("chat");
    const o = await a.createOffer();
    C.save("offer-audio-video-data-createoffer", o.sdp, "offer",
      "audio+video+data, default config; raw createOffer() output (no candidates)");
    await a.setLocalDescription(o);
    await b.setRemoteDescription(a.localDescription);
    const ans = await b.createAnswer();
    C.save("answer-audio-video-data-createanswer", ans.sdp, "answer",
      "answer to audio+video+data offer; raw createAnswer() output (no candidates)");
    await a.close(); await b.close();
  }

  await negotiate("audio-only", "one audio transceiver sendrecv, default codecs (OPUS, PCMU), default bundlePolicy max-compat",
    { setupA: addTx(["audio", "sendrecv"]) });
  await negotiate("video-only", "one video transceiver sendrecv, default codec VP8",
    { setupA: addTx(["video", "sendrecv"]) });
  await negotiate("data-only", "data channel only", { setupA: dc("chat") });
  await negotiate("data-max-message-size-0", "data channel only, maxMessageSize 0 (unlimited)",
    { setupA: dc("chat"), cfgA: { maxMessageSize: 0 } });
  await negotiate("audio-video", "audio+video transceivers sendrecv, max-compat (separate transports, still BUNDLE group)",
    { setupA: addTx(["audio", "sendrecv"], ["video", "sendrecv"]) });
  await negotiate("audio-video-tracks", "audio+video tracks via addTrack with a MediaStream; answerer sends too",
    { setupA: addTracks("audio", "video"), setupB: answerSend });
  await negotiate("audio-video-data-max-bundle", "audio+video+data, bundlePolicy max-bundle",
    { cfgA: { bundlePolicy: "max-bundle" }, setupA: seq(addTx(["audio", "sendrecv"], ["video", "sendrecv"]), dc("chat")) });
  await negotiate("audio-video-data-balanced", "audio+video+data, bundlePolicy balanced (werift normalises to max-compat)",
    { cfgA: { bundlePolicy: "balanced" }, setupA: seq(addTx(["audio", "sendrecv"], ["video", "sendrecv"]), dc("chat")) });
  await negotiate("2a2v", "2 audio + 2 video transceivers, max-bundle",
    { cfgA: { bundlePolicy: "max-bundle" },
      setupA: addTx(["audio", "sendrecv"], ["audio", "sendrecv"], ["video", "sendrecv"], ["video", "sendrecv"]) });
  await negotiate("directions", "audio sendonly, video recvonly, audio inactive, video sendrecv; answerer sends on all",
    { setupA: addTx(["audio", "sendonly"], ["video", "recvonly"], ["audio", "inactive"], ["video", "sendrecv"]),
      setupB: answerSend });
  await negotiate("answer-inactive", "audio+video sendrecv; answerer sets inactive",
    { setupA: addTx(["audio", "sendrecv"], ["video", "sendrecv"]),
      setupB: async (b) => { for (const t of b.getTransceivers()) t.setDirection("inactive"); } });
  await negotiate("video-codecs-all-rtx", "video codecs VP8+rtx, VP9+rtx, H264+rtx, AV1X+rtx (werift's AV1 name), TWCC/FIR feedback",
    { cfgA: { codecs: { audio: [w.useOPUS()], video: [
      w.useVP8({ rtcpFeedback: [w.useNACK(), w.usePLI(), w.useFIR(), w.useREMB(), w.useTWCC()] }), rtx(),
      w.useVP9(), rtx(), w.useH264(), rtx(), w.useAV1X(), rtx()] } },
      setupA: addTx(["video", "sendrecv"]) });
  await negotiate("video-h264-only", "video codecs [H264] only, answerer also H264 only",
    { cfgA: { codecs: { video: [w.useH264()] } }, setupA: addTx(["video", "sendrecv"]) });
  // (an offer with no codec in common with the answerer makes werift throw
  //  "negotiate codecs failed." in setRemoteDescription, so no such case here)
  await negotiate("audio-pcmu-only", "audio codecs [PCMU] only",
    { cfgA: { codecs: { audio: [w.usePCMU()] } }, setupA: addTx(["audio", "sendrecv"]) });
  await negotiate("audio-red-opus", "audio codecs [red, OPUS] (werift assigns red PT 63 and its fmtp itself)",
    { cfgA: { codecs: { audio: [red(), w.useOPUS()] } }, setupA: addTx(["audio", "sendrecv"]) });
  await negotiate("header-extensions", "all werift header extensions (mid, rid, repaired-rid, abs-send-time, twcc, audio level, dependency descriptor, video orientation)",
    { cfgA: { headerExtensions: allExt(), codecs: { audio: [w.useOPUS()], video: [w.useVP8(), rtx()] } },
      setupA: addTx(["audio", "sendrecv"], ["video", "sendrecv"]) });
  await negotiate("simulcast-recv", "video recvonly with simulcast recv rids high/low (a=rid + a=simulcast)",
    { cfgA: { headerExtensions: allExt() },
      setupA: addTx(["video", "recvonly", { simulcast: [{ rid: "high", direction: "recv" }, { rid: "low", direction: "recv" }] }]) });
  await negotiate("simulcast-send", "video sendonly with simulcast send rids f/h/q",
    { cfgA: { headerExtensions: allExt() },
      setupA: addTx(["video", "sendonly", { simulcast: [{ rid: "f", direction: "send" }, { rid: "h", direction: "send" }, { rid: "q", direction: "send" }] }]) });
  await negotiate("ice-lite", "audio+data from an iceLite=true peer (a=ice-lite)",
    { cfgA: { iceLite: true }, cfgB: {}, setupA: seq(addTx(["audio", "sendrecv"]), dc("chat")) });
  // (config.midSuffix is not passed to werift's SDPManager in this version, so
  //  it has no effect on the SDP; not included)
  await negotiate("no-bundle", "audio+video+data with werift's non-standard bundlePolicy \"disable\" (no a=group:BUNDLE)",
    { cfgA: { bundlePolicy: "disable" }, setupA: seq(addTx(["audio", "sendrecv"], ["video", "sendrecv"]), dc("chat")) });

  // renegotiation
  {
    const [a, b] = await negotiate("reneg-initial", "audio only; later re-offered with ICE restart, added video, stopped transceiver",
      { setupA: addTx(["audio", "sendrecv"]), setupB: answerSend, keep: true });
    await reoffer(a, b, "reoffer-ice-restart", "re-offer of the audio session with createOffer({iceRestart:true}) (new ufrag/pwd)", { iceRestart: true });
    a.addTransceiver("video", { direction: "sendrecv" });
    await reoffer(a, b, "reoffer-add-video", "re-offer adding a video transceiver to an established audio session");
    a.getTransceivers()[1].stop();
    await reoffer(a, b, "reoffer-stop-video", "re-offer after transceiver.stop() on the video transceiver (rejected m-line expected: port 0)");
    await reoffer(b, a, "reoffer-from-answerer", "subsequent offer created by the original answerer");
    await a.close(); await b.close();
  }
  {
    const [a, b] = await negotiate("hold-initial", "audio+video sendrecv; later put on hold", {
      setupA: addTx(["audio", "sendrecv"], ["video", "sendrecv"]), setupB: answerSend, keep: true, saveAnswer: false });
    for (const t of a.getTransceivers()) t.setDirection("sendonly");
    await reoffer(a, b, "reoffer-hold-sendonly", "re-offer with all transceivers sendonly (hold)");
    a.createDataChannel("late");
    await reoffer(a, b, "reoffer-add-data", "re-offer adding a data channel to an audio+video session");
    await a.close(); await b.close();
  }
  C.finish();
}

withTimeout(main(), 120000, "gen_werift").then(
  () => process.exit(0),
  (e) => { console.error(e); process.exit(1); },
);
