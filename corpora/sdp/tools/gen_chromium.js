#!/usr/bin/env node
// Generate real Chromium SDP offers/answers for the rtcspec SDP corpus.
// Drives the system Chromium (/usr/bin/chromium, or $CHROMIUM) headless with
// playwright-core, opens about:blank, injects w3c_scenarios.js and runs the
// shared W3C scenarios with RTCPeerConnections inside the page.
// iceServers: [] everywhere; run_all.sh runs this in a network namespace with
// only `lo`, which Chromium ignores, so the SDPs carry no candidates.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");
const { Corpus, withTimeout } = require(path.join(__dirname, "corpus_common.js"));

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  try {
    const version = browser.version();
    const C = new Corpus("chromium", `Chromium ${version} (Debian package)`,
      "tools/gen_chromium.js + tools/w3c_scenarios.js");
    const page = await browser.newPage();
    await page.goto("about:blank");
    await page.addScriptTag({ content: fs.readFileSync(path.join(__dirname, "w3c_scenarios.js"), "utf8") });
    const results = await page.evaluate(async () => {
      const ac = new AudioContext();
      const makeTrack = (kind) => {
        if (kind === "audio") {
          const osc = ac.createOscillator();
          const dst = ac.createMediaStreamDestination();
          osc.connect(dst);
          osc.start();
          return dst.stream.getAudioTracks()[0];
        }
        const canvas = document.createElement("canvas");
        canvas.width = 320;
        canvas.height = 240;
        canvas.getContext("2d").fillRect(0, 0, 10, 10);
        return canvas.captureStream(10).getVideoTracks()[0];
      };
      // with only `lo` Chromium gathers nothing but may stay in "gathering"; 1 s is plenty
      return await runW3cScenarios({ RTCPeerConnection, MediaStream, RTCRtpReceiver, makeTrack, gatherTimeoutMs: 1000 });
    });
    let errors = 0;
    for (const r of results) {
      if (r.error) { console.error(`scenario ${r.name} failed: ${r.error}`); errors++; continue; }
      C.save(r.name, r.sdp, r.role, r.configuration);
    }
    C.finish();
    if (errors) console.error(`${errors} scenario(s) failed (see above)`);
  } finally {
    await browser.close();
  }
}

withTimeout(main(), 180000, "gen_chromium").then(
  () => process.exit(0),
  (e) => { console.error(e); process.exit(1); },
);
