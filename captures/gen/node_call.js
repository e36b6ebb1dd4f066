#!/usr/bin/env node
// A libwebrtc-based peer (@roamhq/wrtc, node-webrtc) calls werift, in one Node process:
// Opus audio from wrtc's RTCAudioSource and a data channel with the same messages as the
// other calls, echoed by werift. Neither stack writes a DTLS key log.
//
// Run under capture.sh with an address libwebrtc will use (it ignores loopback):
//   CAPTURE_ADDRESS=10.77.0.1/24 captures/gen/capture.sh wrtc-werift \
//     env NODE_PATH=target/corpus-node/node_modules node captures/gen/node_call.js captures/wrtc-werift
// Needs @roamhq/wrtc and werift (npm; cargo xtask setup installs werift for the shims).
"use strict";
const fs = require("fs");
const wrtc = require("@roamhq/wrtc");
const werift = require("werift");

const gathered = (pc) =>
  new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
  });

async function main() {
  const out = process.argv[2];
  const caller = new wrtc.RTCPeerConnection({ iceServers: [] });
  const callee = new werift.RTCPeerConnection({ iceServers: [] });
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  caller.addTrack(track, new wrtc.MediaStream([track]));
  // 10 ms of a 440 Hz tone, every 10 ms.
  const samples = new Int16Array(480);
  let t = 0;
  const tone = setInterval(() => {
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * t++) / 48000));
    source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  const channel = caller.createDataChannel("chat");
  const echoed = new Promise((resolve) => {
    let got = 0;
    callee.onDataChannel.subscribe((ch) => {
      ch.onMessage.subscribe((m) => {
        ch.send(`echo ${typeof m === "string" ? m.length : m.length}`);
        if (++got === 4) resolve();
      });
    });
  });
  const opened = new Promise((resolve) => (channel.onopen = resolve));
  await caller.setLocalDescription(await caller.createOffer());
  await gathered(caller);
  await callee.setRemoteDescription(caller.localDescription);
  await callee.setLocalDescription(await callee.createAnswer());
  await caller.setRemoteDescription(callee.localDescription);
  fs.writeFileSync(`${out}.offer.sdp`, caller.localDescription.sdp);
  fs.writeFileSync(`${out}.answer.sdp`, callee.localDescription.sdp);
  await opened;
  for (const m of ["hello", "x".repeat(1000), "y".repeat(20 * 1024), new Uint8Array([0, 1, 98, 105, 110])]) {
    channel.send(m);
  }
  await echoed;
  await new Promise((r) => setTimeout(r, 3000));
  clearInterval(tone);
  track.stop();
  caller.close();
  await callee.close();
  console.log(`${out}: @roamhq/wrtc <-> werift`);
  setTimeout(() => process.exit(0), 200);
}

const timer = setTimeout(() => { console.error("the call did not complete in 30 s"); process.exit(1); }, 30000);
main().then(() => clearTimeout(timer)).catch((e) => { console.error(e); process.exit(1); });
