"""A hostile corpus, written on demand into a scratch folder (nothing large lives in the repository).

    from hostile import write_corpus
    corpus = write_corpus(tmp_path)
    # from tmp_path: claimwatch ingest -- *corpus.args(); then every corpus.items[i] is stored or an error

    python tests/hostile.py DIR [--full]   # write it for a manual run (prints the arguments, to run from DIR)

Everything is written under one base folder: the corpus folder ``hostile/`` (ingested whole) and a few files
beside it that are named on the command line (``-dash.txt``, ``--help.txt``, a ``.gz``). Origins are relative
to the base folder, so ingest must run there.

Each :class:`Item` says which origin ingest will record for it and whether it must be stored (``stored``),
must be a per-item error (``error``) or may be either (``either``: what decides is not the point of the item,
e.g. whether 300 characters of nonsense happen to give claims). Inputs: binary junk, invalid, mixed and
legacy encodings, UTF-16 without a byte-order mark, NUL bytes, a 50 MB page, nesting bombs in HTML, JSON-LD
and JSONL, gzip bombs, symbolic-link loops, an unreadable file, a named pipe, 5 MB lines without spaces, bidi
and zero-width characters, XSS and SQL payloads, impossible dates and offsets, hostile file names (newline,
undecodable bytes, leading dashes, Rich markup), runs of punctuation and emoji.

The pathological runs for spaCy's tokenizer are small by default (``pathological`` characters): the pipeline
parses whole texts until it calls the parse guard (:mod:`claimwatch.nlp.guard`), and 50 KB of ``!`` costs
minutes there. ``--full`` writes them at the sizes that hung ingest (50 KB of ``!``, 400 KB of one emoji,
858 KB of prose).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

GOOD = ("The regional governor said on Tuesday that air defence units shot down {n} drones overnight near "
        "the city, and officials reported no casualties.\n\n\"The attack was repelled,\" the governor said.\n")
#: Bytes: file names that are not UTF-8 (the CLI stores and prints them escaped).
UNDECODABLE_NAME = b"bad\xff\xfename.txt"


@dataclass(frozen=True)
class Item:
    origin: str  #: the origin ingest records (file path, ``path:line`` for JSONL)
    expect: str  #: stored | error | either
    why: str


@dataclass
class Corpus:
    base: Path  #: run ingest from here
    folder: Path  #: the corpus folder, relative to ``base``
    extra: list[Path] = field(default_factory=list)  #: files named on the command line, relative to ``base``
    items: list[Item] = field(default_factory=list)

    def args(self) -> list[str]:
        """The paths to give ``claimwatch ingest --`` (relative to ``base``)."""
        return [os.fsdecode(p) for p in (self.folder, *self.extra)]


class _Writer:
    def __init__(self, base: Path) -> None:
        self.corpus = Corpus(base, Path("hostile"))
        self.n = 0

    def good(self) -> str:
        self.n += 1
        return GOOD.format(n=self.n + 10)

    def path(self, name: str | bytes, folder: Path | None = None) -> Path:
        """``name`` in the corpus folder (or ``folder``), relative to the base folder."""
        where = self.corpus.folder if folder is None else folder
        return Path(os.fsdecode(os.path.join(os.fsencode(where), os.fsencode(name))))

    def file(self, name: str | bytes, data: bytes, expect: str, why: str, folder: Path | None = None) -> Path:
        path = self.path(name, folder)
        (self.corpus.base / path).write_bytes(data)
        self.expect(path, expect, why)
        return path

    def expect(self, path: Path, expect: str, why: str) -> None:
        self.corpus.items.append(Item(_origin(path), expect, why))

    def lines(self, name: str, lines: list[tuple[bytes, str, str]]) -> Path:
        """A JSONL file; each ``(line, expect, why)``; blank lines are not items."""
        path = self.path(name)
        (self.corpus.base / path).write_bytes(b"".join(line + b"\n" for line, _, _ in lines))
        for i, (line, expect, why) in enumerate(lines, start=1):
            if line.strip():
                self.corpus.items.append(Item(f"{_origin(path)}:{i}", expect, why))
        return path


def _origin(path: Path) -> str:
    """The origin the readers record: the path as given, undecodable bytes as ``\\xNN``, a newline as ``\\n``
    (the only two kinds of unprintable name in this corpus)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace").replace("\n", "\\n")


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, gzip-compressed (about 1,000:1), without holding them in memory."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    return b"".join([*(comp.compress(chunk) for _ in range(megabytes)), comp.flush()])


def write_corpus(base: Path, *, full: bool = False, pathological: int = 2_000) -> Corpus:
    """Write the hostile corpus under ``base`` (created) and say what each item must become."""
    (base / "hostile").mkdir(parents=True, exist_ok=True)
    w = _Writer(base)
    rnd = random.Random(49)
    _encodings(w, rnd)
    _sizes_and_bombs(w, full)
    _payloads(w)
    _dates(w)
    _names_and_links(w)
    _pathological(w, full, pathological)
    return w.corpus


def _encodings(w: _Writer, rnd: random.Random) -> None:
    cyr = "Міністерство оборони заявило, що сили відбили атаку біля села.\n"
    w.file("junk.txt", rnd.randbytes(4096), "error", "binary junk")
    w.file("nul.txt", b"The ministry said\x00 so.\x00\x00 " + b"x\x00" * 50, "error", "NUL bytes")
    w.file("utf16_le_nobom.txt", w.good().encode("utf-16-le"), "stored", "UTF-16-LE without a BOM")
    w.file("utf16_be_nobom.txt", (cyr * 4).encode("utf-16-be"), "stored", "UTF-16-BE Cyrillic without a BOM")
    w.file("invalid_utf8.txt", w.good().encode() + b"\xff\xfe\xc3(\xa0\xa1", "either", "invalid UTF-8 tail")
    mixed = ("Café owners in the city said " + w.good()).encode() + (cyr * 2).encode("cp1251")
    w.file("mixed_encodings.txt", mixed, "stored", "UTF-8 and cp1251 lines in one file")
    w.file("cp1251.txt", (cyr * 3).encode("cp1251"), "stored", "legacy cp1251")
    w.file("empty.txt", b"", "error", "empty")
    w.file("blank.txt", b" \n\t\r\n  ", "error", "whitespace only")
    w.file("controls.txt", b"ok\x01\x02\x03\x04\x05\x06\x07\x08 text \x0e\x0f\x10\x11", "error", "control bytes")
    w.file("bom_mismatch.txt", b"\xef\xbb\xbfok \xff\xfe broken", "error", "UTF-8 BOM, not UTF-8")


def _sizes_and_bombs(w: _Writer, full: bool) -> None:
    page = b"<html><body><article>" + b"<p>The ministry said the attack was repelled.</p>" * 1_100_000
    w.file("huge_50mb.html", page[:50_000_000], "error", "50 MB page, over max_bytes")
    w.file("line_5mb.txt", b"x" * 5_000_000, "error", "5 MB line without spaces, over max_chars")
    w.lines("long_lines.jsonl", [
        (json.dumps({"text": "y" * 5_000_000}).encode(), "error", "5 MB JSON text without spaces"),
        (json.dumps({"text": w.good()}).encode(), "stored", "good line after a huge one"),
    ])
    deep = 100_000
    w.file("nest_html.html", b"<html><body>" + b"<div>" * deep + w.good().encode() + b"</div>" * deep
           + b"</body></html>", "either", "HTML nested 100,000 levels")
    w.file("nest_jsonld.html", (
        f"<html><head><title>Nested JSON-LD</title><script type='application/ld+json'>{_nested(deep)}</script>"
        f"</head><body><article><p>{w.good()}</p></article></body></html>").encode(), "stored",
        "JSON-LD nested 100,000 levels")
    w.lines("nest.jsonl", [
        (b'{"text": "nested", "x": ' + _nested(deep).encode() + b"}", "error", "JSONL nested 100,000 levels"),
        (_nested(deep).encode(), "error", "a bare nesting bomb"),
        (json.dumps({"text": w.good()}).encode(), "stored", "good line after two bombs"),
    ])
    bomb = _gzip_bomb(200 if full else 20)
    w.file("gzip_bomb.html", bomb, "error", "gzip-compressed page (a bomb): never decompressed")
    w.file("gzip_article.txt", gzip.compress(w.good().encode()), "error", "gzip-compressed text")
    w.corpus.extra.append(w.file("bomb.txt.gz", bomb, "error", "a .gz named on the command line", Path()))


def _payloads(w: _Writer) -> None:
    xss = "<script>alert(1)</script>"
    w.file("xss.html", (
        f"<html><head><title>{xss.replace('<', '&lt;')} [bold red]pwned[/]</title>"
        "<meta property='og:url' content='javascript:alert(1)'></head><body><article>"
        f"<p>The mayor said &lt;img src=x onerror=alert(1)&gt; was posted. {w.good()}</p>"
        "</article></body></html>").encode(), "stored", "XSS in title, URL and text")
    sql = "Robert'); DROP TABLE articles;--"
    w.file("sql.txt", (f"Title: {sql}\nURL: https://x.example/?q=1' OR '1'='1\nOutlet: [red]outlet[/red]\n\n"
                       f"{w.good()}SELECT * FROM claims; -- said the ministry.\n").encode(), "stored",
           "SQL payloads in header and text")
    w.file("bidi.txt", ("Title: \u202eevil\u202c title\u200b\n\n" + w.good().replace("drones", "dro\u200bnes\u200d")
                        + "\u2066isolated\u2069 \ufeff text.\n").encode(), "stored", "bidi and zero-width")
    w.file("escape_seq.txt", (f"Title: \x1b[31mred\x1b[0m\n\n{w.good()}").encode(), "stored",
           "a terminal escape sequence in a title")
    w.file("laughs.html", (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><html><body><article><p>&lol3;</p>'
        f"<p>{w.good()}</p></article></body></html>").encode(), "either", "entity expansion (billion laughs)")
    w.file("broken.html", b"<html><body><p>The minister said<div><<<>>>&&&;;</p></", "error", "broken markup")
    w.lines("records.jsonl", [
        (b"{bad", "error", "malformed JSON"),
        (b"[1, 2]", "error", "not an object"),
        (b'"text"', "error", "a string"),
        (b'{"text": 5}', "error", "text not a string"),
        (b'{"text": "ok text here", "title": 5}', "error", "title not a string"),
        (b'{"text": "x", "n": ' + b"9" * 5000 + b"}", "error", "an integer of 5,000 digits"),
        (b"", "", ""),
        (b'{"text": "The ministry said \\ud800 the attack failed.", "title": "lone \\udfff"}', "stored",
         "lone surrogates in JSON"),
        (b"\xff\xfe{}", "error", "not UTF-8"),
        (json.dumps({"text": w.good(), "url": "javascript:alert(1)", "outlet": "'; DROP TABLE outlets;--"}).encode()
         + b"\r", "stored", "CRLF line with payloads"),
    ])


def _dates(w: _Writer) -> None:
    w.file("offset_9999.txt", f"Published: 2024-03-05T14:30:00+99:99\n\n{w.good()}".encode(), "stored",
           "ISO time with offset +99:99")
    w.file("utc_99.txt", f"Published: 5 March 2024 14:30 UTC+99\n\n{w.good()}".encode(), "stored", "UTC+99")
    w.file("dateline_25.txt", f"5 March 2024, 14:30 +25:00\n\n{w.good()}".encode(), "stored",
           "dateline with +25:00")
    w.file("offset_meta.html", (
        "<html><head><title>Offsets</title>"
        "<meta property='article:published_time' content='2024-03-05T14:30:00+99:99'></head>"
        f"<body><article><p>{w.good()}</p></article></body></html>").encode(), "stored",
        "meta time with offset +99:99")
    w.file("year_zero.txt", f"Published: 0000-00-00T00:00:00Z\n\n{w.good()}".encode(), "stored", "year zero")
    w.file("year_max.txt", f"Published: 9999-12-31T23:59:59-12:00\n\n{w.good()}".encode(), "stored",
           "past the year 9999 in UTC")
    w.lines("timestamps.jsonl", [
        (json.dumps({"text": w.good(), "published": 1e30}).encode(), "stored", "published 1e30"),
        (json.dumps({"text": w.good(), "published": -1e30}).encode(), "stored", "published -1e30"),
        (b'{"text": "' + w.good().replace("\n", "\\n").replace('"', '\\"').encode() + b'", "published": 1e400}',
         "stored", "published 1e400 (infinity)"),
        (b'{"text": "' + w.good().replace("\n", "\\n").replace('"', '\\"').encode() + b'", "published": NaN}',
         "stored", "published NaN"),
        (json.dumps({"text": w.good(), "published": True}).encode(), "stored", "published true"),
        (json.dumps({"text": w.good(), "published": [1]}).encode(), "error", "published a list"),
    ])


def _names_and_links(w: _Writer) -> None:
    w.file("new\nline.txt", w.good().encode(), "stored", "a newline in the file name")
    w.file(UNDECODABLE_NAME, w.good().encode(), "stored", "undecodable bytes in the file name")
    w.file("[red]markup[bold] x.txt", w.good().encode(), "stored", "Rich markup in the file name")
    for name in ("-dash.txt", "--help.txt"):
        w.corpus.extra.append(w.file(name, w.good().encode(), "stored", "named like an option", Path()))
    base = w.corpus.base
    loop = w.path("loop.txt")
    os.symlink("loop.txt", base / loop)
    w.expect(loop, "error", "a symbolic link to itself")
    os.symlink("..", base / w.path("parent_loop"))  # a folder loop: never followed
    zero = w.path("zero.txt")
    os.symlink("/dev/zero", base / zero)
    w.expect(zero, "error", "a link to /dev/zero: endless")
    fifo = w.path("fifo.txt")
    os.mkfifo(base / fifo)
    w.expect(fifo, "error", "a named pipe: reading would block")
    locked = w.file("unreadable.txt", w.good().encode(), "error" if os.geteuid() else "either",
                    "chmod 000 (readable anyway as root)")
    (base / locked).chmod(0)
    (base / w.path("folder.txt")).mkdir()  # a folder named like an input: walked into, not read
    w.corpus.extra.append(Path("missing.txt"))
    w.expect(Path("missing.txt"), "error", "a missing file named on the command line")


def _pathological(w: _Writer, full: bool, size: int) -> None:
    bangs, emoji = (50_000, 100_000) if full else (size, size // 4)
    w.file("bangs.txt", f"{w.good()}Wow{'!' * bangs}\n".encode(), "either", "a run of '!'")
    w.file("emoji.txt", f"{w.good()}{chr(0x1F600) * emoji}\n".encode(), "either", "a run of one emoji")
    w.file("punct_mix.txt", f"{w.good()}{'!?.,;' * (size // 5)}\n".encode(), "either", "mixed punctuation")
    if full:
        prose = (w.good() * (858_000 // len(w.good()) + 1))[:858_000]
        w.file("prose_858k.txt", prose.encode(), "either", "858 KB of prose")


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    corpus = write_corpus(Path(sys.argv[1]), full="--full" in sys.argv)
    print("-- " + " ".join(corpus.args()))
    print(f"{len(corpus.items)} items", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
