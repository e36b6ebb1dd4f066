#!/usr/bin/env python3
"""Validate the SDP corpus: every .sdp non-empty and starting with "v=0",
SOURCES.tsv well-formed and listing every .sdp file exactly once (and no
file that does not exist). Exit status 1 on any problem."""
import collections
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = ["file", "stack", "version", "role", "configuration", "how"]


def main() -> int:
    errors = []
    files = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("*/*.sdp"))
    for rel in files:
        data = (ROOT / rel).read_bytes()
        if not data:
            errors.append(f"{rel}: empty")
        elif not data.startswith(b"v=0"):
            errors.append(f"{rel}: does not start with v=0")
    lines = (ROOT / "SOURCES.tsv").read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    if lines[0].split("\t") != HEADER:
        errors.append(f"SOURCES.tsv: bad header {lines[0]!r}")
    listed = collections.Counter()
    per_stack = collections.Counter()
    for n, line in enumerate(lines[1:], start=2):
        cols = line.split("\t")
        if len(cols) != len(HEADER) or not all(cols):
            errors.append(f"SOURCES.tsv:{n}: expected {len(HEADER)} non-empty columns")
            continue
        if cols[3] not in ("offer", "answer"):
            errors.append(f"SOURCES.tsv:{n}: role {cols[3]!r}")
        if not cols[0].startswith(cols[1] + "/"):
            errors.append(f"SOURCES.tsv:{n}: file not under its stack directory")
        if not (ROOT / cols[5].split(" ")[0]).is_file():
            errors.append(f"SOURCES.tsv:{n}: generator {cols[5]!r} not found")
        listed[cols[0]] += 1
        per_stack[(cols[1], cols[3])] += 1
    for f, c in listed.items():
        if c != 1:
            errors.append(f"SOURCES.tsv lists {f} {c} times")
    for f in sorted(set(files) - set(listed)):
        errors.append(f"{f}: not listed in SOURCES.tsv")
    for f in sorted(set(listed) - set(files)):
        errors.append(f"SOURCES.tsv lists missing file {f}")
    for stack in sorted({s for s, _ in per_stack}):
        print(f"{stack}: {per_stack[(stack, 'offer')]} offers, {per_stack[(stack, 'answer')]} answers")
    print(f"total: {len(files)} .sdp files, {sum(listed.values())} SOURCES.tsv rows")
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
