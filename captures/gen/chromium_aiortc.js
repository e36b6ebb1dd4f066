#!/usr/bin/env node
// Chromium calls aiortc (captures/gen/aiortc_answer.py): Chromium offers DTLS 1.3, aiortc
// (OpenSSL through pyOpenSSL) has DTLS 1.2 only, so they settle on DTLS 1.2, and aiortc's
// key log decrypts the call. Audio from an oscillator (aiortc answers with its own), the
// same data channel messages, echoed by aiortc.
//
//   CAPTURE_ADDRESS=10.77.0.1/24 captures/gen/capture.sh chromium-aiortc \
//     env NODE_PATH=target/corpus-node/node_modules node captures/gen/chromium_aiortc.js captures/chromium-aiortc
"use strict";
const fs = require("fs");
const { launchChromium } = require("./chromium.js");
const { aiortcAnswerer } = require("./answerer.js");

async function main() {
  const out = process.argv[2];
  const browser = await launchChromium();
  const aiortc = aiortcAnswerer(out, "10.77.0.1");
  try {
    const page = await browser.newPage();
    await page.goto("about:blank");
    await page.exposeFunction("answerWithAiortc", (offer) => aiortc.answer(offer));
    const result = await page.evaluate(async () => {
      const ac = new AudioContext();
      const osc = ac.createOscillator();
      const dst = ac.createMediaStreamDestination();
      osc.connect(dst);
      osc.start();
      const pc = new RTCPeerConnection({ iceServers: [] });
      pc.addTrack(dst.stream.getAudioTracks()[0], dst.stream);
      const channel = pc.createDataChannel("chat");
      let echoes = 0;
      const echoed = new Promise((resolve) => { channel.onmessage = () => ++echoes === 4 && resolve(); });
      const opened = new Promise((resolve) => { channel.onopen = resolve; });
      await pc.setLocalDescription();
      await new Promise((resolve) => {
        if (pc.iceGatheringState === "complete") return resolve();
        pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
      });
      const answer = await window.answerWithAiortc(pc.localDescription.sdp);
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
      await opened;
      for (const m of ["hello", "x".repeat(1000), "y".repeat(20 * 1024), new Uint8Array([0, 1, 98, 105, 110])]) {
        channel.send(m);
      }
      await echoed;
      await new Promise((r) => setTimeout(r, 3000));
      const offer = pc.localDescription.sdp;
      pc.close();
      return { offer, answer };
    });
    fs.writeFileSync(`${out}.offer.sdp`, result.offer);
    fs.writeFileSync(`${out}.answer.sdp`, result.answer);
    await aiortc.bye();
    console.log(`${out}: Chromium ${browser.version()} <-> aiortc`);
  } finally {
    await browser.close();
  }
}

const timer = setTimeout(() => { console.error("the call did not complete in 60 s"); process.exit(1); }, 60000);
main().then(() => { clearTimeout(timer); process.exit(0); }).catch((e) => { console.error(e); process.exit(1); });
