"""Decoding input bytes to text, refusing what is not text.

Reads the bytes of one input file; writes ``str``. Order: UTF-8 with a byte-order mark, UTF-16/32 with a
byte-order mark, plain UTF-8, then charset_normalizer (so legitimate cp1251 / KOI8-R / KOI8-U Cyrillic
decodes) above a confidence floor; otherwise :class:`DecodeError` with a message that says what was found.
"""

from __future__ import annotations

import codecs
import re

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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding claimwatch accepts."""


def decode(data: bytes) -> str:
    """``data`` as text (see the module docstring for the order tried)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but does not decode: {exc.reason} "
                                  f"at byte {exc.start}") from exc
    if b"\x00" in data:
        raise DecodeError("binary file: contains NUL bytes (or UTF-16 without a byte-order mark)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = f"{exc.reason} at byte {exc.start}"
    return _guess(data, utf8_error)


def _guess(data: bytes, utf8_error: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > MAX_CHAOS:
        raise DecodeError(f"undecodable: not UTF-8 ({utf8_error}) and no other encoding fits")
    text = str(best)
    if _letter_share(text) < MIN_LETTERS:
        raise DecodeError(f"undecodable: not UTF-8 ({utf8_error}); as {best.encoding} it is not readable text")
    return text


def _letter_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum(1 for c in visible if c.isalpha()) / len(visible)


def looks_binary(text: str) -> bool:
    """More than 1% control characters (other than tab, newlines, form feed): not a text file."""
    sample = text[:20000]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(1, len(sample) // 100)
