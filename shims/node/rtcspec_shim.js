#!/usr/bin/env node
// rtcspec shim for Node SDP stacks: `node rtcspec_shim.js sdp-transform|werift`.
//
// Speaks the stdio JSON-lines protocol of ../PROTOCOL.md: one request per line on stdin,
// exactly one response line per request on stdout, in order; logs go to stderr only.
// All SDP work is the library's own (sdp-transform parse/write; werift's SessionDescription
// and RTCPeerConnection); this file only carries text in and out, so rtcspec judges the
// library and not the shim.
"use strict";

const path = require("path");
const readline = require("readline");

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
    return require(path.join(INSTALLED, name));
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
    capabilities: ["sdp-codec", "sdp-answerer"],
    ops: {
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

const STACKS = { "sdp-transform": sdpTransformStack, werift: weriftStack };

function send(response) {
  protocolOut.write(JSON.stringify(response) + "\n");
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
    return [{ id, ok: true, implementation: name, version: versionOf(name), capabilities: stack.capabilities }, false];
  }
  const op = typeof req.op === "string" ? stack.ops[req.op] : undefined;
  if (!op) return [{ id, ok: false, unsupported: true, error: `unknown op ${JSON.stringify(req.op)}` }, false];
  try {
    return [{ id, ok: true, ...(await op(req)) }, false];
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
  process.stderr.write(`${name} ${versionOf(name)} shim started (node ${process.version})\n`);
  // Requests are answered strictly one at a time, in order.
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const [response, exit] = await handle(stack, name, line);
    send(response);
    if (exit) break;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`shim failed: ${e && e.stack}\n`);
    process.exit(1);
  },
);
