#!/usr/bin/env node
// werift calls aiortc (captures/gen/aiortc_answer.py): Opus both ways (werift sends RTP it
// builds itself, aiortc its AudioStreamTrack), a data channel with the same messages as the
// other calls, echoed by aiortc. aiortc logs the DTLS master secret, so the whole call
// decrypts.
//
//   captures/gen/capture.sh werift-aiortc \
//     env NODE_PATH=target/corpus-node/node_modules node captures/gen/werift_aiortc.js captures/werift-aiortc
"use strict";
const fs = require("fs");
const w = require("werift");
const { aiortcAnswerer } = require("./answerer.js");

async function main() {
  const out = process.argv[2];
  const pc = new w.RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ["127.0.0.1"],
    iceInterfaceAddresses: { udp4: "127.0.0.1" },
  });
  const track = new w.MediaStreamTrack({ kind: "audio" });
  pc.addTransceiver(track, { direction: "sendrecv" });
  const channel = pc.createDataChannel("chat");
  let echoes = 0;
  const echoed = new Promise((resolve) => channel.onMessage.subscribe(() => ++echoes === 4 && resolve()));
  const opened = new Promise((resolve) => channel.stateChanged.subscribe((s) => s === "open" && resolve()));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
  });
  const aiortc = aiortcAnswerer(out, "127.0.0.1");
  const answer = await aiortc.answer(pc.localDescription.sdp);
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  fs.writeFileSync(`${out}.offer.sdp`, pc.localDescription.sdp);
  fs.writeFileSync(`${out}.answer.sdp`, answer);
  // 20 ms Opus packets of silence-like payload, built by hand (werift sends what it is given).
  let seq = 0;
  let ts = 0;
  const media = setInterval(() => {
    const rtp = new w.RtpPacket(new w.RtpHeader({ payloadType: 111, sequenceNumber: seq++ & 0xffff, timestamp: (ts += 960) >>> 0, marker: false }), Buffer.from([0xf8, 0xff, 0xfe]));
    track.writeRtp(rtp);
  }, 20);
  await opened;
  for (const m of ["hello", "x".repeat(1000), "y".repeat(20 * 1024), Buffer.from([0, 1, 98, 105, 110])]) {
    channel.send(m);
  }
  await echoed;
  await new Promise((r) => setTimeout(r, 3000));
  clearInterval(media);
  await aiortc.bye();
  await pc.close();
  console.log(`${out}: werift <-> aiortc`);
  setTimeout(() => process.exit(0), 200);
}

const timer = setTimeout(() => { console.error("the call did not complete in 40 s"); process.exit(1); }, 40000);
main().then(() => clearTimeout(timer)).catch((e) => { console.error(e); process.exit(1); });
