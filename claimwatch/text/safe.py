"""Strings from hostile inputs made safe to store, hash and print, without changing what can be kept.

Reads any ``str`` (a file name decoded with surrogate escapes, JSON text with lone surrogates, a title with
terminal control sequences); writes a ``str`` that encodes as UTF-8. Nothing here is called per token.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: A lone surrogate that ``os.fsdecode`` made of an undecodable byte of a file name.
_ESCAPED_BYTE = range(0xDC80, 0xDD00)


def scrub_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (same length, so offsets hold)."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def has_controls(text: str, *, lines: bool = False) -> bool:
    """Whether ``text`` holds a control character (tab and newline allowed when ``lines``) or a lone surrogate:
    what no name or filter value should, and what PostgreSQL refuses to store (NUL)."""
    return bool((_CONTROL_BUT_LINES if lines else _CONTROL).search(text))


def printable(text: str) -> str:
    """``text`` for a log line, a table cell or a database column: undecodable bytes of a file name as ``\\xNN``,
    other lone surrogates as ``\\uNNNN``, control and format characters (newlines, escape sequences,
    bidirectional overrides, zero-width characters) as Python escapes. Printable text is returned unchanged."""
    if text.isprintable():
        return text
    return "".join(_printable_char(c) for c in text)


def _printable_char(c: str) -> str:
    if c.isprintable() or c == " ":
        return c
    code = ord(c)
    if code in _ESCAPED_BYTE:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return c.encode("unicode_escape").decode("ascii")
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
