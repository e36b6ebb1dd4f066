// Shared helpers for the Node-side SDP corpus generators.
// Writes the exact SDP string a stack produced (binary write, line endings
// untouched) to corpora/sdp/<stack>/<name>.sdp and a manifest fragment
// corpora/sdp/<stack>/manifest.part.tsv (no header) for build_sources.py.
"use strict";
const fs = require("fs");
const path = require("path");

const SDP_ROOT = path.resolve(__dirname, "..");

class Corpus {
  constructor(stack, version, script) {
    this.stack = stack;
    this.version = version;
    this.script = script;
    this.dir = path.join(SDP_ROOT, stack);
    fs.mkdirSync(this.dir, { recursive: true });
    for (const f of fs.readdirSync(this.dir)) {
      if (f.endsWith(".sdp")) fs.unlinkSync(path.join(this.dir, f));
    }
    this.rows = [];
    this.names = new Set();
  }
  save(name, sdp, role, configuration) {
    if (role !== "offer" && role !== "answer") throw new Error(`bad role ${role}`);
    if (this.names.has(name)) throw new Error(`duplicate file name ${name}`);
    if (/[\t\n]/.test(configuration)) throw new Error("tab/newline in configuration");
    if (typeof sdp !== "string" || !sdp.startsWith("v=0")) {
      throw new Error(`${name}: SDP does not start with v=0`);
    }
    this.names.add(name);
    fs.writeFileSync(path.join(this.dir, `${name}.sdp`), Buffer.from(sdp, "utf8"));
    this.rows.push([`${this.stack}/${name}.sdp`, this.stack, this.version, role, configuration, this.script]);
  }
  finish() {
    fs.writeFileSync(
      path.join(this.dir, "manifest.part.tsv"),
      this.rows.map((r) => r.join("\t") + "\n").join(""),
    );
    console.log(`${this.stack}: wrote ${this.rows.length} files`);
  }
}

function pkgVersion(name) {
  // look the package up along NODE_PATH (package.json may not be exported)
  const dirs = (process.env.NODE_PATH || "").split(path.delimiter).filter(Boolean);
  for (const d of dirs) {
    const p = path.join(d, name, "package.json");
    if (fs.existsSync(p)) return JSON.parse(fs.readFileSync(p, "utf8")).version;
  }
  throw new Error(`cannot find ${name}/package.json on NODE_PATH`);
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

module.exports = { Corpus, pkgVersion, withTimeout, SDP_ROOT };
