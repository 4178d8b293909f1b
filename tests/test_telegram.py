"""Telegram exports: the three layouts, entity lists and markdown, dates, edits, forwards, replies, media, skipped
messages, furniture with exact offsets, re-ingesting a newer export, and forwards in linking.

Every export here is fiction written for these tests (channels, people and places included); none of the
project's benchmark data is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from claimwatch.about import PIPELINE_VERSION
from claimwatch.ingest import ingest_paths
from claimwatch.model import (
    Article,
    Claim,
    ClaimKind,
    Event,
    Extraction,
    ItemError,
    Skipped,
    Span,
    Status,
    TelegramPost,
)
from claimwatch.readers.files import count_items, read_paths
from claimwatch.readers.tgchannels import ChannelMapError, bare_id, load_channel_map, username_of
from claimwatch.readers.tgfurniture import furniture, line_reason
from claimwatch.readers.tgtext import from_export, from_markdown
from claimwatch.settings import Options
from claimwatch.store import Store

CHANNEL_ID = 1987654321
FILE_NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
HEADLINE = "⚡️Сбиты беспилотники над Белгородской областью"
BODY = ("Дежурными средствами ПВО уничтожены 12 украинских беспилотников над территорией Белгородской области, "
        "сообщили в Минобороны.")
FORWARDED = "Подразделения группировки «Юг» улучшили положение по переднему краю, заявили в Минобороны России."


def unix(*args: int) -> str:
    return str(int(datetime(*args, tzinfo=UTC).timestamp()))  # type: ignore[misc]


def message(mid: int, text: Any, hour: int = 11, **extra: Any) -> dict[str, Any]:
    """A Telegram Desktop channel message; ``date`` is Moscow local time (UTC+3), as the exporter's machine had it."""
    return {"id": mid, "type": "message", "date": f"2024-03-05T{hour + 3:02d}:30:00",
            "date_unixtime": unix(2024, 3, 5, hour, 30), "from": "Сводки Фронта", "from_id": f"channel{CHANNEL_ID}",
            "text": text, **extra}


def drone_post(body: str = BODY, edited_hour: int | None = None) -> dict[str, Any]:
    """A bold headline, a text link, hashtags and a subscribe link, as Telegram Desktop writes entity lists."""
    label = "Минобороны"
    before, after = body.split(label, 1)
    text = [{"type": "bold", "text": HEADLINE}, "\n\n", before,
            {"type": "text_link", "text": label, "href": "https://t.me/mod_russia/41000"}, after, "\n\n",
            {"type": "hashtag", "text": "#сводка"}, " ", {"type": "hashtag", "text": "#Белгород"}, "\n",
            {"type": "text_link", "text": "Подписывайтесь на Сводки Фронта", "href": "https://t.me/svodki_fronta"}]
    extra: dict[str, Any] = {"photo": FILE_NOT_INCLUDED, "width": 1280, "height": 720}
    if edited_hour is not None:
        extra.update(edited=f"2024-03-05T{edited_hour + 3:02d}:45:00", edited_unixtime=unix(2024, 3, 5, edited_hour, 45))
    return message(101, text, **extra)


def channel_messages() -> list[dict[str, Any]]:
    return [
        drone_post(),
        {"id": 102, "type": "service", "date": "2024-03-05T14:31:00", "date_unixtime": unix(2024, 3, 5, 11, 31),
         "actor": "Сводки Фронта", "actor_id": f"channel{CHANNEL_ID}", "action": "pin_message", "message_id": 101,
         "text": "", "text_entities": []},
        message(103, "", photo=FILE_NOT_INCLUDED, text_entities=[]),
        message(104, FORWARDED + "\n\n@svodki_fronta", hour=12, forwarded_from="Минобороны России",
                forwarded_from_id="channel1111111111"),
        message(105, "Уточнение: по данным губернатора Белгородской области, пострадавших нет.\n\n🔥🔥🔥\n\n"
                     "Читайте нас без VPN: svodki.example/news", hour=13, reply_to_message_id=101),
        message(106, ["Глава региона Вячеслав Фиктивный заявил, что обломки повредили линию электропередачи.\n",
                      {"type": "link", "text": "https://t.me/boost/svodki_fronta"}],
                hour=14, media_type="video_file", file=FILE_NOT_INCLUDED, mime_type="video/mp4"),
        message(107, "Ворог обстріляв Херсонщину 40 разів за добу, повідомив голова ОВА.\n\n"
                     "Підписуйтесь на канал Фронтові Зведення\nSubscribe to Frontline Digest", hour=15),
        message(108, [{"type": "mention", "text": "@svodki_fronta"}], hour=16, media_type="sticker",
                file=FILE_NOT_INCLUDED, sticker_emoji="🔥"),
        {k: v for k, v in message(110, "", hour=17).items() if k != "text"}
        | {"text_entities": [{"type": "plain", "text": "Губернатор: "},
                             {"type": "bold", "text": "ночью над городом сбиты два дрона"}, {"type": "plain", "text": "."}]},
    ]


def single_chat(messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"name": "Сводки Фронта", "type": "public_channel", "id": CHANNEL_ID,
            "messages": channel_messages() if messages is None else messages}


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read(path: Path, options: Options) -> list[Article | ItemError | Skipped]:
    return list(read_paths([path], options))


def articles(items: Iterable[object]) -> dict[int, Article]:
    out = {}
    for item in items:
        if isinstance(item, Article):
            assert item.telegram is not None
            out[item.telegram.message_id] = item
    return out


def skipped(items: Iterable[object]) -> dict[str, int]:
    return {s.reason: s.count for s in items if isinstance(s, Skipped)}


def assert_offsets_hold(article: Article) -> None:
    """Every stored character maps back to the raw text, and every link points at its label."""
    assert article.raw_text is not None
    for seg in article.segments:
        assert article.text[seg.start:seg.start + seg.length] == article.raw_text[seg.raw_start:seg.raw_start + seg.length]
    assert sum(seg.length for seg in article.segments) == len(article.text)
    assert article.telegram is not None
    for link in article.telegram.links:
        assert article.text[link.span.start:link.span.end] == link.span.text


# ----------------------------------------------------------------------------------------- single chat


def test_a_single_chat_export_becomes_one_article_per_post_with_text(tmp_path: Path, options: Options) -> None:
    items = read(write(tmp_path / "result.json", single_chat()), options)
    posts = articles(items)
    assert sorted(posts) == [101, 104, 105, 106, 107, 110]
    assert posts[110].text == "Губернатор: ночью над городом сбиты два дрона."  # from "text_entities"
    assert skipped(items) == {"service messages": 1, "media only": 1, "only furniture": 1}
    assert not [i for i in items if isinstance(i, ItemError)]
    assert count_items([tmp_path / "result.json"]) == len(channel_messages())

    post = posts[101]
    assert post.text == BODY
    assert post.title == "Сбиты беспилотники над Белгородской областью"
    assert (post.outlet, post.url, post.language) == ("Сводки Фронта", f"tg://{CHANNEL_ID}/101", None)
    assert post.published == datetime(2024, 3, 5, 11, 30, tzinfo=UTC)  # date_unixtime, not the local "date"
    assert post.published_raw == "2024-03-05T14:30:00"
    assert post.origin == f"{tmp_path / 'result.json'}#101"
    assert post.telegram == TelegramPost(
        message_id=101, chat_id=CHANNEL_ID, channel="Сводки Фронта", media=("photo",),
        links=(post.telegram.links[0],) if post.telegram else ())
    [link] = post.telegram.links if post.telegram else ()
    assert (link.span.text, link.url) == ("Минобороны", "https://t.me/mod_russia/41000")
    assert link.span.start == BODY.index("Минобороны")
    assert [why for _, _, why in post.removed] == ["title", "hashtags", "subscribe"]
    assert FILE_NOT_INCLUDED not in post.text and "**" not in post.text
    assert json.loads(post.raw or b"")["id"] == 101
    for article in posts.values():
        assert_offsets_hold(article)


def test_forwards_replies_edits_and_media_are_recorded(tmp_path: Path, options: Options) -> None:
    messages = channel_messages()
    messages[0] = drone_post(edited_hour=12)
    posts = articles(read(write(tmp_path / "channel.json", single_chat(messages)), options))
    assert posts[101].telegram and posts[101].telegram.edited == datetime(2024, 3, 5, 12, 45, tzinfo=UTC)
    forward = posts[104].telegram
    assert forward is not None and forward.forward
    assert (forward.forwarded_from, forward.forwarded_from_id) == ("Минобороны России", "channel1111111111")
    assert posts[104].text == FORWARDED  # the signature line "@svodki_fronta" is cut
    assert posts[105].telegram and posts[105].telegram.reply_to == 101
    assert posts[105].text == "Уточнение: по данным губернатора Белгородской области, пострадавших нет."
    assert posts[106].telegram and posts[106].telegram.media == ("video_file",)
    assert posts[106].text == "Глава региона Вячеслав Фиктивный заявил, что обломки повредили линию электропередачи."
    assert posts[107].text == "Ворог обстріляв Херсонщину 40 разів за добу, повідомив голова ОВА."


def test_channel_username_and_channel_map_give_public_links(tmp_path: Path, options: Options) -> None:
    path = write(tmp_path / "export.json", single_chat())
    posts = articles(read(path, options.with_(channel_username="@svodki_fronta")))
    assert posts[101].url == "https://t.me/svodki_fronta/101"
    assert posts[101].telegram and posts[101].telegram.username == "svodki_fronta"
    by_id = write(tmp_path / "map.json", {f"-100{CHANNEL_ID}": "https://t.me/svodki_fronta"})
    assert articles(read(path, options.with_(channel_map=str(by_id))))[104].url == "https://t.me/svodki_fronta/104"
    by_title = tmp_path / "map.yaml"
    by_title.write_text("Сводки  фронта: svodki_fronta\n1000000001: other_channel\n", encoding="utf-8")
    assert load_channel_map(by_title) == {"title:сводки фронта": "svodki_fronta", "id:1000000001": "other_channel"}
    assert articles(read(path, options.with_(channel_map=str(by_title))))[105].url == "https://t.me/svodki_fronta/105"


def test_usernames_and_chat_ids_are_normalised_or_refused(tmp_path: Path, options: Options) -> None:
    assert username_of("@rybar_fiction") == username_of("https://t.me/rybar_fiction/") == "rybar_fiction"
    assert (bare_id(-1001987654321), bare_id("1987654321"), bare_id(True), bare_id("x")) == (
        CHANNEL_ID, CHANNEL_ID, None, None)
    for bad in ("", "a b", "t.me/+invite", "x" * 40):
        with pytest.raises(ChannelMapError):
            username_of(bad)
    broken = tmp_path / "map.yaml"
    broken.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ChannelMapError, match="mapping"):
        load_channel_map(broken)
    [error] = read(write(tmp_path / "result.json", single_chat()), options.with_(channel_map=str(broken)))
    assert isinstance(error, ItemError) and "mapping" in error.message


# ----------------------------------------------------------------------------------------- other layouts


def account_export() -> dict[str, Any]:
    private = [{"id": i, "type": "message", "date": "2024-03-05T10:00:00", "date_unixtime": unix(2024, 3, 5, 7),
                "from": "Мама", "from_id": "user42", "text": "Ты где? Позвони, когда сможешь."} for i in (1, 2, 3)]
    digest = [{"id": 7, "type": "message", "date": "2024-03-05T09:00:00", "date_unixtime": unix(2024, 3, 5, 9),
               "from": "Frontline Digest", "from_id": "channel1222333444",
               "text": ["Russian Defence Ministry claims its forces took the village of Fictivka, ",
                        {"type": "italic", "text": "which Ukraine's General Staff has not confirmed"}, "."]}]
    left = [{"id": 70, "type": "message", "date": "2024-03-04T20:00:00", "date_unixtime": unix(2024, 3, 4, 17),
             "from": "Военный Обозреватель", "from_id": "channel1333444555",
             "text": "По данным источника, в районе Выдуманки идут встречные бои."}]
    return {"about": "Here is the data you requested.", "personal_information": {"first_name": "Analyst"},
            "chats": {"about": "This page lists all chats from this export.", "list": [
                {"name": "Мама", "type": "personal_chat", "id": 42, "messages": private},
                {"name": "Сводки Фронта", "type": "public_channel", "id": CHANNEL_ID, "messages": channel_messages()},
                {"name": "Frontline Digest", "type": "public_channel", "id": 1222333444, "messages": digest}]},
            "left_chats": {"about": "Chats you have left.", "list": [
                {"name": "Военный Обозреватель", "type": "private_channel", "id": 1333444555, "messages": left}]}}


def test_a_whole_account_export_reads_its_channels_only(tmp_path: Path, options: Options) -> None:
    path = write(tmp_path / "result.json", account_export())
    items = read(path, options.with_(channel_username="svodki_fronta"))  # several channels: not used
    found = [i for i in items if isinstance(i, Article)]
    assert {a.outlet for a in found} == {"Сводки Фронта", "Frontline Digest", "Военный Обозреватель"}
    assert not any(a.url and a.url.startswith("https://") for a in found)
    assert "Мама" not in {a.outlet for a in found}
    assert {(s.origin.rsplit("#", 1)[-1], s.reason, s.count) for s in items if isinstance(s, Skipped)} >= {
        ("42", "not in a channel (personal chats, groups, bots)", 3), (str(CHANNEL_ID), "service messages", 1)}
    digest = next(a for a in found if a.outlet == "Frontline Digest")
    assert digest.text == ("Russian Defence Ministry claims its forces took the village of Fictivka, which "
                           "Ukraine's General Staff has not confirmed.")
    assert digest.url == "tg://1222333444/7"
    assert count_items([path]) == 3 + len(channel_messages()) + 1 + 1


MESSAGE_LIST = [
    {"message_id": 5001, "sender_id": -1001555000111, "channel": "Фронтовой Вестник", "category": "political",
     "date": "2024-08-10T06:15:00+00:00",
     "text": ("**❗️Губернатор: в Курской области отражена атака**\n\nПо словам губернатора Алексея Выдуманного, атака "
              "[дронов](https://example.org/drones) отражена, пострадавших нет.\n\n🔴 [Подписаться](https://t.me/+AbCdEf)"
              " | [Прислать новость](https://t.me/example_news_bot)")},
    {"message_id": 5002, "sender_id": -1001555000111, "channel": "Фронтовой Вестник", "category": "other",
     "date": "2024-08-10T06:20:00+00:00", "text": ""},
    {"message_id": 5003, "sender_id": -1001555000111, "channel": "Фронтовой Вестник", "category": "political",
     "date": "2024-08-10T07:00:00+03:00",
     "text": "**Минобороны РФ:**\nвойска __заняли__ позиции у села Вымышленное. Данные не подтверждены.\n#фронт #сводка"},
]


def test_a_telethon_message_list_is_a_third_layout(tmp_path: Path, options: Options) -> None:
    path = write(tmp_path / "1555000111_messages.json", MESSAGE_LIST)
    items = read(path, options)
    posts = articles(items)
    assert sorted(posts) == [5001, 5003] and skipped(items) == {"no text": 1}
    first = posts[5001]
    assert first.title == "Губернатор: в Курской области отражена атака"
    assert first.text == "По словам губернатора Алексея Выдуманного, атака дронов отражена, пострадавших нет."
    assert first.url == "tg://1555000111/5001" and first.outlet == "Фронтовой Вестник"
    assert first.published == datetime(2024, 8, 10, 6, 15, tzinfo=UTC)
    assert first.telegram and [(lk.span.text, lk.url) for lk in first.telegram.links] == [
        ("дронов", "https://example.org/drones")]
    lead = posts[5003]  # a bold lead-in ending with a colon names the source: it stays in the text
    assert lead.title is None
    assert lead.text == "Минобороны РФ:\nвойска заняли позиции у села Вымышленное. Данные не подтверждены."
    assert lead.published == datetime(2024, 8, 10, 4, 0, tzinfo=UTC)
    for article in posts.values():
        assert_offsets_hold(article)


def test_json_is_recognised_by_content_whatever_the_file_is_called(tmp_path: Path, options: Options) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder / "svodki-2024-03.json", single_chat())
    write(folder / "scrape.dump", MESSAGE_LIST)  # no known suffix: sniffed
    (folder / "note.dump").write_text("[Reuters] A plain note, not JSON.\n", encoding="utf-8")
    assert len(articles(read(folder / "scrape.dump", options))) == 2
    [note] = read(folder / "note.dump", options)
    assert isinstance(note, Article) and note.text.startswith("[Reuters]")
    walked = [a for a in read(folder, options) if isinstance(a, Article)]  # .json read, unknown suffixes skipped
    alone = [a for a in read(folder / "svodki-2024-03.json", options) if isinstance(a, Article)]
    assert [a.url for a in walked] == [a.url for a in alone] and len(alone) == 6


# ----------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("content", "problem"), [
    ('{"title": "Not an export", "items": []}', "not a Telegram export"),
    ('[{"text": "an article list belongs in .jsonl"}]', "not a Telegram export"),
    ('{"messages": 5}', "broken Telegram export: the export: \"messages\" must be a list"),
    ('{"chats": {"list": [1]}}', "chats item 0 must be an object"),
    ('{"messages": [', "malformed JSON"),
    ("", "empty file"),
])
def test_a_json_file_that_is_not_a_usable_export_is_one_item_error(tmp_path: Path, options: Options, content: str,
                                                                   problem: str) -> None:
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    [error] = read(path, options)
    assert isinstance(error, ItemError) and problem in error.message and error.origin == str(path)


def test_each_bad_message_is_its_own_error_and_the_others_are_read(tmp_path: Path, options: Options) -> None:
    bad = [
        "not an object",
        message(201, 42),
        message(202, ["ok ", {"type": "bold", "text": 7}]),
        message(203, "Без номера сообщения.") | {"id": "x"},
        message(204, "Битое время.") | {"date_unixtime": "вчера"},
        message(205, ["Шрифт ", 3.5]),
    ]
    items = read(write(tmp_path / "result.json", single_chat([*bad, message(206, "Губернатор сообщил о сбитом дроне.")])),
                 options)
    errors = {e.origin.rsplit("#", 1)[-1]: e.message for e in items if isinstance(e, ItemError)}
    assert list(articles(items)) == [206]
    assert set(errors) == {"?", "201", "202", "x", "204", "205"}
    assert "expected a JSON object" in errors["?"] and "must be a string or a list" in errors["201"]
    assert "not a Unix time" in errors["204"] and "message id must be an integer" in errors["x"]


def test_a_post_over_max_chars_is_an_error(tmp_path: Path, options: Options) -> None:
    items = read(write(tmp_path / "result.json", single_chat([message(1, "Очень длинный пост. " * 20)])),
                 options.with_(max_chars=100))
    assert isinstance(items[0], ItemError) and "max_chars" in items[0].message


# ----------------------------------------------------------------------------------------- text and furniture


def test_entity_lists_and_markdown_give_the_visible_text() -> None:
    body = from_export(["Это ", {"type": "bold", "text": "важно"}, ": ", {"type": "text_link", "text": "заявление",
                                                                       "href": "https://example.org/s"},
                        " и ", {"type": "link", "text": "https://example.org/x"}, " ", {"type": "mention",
                                                                                       "text": "@fiction"}])
    assert body.text == "Это важно: заявление и https://example.org/x @fiction"
    assert [body.text[a:b] for a, b in body.bold] == ["важно"]
    assert [(body.text[lk.start:lk.end], lk.url) for lk in body.links] == [
        ("заявление", "https://example.org/s"), ("https://example.org/x", "https://example.org/x")]
    md = from_markdown("**Итог:** [Минобороны](https://t.me/x/1) __сообщило__, что ж**а не в счёт; "
                       "ссылка https://ex.example/a__b__c ~~без~~ `кода`")
    assert md.text == "Итог: Минобороны сообщило, что ж**а не в счёт; ссылка https://ex.example/a__b__c без кода"
    assert [md.text[a:b] for a, b in md.bold] == ["Итог:"]
    assert [(md.text[lk.start:lk.end], lk.url) for lk in md.links] == [("Минобороны", "https://t.me/x/1")]


@pytest.mark.parametrize(("line", "reason"), [
    ("Подписывайтесь на канал «Сводки Фронта»", "subscribe"),
    ("👉 Подписаться на канал", "subscribe"),
    ("🕹Военный Обозреватель — Подписаться", "subscribe"),
    ("Підписуйтесь на Фронтові Зведення", "subscribe"),
    ("Subscribe to Frontline Digest", "subscribe"),
    ("Читать нас без VPN можно здесь: svodki.example", "vpn"),
    ("📩 Прислать новость", "send news"),
    ("@svodki_fronta", "signature"),
    ("👉 t.me/svodki_fronta | @frontline_digest", "signature"),
    ("Отдай свой голос: t.me/boost/svodki_fronta", "boost"),
    ("🔥🔥🔥", "emoji"),
    ("🇺🇦 ❤️", "emoji"),
    ("#сводка #Белгород", "hashtags"),
    ("Путин подписал указ о призыве.", None),
    ("Губернатор призвал подписаться на рассылку оповещений о тревогах, если вы живёте в приграничье", None),
    ("По данным @svodki_fronta, бои продолжаются.", None),
    ("Источник: https://t.me/svodki_fronta/812", None),
    ("— Минобороны", None),
])
def test_furniture_lines(line: str, reason: str | None) -> None:
    assert line_reason(line) == reason


def test_a_line_that_is_all_a_link_to_a_channel_is_furniture() -> None:
    body = from_markdown("Войска продвинулись у Фиктивки.\n❤️ [С любовью, Сводки](https://t.me/+AbCdEf123)\n"
                         "[Подробнее в посте](https://t.me/svodki_fronta/812)")
    assert [body.text[a:b].strip() for a, b, _ in furniture(body).cuts] == ["❤️ С любовью, Сводки"]


def test_a_bold_headline_is_the_title_unless_it_is_all_there_is() -> None:
    only = furniture(from_markdown("**Взрывы в Фиктивске**"))
    assert only.title is None and only.cuts == ()
    long_lead = furniture(from_markdown("**" + "Очень длинный жирный абзац. " * 10 + "**\nТекст."))
    assert long_lead.title is None


def test_a_headline_stays_when_nothing_else_would_be_left(tmp_path: Path, options: Options) -> None:
    text = [{"type": "bold", "text": "«Мы удержали позиции»"}, "\n\n© Пресс-служба бригады\n", {"type": "hashtag",
                                                                                           "text": "#фронт"}]
    [post] = articles(read(write(tmp_path / "result.json", single_chat([message(1, text)])), options)).values()
    assert (post.title, post.text) == (None, "«Мы удержали позиции»")


def test_removed_furniture_maps_back_to_the_raw_text(tmp_path: Path, options: Options) -> None:
    post = articles(read(write(tmp_path / "result.json", single_chat()), options))[101]
    assert post.raw_text is not None
    cut = {why: post.raw_text[a:b] for a, b, why in post.removed}
    assert cut["title"] == HEADLINE + "\n" and cut["subscribe"] == "Подписывайтесь на Сводки Фронта"
    assert cut["hashtags"] == "#сводка #Белгород\n"
    start = post.text.index("Минобороны")
    raw_start = post.to_raw_offset(start)
    assert raw_start is not None and post.raw_text[raw_start:raw_start + len("Минобороны")] == "Минобороны"


# ----------------------------------------------------------------------------------------- re-ingest


class StubPipeline:
    """Extraction without spaCy: one empty Extraction per article."""

    version = PIPELINE_VERSION

    def extract_many(self, items: Iterable[Article]) -> Iterator[Extraction]:
        for article in items:
            yield Extraction(article=article, pipeline_version=PIPELINE_VERSION)


EDITED = BODY.replace("12 украинских беспилотников", "14 украинских беспилотников")


def test_reingesting_a_newer_export_adds_new_posts_and_records_edits(tmp_path: Path, options: Options) -> None:
    older = write(tmp_path / "march-05.json", single_chat())
    newer_messages = [drone_post(EDITED, edited_hour=12), *channel_messages()[1:],
                      message(109, "Глава администрации сообщил, что в Фиктивске восстановлено электроснабжение.",
                              hour=18)]
    newer = write(tmp_path / "march-06.json", single_chat(newer_messages))
    stub: Any = StubPipeline()
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        first = ingest_paths(store, [older], options, pipeline=stub)
        assert (first.new, first.updated, first.unchanged) == (6, 0, 0)
        assert first.skipped == {"service messages": 1, "media only": 1, "only furniture": 1}
        again = ingest_paths(store, [older], options, pipeline=stub)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 6)
        later = ingest_paths(store, [newer], options, pipeline=stub)
        assert (later.new, later.updated, later.unchanged) == (1, 1, 5)
        assert store.counts()["articles"] == 7
        stale = ingest_paths(store, [older], options, pipeline=stub)  # the older text never wins back
        assert (stale.new, stale.updated, stale.unchanged) == (0, 0, 6) and store.counts()["articles"] == 7
        post = next(e.article for e in store.iter_extractions() if e.article.url == f"tg://{CHANNEL_ID}/101")
        assert post.text == EDITED
        assert post.telegram and post.telegram.edited == datetime(2024, 3, 5, 12, 45, tzinfo=UTC)
        from claimwatch.store.schema import ArticleRow

        with Session(store.engine) as session:
            row = session.get(ArticleRow, post.id)
            assert row is not None and row.meta is not None
            assert [v["text"] for v in row.meta["versions"]] == [BODY]


def test_the_cli_says_what_was_skipped_and_refuses_a_bad_channel_map(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch import cli

    monkeypatch.setattr(cli, "_pipeline", lambda state, options: StubPipeline())
    path = write(tmp_path / "result.json", single_chat())
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    result = CliRunner().invoke(cli.app, ["--db", db, "ingest", str(path), "--no-link", "--channel-username",
                                          "svodki_fronta"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "6 new" in result.output
    assert "3 skipped (1 media only, 1 only furniture, 1 service messages)" in result.output
    with Store(db) as store:
        assert {e.article.url for e in store.iter_extractions()} >= {"https://t.me/svodki_fronta/101"}
    bad = CliRunner().invoke(cli.app, ["--db", db, "ingest", str(path), "--channel-username", "not a name"])
    assert bad.exit_code == 2 and "not a Telegram channel username" in bad.output


# ----------------------------------------------------------------------------------------- forwards in linking


def _save(store: Store, text: str, channel: str, mid: int, hour: int, forwarded_from: str | None = None) -> int:
    post = TelegramPost(message_id=mid, chat_id=mid, channel=channel, forwarded_from=forwarded_from)
    article = Article(text=text, outlet=channel, url=f"tg://{mid}/{mid}", telegram=post,
                      published=datetime(2024, 3, 5, hour, tzinfo=UTC))
    return store.save(Extraction(article=article, pipeline_version=PIPELINE_VERSION))


def test_a_forward_is_a_copy_of_its_original_when_the_original_is_stored(tmp_path: Path, options: Options) -> None:
    from claimwatch.link import link
    from claimwatch.store.schema import ArticleRow

    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        original = _save(store, FORWARDED, "Минобороны России", 1, 10)
        forward = _save(store, FORWARDED, "Сводки Фронта", 2, 11, forwarded_from="Минобороны России")
        lone = _save(store, "Военкор сообщил о прорыве обороны у Фиктивки и захвате двух опорных пунктов.",
                     "Военный Обозреватель", 3, 12, forwarded_from="Военкор Фиктивный")
        assert link(store, options).copies == 1
        with Session(store.engine) as session:
            copy_of = {i: session.get(ArticleRow, i).copy_of for i in (original, forward, lone)}  # type: ignore[union-attr]
        assert copy_of == {original: None, forward: original, lone: None}


def test_a_forward_speaks_with_its_origin_channels_voice() -> None:
    from claimwatch.link.run import Context
    from claimwatch.link.verdict import unit_of
    from claimwatch.settings import load_options
    from claimwatch.store.links import ArticleInfo, StoredMember

    context = Context(load_options())
    text = "Средства ПВО сбили беспилотник над Фиктивском."
    claim = Claim(content=Span(0, len(text), text), kind=ClaimKind.OUTLET, status=Status.ASSERTED,
                  events=[Event(type="Explosions/Remote violence", sub_type="Air/drone strike",
                                trigger=Span(20, 29, text[20:29]))])

    def facts(article_id: int, outlet: str, forwarded_from: str | None = None) -> Any:
        info = ArticleInfo(article_id, f"h{article_id}", datetime(2024, 3, 5, tzinfo=UTC), None, outlet, None,
                           forwarded_from)
        found = context.facts(StoredMember(article_id, 0, claim, info), {})
        assert found is not None
        return found

    mod = facts(1, "Сводки Фронта", forwarded_from="Минобороны России")
    assert (mod.outlet, mod.outlet_side) == ("ru-mod", "russia")  # the registry's channel of the ministry
    a = facts(2, "Сводки Фронта", forwarded_from="Военкор Фиктивный")
    b = facts(3, "Военный Обозреватель", forwarded_from="Военкор Фиктивный")
    own = facts(4, "Военный Обозреватель")
    assert unit_of(a) == unit_of(b) != unit_of(own)  # two forwards of one absent original: one voice
