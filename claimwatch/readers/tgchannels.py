"""Public usernames of Telegram channels: what turns a post id into its ``https://t.me/<username>/<id>`` link.

Reads ``Options.channel_username`` (the channel of a single-channel export) and the ``Options.channel_map`` file
(YAML or JSON, ``{chat id or title: username}``; chat ids as Telegram Desktop writes them, ``1234567890``, or as
the Bot API does, ``-1001234567890``). Writes a :class:`Channels` lookup. A username is given as ``name``,
``@name`` or ``https://t.me/name``; anything else is a :class:`ChannelMapError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..settings import Options

#: a public username: 4 to 32 letters, digits and underscores, starting with a letter
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_LINK_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/(?:s/)?", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+")
_SPACES = re.compile(r"\s+")


class ChannelMapError(ValueError):
    """A channel username or the channel map file cannot be used (the message says why)."""


@dataclass(frozen=True, slots=True)
class Channels:
    """The username of a single-channel export, and usernames by chat id or title."""

    username: str | None = None
    by_key: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_options(cls, options: Options) -> Channels:
        """From ``channel_username`` and the ``channel_map`` file; :class:`ChannelMapError` when one is bad."""
        username = username_of(options.channel_username) if options.channel_username else None
        return cls(username, load_channel_map(options.channel_map) if options.channel_map else {})

    def of(self, chat_id: int | None, title: str | None, single: bool) -> str | None:
        """The username of a channel: the one given for a single-channel export, else the map's (id, then title)."""
        if single and self.username:
            return self.username
        for key in (_id_key(chat_id), _title_key(title)):
            if key is not None and key in self.by_key:
                return self.by_key[key]
        return None


def bare_id(value: Any) -> int | None:
    """A chat id without the Bot API's ``-100`` channel prefix (``-1001234567890`` -> ``1234567890``)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    if not _NUMBER.fullmatch(text):
        return None
    if text.startswith("-100") and len(text) > 4:
        return int(text[4:])
    return abs(int(text))


def username_of(value: Any) -> str:
    """A channel's username from ``name``, ``@name`` or ``https://t.me/name`` (:class:`ChannelMapError` else)."""
    text = _LINK_PREFIX.sub("", str(value).strip()).lstrip("@").rstrip("/") if isinstance(value, str) else ""
    if not _USERNAME.fullmatch(text):
        raise ChannelMapError(f"not a Telegram channel username: {value!r:.80} (4-32 letters, digits or _)")
    return text


def load_channel_map(path: str | Path) -> dict[str, str]:
    """The channel map file as ``{"id:<bare id>" | "title:<casefolded title>": username}``."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))  # JSON is YAML too
    except OSError as exc:
        raise ChannelMapError(f"channel map {path}: cannot read: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ChannelMapError(f"channel map {path}: not YAML or JSON: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise ChannelMapError(f"channel map {path}: expected a mapping of chat id or title to username")
    out = {}
    for key, value in data.items():
        found = _id_key(bare_id(key)) if _NUMBER.fullmatch(str(key).strip()) else _title_key(str(key))
        if found is None:
            raise ChannelMapError(f"channel map {path}: an empty chat id or title")
        try:
            out[found] = username_of(value)
        except ChannelMapError as exc:
            raise ChannelMapError(f"channel map {path}: {key}: {exc}") from exc
    return out


def _id_key(chat_id: int | None) -> str | None:
    return None if chat_id is None else f"id:{chat_id}"


def _title_key(title: str | None) -> str | None:
    key = _SPACES.sub(" ", title.casefold()).strip() if title else ""
    return f"title:{key}" if key else None
