"""Derived texts (migration 0007): what an article's text gives back is not stored again, and reads, searches and
the full-text index stay right through every write.

On SQLite a claim's content text is its article's text between the offsets (stored as ""), the full-text index
holds the content texts only (contentless, no positions) and follows the articles' texts; the input bytes are
kept without the decoded text they hold; a place mention's ``data`` leaves out the feature its column holds.
"""

from __future__ import annotations

import copy
import json
import zlib

import pytest
from sqlalchemy import text
from test_store import TEXT, make_extraction

from claimwatch.query import reads
from claimwatch.query.filters import Filters
from claimwatch.store import Store, migrate
from claimwatch.store.engine import writer
from claimwatch.store.packing import pack_raw, unpack_raw


def _fts(store: Store, word: str) -> list[int]:
    with store.engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(text("SELECT rowid FROM claims_fts WHERE claims_fts MATCH :q"),
                                                 {"q": f'"{word}"'}))


def _claim_ids(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(text("SELECT id FROM claims")))


def _search(store: Store, q: str) -> list[str]:
    return [c["content"]["text"] for c in reads.claims(store, Filters(q=q)).items]


def test_content_texts_are_read_from_the_article_and_searched(db_url: str) -> None:
    extraction = make_extraction()
    with Store(db_url) as store:
        article_id = store.save(copy.deepcopy(extraction))
        with store.engine.connect() as conn:
            stored = [r[0] for r in conn.execute(text("SELECT content_text FROM claims ORDER BY idx"))]
        assert stored and set(stored) == {""}  # every content is the article's text between its offsets
        expected = copy.deepcopy(extraction)
        expected.article.id = article_id
        assert store.get_extraction(article_id) == expected
        assert _search(store, "Pryiutne") == ["Russian forces took 35 sq. km near Pryiutne on Monday"]
        assert _search(store, "village fled") == ["“We took the village,” the commander said. “The enemy fled.”"]
        assert _search(store, "ministry") == []  # the source is not the content: only contents are searched
        listed = {c["content"]["text"] for c in reads.claims(store).items}
        assert listed == {c.content.text for c in extraction.claims}


def test_a_new_text_of_an_article_moves_its_index_entries(db_url: str) -> None:
    with Store(db_url) as store:
        article_id = store.save(make_extraction())
        assert len(_fts(store, "Pryiutne")) == 1
        with writer(store.engine).begin() as conn:  # the text changed under its claims (same offsets)
            conn.execute(text("UPDATE articles SET text = replace(text, 'Pryiutne', 'Robotyne')"))
        assert _fts(store, "Pryiutne") == [] and len(_fts(store, "Robotyne")) == 1
        assert _search(store, "Robotyne") == ["Russian forces took 35 sq. km near Robotyne on Monday"]
        # an article deleted by SQL takes its claims' entries with it (the claims go first, while its text is there)
        with writer(store.engine).begin() as conn:
            conn.execute(text("DELETE FROM articles WHERE id = :id"), {"id": article_id})
        assert _claim_ids(store) == [] and _fts(store, "Robotyne") == [] and _fts(store, "village") == []


def test_a_content_that_is_not_its_articles_text_is_stored(db_url: str) -> None:
    extraction = make_extraction()
    extraction.article.text = TEXT.replace("Pryiutne", "Robotyne")  # spans made from another text
    with Store(db_url) as store:
        article_id = store.save(copy.deepcopy(extraction))
        with store.engine.connect() as conn:
            stored = [r[0] for r in conn.execute(text("SELECT content_text FROM claims ORDER BY idx"))]
        assert stored == ["Russian forces took 35 sq. km near Pryiutne on Monday", "", ""]
        assert store.get_extraction(article_id).claims == extraction.claims
        assert _search(store, "Pryiutne") == [stored[0]] and _search(store, "Robotyne") == []


def test_an_edited_content_text_is_kept(db_url: str) -> None:
    with Store(db_url) as store:
        article_id = store.save(make_extraction())
        store.add_review(article_id, 2, "content.text", "Kyiv denied the whole claim", who="ana")
        with store.engine.connect() as conn:
            stored = [r[0] for r in conn.execute(text("SELECT content_text FROM claims ORDER BY idx"))]
        assert stored == ["", "", "Kyiv denied the whole claim"]
        assert store.get_extraction(article_id).claims[2].content.text == "Kyiv denied the whole claim"
        assert _search(store, "whole") == ["Kyiv denied the whole claim"]


def test_search_words_are_the_tokenizers_words() -> None:
    from claimwatch.query.sql import fts_expression, words

    assert words("snake_case NOT near/Kharkiv's") == ["snake", "case", "NOT", "near", "Kharkiv", "s"]
    assert fts_expression(["NOT", "Київ"]) == '"NOT" AND "Київ"'


def test_hostile_search_text_is_only_words(db_url: str) -> None:
    with Store(db_url) as store:
        store.save(make_extraction())
        for q in ('"', "a_b", "NEAR(a b)", "content_text:x", "*", "^village", "village OR NOT"):
            _search(store, q)  # never an FTS5 syntax error
        assert _search(store, "the_village") == ["“We took the village,” the commander said. “The enemy fled.”"]


@pytest.mark.parametrize("escaping", [False, True])
def test_input_bytes_holding_their_text_as_json_keep_only_the_rest(escaping: bool) -> None:
    raw_text = "Сьогодні вранці «ворог» обстріляв Харків.\n\tЗа словами ОВА, є поранені. " * 3
    raw = json.dumps({"url": "https://t.me/x/1", "text": raw_text, "date": "2024-03-05"},
                     ensure_ascii=escaping).encode("utf-8")
    packed = pack_raw(raw, raw_text)
    assert packed is not None and packed[:1] == b"J" and len(packed) < 80
    assert unpack_raw(packed, raw_text) == raw
    with pytest.raises(ValueError, match="raw text"):
        unpack_raw(packed)


def test_input_bytes_are_kept_whole_when_the_text_does_not_give_them_back() -> None:
    plain = "Kyiv said the village was taken.\n" * 5
    assert pack_raw(plain.encode(), plain) == b"T" and unpack_raw(b"T", plain) == plain.encode()
    html = b"<p>Kyiv said the village was taken.</p>" * 5
    assert unpack_raw(pack_raw(html, "Kyiv said the village was taken.\n" * 5)) == html
    assert zlib.decompress(pack_raw(html, None) or b"") == html
    assert unpack_raw(pack_raw(b"\xff\xfe", "\ud800" * 80)) == b"\xff\xfe"  # no UTF-8 for a lone surrogate
    short = json.dumps({"text": "ok"}).encode()
    assert unpack_raw(pack_raw(short, "ok")) == short


def test_place_mentions_keep_the_feature_once(db_url: str) -> None:
    extraction = make_extraction()
    with Store(db_url) as store:
        article_id = store.save(copy.deepcopy(extraction))
        with store.engine.connect() as conn:
            feature, data = conn.execute(text("SELECT feature, data FROM place_mentions")).one()
        assert feature == "P.PPL" and "feature_class" not in json.loads(data).get("place", {})
        assert store.get_extraction(article_id).places == extraction.places


def test_a_database_of_0006_is_converted_and_back(db_url: str) -> None:
    from alembic import command

    extraction = make_extraction()
    extraction.article.raw_text = TEXT
    extraction.article.raw = json.dumps({"text": TEXT}).encode()
    with Store(db_url) as store:
        article_id = store.save(copy.deepcopy(extraction))
        cfg = migrate.config()
        with writer(store.engine).begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0006")
        with store.engine.connect() as conn:
            contents = [r[0] for r in conn.execute(text("SELECT content_text FROM claims ORDER BY idx"))]
            raw = conn.execute(text("SELECT raw FROM articles")).scalar_one()
            place = json.loads(conn.execute(text("SELECT data FROM place_mentions")).scalar_one())
            found = conn.execute(text("SELECT rowid FROM claims_fts WHERE claims_fts MATCH "
                                      "'content_text : \"Pryiutne\"'")).all()
        assert contents == [c.content.text for c in extraction.claims]
        assert zlib.decompress(raw) == extraction.article.raw and place["place"]["feature_code"] == "PPL"
        assert len(found) == 1
    with Store(db_url) as store:  # up again
        expected = copy.deepcopy(extraction)
        expected.article.id = article_id
        assert store.get_extraction(article_id) == expected
        assert _search(store, "Pryiutne") == ["Russian forces took 35 sq. km near Pryiutne on Monday"]
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT raw FROM articles")).scalar_one()[:1] == b"J"


def test_sql_users_read_the_texts_through_a_view(any_db_url: str) -> None:
    extraction = make_extraction()
    with Store(any_db_url) as store:
        store.save(copy.deepcopy(extraction))
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT content_text, source_text, cue_text, status, published_at, "
                                     "article_url FROM claims_text ORDER BY idx")).all()
    assert [r[0] for r in rows] == [c.content.text for c in extraction.claims]
    assert rows[0][1] == "the ministry" and rows[0][2] == "said" and rows[0][3] == "denied"
    assert str(rows[0][4]).startswith("2024-03-05 12:30:00") and rows[0][5] == "https://wire.example/1"
