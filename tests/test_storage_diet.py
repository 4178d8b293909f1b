"""Storage diet (migration 0006): what is derivable is not stored, and nothing a reader needs is lost.

The raw text is rebuilt from the clean text, its segments and what cleaning cut; the input bytes are stored
compressed; a claim's ``data`` holds only what its columns do not. A database written in the earlier form
(whole records in ``data``, uncompressed bytes, events' own ``data``) is converted on open, and the store, its
exports and its reviews give the same records afterwards as before.
"""

from __future__ import annotations

import copy
import io
import json
import zlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text
from test_store import TEXT, make_extraction

from claimwatch.export import jsonl
from claimwatch.model import Claim, Extraction, Segment
from claimwatch.serialize import to_dict
from claimwatch.store import Store, migrate
from claimwatch.store.engine import make_engine
from claimwatch.store.packing import pack_raw, raw_rest, raw_text_of, unpack_raw
from claimwatch.store.rows import article_values, claim_values, event_values, place_values

FIRST, SECOND = "Russian forces took the village on Monday, the ministry said.", "Kyiv denied the claim."
CLEAN = f"{FIRST}\n{SECOND}"


def test_raw_text_is_rebuilt_from_the_clean_text_and_what_cleaning_cut() -> None:
    raw = f"Share on Facebook\r\n{FIRST}\r\n\r\n\r\n{SECOND}\r\n"
    first, second = raw.index(FIRST), raw.index(SECOND)
    segments = (Segment(0, first, len(FIRST)), Segment(len(FIRST), first + len(FIRST) + 1, 1),
                Segment(len(FIRST) + 1, second, len(SECOND)))
    assert [raw[s.raw_start:s.raw_start + s.length] for s in segments] == [FIRST, "\n", SECOND]
    rest = raw_rest(CLEAN, raw, segments)
    assert rest is not None and sum(len(piece) for _, piece in rest) == len(raw) - len(CLEAN)
    assert raw_text_of(CLEAN, segments, rest) == raw


def test_text_without_segments_is_its_raw_text_with_what_follows() -> None:
    assert raw_rest(CLEAN, CLEAN, ()) == []
    assert raw_text_of(CLEAN, (), raw_rest(CLEAN, CLEAN + "\n", ()) or []) == CLEAN + "\n"


def test_raw_text_that_the_clean_text_does_not_give_back_is_kept_whole() -> None:
    assert raw_rest(CLEAN, None, ()) is None
    assert raw_rest(CLEAN, "Title: x\n\n" + CLEAN, ()) is None  # text not at offset 0 without segments
    assert raw_rest(CLEAN, "completely different", (Segment(0, 0, 5),)) is None
    assert raw_rest("ab", "a" * 10 + "ab", (Segment(0, 10, 2),)) is None  # mostly rest: not worth it


def test_input_bytes_are_stored_compressed() -> None:
    data = ("Kyiv said the village was taken. " * 50).encode()
    packed = pack_raw(data)
    assert packed is not None and len(packed) < len(data) // 5
    assert unpack_raw(packed) == data and pack_raw(None) is None and unpack_raw(None) is None


def test_stored_rows_hold_nothing_twice(db_url: str) -> None:
    extraction = make_extraction()
    extraction.article.raw_text = TEXT + "\n"  # as a plain-text reader gives it: derivable
    with Store(db_url) as store:
        article_id = store.save(copy.deepcopy(extraction))
        with store.engine.connect() as conn:
            raw, raw_text, rest = conn.execute(text("SELECT raw, raw_text, raw_rest FROM articles")).one()
            datas = [json.loads(d) for (d,) in conn.execute(text("SELECT data FROM claims ORDER BY idx"))]
            columns = [r[1] for r in conn.execute(text("PRAGMA table_info(events)"))]
        assert zlib.decompress(raw) == extraction.article.raw and raw_text is None and json.loads(rest) == [[len(TEXT), "\n"]]
        assert all(not {"content", "source", "cue", "kind", "status", "confidence"} & set(d) for d in datas)
        assert datas[0]["events"][0]["type"] == "Strategic developments" and "data" not in columns
        expected = copy.deepcopy(extraction)
        expected.article.id = article_id
        assert store.get_extraction(article_id) == expected


# -- a database written before migration 0006 ------------------------------------------------------------


def _old_tables() -> dict[str, sa.TableClause]:
    def table(name: str, *columns: str) -> sa.TableClause:
        return sa.table(name, *(sa.column(c, sa.JSON if c in ("data", "segments", "removed", "meta", "value") else None)
                                for c in columns))

    article = article_values(make_extraction().article, "v")
    claim = _old_claim_values(make_extraction().claims[0], "v")
    event = event_values(make_extraction().claims[0].events[0])
    place = place_values(make_extraction().places[0])
    return {"articles": table("articles", "id", *(c for c in article if c != "raw_rest"), "ingested_at"),
            "claims": table("claims", "id", "article_id", "idx", *claim),
            "events": table("events", "claim_id", "article_id", "idx", "data", *event),
            "place_mentions": table("place_mentions", "article_id", "idx", *place),
            "reviews": table("reviews", "article_id", "claim_key", "field", "value", "who", "at", "why")}


def _old_claim_values(claim: Claim, version: str) -> dict[str, Any]:
    """The ``claims`` columns of ``claim`` as written before 0007 (its content text stored)."""
    values = claim_values(claim, version)
    values["content_text"] = values.pop("stored_content_text")
    return values


def _write_old(url: str, extraction: Extraction, article_id: int) -> None:
    """Store ``extraction`` as claimwatch wrote it before 0006 (into a database migrated to 0004)."""
    tables = _old_tables()
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0004")
        a = extraction.article
        values: dict[str, Any] = {**article_values(a, extraction.pipeline_version), "id": article_id,
                                  "raw": a.raw, "raw_text": a.raw_text, "ingested_at": "2024-03-06 00:00:00"}
        del values["raw_rest"]
        with engine.begin() as conn:
            conn.execute(sa.insert(tables["articles"]), [values])
            for i, claim in enumerate(extraction.claims):
                claim_id = article_id * 100 + i
                conn.execute(sa.insert(tables["claims"]), [{
                    **_old_claim_values(claim, extraction.pipeline_version), "data": to_dict(claim), "id": claim_id,
                    "article_id": article_id, "idx": i}])
                for j, event in enumerate(claim.events):
                    conn.execute(sa.insert(tables["events"]), [{**event_values(event), "data": to_dict(event),
                                                                "claim_id": claim_id, "article_id": article_id,
                                                                "idx": j}])
            for i, mention in enumerate(extraction.places):
                conn.execute(sa.insert(tables["place_mentions"]), [{**place_values(mention), "data": to_dict(mention),
                                                                    "article_id": article_id, "idx": i}])
    finally:
        engine.dispose()


def _export(extractions: list[Extraction]) -> str:
    out = io.StringIO()
    jsonl.write(extractions, out)
    return out.getvalue()


def test_a_database_written_before_the_diet_reads_the_same_after_it(db_url: str) -> None:
    # (no outlet: this writer of the earlier form leaves out the outlets table)
    first = make_extraction(outlet=None)
    second = make_extraction(url="https://wire.example/2", outlet=None, source="the commander")
    second.article.raw_text = second.article.text + "\n"
    for article_id, extraction in ((1, first), (2, second)):
        _write_old(db_url, extraction, article_id)
        extraction.article.id = article_id
    before = _export([first, second])
    with Store(db_url) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.head()
            stored = dict(conn.execute(text("SELECT id, raw_text FROM articles")).all())
            claim_data = [json.loads(d) for (d,) in conn.execute(text("SELECT data FROM claims"))]
        assert stored[1] == first.article.raw_text and stored[2] is None  # kept whole / rebuilt from the rest
        assert all("content" not in d for d in claim_data)
        assert store.get_extraction(1) == first and store.get_extraction(2) == second
        assert _export(list(store.iter_extractions())) == before


def test_reviews_made_before_the_diet_still_apply(db_url: str) -> None:
    extraction = make_extraction(outlet=None)
    _write_old(db_url, extraction, 1)
    with make_engine(db_url).begin() as conn:
        conn.execute(sa.insert(_old_tables()["reviews"]), [{
            "article_id": 1, "claim_key": "0:53", "field": "status", "value": "confirmed", "who": "ana",
            "at": "2024-03-07 00:00:00", "why": "checked"}])
    with Store(db_url) as store:
        assert [r.who for r in store.reviews(1)] == ["ana"]
        store.add_review(1, 1, "status", "denied", "ben")
        again = store.get_extraction(1)
        assert again.claims[1].status.value == "denied" and again.claims[0].content == extraction.claims[0].content
        newer = make_extraction(version="cw-2.0.0", outlet=None)
        store.save(newer)  # re-extraction: both reviews are applied again to the new output
        assert [c.status.value for c in store.get_extraction(1).claims[:2]] == ["confirmed", "denied"]


def test_json_is_stored_compact_and_cyrillic_as_itself(db_url: str) -> None:
    from claimwatch.model import Article, Claim, ClaimKind, Span, Status

    sentence = "Кремль заявил о захвате села, сообщили источники."
    evidence = Span.of(sentence, sentence.index("сообщили"), sentence.index("сообщили") + len("сообщили"))
    claim = Claim(content=Span.of(sentence, 0, len(sentence) - 1), kind=ClaimKind.OUTLET, status=Status.CLAIMED,
                  status_evidence=[evidence])
    with Store(db_url) as store:
        article_id = store.save(Extraction(article=Article(text=sentence), claims=[claim], pipeline_version="v"))
        with store.engine.connect() as conn:
            stored = conn.execute(text("SELECT data FROM claims")).scalar_one()
        start, end = evidence.start, evidence.end
        assert stored == f'{{"status_evidence":[{{"start":{start},"end":{end},"text":"сообщили"}}]}}'
        assert store.get_extraction(article_id).claims == [claim]


def test_downgrading_writes_the_whole_records_back(db_url: str) -> None:
    from alembic import command

    from claimwatch.store.engine import writer

    extraction = make_extraction()
    extraction.article.raw_text = TEXT + "\n"
    with Store(db_url) as store:
        article_id = store.save(copy.deepcopy(extraction))
        with writer(store.engine).begin() as connection:
            cfg = migrate.config()
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0004")
        with store.engine.connect() as conn:
            raw, raw_text = conn.execute(text("SELECT raw, raw_text FROM articles")).one()
            claims = [json.loads(d) for (d,) in conn.execute(text("SELECT data FROM claims ORDER BY idx"))]
            events = [json.loads(d) for (d,) in conn.execute(text("SELECT data FROM events"))]
    assert raw == extraction.article.raw and raw_text == TEXT + "\n"
    assert claims == [to_dict(c) for c in extraction.claims]
    assert events == [to_dict(extraction.claims[0].events[0])]
    with Store(db_url) as store:  # and up again
        expected = copy.deepcopy(extraction)
        expected.article.id = article_id
        assert store.get_extraction(article_id) == expected
