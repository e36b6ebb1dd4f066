// W3C-API offer/answer scenarios shared by the libwebrtc-based generators
// (gen_wrtc.js runs them in Node with @roamhq/wrtc, gen_chromium.js runs them
// inside a headless Chromium page). Plain script: no require/import, so it can
// be injected into a page as-is.
//
// runW3cScenarios(env) -> [{name, role, configuration, sdp}]
//   env.RTCPeerConnection  constructor
//   env.makeTrack(kind)    -> MediaStreamTrack ("audio" | "video")
//   env.MediaStream        constructor
//   env.RTCRtpReceiver     for getCapabilities (setCodecPreferences)
//   env.gatherTimeoutMs    optional, max wait for iceGatheringState complete (default 3000)
//
// Every peer is created with iceServers: [] (no STUN/TURN). The SDP saved is
// pc.localDescription.sdp after setLocalDescription once ICE gathering is
// complete (or after env.gatherTimeoutMs); generators run in a network namespace with only
// `lo`, which libwebrtc ignores, so normally no a=candidate lines appear.
(function (root) {
  "use strict";

  async function runW3cScenarios(env) {
    const out = [];
    const ICE = { iceServers: [] };
    const pc = (cfg) => new env.RTCPeerConnection({ ...ICE, ...(cfg || {}) });
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

    async function gathered(p) {
      const t0 = Date.now();
      const limit = env.gatherTimeoutMs || 3000;
      while (p.iceGatheringState !== "complete" && Date.now() - t0 < limit) await sleep(20);
      return p.localDescription.sdp;
    }
    function save(name, role, configuration, sdp) {
      out.push({ name, role, configuration, sdp });
    }
    function caps(kind, mimes) {
      const all = env.RTCRtpReceiver.getCapabilities(kind).codecs;
      const pick = [];
      for (const m of mimes) {
        for (const c of all) if (c.mimeType.toLowerCase() === m.toLowerCase()) pick.push(c);
      }
      const primary = mimes.filter((m) => !/\/(rtx|red|ulpfec|flexfec-03|telephone-event)$/i.test(m));
      if (!pick.some((c) => primary.some((m) => m.toLowerCase() === c.mimeType.toLowerCase()))) {
        throw new Error(`skipped: none of ${primary.join(", ")} in ${kind} receive capabilities of this build`);
      }
      return pick;
    }
    const addTx = (...specs) => async (p) => {
      for (const [kind, direction, extra] of specs) {
        const init = { direction, ...((extra && extra.init) || {}) };
        let trackOrKind = kind;
        if (extra && extra.track) {
          trackOrKind = env.makeTrack(kind);
          init.streams = [new env.MediaStream([trackOrKind])];
        }
        const t = p.addTransceiver(trackOrKind, init);
        if (extra && extra.codecs) t.setCodecPreferences(caps(kind, extra.codecs));
      }
    };
    const dc = (...labels) => async (p) => { for (const l of labels) p.createDataChannel(l); };
    const seq = (...fs) => async (p) => { for (const f of fs) await f(p); };
    const answerSend = async (b) => {
      for (const t of b.getTransceivers()) {
        if (t.receiver.track && t.direction !== "stopped") {
          await t.sender.replaceTrack(env.makeTrack(t.receiver.track.kind));
          t.direction = "sendrecv";
        }
      }
    };
    const answerDirection = (d) => async (b) => { for (const t of b.getTransceivers()) t.direction = d; };
    const answerCodecs = (kind, mimes) => async (b) => {
      for (const t of b.getTransceivers()) {
        if (t.receiver.track && t.receiver.track.kind === kind) t.setCodecPreferences(caps(kind, mimes));
      }
    };

    async function exchange(a, b, name, desc, o) {
      o = o || {};
      const offer = await a.createOffer(o.offerOptions);
      await a.setLocalDescription(offer);
      save(`offer-${name}`, "offer", desc, await gathered(a));
      await b.setRemoteDescription(a.localDescription);
      if (o.setupB) await o.setupB(b);
      const answer = await b.createAnswer();
      await b.setLocalDescription(answer);
      const asdp = await gathered(b);
      if (o.saveAnswer !== false) save(`answer-${name}`, "answer", o.answerDesc || `answer to offer-${name}: ${desc}`, asdp);
      await a.setRemoteDescription(b.localDescription);
    }

    async function negotiate(name, desc, o) {
      o = o || {};
      const a = pc(o.cfgA);
      const b = pc(o.cfgB || o.cfgA);
      try {
        if (o.setupA) await o.setupA(a);
        await exchange(a, b, name, desc, o);
        if (o.then) await o.then(a, b);
      } finally {
        a.close();
        b.close();
      }
    }

    async function attempt(name, fn) {
      try {
        await fn();
      } catch (e) {
        out.push({ name, error: String((e && e.stack) || e) });
      }
    }

    const AV = ["audio", "sendrecv", { track: true }];
    const VV = ["video", "sendrecv", { track: true }];

    await attempt("audio-only", () => negotiate("audio-only", "one audio transceiver sendrecv, no track", {
      setupA: addTx(["audio", "sendrecv"]) }));
    await attempt("video-only", () => negotiate("video-only", "one video transceiver sendrecv, no track", {
      setupA: addTx(["video", "sendrecv"]) }));
    await attempt("data-only", () => negotiate("data-only", "data channel only", { setupA: dc("chat") }));
    await attempt("audio-video", () => negotiate("audio-video", "audio+video transceivers sendrecv without tracks (answer recvonly)", {
      setupA: addTx(["audio", "sendrecv"], ["video", "sendrecv"]) }));
    await attempt("audio-video-tracks-data", () => negotiate("audio-video-tracks-data",
      "audio+video tracks in one MediaStream + data channel, answerer sends too, default bundlePolicy balanced", {
        setupA: seq(addTx(AV, VV), dc("chat")), setupB: answerSend }));
    await attempt("audio-video-data-max-bundle", () => negotiate("audio-video-data-max-bundle",
      "audio+video+data, bundlePolicy max-bundle", {
        cfgA: { bundlePolicy: "max-bundle" }, setupA: seq(addTx(["audio", "sendrecv"], ["video", "sendrecv"]), dc("chat")) }));
    await attempt("audio-video-data-max-compat", () => negotiate("audio-video-data-max-compat",
      "audio+video+data, bundlePolicy max-compat", {
        cfgA: { bundlePolicy: "max-compat" }, setupA: seq(addTx(["audio", "sendrecv"], ["video", "sendrecv"]), dc("chat")) }));
    await attempt("2a2v", () => negotiate("2a2v", "2 audio + 2 video transceivers with tracks, answerer sends", {
      setupA: addTx(AV, VV, AV, VV), setupB: answerSend }));
    await attempt("directions", () => negotiate("directions",
      "audio sendonly (track) + video recvonly + audio inactive + video sendrecv (track); answerer sends on all", {
        setupA: addTx(["audio", "sendonly", { track: true }], ["video", "recvonly"], ["audio", "inactive"], VV),
        setupB: answerSend }));
    await attempt("answer-inactive", () => negotiate("answer-inactive", "audio+video tracks; answerer sets its transceivers inactive", {
      setupA: addTx(AV, VV), setupB: answerDirection("inactive") }));
    await attempt("legacy-offer-to-receive", () => negotiate("legacy-offer-to-receive",
      "no transceivers, createOffer({offerToReceiveAudio:true, offerToReceiveVideo:true}) legacy options", {
        offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true } }));
    await attempt("simulcast-send", () => negotiate("simulcast-send",
      "video track sendonly with sendEncodings rids f/h/q (scaleResolutionDownBy 1/2/4): a=rid + a=simulcast", {
        setupA: addTx(["video", "sendonly", { track: true, init: { sendEncodings: [
          { rid: "f" }, { rid: "h", scaleResolutionDownBy: 2 }, { rid: "q", scaleResolutionDownBy: 4 }] } }]) }));
    await attempt("simulcast-audio-video-data", () => negotiate("simulcast-audio-video-data",
      "audio track + simulcast video track (rids hi/lo, sendrecv) + data channel", {
        setupA: seq(addTx(AV, ["video", "sendrecv", { track: true, init: { sendEncodings: [
          { rid: "hi" }, { rid: "lo", scaleResolutionDownBy: 2 }] } }]), dc("chat")), setupB: answerSend }));
    await attempt("codecs-video-h264", () => negotiate("codecs-video-h264",
      "setCodecPreferences video [H264 (all profiles), rtx]", {
        setupA: addTx(["video", "sendrecv", { codecs: ["video/H264", "video/rtx"] }]) }));
    await attempt("codecs-video-vp9", () => negotiate("codecs-video-vp9",
      "setCodecPreferences video [VP9 (all profiles), rtx]", {
        setupA: addTx(["video", "sendrecv", { codecs: ["video/VP9", "video/rtx"] }]) }));
    await attempt("codecs-video-av1-vp9-first", () => negotiate("codecs-video-av1-vp9-first",
      "setCodecPreferences video [AV1, VP9, VP8, rtx, red, ulpfec]", {
        setupA: addTx(["video", "sendrecv", { codecs: ["video/AV1", "video/VP9", "video/VP8", "video/rtx", "video/red", "video/ulpfec"] }]) }));
    await attempt("codecs-audio-g711", () => negotiate("codecs-audio-g711",
      "setCodecPreferences audio [PCMU, PCMA, telephone-event]", {
        setupA: addTx(["audio", "sendrecv", { codecs: ["audio/PCMU", "audio/PCMA", "audio/telephone-event"] }]) }));
    await attempt("answer-codecs-vp8", () => negotiate("answer-codecs-vp8",
      "default video offer; answerer setCodecPreferences [VP8, rtx]", {
        setupA: addTx(VV), setupB: seq(answerSend, answerCodecs("video", ["video/VP8", "video/rtx"])) }));

    // renegotiation chain
    await attempt("reneg", async () => {
      const a = pc(), b = pc();
      try {
        await addTx(AV)(a);
        await exchange(a, b, "reneg-initial", "audio track only; base of the re-offer chain below", { setupB: answerSend });
        a.restartIce();
        await exchange(a, b, "reoffer-ice-restart", "re-offer after pc.restartIce() (new ice-ufrag/pwd)");
        await addTx(VV)(a);
        await exchange(a, b, "reoffer-add-video", "re-offer adding a video track", { setupB: answerSend });
        a.getTransceivers()[1].stop();
        await exchange(a, b, "reoffer-stop-video", "re-offer after transceiver.stop() on the video transceiver (port 0 rejection)");
        await addTx(["video", "sendrecv"])(a);
        await exchange(a, b, "reoffer-recycle-mline", "re-offer adding a new video transceiver after the stopped one (m-line recycling)");
        await exchange(b, a, "reoffer-from-answerer", "subsequent offer created by the original answerer");
        for (const t of a.getTransceivers()) if (t.currentDirection !== "stopped") t.direction = "sendonly";
        await exchange(a, b, "reoffer-hold-sendonly", "re-offer putting everything on hold (sendonly)");
        a.createDataChannel("late");
        await exchange(a, b, "reoffer-add-data", "re-offer adding a data channel");
      } finally {
        a.close();
        b.close();
      }
    });
    return out;
  }

  if (typeof module !== "undefined" && module.exports) module.exports = { runW3cScenarios };
  else root.runW3cScenarios = runW3cScenarios;
})(typeof globalThis !== "undefined" ? globalThis : this);
