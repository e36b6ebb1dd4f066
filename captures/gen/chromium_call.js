#!/usr/bin/env node
// One Chromium <-> Chromium call: two RTCPeerConnections in one headless page, audio (an
// oscillator), video (a canvas) and a data channel with the same messages as
// aiortc_call.py. Chromium negotiates DTLS 1.3 with itself, and writes no key log for DTLS,
// so the capture shows the DTLS 1.3 handshake and records, not their contents.
//
// Run under capture.sh with an address Chromium will use (it ignores loopback for ICE):
//   CAPTURE_ADDRESS=10.77.0.1/24 captures/gen/capture.sh chromium-chromium \
//     env NODE_PATH=target/corpus-node/node_modules node captures/gen/chromium_call.js captures/chromium-chromium
// Needs Chromium (Debian: chromium) and playwright-core (npm).
"use strict";
const fs = require("fs");
const { launchChromium } = require("./chromium.js");

async function main() {
  const out = process.argv[2];
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto("about:blank");
    const result = await page.evaluate(async () => {
      const ac = new AudioContext();
      const osc = ac.createOscillator();
      const dst = ac.createMediaStreamDestination();
      osc.connect(dst);
      osc.start();
      const canvas = document.createElement("canvas");
      canvas.width = 320;
      canvas.height = 240;
      const g = canvas.getContext("2d");
      let frame = 0;
      setInterval(() => { g.fillStyle = `hsl(${frame++ * 7 % 360},80%,50%)`; g.fillRect(0, 0, 320, 240); }, 33);
      const video = canvas.captureStream(30).getVideoTracks()[0];
      const caller = new RTCPeerConnection({ iceServers: [] });
      const callee = new RTCPeerConnection({ iceServers: [] });
      caller.onicecandidate = (e) => e.candidate && callee.addIceCandidate(e.candidate);
      callee.onicecandidate = (e) => e.candidate && caller.addIceCandidate(e.candidate);
      caller.addTrack(dst.stream.getAudioTracks()[0], dst.stream);
      caller.addTrack(video);
      const channel = caller.createDataChannel("chat");
      const echoed = new Promise((resolve) => {
        let got = 0;
        callee.ondatachannel = (e) => {
          e.channel.onmessage = (m) => {
            const size = typeof m.data === "string" ? m.data.length : m.data.byteLength;
            e.channel.send(`echo ${size}`);
            if (++got === 4) resolve();
          };
        };
      });
      const opened = new Promise((resolve) => { channel.onopen = resolve; });
      await caller.setLocalDescription();
      await callee.setRemoteDescription(caller.localDescription);
      await callee.setLocalDescription();
      await caller.setRemoteDescription(callee.localDescription);
      await opened;
      for (const m of ["hello", "x".repeat(1000), "y".repeat(20 * 1024), new Uint8Array([0, 1, 98, 105, 110])]) {
        channel.send(m);
      }
      await echoed;
      await new Promise((r) => setTimeout(r, 3000));
      const offer = caller.localDescription.sdp;
      const answer = callee.localDescription.sdp;
      caller.close();
      callee.close();
      return { offer, answer };
    });
    fs.writeFileSync(`${out}.offer.sdp`, result.offer);
    fs.writeFileSync(`${out}.answer.sdp`, result.answer);
    console.log(`${out}: Chromium ${browser.version()}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
