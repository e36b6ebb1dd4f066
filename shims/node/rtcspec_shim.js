#!/usr/bin/env node
// rtcspec shim for Node stacks: `node rtcspec_shim.js sdp-transform|werift|libwebrtc|libdatachannel|chromium|firefox`.
//
// Speaks the stdio JSON-lines protocol of ../PROTOCOL.md: one request per line on stdin,
// exactly one response line per request on stdout, in order; logs go to stderr only.
// All SDP work is the library's own (sdp-transform parse/write; werift's SessionDescription
// and RTCPeerConnection); this file only carries text in and out, so rtcspec judges the
// library and not the shim. libwebrtc (@roamhq/wrtc), libdatachannel (node-datachannel's
// polyfill) and the browsers (browser.js) take calls through the W3C RTCPeerConnection API
// (w3c_peer.js).
"use strict";

const childProcess = require("child_process");
const path = require("path");
const readline = require("readline");
const { w3cPeerOps } = require("./w3c_peer.js");

// Responses go to the real stdout only: libraries that log with console.* must not corrupt
// the protocol stream, so console output is sent to stderr before any library loads.
const protocolOut = process.stdout;
for (const level of ["log", "info", "warn", "debug", "trace"]) {
  console[level] = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
}
process.on("unhandledRejection", (e) => process.stderr.write(`unhandled rejection: ${e && e.stack}\n`));
process.on("uncaughtException", (e) => process.stderr.write(`uncaught exception: ${e && e.stack}\n`));

// `cargo xtask setup` installs the pinned packages under target/shim-node; rtcspec may start
// the shim from any directory, so they are looked up there when plain require fails.
const INSTALLED = path.join(__dirname, "../../target/shim-node/node_modules");
function load(name) {
  try {
    return require(name);
  } catch (e) {
    if (e.code !== "MODULE_NOT_FOUND") throw e;
  }
  try {
    // By path: this reaches files a package's `exports` do not list (werift's DTLS internals).
    return require(path.join(INSTALLED, name));
  } catch (e) {
    if (e.code !== "MODULE_NOT_FOUND") throw e;
    // Resolved from target/shim-node, so `exports` subpaths ("node-datachannel/polyfill")
    // apply as for a plain require.
    return require(require.resolve(name, { paths: [path.dirname(INSTALLED)] }));
  }
}
function versionOf(name) {
  for (const base of [path.join(INSTALLED, name), name]) {
    try {
      return require(path.join(base, "package.json")).version;
    } catch (_) {
      // try the next location
    }
  }
  return "unknown";
}

// Answers are bounded so a stuck peer connection becomes an error, not a hang (rtcspec's own
// per-request timeout is longer).
const ANSWER_TIMEOUT_MS = 4000;

class Rejected extends Error {}

function textField(req, key) {
  if (typeof req[key] !== "string") throw new TypeError(`${key} must be a string`);
  return req[key];
}

function sdpTransformStack() {
  const sdpTransform = load("sdp-transform");
  return {
    capabilities: ["sdp-codec"],
    ops: {
      "sdp.round_trip": async (req) => {
        let parsed;
        try {
          parsed = sdpTransform.parse(textField(req, "sdp"));
        } catch (e) {
          throw new Rejected(`${e.name}: ${e.message}`);
        }
        return { sdp: sdpTransform.write(parsed) };
      },
    },
  };
}

function weriftStack() {
  const werift = load("werift");
  const withTimeout = (promise) =>
    Promise.race([
      promise,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`werift did not answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS),
      ),
    ]);
  return {
    capabilities: ["sdp-codec", "sdp-answerer", "peer", "rtp-events"],
    ops: {
      ...weriftPeerOps(werift),
      "sdp.round_trip": async (req) => {
        let parsed;
        try {
          parsed = werift.SessionDescription.parse(textField(req, "sdp"));
        } catch (e) {
          throw new Rejected(`${e.name}: ${e.message}`);
        }
        // `string` is werift's serializer (toString is Object's).
        return { sdp: parsed.string };
      },
      "sdp.answer": async (req) => {
        const offer = textField(req, "offer");
        // No ICE servers; createAnswer alone gives the full description, and not calling
        // setLocalDescription keeps werift from gathering candidates.
        const pc = new werift.RTCPeerConnection({});
        try {
          let answer;
          try {
            await withTimeout(pc.setRemoteDescription({ type: "offer", sdp: offer }));
            answer = await withTimeout(pc.createAnswer());
          } catch (e) {
            throw new Rejected(`${e.name}: ${e.message}`);
          }
          return { answer: answer.sdp };
        } finally {
          await pc.close().catch(() => {});
        }
      },
    },
  };
}

// werift's DTLS has no key log option: its AEAD cipher (the only kind it negotiates) is
// initialised with the master secret and both randoms, so that is where the SSLKEYLOGFILE
// line is taken. Lines go to `sink`.
function logWeriftKeys(sink) {
  const AEADCipher = load("werift/lib/dtls/src/cipher/suites/aead.js").default;
  const init = AEADCipher.prototype.init;
  AEADCipher.prototype.init = function (masterSecret, serverRandom, clientRandom) {
    sink.push(`CLIENT_RANDOM ${Buffer.from(clientRandom).toString("hex")} ${Buffer.from(masterSecret).toString("hex")}`);
    return init.call(this, masterSecret, serverRandom, clientRandom);
  };
}

// Faults the werift shim can put in, for the mutant target over it (`mutant@werift:NAME`):
// each is off until a peer.start names it. werift is a DTLS 1.2 client that, like every 1.2
// client, never looks for the TLS 1.3 downgrade sentinel; claiming 1.3 in its ClientHello
// makes it a 1.3 client that ignores the sentinel, the defect RFC 8446 §4.1.3 guards against.
const weriftFaults = new Set();
const WERIFT_FAULTS = ["dtls-offers-1.3-ignores-sentinel"];
// supported_versions (43): DTLS 1.3 (0xfefc), DTLS 1.2 (0xfefd).
const OFFERS_DTLS_1_3 = { type: 43, data: Buffer.from([4, 0xfe, 0xfc, 0xfe, 0xfd]) };

function installWeriftFaults() {
  const { Flight1 } = load("werift/lib/dtls/src/flight/client/flight1.js");
  const exec = Flight1.prototype.exec;
  // The extension goes into the ClientHello before werift serializes it, so it is in
  // werift's own transcript too (its Finished stays valid).
  Flight1.prototype.exec = function (extensions) {
    const more = weriftFaults.has("dtls-offers-1.3-ignores-sentinel") ? [OFFERS_DTLS_1_3] : [];
    return exec.call(this, [...extensions, ...more]);
  };
}

function optionalInt(req, key) {
  const v = req[key];
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v)) throw new TypeError(`${key} must be an integer or null`);
  return v;
}

// The peer operations of ../PROTOCOL.md: one werift RTCPeerConnection on loopback, its
// callbacks reported as event lines.
function weriftPeerOps(werift) {
  const keyLines = [];
  logWeriftKeys(keyLines);
  installWeriftFaults();
  let pc = null;
  let channels = new Map();
  let keylogFrom = 0;
  const current = () => pc;
  const need = () => {
    if (!pc) throw new TypeError("no peer connection: send peer.start first");
    return pc;
  };
  const watch = (owner, ch) => {
    channels.set(ch.label, ch);
    const live = () => current() === owner;
    const opened = () =>
      live() &&
      emit("channel_open", {
        label: ch.label,
        stream: ch.id,
        ordered: ch.ordered,
        protocol: ch.protocol,
        max_retransmits: ch.maxRetransmits ?? null,
        max_packet_life_time: ch.maxPacketLifeTime ?? null,
      });
    ch.onMessage.subscribe((m) => {
      if (!live()) return;
      if (typeof m === "string") emit("message", { label: ch.label, stream: ch.id, text: m });
      else emit("message", { label: ch.label, stream: ch.id, hex: Buffer.from(m).toString("hex") });
    });
    ch.stateChanged.subscribe((state) => {
      if (state === "open") opened();
      if (state === "closed" && live()) emit("channel_close", { label: ch.label, stream: ch.id });
    });
    if (ch.readyState === "open") opened();
  };
  const gathered = (p) =>
    new Promise((resolve) => {
      if (p.iceGatheringState === "complete") return resolve();
      p.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
    });
  const close = async () => {
    const old = pc;
    pc = null;
    if (old) await old.close();
  };
  return {
    "peer.start": async (req) => {
      // Faults are for the mutant target over a shim (shims/PROTOCOL.md).
      const faults = Array.isArray(req.faults) ? req.faults : [];
      const unknown = faults.filter((f) => !WERIFT_FAULTS.includes(f));
      if (unknown.length > 0) {
        throw new Rejected(`this shim knows no fault ${unknown.join(", ")} (it knows ${WERIFT_FAULTS.join(", ")})`);
      }
      weriftFaults.clear();
      faults.forEach((f) => weriftFaults.add(f));
      // The previous connection closes in the background: werift can take seconds to
      // shut one down, and the new call should not wait for it.
      const old = pc;
      pc = null;
      if (old) old.close().catch(() => {});
      const p = new werift.RTCPeerConnection({
        iceServers: [],
        iceUseIpv6: false,
        iceAdditionalHostAddresses: ["127.0.0.1"],
        iceInterfaceAddresses: { udp4: "127.0.0.1" },
      });
      pc = p;
      channels = new Map();
      keylogFrom = keyLines.length;
      p.iceConnectionStateChange.subscribe((state) => current() === p && emit("ice_state", { state }));
      p.connectionStateChange.subscribe((state) => current() === p && emit("connection_state", { state }));
      p.onDataChannel.subscribe((ch) => watch(p, ch));
      // Every RTP packet werift hands a remote track: past SRTP, before any jitter buffer.
      p.onTrack.subscribe((track) =>
        track.onReceiveRtp.subscribe(
          (rtp) => current() === p && emit("rtp", { ssrc: rtp.header.ssrc, seq: rtp.header.sequenceNumber }),
        ),
      );
      return {};
    },
    "peer.channel": async (req) => {
      const p = need();
      const negotiated = optionalInt(req, "negotiated_id");
      if (req.ordered !== undefined && typeof req.ordered !== "boolean") throw new TypeError("ordered must be a boolean");
      const ch = p.createDataChannel(textField(req, "label"), {
        ordered: req.ordered ?? true,
        maxRetransmits: optionalInt(req, "max_retransmits"),
        maxPacketLifeTime: optionalInt(req, "max_packet_life_time"),
        protocol: typeof req.protocol === "string" ? req.protocol : "",
        negotiated: negotiated !== undefined,
        id: negotiated,
      });
      watch(p, ch);
      return {};
    },
    "peer.offer": async () => {
      const p = need();
      await p.setLocalDescription(await p.createOffer());
      await gathered(p);
      return { sdp: p.localDescription.sdp };
    },
    "peer.answer": async (req) => {
      const p = need();
      try {
        await p.setRemoteDescription({ type: "offer", sdp: textField(req, "sdp") });
        await p.setLocalDescription(await p.createAnswer());
      } catch (e) {
        throw new Rejected(`${e.name}: ${e.message}`);
      }
      await gathered(p);
      return { sdp: p.localDescription.sdp };
    },
    "peer.accept": async (req) => {
      const p = need();
      try {
        await p.setRemoteDescription({ type: "answer", sdp: textField(req, "sdp") });
      } catch (e) {
        throw new Rejected(`${e.name}: ${e.message}`);
      }
      return {};
    },
    "peer.candidate": async (req) => {
      const p = need();
      const candidate = textField(req, "candidate");
      await p.addIceCandidate(candidate ? { candidate, sdpMid: req.mid || "0" } : null);
      return {};
    },
    "peer.send": async (req) => {
      const label = textField(req, "label");
      const ch = channels.get(label);
      if (!ch || ch.readyState !== "open") throw new Rejected(`no open data channel ${JSON.stringify(label)}`);
      ch.send(req.hex !== undefined ? Buffer.from(textField(req, "hex"), "hex") : textField(req, "text"));
      return {};
    },
    "peer.close_channel": async (req) => {
      const label = textField(req, "label");
      const ch = channels.get(label);
      if (!ch) throw new Rejected(`no data channel ${JSON.stringify(label)}`);
      ch.close();
      return {};
    },
    "peer.keylog": async () => ({ lines: [...new Set(keyLines.slice(keylogFrom))] }),
    "peer.close": async () => {
      await close();
      return {};
    },
  };
}

// libwebrtc as an npm addon: the W3C API in Node. It has no per-packet RTP hook (its
// receivers are decoded audio sinks), so it reports no `rtp` events.
function libwebrtcStack() {
  const wrtc = load("@roamhq/wrtc");
  return {
    capabilities: ["peer", "sdp-answerer"],
    version: () => versionOf("@roamhq/wrtc"),
    ops: w3cPeerOps({ RTCPeerConnection: wrtc.RTCPeerConnection, emit }),
  };
}

// libdatachannel (its own ICE agent, libjuice; OpenSSL DTLS; usrsctp) through
// node-datachannel's W3C polyfill. Data channels only: the polyfill's tracks are not W3C
// MediaStreamTracks, and it has no per-packet RTP hook, so it reports no `rtp` events.
function libdatachannelStack() {
  const polyfill = load("node-datachannel/polyfill");
  const native = load("node-datachannel");
  return {
    capabilities: ["peer", "sdp-answerer"],
    version: () => `${native.getLibraryVersion()} (node-datachannel ${versionOf("node-datachannel")})`,
    ops: w3cPeerOps({ RTCPeerConnection: polyfill.RTCPeerConnection, emit }),
  };
}

// The browser's own version line ("Chromium 156.0.8078.129 built on Debian ...").
function browserVersion(executable) {
  try {
    const line = childProcess.execFileSync(executable, ["--version"], { timeout: 10000, stdio: ["ignore", "pipe", "ignore"] });
    const m = /(\d+(\.\d+)+)/.exec(line.toString());
    return m ? m[1] : line.toString().trim();
  } catch (e) {
    return "unknown";
  }
}

function browserStack(kind) {
  return () => {
    const { browserPeer, BROWSERS } = require("./browser.js");
    const executable = BROWSERS[kind].executable;
    const browser = browserPeer(kind, load, emit);
    onExit.push(browser.close);
    // rtp: both browsers' encoded transforms give each audio packet's sequence number.
    return {
      capabilities: ["peer", "rtp-events", "sdp-answerer"],
      // The first call may wait for the browser to start (targets/*.toml give rtcspec's
      // own request timeout room for it).
      timeouts: { "peer.start": 25000 },
      // Generous, as a page's work competes with the browser's own on a loaded machine.
      defaultTimeout: 10000,
      // A browser that does not answer in time is hung: the shim ends without answering,
      // so rtcspec records a crash and starts a fresh shim and browser for the next case.
      exitWhenHung: true,
      version: () => browserVersion(executable),
      ready: browser.ready,
      ops: browser.ops,
    };
  };
}

const STACKS = {
  "sdp-transform": sdpTransformStack,
  werift: weriftStack,
  libwebrtc: libwebrtcStack,
  libdatachannel: libdatachannelStack,
  chromium: browserStack("chromium"),
  firefox: browserStack("firefox"),
};

// What to close before the shim exits (a browser).
const onExit = [];

function send(response) {
  protocolOut.write(JSON.stringify(response) + "\n");
}

// An event line of the peer operations: no id, never an answer to a request.
function emit(event, fields) {
  send({ event, ...fields });
}

async function handle(stack, name, line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return [{ id: null, ok: false, error: `malformed request line: ${e.message}` }, false];
  }
  if (req === null || typeof req !== "object" || Array.isArray(req)) {
    return [{ id: null, ok: false, error: "request is not a JSON object" }, false];
  }
  const id = req.id === undefined ? null : req.id;
  if (req.op === "shutdown") return [{ id, ok: true }, true];
  if (req.op === "hello") {
    // A browser is started before the shim says hello, so no case's time goes on it.
    if (stack.ready) {
      try {
        await stack.ready();
      } catch (e) {
        return [{ id, ok: false, error: `${name} did not start: ${e && e.message}` }, false];
      }
    }
    const version = stack.version ? stack.version() : versionOf(name);
    return [{ id, ok: true, implementation: name, version, capabilities: stack.capabilities }, false];
  }
  const op = typeof req.op === "string" ? stack.ops[req.op] : undefined;
  if (!op) return [{ id, ok: false, unsupported: true, error: `unknown op ${JSON.stringify(req.op)}` }, false];
  try {
    // Bounded, so one stuck operation answers an error instead of wedging every request
    // after it (rtcspec's own per-request timeout is longer).
    let timer;
    const bound = (stack.timeouts && stack.timeouts[req.op]) || stack.defaultTimeout || ANSWER_TIMEOUT_MS;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => {
        if (stack.exitWhenHung) {
          process.stderr.write(`${req.op} did not finish within ${bound} ms: the ${name} stack is hung, the shim ends\n`);
          process.exit(75);
        }
        reject(new Error(`${req.op} did not finish within ${bound} ms`));
      }, bound);
    });
    try {
      const fields = await Promise.race([op(req), expired]);
      // The W3C stacks give a refusal as a value (it must cross out of a browser page).
      if (fields && typeof fields.rejected === "string") return [{ id, ok: false, error: fields.rejected }, false];
      return [{ id, ok: true, ...fields }, false];
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    if (!(e instanceof Rejected)) process.stderr.write(`op ${req.op} failed: ${e && e.stack}\n`);
    return [{ id, ok: false, error: e instanceof Rejected ? e.message : `${e.name}: ${e.message}` }, false];
  }
}

async function main() {
  const name = process.argv[2];
  if (!STACKS[name]) {
    process.stderr.write(`usage: node rtcspec_shim.js ${Object.keys(STACKS).join("|")}\n`);
    return 2;
  }
  const stack = STACKS[name]();
  process.stderr.write(`${name} shim started (node ${process.version})\n`);
  // Requests are answered strictly one at a time, in order.
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const [response, exit] = await handle(stack, name, line);
    if (exit) await Promise.all(onExit.map((close) => close().catch(() => {})));
    send(response);
    if (exit) break;
  }
  await Promise.all(onExit.map((close) => close().catch(() => {})));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    // The message last: rtcspec quotes a dead shim's last lines.
    process.stderr.write(`${e && e.stack}\nshim failed: ${e && e.message}\n`);
    process.exit(1);
  },
);
