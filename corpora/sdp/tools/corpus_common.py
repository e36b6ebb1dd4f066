"""Shared helpers for the SDP corpus generators (Python side).

Each generator writes the exact bytes a stack produced to
corpora/sdp/<stack>/<name>.sdp and a manifest fragment
corpora/sdp/<stack>/manifest.part.tsv (no header) that build_sources.py merges
into SOURCES.tsv.
"""
import os
import pathlib

SDP_ROOT = pathlib.Path(__file__).resolve().parent.parent


class Corpus:
    def __init__(self, stack: str, version: str, script: str):
        self.stack = stack
        self.version = version
        self.script = script
        self.dir = SDP_ROOT / stack
        self.dir.mkdir(parents=True, exist_ok=True)
        # regenerate from scratch: drop previous outputs of this stack
        for p in self.dir.glob("*.sdp"):
            p.unlink()
        self.rows = []
        self.names = set()

    def save(self, name: str, sdp: str, role: str, configuration: str) -> None:
        assert role in ("offer", "answer"), role
        assert name not in self.names, f"duplicate file name {name}"
        assert "\t" not in configuration and "\n" not in configuration
        self.names.add(name)
        data = sdp.encode("utf-8") if isinstance(sdp, str) else sdp
        assert data.startswith(b"v=0"), f"{name}: does not start with v=0"
        # binary write: keep the stack's own line endings untouched
        with open(self.dir / f"{name}.sdp", "wb") as f:
            f.write(data)
        self.rows.append(
            (f"{self.stack}/{name}.sdp", self.stack, self.version, role,
             configuration, self.script)
        )

    def finish(self) -> None:
        with open(self.dir / "manifest.part.tsv", "w", encoding="utf-8", newline="\n") as f:
            for row in self.rows:
                f.write("\t".join(row) + "\n")
        print(f"{self.stack}: wrote {len(self.rows)} files")
