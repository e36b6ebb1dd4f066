#!/usr/bin/env python3
"""Extract the RFC 2119 requirement sentences of an RFC into an rtcspec inventory (TOML).

Every sentence that holds an upper-case MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT, SHOULD,
SHOULD NOT, RECOMMENDED or NOT RECOMMENDED becomes one `[[req]]` entry. Sentences whose only
keywords are MAY / OPTIONAL are skipped, and so is the BCP 14 boilerplate that quotes the
keywords. The inventory format is the one `rtcspec-harness` reads (harness/src/requirements.rs):

    doc = "RFC 8489"
    title = "..."
    url = "https://www.rfc-editor.org/rfc/rfc8489"

    [[req]]
    id = "rfc8489-6.3-1"      # rfc<num>-<section>-<n>; n counts the requirement sentences of
                              # that section from 1, in text order
    section = "6.3"           # most specific numbered section ("Appendix B.1" -> "B.1")
    level = "MUST"            # MUST (MUST [NOT], REQUIRED, SHALL [NOT]) or SHOULD (SHOULD [NOT],
                              # [NOT] RECOMMENDED): the strongest keyword in the sentence
    text = "..."              # the sentence, whitespace normalised
    status = "testable"       # testable | untestable | out-of-scope
    reason = ""               # one sentence, required unless testable
    topic = "header"          # grouping key for the suite

Usage (from the repository root, /work/main):

    # 1. raw extraction (status "untriaged": the harness refuses it until it is curated)
    python3 suites/requirements/extract_requirements.py ../shared/rfc/rfc8489.txt > /tmp/raw.toml

    # 2. re-run against the curated inventory: curation (status, reason, topic and any
    #    " ... " shortening of text) is carried over by id, and checked against the RFC text
    python3 suites/requirements/extract_requirements.py ../shared/rfc/rfc8489.txt \
        --curated suites/requirements/rfc8489.toml > /tmp/rfc8489.toml
    diff -u suites/requirements/rfc8489.toml /tmp/rfc8489.toml   # empty when up to date

    # a partial inventory: only sections 5.3.1 and 5.8 (with 5.8.1, 5.8.2, ... but not 5.80);
    # give the same --sections on every re-run with --curated
    python3 suites/requirements/extract_requirements.py ../shared/rfc/rfc9429.txt \
        --sections 5.3.1,5.8 --curated suites/requirements/rfc9429.toml > /tmp/rfc9429.toml

--sections takes comma-separated section prefixes; a sentence is kept if its section equals a
prefix or starts with the prefix and ".". Filtering happens after numbering, so ids are the same
as in a full extraction. The output then starts with a "# sections: ..." comment saying that the
inventory is partial on purpose. A prefix that holds no requirement sentence is reported on stderr
(a typo, most likely), and --strict makes that an error too.

With --curated, an entry keeps its curated text only if that text is the extracted sentence or a
faithful abbreviation of it (its " ... "-separated pieces occur in the sentence, in order);
otherwise the extracted sentence is used and the entry is reported on stderr. Entries of the
curated file whose id is no longer extracted, and extracted sentences with no curation, are
reported on stderr too; --strict turns any such report into exit status 1.

Text handling: RFCs in the old paginated format have a footer, a form feed and a header at every
page break; these are removed and a paragraph split by a page break is joined again before
sentences are split. xml2rfc v3 files (unpaginated, with a UTF-8 BOM) work as well. Figures
(lines drawn with + and |), code between <CODE BEGINS>/<CODE ENDS>, the table of contents, the
front matter and the unnumbered back matter (Acknowledgements, Authors' Addresses, ...) are
ignored. A nested list item ("*" under "o") whose parent item ends with ":" is read as the
continuation of the parent's last sentence, and a requirement sentence ending with ":" that
introduces a list takes the list items with it, so every entry reads as a whole sentence.

Only the Python 3.11+ standard library is used.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass

KEYWORD = re.compile(r"\b(MUST|SHALL|REQUIRED|SHOULD|RECOMMENDED)\b")
STRONG = re.compile(r"\b(MUST|SHALL|REQUIRED)\b")
# The BCP 14 boilerplate quotes the keywords: "MUST", "MUST NOT", ...
BOILERPLATE = re.compile(r'"(MUST|SHOULD|REQUIRED|SHALL|RECOMMENDED|MAY|OPTIONAL)"')

HEADING = re.compile(
    r"^(?:Appendix\s+(?P<app>[A-Z])\.?|(?P<num>\d+(?:\.\d+)*)\.|(?P<sub>[A-Z](?:\.\d+)+)\.?)\s+\S"
)
BULLET = re.compile(r"^(?P<indent>\s*)(?P<mark>o|\*|-|\+)\s+(?=\S)")
FIGURE_LINE = re.compile(r"^\s*(\+[-+=]|\|)")
ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Sec.", "No.", "Fig.")
STATUSES = ("testable", "untestable", "out-of-scope")


@dataclass
class Block:
    section: str | None
    text: str
    bullet: str | None = None  # the list marker, if this block is a list item
    indent: int = 0


@dataclass
class Req:
    section: str
    level: str
    text: str
    id: str = ""
    status: str = "untriaged"
    reason: str = ""
    topic: str = ""


# ---------------------------------------------------------------------------------------------
# Reading the RFC text


def strip_pagination(text: str) -> list[str]:
    """Lines of the RFC with page footers/headers removed and split paragraphs rejoined."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    pages = text.split("\f")
    out: list[str] = []
    for i, page in enumerate(pages):
        lines = page.split("\n")
        if len(pages) > 1:
            # footer: the last non-blank line ends with [Page N]
            j = len(lines) - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j >= 0 and re.search(r"\[Page \d+\]\s*$", lines[j]):
                lines = lines[:j]
            # header: the first non-blank line of every page but the first starts "RFC NNNN"
            if i > 0:
                k = 0
                while k < len(lines) and not lines[k].strip():
                    k += 1
                if k < len(lines) and re.match(r"^RFC \d+\s{2,}", lines[k]):
                    lines = lines[k + 1 :]
        # trim the blank lines at both ends of the page body
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            continue
        if out:
            prev = out[-1]
            nxt = lines[0]
            # a paragraph runs on across the break when the previous page ends mid-sentence and
            # the next page goes on with indented text that is neither a heading nor a list item
            runs_on = (
                prev.strip()
                and not re.search(r"[.:;]\s*$", prev)
                and nxt.startswith(" ")
                and not BULLET.match(nxt)
                and not FIGURE_LINE.match(nxt)
                and not FIGURE_LINE.match(prev)
            )
            if not runs_on:
                out.append("")
        out.extend(lines)
    return [line.rstrip() for line in out]


def join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph; a line ending in '-' or '/' is glued to the next."""
    text = ""
    for line in lines:
        part = line.strip()
        if not text:
            text = part
        elif re.search(r"[A-Za-z0-9]-$", text) or text.endswith("/"):
            # xml2rfc breaks lines only after hyphens and slashes, never inside a word
            text += part
        else:
            text += " " + part
    return re.sub(r"\s+", " ", text)


def blocks(lines: list[str]) -> list[Block]:
    """Paragraphs and list items, each tagged with its section; figures and code dropped."""
    out: list[Block] = []
    section: str | None = None
    in_code = False
    para: list[str] = []
    para_bullet: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal para, para_bullet
        if para and section is not None:
            if not any(FIGURE_LINE.match(l) for l in para):
                text = join_lines(para)
                if para_bullet:
                    text = BULLET.sub("", text, count=1) if BULLET.match(text) else text
                out.append(Block(section, text, para_bullet[0] if para_bullet else None,
                                 para_bullet[1] if para_bullet else len(para[0]) - len(para[0].lstrip())))
        para = []
        para_bullet = None

    prev_heading = False
    for line in lines:
        if "<CODE BEGINS>" in line:
            flush()
            in_code = True
            continue
        if "<CODE ENDS>" in line:
            in_code = False
            continue
        if in_code:
            continue
        if not line.strip():
            flush()
            prev_heading = False
            continue
        if not line.startswith(" "):
            # a line at column 0 is a heading; an unnumbered one (Table of Contents,
            # Acknowledgements, Authors' Addresses, ...) leaves the numbered body
            flush()
            m = HEADING.match(line)
            section = (m.group("num") or m.group("app") or m.group("sub")) if m else None
            prev_heading = True
            continue
        if prev_heading:
            continue  # continuation line of a wrapped heading
        b = BULLET.match(line)
        if b:
            flush()
            para_bullet = (b.group("mark"), len(b.group("indent")))
        para.append(line)
    flush()
    return out


def split_sentences(text: str) -> list[str]:
    pieces = []
    start = 0
    for m in re.finditer(r"[.?!][\"')\]]*\s+(?=[\"(\[]?[A-Z0-9])", text):
        end = m.start() + 1
        head = text[start:end]
        if head.endswith(ABBREVIATIONS) or head.endswith(".."):
            continue
        # "Section 14.5." style numbers are fine; an initial like "M. Petit" is not a sentence end
        if re.search(r"(?:^|\s)[A-Z]\.$", head):
            continue
        pieces.append(text[start : m.end()].strip())
        start = m.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def sentences(blks: list[Block]) -> list[tuple[str, str]]:
    """(section, sentence) pairs, with list context folded in as described in the docstring."""
    out: list[tuple[str, str]] = []
    i = 0
    parent: Block | None = None  # the last top-level list item
    while i < len(blks):
        blk = blks[i]
        if blk.bullet and blk.bullet != "*":
            parent = blk
        elif not blk.bullet:
            parent = None
        sents = split_sentences(blk.text)
        if blk.bullet == "*" and parent is not None and parent.text.endswith(":") and sents:
            lead = split_sentences(parent.text)[-1]
            sents[0] = lead + " " + sents[0]
        for k, s in enumerate(sents):
            if s.endswith(":") and k == len(sents) - 1 and KEYWORD.search(s):
                # a requirement that introduces a list: take the list items with it
                j = i + 1
                items = []
                while j < len(blks) and blks[j].bullet and blks[j].section == blk.section:
                    items.append(blks[j].text)
                    j += 1
                if items and not any(KEYWORD.search(t) for t in items):
                    s = s + " " + " ".join(items)
            out.append((blk.section, s))
        i += 1
    return out


def level_of(sentence: str) -> str | None:
    if len(BOILERPLATE.findall(sentence)) >= 3:
        return None  # the BCP 14 boilerplate, not a sentence that merely quotes one keyword
    if not KEYWORD.search(sentence):
        return None
    return "MUST" if STRONG.search(sentence) else "SHOULD"


def extract(text: str, rfc: str) -> list[Req]:
    reqs: list[Req] = []
    counters: dict[str, int] = {}
    for section, s in sentences(blocks(strip_pagination(text))):
        level = level_of(s)
        if level is None:
            continue
        n = counters[section] = counters.get(section, 0) + 1
        reqs.append(Req(section=section, level=level, text=s, id=f"rfc{rfc}-{section}-{n}"))
    return reqs


def parse_sections(arg: str) -> list[str]:
    """The section prefixes of a --sections argument: "5.3.1, 5.8" -> ["5.3.1", "5.8"]."""
    prefixes = [p.strip().rstrip(".") for p in arg.split(",")]
    return [p for p in prefixes if p]


def in_sections(section: str, prefixes: list[str]) -> bool:
    """True if `section` is one of `prefixes` or a subsection of one ("5.8" holds "5.8.1",
    not "5.80")."""
    return any(section == p or section.startswith(p + ".") for p in prefixes)


def title_of(text: str) -> str:
    """The centered title line(s) between the header block and the Abstract / Status."""
    lines = strip_pagination(text)
    try:
        end = next(i for i, l in enumerate(lines)
                   if l.strip().lower() in ("abstract", "status of this memo"))
    except StopIteration:
        return ""
    title: list[str] = []
    for line in reversed(lines[:end]):
        if not line.strip():
            if title:
                break
            continue
        if not line.startswith(" "):
            break
        title.insert(0, line.strip())
    return " ".join(title)


# ---------------------------------------------------------------------------------------------
# Curation carried over from an existing inventory


def is_abbreviation(short: str, full: str) -> bool:
    """True if `short` is `full`, or `full` with parts elided as " ... " (in the middle) or a
    trailing " ..." (at the end); the kept pieces must occur in `full` in order, and the
    first one must start it."""
    if short == full:
        return True
    open_end = short.endswith(" ...")
    body = short[: -len(" ...")] if open_end else short
    pieces = body.split(" ... ")
    if len(pieces) == 1 and not open_end:
        return False
    pos = 0
    for k, piece in enumerate(pieces):
        at = full.find(piece, pos)
        if not piece or at < 0 or (k == 0 and at != 0):
            return False
        pos = at + len(piece)
    return open_end or pos == len(full)


def apply_curation(reqs: list[Req], path: str) -> int:
    with open(path, "rb") as f:
        curated = {r["id"]: r for r in tomllib.load(f).get("req", [])}
    problems = 0
    seen = set()
    for r in reqs:
        c = curated.get(r.id)
        if c is None:
            print(f"{r.id}: new sentence, not curated yet", file=sys.stderr)
            problems += 1
            continue
        seen.add(r.id)
        if c.get("section") != r.section or c.get("level") != r.level:
            print(f"{r.id}: section/level changed ({c.get('section')}/{c.get('level')} -> "
                  f"{r.section}/{r.level})", file=sys.stderr)
            problems += 1
        ctext = c.get("text", "")
        if is_abbreviation(ctext, r.text):
            r.text = ctext
        else:
            print(f"{r.id}: curated text does not match the RFC sentence; using the RFC's",
                  file=sys.stderr)
            problems += 1
        r.status = c.get("status", "untriaged")
        r.reason = c.get("reason", "")
        r.topic = c.get("topic", "")
        if r.status not in STATUSES:
            print(f"{r.id}: status {r.status!r} is not one of {STATUSES}", file=sys.stderr)
            problems += 1
        if r.status != "testable" and not r.reason:
            print(f"{r.id}: {r.status} needs a reason", file=sys.stderr)
            problems += 1
    for cid in curated:
        if cid not in seen:
            print(f"{cid}: in the curated file but no longer extracted", file=sys.stderr)
            problems += 1
    return problems


# ---------------------------------------------------------------------------------------------
# Output


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(doc: str, title: str, url: str, reqs: list[Req],
           sections: list[str] | None = None) -> str:
    out = []
    if sections:
        out += [f"# sections: {', '.join(sections)}",
                "# A partial inventory on purpose: only these sections and their subsections.", ""]
    out += [f"doc = {toml_str(doc)}", f"title = {toml_str(title)}", f"url = {toml_str(url)}", ""]
    for r in reqs:
        out += [
            "[[req]]",
            f"id = {toml_str(r.id)}",
            f"section = {toml_str(r.section)}",
            f"level = {toml_str(r.level)}",
            f"text = {toml_str(r.text)}",
            f"status = {toml_str(r.status)}",
            f"reason = {toml_str(r.reason)}",
            f"topic = {toml_str(r.topic)}",
            "",
        ]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rfc_txt", help="plain-text RFC, e.g. ../shared/rfc/rfc8489.txt")
    ap.add_argument("--curated", help="existing curated inventory to carry curation over from")
    ap.add_argument("--title", help="document title (default: read from the RFC)")
    ap.add_argument("--strict", action="store_true", help="exit 1 on any curation report")
    ap.add_argument("--sections", help="comma-separated section prefixes to keep, e.g. 5.3.1,5.8 "
                    "(a prefix keeps its subsections too; ids are not renumbered)")
    args = ap.parse_args()

    with open(args.rfc_txt, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"Request for Comments:\s*(\d+)", text)
    if not m:
        print("no 'Request for Comments: NNNN' line found", file=sys.stderr)
        return 2
    rfc = m.group(1)
    reqs = extract(text, rfc)
    sections = parse_sections(args.sections) if args.sections is not None else None
    problems = 0
    if sections is not None:
        if not sections:
            print("--sections names no section", file=sys.stderr)
            return 2
        for p in sections:
            if not any(in_sections(r.section, [p]) for r in reqs):
                print(f"--sections {p}: no requirement sentence in that section", file=sys.stderr)
                problems += 1
        reqs = [r for r in reqs if in_sections(r.section, sections)]
    if args.curated:
        problems += apply_curation(reqs, args.curated)
    title = args.title or title_of(text)
    url = f"https://www.rfc-editor.org/rfc/rfc{rfc}"
    sys.stdout.write(render(f"RFC {rfc}", title, url, reqs, sections))
    where = f" (sections {', '.join(sections)})" if sections else ""
    print(f"{len(reqs)} requirement sentences extracted from RFC {rfc}{where}", file=sys.stderr)
    return 1 if (problems and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
