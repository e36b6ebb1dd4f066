// Runs captures/gen/aiortc_answer.py as the answering peer: offer in, answer out.
"use strict";
const { spawn } = require("child_process");
const path = require("path");
const readline = require("readline");

function aiortcAnswerer(prefix, address) {
  const root = path.join(__dirname, "..", "..");
  const child = spawn(path.join(root, "target/shim-venv/bin/python"), [path.join(__dirname, "aiortc_answer.py"), "--out", prefix], {
    env: { ...process.env, AIORTC_ADDRESS: address },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    answer(offer) {
      return new Promise((resolve, reject) => {
        lines.once("line", (l) => resolve(JSON.parse(l).answer));
        child.once("exit", (code) => reject(new Error(`aiortc_answer.py exited (${code})`)));
        child.stdin.write(JSON.stringify({ offer }) + "\n");
      });
    },
    async bye() {
      child.stdin.write("bye\n");
      await exited;
    },
  };
}

module.exports = { aiortcAnswerer };
