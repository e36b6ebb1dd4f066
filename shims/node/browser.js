// Browsers as live targets: one headless browser per shim process, the system's own
// (Debian's chromium and firefox-esr, never a downloaded one), driven through puppeteer-core:
// Chromium over the DevTools protocol, Firefox over WebDriver BiDi. Each call gets a fresh
// page; the W3C peer operations (w3c_peer.js) run inside it, and its events come back
// through a function the page is given.
//
// The shim runs in a network namespace of its own (targets/chromium.toml, firefox.toml), so
// the browser sees one veth address and nothing beyond it.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { w3cPeerOps } = require("./w3c_peer.js");

// How long a browser may take to start (Firefox takes 4 s on a loaded 2-core machine).
const LAUNCH_TIMEOUT_MS = 20000;

const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--mute-audio",
  // Host candidates as addresses, not mDNS names (no getUserMedia grant here).
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  // Per-packet RTP reports through an encoded transform need no user gesture.
  "--autoplay-policy=no-user-gesture-required",
];

const FIREFOX_PREFS = {
  // Host candidates as addresses, not mDNS names.
  "media.peerconnection.ice.obfuscate_host_addresses": false,
  "media.peerconnection.ice.loopback": true,
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  "media.autoplay.default": 0,
  // Nothing to fetch, nothing to report: the namespace has no route out anyway.
  "app.update.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "media.gmp-manager.updateEnabled": false,
};

// Debian's browsers; RTCSPEC_CHROMIUM_PATH or RTCSPEC_FIREFOX_PATH names another binary of
// the same browser (a Chrome or Firefox build of your own).
const BROWSERS = {
  chromium: { executable: process.env.RTCSPEC_CHROMIUM_PATH || "/usr/bin/chromium", package: "chromium" },
  firefox: { executable: process.env.RTCSPEC_FIREFOX_PATH || "/usr/bin/firefox-esr", package: "firefox-esr" },
};

// Inside the page: reports each RTP packet a receiver takes in, past SRTP and before the
// jitter buffer, through an encoded transform of the receiver (its frames are RTP payloads:
// one per audio packet). Chromium has the synchronous createEncodedStreams; Firefox only
// RTCRtpScriptTransform, whose worker posts each frame's header fields back.
function pageRtpTap(pc, receiver, report) {
  "use strict";
  if (typeof receiver.createEncodedStreams === "function") {
    const { readable, writable } = receiver.createEncodedStreams();
    readable
      .pipeThrough(
        new TransformStream({
          transform(frame, controller) {
            const m = frame.getMetadata();
            // As unsigned 16 and 32 bits: Firefox gives sequence numbers as signed.
            if (m.sequenceNumber !== undefined) report(m.synchronizationSource >>> 0, m.sequenceNumber & 0xffff);
            controller.enqueue(frame);
          },
        }),
      )
      .pipeTo(writable)
      .catch(() => {});
    return;
  }
  if (typeof RTCRtpScriptTransform === "function") {
    const source = `onrtctransform = (e) => {
      const t = e.transformer;
      t.readable.pipeThrough(new TransformStream({ transform(frame, controller) {
        const m = frame.getMetadata();
        if (m.sequenceNumber !== undefined) postMessage([m.synchronizationSource >>> 0, m.sequenceNumber & 0xffff]);
        controller.enqueue(frame);
      } })).pipeTo(t.writable).catch(() => {});
    };`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
    worker.onmessage = (e) => report(e.data[0], e.data[1]);
    receiver.transform = new RTCRtpScriptTransform(worker, {});
  }
}

// Installs the peer operations in the page (run there with page.evaluate).
function installInPage(opsSource, tapSource, pcConfig) {
  "use strict";
  const w3cPeerOps = new Function(`return (${opsSource})`)();
  const rtpTap = new Function(`return (${tapSource})`)();
  window.__rtcspec = w3cPeerOps({
    RTCPeerConnection,
    emit: (event, fields) => window.__rtcspecEvent(event, fields),
    rtpTap,
    pcConfig,
  });
  return true;
}

function browserPeer(kind, load, emit) {
  const spec = BROWSERS[kind];
  if (!fs.existsSync(spec.executable)) {
    throw new Error(
      `${kind}: ${spec.executable} is missing: run \`cargo xtask setup\` (it runs apt-get install ${spec.package})`,
    );
  }
  const puppeteer = load("puppeteer-core");
  let browser = null;
  let launching = null;
  let page = null;
  let profile = null;
  // Chromium needs encodedInsertableStreams for createEncodedStreams; Firefox has no such
  // member and ignores it.
  const pcConfig = kind === "chromium" ? { encodedInsertableStreams: true } : {};

  const launch = async () => {
    profile = fs.mkdtempSync(path.join(os.tmpdir(), `rtcspec-browser-${kind}-`));
    const options =
      kind === "chromium"
        ? { executablePath: spec.executable, headless: true, args: CHROMIUM_ARGS, userDataDir: profile, pipe: true }
        : {
            browser: "firefox",
            executablePath: spec.executable,
            headless: true,
            userDataDir: profile,
            extraPrefsFirefox: FIREFOX_PREFS,
          };
    const b = await puppeteer.launch({ ...options, timeout: LAUNCH_TIMEOUT_MS, protocolTimeout: LAUNCH_TIMEOUT_MS });
    // A browser that dies is a crash of the target: the shim goes with it, so rtcspec
    // records the case as Crash and starts a fresh shim and browser for the next one.
    b.on("disconnected", () => {
      if (browser === b) {
        process.stderr.write(`${kind} exited or closed its connection: the shim ends with it\n`);
        process.exit(70);
      }
    });
    process.stderr.write(`${kind} ${await b.version()} started (profile ${profile})\n`);
    return b;
  };
  const ready = async () => {
    if (browser) return browser;
    if (!launching) {
      launching = launch().then(
        (b) => {
          browser = b;
          launching = null;
          return b;
        },
        (e) => {
          launching = null;
          throw e;
        },
      );
    }
    return launching;
  };
  // Started with the shim, so the first call does not wait for it.
  ready().catch((e) => process.stderr.write(`${kind} did not start: ${e && e.stack}\n`));

  const inPage = async (name, req) => {
    if (!page) throw new Error("no peer connection: send peer.start first");
    return page.evaluate((n, r) => window.__rtcspec[n](r), name, req);
  };
  // A page of its own for the SDP answerer cases, which make no call.
  let answerer = null;
  const answererPage = async () => {
    if (!answerer) {
      const p = await (await ready()).newPage();
      await p.evaluate(installInPage, w3cPeerOps.toString(), pageRtpTap.toString(), pcConfig);
      answerer = p;
    }
    return answerer;
  };

  const ops = {
    "peer.start": async (req) => {
      if (Array.isArray(req.faults) && req.faults.length > 0) {
        return { rejected: `this shim puts no faults into ${kind} (asked for ${req.faults.join(", ")})` };
      }
      const b = await ready();
      // The previous call's page closes in the background: its connection goes with it.
      const old = page;
      page = null;
      if (old) old.close().catch(() => {});
      const p = await b.newPage();
      await p.exposeFunction("__rtcspecEvent", (event, fields) => {
        if (page === p) emit(event, fields);
      });
      await p.evaluate(installInPage, w3cPeerOps.toString(), pageRtpTap.toString(), pcConfig);
      page = p;
      return p.evaluate(() => window.__rtcspec["peer.start"]({}));
    },
    "peer.close": async () => {
      const old = page;
      page = null;
      if (old) await old.close().catch(() => {});
      return {};
    },
  };
  ops["sdp.answer"] = async (req) => (await answererPage()).evaluate((r) => window.__rtcspec["sdp.answer"](r), req);
  for (const name of ["peer.channel", "peer.offer", "peer.answer", "peer.accept", "peer.candidate", "peer.send", "peer.close_channel"]) {
    ops[name] = (req) => inPage(name, req);
  }
  const version = () => (browser ? browser.version() : Promise.resolve("not started"));
  const close = async () => {
    const b = browser;
    browser = null;
    if (b) await b.close().catch(() => {});
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  };
  return { ops, ready, version, close };
}

module.exports = { browserPeer, BROWSERS };
