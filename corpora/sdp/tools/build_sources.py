#!/usr/bin/env python3
"""Merge every <stack>/manifest.part.tsv into corpora/sdp/SOURCES.tsv."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = "file\tstack\tversion\trole\tconfiguration\thow\n"


def main() -> None:
    rows = []
    for part in sorted(ROOT.glob("*/manifest.part.tsv")):
        rows += [line for line in part.read_text(encoding="utf-8").splitlines() if line]
    rows.sort(key=lambda r: r.split("\t", 1)[0])
    with open(ROOT / "SOURCES.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for r in rows:
            f.write(r + "\n")
    print(f"SOURCES.tsv: {len(rows)} rows")


if __name__ == "__main__":
    main()
