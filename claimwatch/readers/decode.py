"""Decoding input bytes to text, refusing what is not text.

Reads the bytes of one input file; writes a :class:`Decoded` (the text, the encoding used and notes on what
was not clean) or raises :class:`DecodeError` with a message that says what was found. Order:

1. a byte-order mark (UTF-8, UTF-16/32) decides;
2. compressed data (gzip, zip, bzip2, xz, zstd, 7z, rar) is refused: nothing is ever decompressed;
3. NUL bytes: UTF-16 without a byte-order mark when the bytes decode as such to readable Latin, Greek or
   Cyrillic text without control characters, else binary;
4. plain UTF-8;
5. **mixed** input, some lines valid UTF-8 with non-ASCII characters and some lines not: each valid line is
   UTF-8, the other lines are decoded with the legacy encoding charset_normalizer finds for them together
   (cp1251, KOI8-R, latin-1...), or, when none fits, as UTF-8 with the bad bytes replaced by U+FFFD; a note
   names the lines and what was done (the reader logs it as a warning);
6. otherwise the whole file in the encoding charset_normalizer guesses (so legitimate cp1251 / KOI8-R / KOI8-U
   Cyrillic decodes) above a confidence floor.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: Highest charset_normalizer "chaos" (mess ratio, 0..1) accepted for a guessed encoding.
MAX_CHAOS = 0.1
#: Lowest share of letters among non-space characters in a guessed decoding.
MIN_LETTERS = 0.5
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_COMPRESSED = (
    (b"\x1f\x8b", "gzip-compressed"), (b"PK\x03\x04", "a zip archive"), (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"), (b"\x28\xb5\x2f\xfd", "zstd-compressed"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"), (b"Rar!\x1a\x07", "a rar archive"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LINE = re.compile(rb"[^\n]*\n|[^\n]+")


class DecodeError(ValueError):
    """The bytes are not text in any encoding claimwatch accepts."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  #: codec name; ``utf-8+cp1251`` for mixed input
    notes: tuple[str, ...] = ()  #: what was not clean and what was done about it


def decode(data: bytes) -> str:
    """``data`` as text (see the module docstring for the order tried)."""
    return decode_report(data).text


def decode_report(data: bytes) -> Decoded:
    """``data`` as text, with the encoding used and notes on lines that were not UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but does not decode: {exc.reason} "
                                  f"at byte {exc.start}") from exc
    for magic, what in _COMPRESSED:
        if data.startswith(magic):
            raise DecodeError(f"{what} data: claimwatch reads plain text, HTML and JSONL and never decompresses "
                              "input; decompress it first")
    if b"\x00" in data:
        return _utf16_without_bom(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = f"{exc.reason} at byte {exc.start}"
    mixed = _mixed(data)
    return mixed if mixed is not None else _guess(data, utf8_error)


def _utf16_without_bom(data: bytes) -> Decoded:
    """UTF-16 without a byte-order mark (the byte order whose high bytes are NUL more often), if it reads."""
    binary = DecodeError("binary file: contains NUL bytes and is not UTF-16 text")
    if len(data) % 2:
        raise binary
    odd_nuls = data[1::2].count(0)
    encoding = "utf-16-le" if odd_nuls >= data[0::2].count(0) else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise binary from exc
    if _CONTROL.search(text) or _letter_share(text) < MIN_LETTERS or _european_share(text) < 0.9:
        raise binary
    return Decoded(text, encoding, (f"no byte-order mark: read as {encoding}",))


def _european_share(text: str) -> float:
    """Share of non-space characters in the Latin, Greek and Cyrillic blocks or general punctuation: bytes that
    are not UTF-16 read as UTF-16 scatter over CJK and other blocks instead."""
    visible = [c for c in text[:100_000] if not c.isspace()]
    if not visible:
        return 0.0
    return sum(1 for c in visible if c < "\u0530" or "\u2000" <= c < "\u2070") / len(visible)


def _mixed(data: bytes) -> Decoded | None:
    """Line by line when some lines are UTF-8 with non-ASCII characters and others are not UTF-8."""
    lines = _LINE.findall(data)
    texts: list[str | None] = []
    for line in lines:
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(None)
    if not any(t is not None and not t.isascii() for t in texts):
        return None
    bad = [i for i, t in enumerate(texts) if t is None]
    encoding = _legacy_encoding(b"".join(lines[i] for i in bad))
    for i in bad:
        texts[i] = lines[i].decode(encoding or "utf-8", errors="replace")
    done = (f"decoded as {encoding}" if encoding else "undecodable bytes replaced by U+FFFD")
    note = f"mixed encodings: line(s) {_ranges([i + 1 for i in bad])} are not UTF-8: {done}"
    return Decoded("".join(t or "" for t in texts), f"utf-8+{encoding or 'replace'}", (note,))


def _legacy_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > MAX_CHAOS or best.encoding in ("utf_8", "ascii"):
        return None
    return str(best.encoding) if _letter_share(str(best)) >= MIN_LETTERS else None


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7' (at most ten ranges shown)."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    shown = [f"{a}-{b}" if b > a else str(a) for a, b in spans[:10]]
    return ", ".join(shown) + (f" and {len(spans) - 10} more" if len(spans) > 10 else "")


def _guess(data: bytes, utf8_error: str) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > MAX_CHAOS:
        raise DecodeError(f"undecodable: not UTF-8 ({utf8_error}) and no other encoding fits")
    text = str(best)
    if _letter_share(text) < MIN_LETTERS:
        raise DecodeError(f"undecodable: not UTF-8 ({utf8_error}); as {best.encoding} it is not readable text")
    return Decoded(text, str(best.encoding))


def _letter_share(text: str) -> float:
    visible = [c for c in text[:100_000] if not c.isspace()]
    if not visible:
        return 0.0
    return sum(1 for c in visible if c.isalpha()) / len(visible)


def looks_binary(text: str) -> bool:
    """More than 1% control characters (other than tab, newlines, form feed): not a text file."""
    sample = text[:20000]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(1, len(sample) // 100)
