"""Telegram exports: a channel's posts as Articles.

Reads a parsed JSON document in one of three layouts, recognised by its content (:func:`layout`), never by the
file's name:

- ``chat``: Telegram Desktop's export of one chat, ``{"name", "type", "id", "messages": [...]}``;
- ``account``: its export of a whole account, ``{"chats": {"list": [chat, ...]}, "left_chats": {"list": ...}}``:
  channels are read; personal chats, groups and bots are skipped (counted, never read);
- ``messages``: a list of channel messages as scraped with Telethon, ``[{"message_id", "text", "date", "channel",
  "sender_id"}, ...]``: the text in Telethon's markdown, the date ISO 8601 with its offset.

Writes, lazily, one :class:`~claimwatch.model.Article` per post with text (its :class:`TelegramPost` in
``Article.telegram``; the channel's title as ``outlet``; furniture cut with offsets kept by
:mod:`claimwatch.clean`), an :class:`ItemError` per bad message (a bad message never costs the others), and per
chat one :class:`Skipped` per reason with how many messages it passed over: service messages, media-only posts,
posts without text, posts that are only furniture, chats that are not channels.

Times: Telegram Desktop's ``date`` is the exporting machine's local time without an offset, so only
``date_unixtime`` gives the instant (``published``); ``date`` is kept as ``published_raw``. A post's identity is its
URL, ``https://t.me/<username>/<id>`` when the channel's public username is known (``channel_username`` for a
single-channel export, or the ``channel_map`` file), else ``tg://<chat id>/<message id>``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .. import clean as clean_mod
from ..model import Article, ItemError, Link, Segment, Skipped, Span, TelegramPost
from ..settings import Options
from ..text.safe import printable, scrub_surrogates
from . import tgfurniture, tgtext
from .pubtime import from_timestamp, parse_published
from .tgchannels import Channels, bare_id

log = logging.getLogger(__name__)

SERVICE = "service messages"
MEDIA_ONLY = "media only"
NO_TEXT = "no text"
FURNITURE_ONLY = "only furniture"
NOT_CHANNEL = "not in a channel (personal chats, groups, bots)"

_CHANNEL_TYPES = frozenset({"public_channel", "private_channel"})
#: attachment keys of a Telegram Desktop message and the name noted for each (``media_type`` says more, when set)
_MEDIA_KEYS = (("photo", "photo"), ("file", "file"), ("poll", "poll"), ("location_information", "location"),
               ("contact_information", "contact"), ("game_information", "game"), ("invoice_information", "invoice"),
               ("media", "media"))
#: keys of the message id, the chat id, the reply and the author in the two message layouts
_ID_KEYS = ("id", "message_id")
_CHAT_ID_KEYS = ("sender_id", "chat_id", "peer_id", "channel_id")
_REPLY_KEYS = ("reply_to_message_id", "reply_to_msg_id")
_AUTHOR_KEYS = ("author", "post_author")


class ExportError(ValueError):
    """The document looks like a Telegram export but its structure is broken (the message says where)."""


class _MessageError(ValueError):
    """One message cannot be used."""


@dataclass(frozen=True, slots=True)
class Chat:
    """One chat of an export, its messages as found."""

    id: int | None
    title: str | None
    type: str | None
    messages: list[Any]
    channel: bool = True  #: read (False: a personal chat, group or bot of an account export, skipped)


def layout(document: Any) -> str | None:
    """``chat``, ``account`` or ``messages`` when ``document`` is a Telegram export of that layout, else None."""
    if isinstance(document, dict):
        if "messages" in document:
            return "chat"
        chats = document.get("chats")
        if isinstance(chats, dict) and "list" in chats:
            return "account"
        return None
    if isinstance(document, list):
        head = [m for m in document[:20] if isinstance(m, dict)]
        if any("message_id" in m and ("text" in m or "message" in m) for m in head):
            return "messages"
    return None


def count_messages(document: Any) -> int:
    """How many messages a Telegram export holds (what reading it yields items for: posts and skipped ones)."""
    try:
        return sum(len(chat.messages) for chat in chats(document))
    except ExportError:
        return 1


def chats(document: Any) -> list[Chat]:
    """The chats of an export, in order (one for the ``chat`` layout, one per channel for ``messages``)."""
    kind = layout(document)
    if kind == "chat":
        return [_chat(document, "the export")]
    if kind == "account":
        found = []
        for section in ("chats", "left_chats"):
            listed = (document.get(section) or {}).get("list", [])
            if not isinstance(listed, list):
                raise ExportError(f"\"{section}\".\"list\" must be a list")
            found += [_chat(c, f"{section} item {i}", account=True) for i, c in enumerate(listed)]
        return found
    if kind == "messages":
        return _message_list_chats(document)
    raise ExportError("not a Telegram export")


def _chat(value: Any, where: str, account: bool = False) -> Chat:
    if not isinstance(value, dict):
        raise ExportError(f"{where} must be an object, got {type(value).__name__}")
    messages = value.get("messages", [])
    if not isinstance(messages, list):
        raise ExportError(f"{where}: \"messages\" must be a list, got {type(messages).__name__}")
    kind = value.get("type") if isinstance(value.get("type"), str) else None
    title = value.get("name") if isinstance(value.get("name"), str) else None
    return Chat(bare_id(value.get("id")), scrub_surrogates(title) if title else None, kind, messages,
                channel=not account or kind in _CHANNEL_TYPES)


def _message_list_chats(document: list[Any]) -> list[Chat]:
    """The messages of a message list, one chat per channel (by id, else title), in order of appearance."""
    groups: dict[tuple[int | None, str | None], list[Any]] = {}
    for message in document:
        chat_id, title = None, None
        if isinstance(message, dict):
            chat_id = next((bare_id(message[k]) for k in _CHAT_ID_KEYS if k in message), None)
            title = message.get("channel") if isinstance(message.get("channel"), str) else None
        groups.setdefault((chat_id, title if chat_id is None else None), []).append(message)
    out = []
    for (chat_id, title), messages in groups.items():
        names = [m["channel"] for m in messages if isinstance(m, dict) and isinstance(m.get("channel"), str)]
        name = title or (names[0] if names else None)
        out.append(Chat(chat_id, scrub_surrogates(name) if name else None, "channel", messages))
    return out


def read_document(document: Any, origin: str, options: Options) -> Iterator[Article | ItemError | Skipped]:
    """The posts of a Telegram export (``layout(document)`` must not be None)."""
    markdown = layout(document) == "messages"
    found = chats(document)
    channels = Channels.from_options(options)
    readable = [c for c in found if c.channel]
    if channels.username and len(readable) > 1:
        log.warning("%s: %d channels in one export: channel_username %r is not used (give a channel map)",
                    origin, len(readable), channels.username)
    for chat in found:
        where = origin if len(found) == 1 else f"{origin}#{chat.id if chat.id is not None else chat.title}"
        if not chat.channel:
            if chat.messages:
                yield Skipped(where, NOT_CHANNEL, len(chat.messages))
            continue
        username = channels.of(chat.id, chat.title, single=len(readable) == 1)
        yield from _read_chat(chat, username, where, options, markdown)


def _read_chat(chat: Chat, username: str | None, origin: str, options: Options,
               markdown: bool) -> Iterator[Article | ItemError | Skipped]:
    skipped: Counter[str] = Counter()
    for message in chat.messages:
        where = f"{origin}#{_message_id(message)}"
        item: Article | ItemError | str
        try:
            item = _post(message, chat, username, where, options, markdown)
        except _MessageError as exc:
            item = ItemError(where, str(exc))
        except Exception as exc:  # one message must never cost the rest of the export
            log.debug("%s: unexpected %s", where, type(exc).__name__, exc_info=exc)
            item = ItemError(where, f"cannot be read: {type(exc).__name__}: {printable(str(exc))[:200]}")
        if isinstance(item, str):
            skipped[item] += 1
        else:
            yield item
    for reason, count in skipped.items():
        yield Skipped(origin, reason, count)


def _message_id(message: Any) -> str:
    if isinstance(message, dict):
        value = next((message[k] for k in _ID_KEYS if k in message), "?")
        return printable(str(value))[:40]
    return "?"


def _post(message: Any, chat: Chat, username: str | None, origin: str, options: Options,
          markdown: bool) -> Article | str:
    """The Article of one message, or why it is skipped."""
    if not isinstance(message, dict):
        raise _MessageError(f"expected a JSON object, got {type(message).__name__}")
    if message.get("type", "message") != "message":
        return SERVICE
    message_id = _int(next((message[k] for k in _ID_KEYS if k in message), None), "message id")
    body = _text(message, markdown)
    media = _media(message)
    if not body.text.strip():
        return MEDIA_ONLY if media else NO_TEXT
    furniture = tgfurniture.furniture(body)
    cleaned = clean_mod.clean(body.text, furniture.cuts)
    if not cleaned.text.strip() and furniture.title:  # the headline is all there is to read
        furniture = furniture.without_title()
        cleaned = clean_mod.clean(body.text, furniture.cuts)
    if not cleaned.text.strip():
        return FURNITURE_ONLY
    if len(cleaned.text) > options.max_chars:
        raise _MessageError(f"text is {len(cleaned.text):,} characters, over the limit of {options.max_chars:,} "
                            "(max_chars)")
    raw = _raw(message)
    published, published_raw = _published(message, markdown, options)
    post = TelegramPost(
        message_id=message_id, chat_id=chat.id, channel=chat.title, username=username,
        edited=_edited(message, markdown, options), forwarded_from=_str(message, "forwarded_from"),
        forwarded_from_id=_str(message, "forwarded_from_id"),
        reply_to=next((_int(message[k], k) for k in _REPLY_KEYS if message.get(k) is not None), None),
        author=next((_str(message, k) for k in _AUTHOR_KEYS if _str(message, k)), None), media=media,
        links=_links(body, cleaned.text, cleaned.segments))
    return Article(
        text=cleaned.text, title=furniture.title, url=post_url(chat.id, chat.title, username, message_id),
        outlet=chat.title, published=published, published_raw=published_raw, raw_text=body.text, raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(), origin=origin, segments=cleaned.segments,
        removed=cleaned.removed, telegram=post)


def post_url(chat_id: int | None, title: str | None, username: str | None, message_id: int) -> str:
    """The identity of a post: its public ``t.me`` link when the channel's username is known, else
    ``tg://<chat id>/<message id>`` (``tg://<title>/<id>`` for a list that names no chat id)."""
    if username:
        return f"https://t.me/{username}/{message_id}"
    if chat_id is not None:
        return f"tg://{chat_id}/{message_id}"
    return f"tg://{quote(title or 'unknown', safe='')}/{message_id}"


def _text(message: dict[str, Any], markdown: bool) -> tgtext.MessageText:
    value = message.get("text", message.get("message"))
    if not markdown and value in (None, "") and isinstance(message.get("text_entities"), list):
        value = message["text_entities"]  # the same text as an entity list, in newer Telegram Desktop exports
    if value is None:
        value = ""
    if markdown:
        if not isinstance(value, str):
            raise _MessageError(f"\"text\" must be a string, got {type(value).__name__}")
        body = tgtext.from_markdown(value)
    else:
        try:
            body = tgtext.from_export(value)
        except tgtext.TextError as exc:
            raise _MessageError(str(exc)) from exc
    text = scrub_surrogates(body.text)
    return body if text is body.text else tgtext.MessageText(text, body.bold, body.links)


def _media(message: dict[str, Any]) -> tuple[str, ...]:
    """The attachments a message notes (their placeholders never go into the text)."""
    found = []
    kind = message.get("media_type")
    if isinstance(kind, str) and kind:
        found.append(kind)
    found += [name for key, name in _MEDIA_KEYS if message.get(key) and (key != "file" or not found)]
    return tuple(dict.fromkeys(found))


def _links(body: tgtext.MessageText, text: str, segments: tuple[Segment, ...]) -> tuple[Link, ...]:
    """The links of the visible text that are kept in the clean text, with offsets into it."""
    out = []
    for link in body.links:
        start, end = _to_clean(segments, link.start), _to_clean(segments, link.end)
        if start is not None and end is not None and text[start:end] == body.text[link.start:link.end]:
            out.append(Link(Span.of(text, start, end), scrub_surrogates(link.url)))
    return tuple(out)


def _to_clean(segments: tuple[Segment, ...], offset: int) -> int | None:
    for seg in segments:
        if seg.raw_start <= offset <= seg.raw_start + seg.length:
            return seg.start + offset - seg.raw_start
    return None


def _raw(message: dict[str, Any]) -> bytes:
    """The message as JSON: what is stored as its raw input (the export is one document, not one per post)."""
    try:
        return json.dumps(message, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep them escaped
        return json.dumps(message).encode("ascii")


def _published(message: dict[str, Any], markdown: bool, options: Options) -> tuple[datetime | None, str | None]:
    """The UTC instant of a post and the date string found. Telegram Desktop's ``date`` has no offset (it is the
    exporting machine's local time), so only ``date_unixtime`` gives the instant."""
    date = message.get("date")
    raw = scrub_surrogates(str(date)) if isinstance(date, (str, int, float)) and not isinstance(date, bool) else None
    if message.get("date_unixtime") is not None:
        return _unix(message["date_unixtime"], "date_unixtime"), raw
    if markdown and raw is not None:
        return _instant(date, options), raw
    return None, raw


def _edited(message: dict[str, Any], markdown: bool, options: Options) -> datetime | None:
    if message.get("edited_unixtime") is not None:
        return _unix(message["edited_unixtime"], "edited_unixtime")
    value = message.get("edit_date", message.get("edited"))
    return _instant(value, options) if markdown and value is not None else None


def _instant(value: Any, options: Options) -> datetime | None:
    """A Unix time or a date string with its offset as a UTC instant (None when not understood)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_timestamp(float(value))
    return parse_published(value, options.languages) if isinstance(value, str) else None


def _unix(value: Any, key: str) -> datetime:
    try:
        found = from_timestamp(float(value)) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise _MessageError(f"\"{key}\" is not a Unix time: {printable(str(value))[:40]!r}")
    return found


def _int(value: Any, what: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise _MessageError(f"{what} must be an integer, got {printable(repr(value))[:40]}")


def _str(message: dict[str, Any], key: str) -> str | None:
    value = message.get(key)
    return scrub_surrogates(value) if isinstance(value, str) and value.strip() else None
