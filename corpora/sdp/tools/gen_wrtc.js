#!/usr/bin/env node
// Generate real @roamhq/wrtc (libwebrtc in Node) SDP offers/answers for the
// rtcspec SDP corpus, using the shared W3C scenarios in w3c_scenarios.js.
// iceServers: [] everywhere; run_all.sh runs this in a network namespace with
// only `lo` (which libwebrtc ignores, so there are no candidates).
"use strict";
const path = require("path");
const w = require("@roamhq/wrtc");
const { Corpus, pkgVersion, withTimeout } = require(path.join(__dirname, "corpus_common.js"));
const { runW3cScenarios } = require(path.join(__dirname, "w3c_scenarios.js"));

const C = new Corpus("wrtc", pkgVersion("@roamhq/wrtc"), "tools/gen_wrtc.js + tools/w3c_scenarios.js");
const sources = [];

function makeTrack(kind) {
  const src = kind === "audio" ? new w.nonstandard.RTCAudioSource() : new w.nonstandard.RTCVideoSource();
  sources.push(src);
  return src.createTrack();
}

async function main() {
  const results = await runW3cScenarios({
    RTCPeerConnection: w.RTCPeerConnection,
    MediaStream: w.MediaStream,
    RTCRtpReceiver: w.RTCRtpReceiver,
    makeTrack,
  });
  let errors = 0;
  for (const r of results) {
    if (r.error) { console.error(`scenario ${r.name} failed: ${r.error}`); errors++; continue; }
    C.save(r.name, r.sdp, r.role, r.configuration);
  }
  C.finish();
  if (errors) console.error(`${errors} scenario(s) failed (see above)`);
}

withTimeout(main(), 120000, "gen_wrtc").then(
  () => process.exit(0),
  (e) => { console.error(e); process.exit(1); },
);
