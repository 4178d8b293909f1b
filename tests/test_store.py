"""The store: exact round trips, idempotent saves, version replacement that keeps reviews, per-article rollback,
SQLite discipline (WAL, foreign keys, migrations recorded), and the same behaviour on PostgreSQL: every test of
the ``store`` fixture runs once on SQLite and once on a private PostgreSQL server (see ``any_db_url`` in
conftest.py; CI installs the server so that they never skip there)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from claimwatch.model import (
    ActorRef,
    Article,
    Claim,
    ClaimKind,
    DateRange,
    Event,
    Extraction,
    ItemError,
    Outlet,
    Place,
    PlaceMention,
    Polarity,
    Precision,
    Quantity,
    Review,
    Role,
    Source,
    Span,
    Status,
    TelegramPost,
)
from claimwatch.readers.files import read_paths
from claimwatch.store import Store, migrate
from claimwatch.store import store as store_module
from claimwatch.store.rows import outlet_of, outlet_values
from claimwatch.store.schema import ArticleRow, OutletRow

TEXT = ("Russian forces took 35 sq. km near Pryiutne on Monday, the ministry said. "
        "“We took the village,” the commander said. “The enemy fled.” "
        "Kyiv denied the claim, reportedly.")


def sp(fragment: str, text: str = TEXT, after: str | None = None) -> Span:
    start = text.index(fragment, text.index(after) if after else 0)
    return Span.of(text, start, start + len(fragment))


def make_extraction(text: str = TEXT, version: str = "cw-1.0.0", url: str | None = "https://wire.example/1",
                    outlet: str | None = "Example Wire", source: str = "the ministry") -> Extraction:
    raw = ("Title: Gains\n\n" + text).encode("utf-8")
    article = Article(
        text=text, title="Gains claimed", url=url, outlet=outlet,
        published=datetime(2024, 3, 5, 12, 30, tzinfo=UTC), published_raw="5 March 2024, 14:30 EET",
        published_offset=None, language="en", raw_text="Title: Gains\n\n" + text, raw=raw,
        raw_sha256="0" * 64, origin="gains.txt", segments=(), removed=((0, 14, "header"),),
    )
    place = PlaceMention(span=sp("Pryiutne", text), place=Place(700001, "Pryiutne", "P", "PPL", "UA",
                                                                 "Zaporizhzhia", 47.43, 35.9, 1200),
                         precision=Precision.SETTLEMENT, confidence=0.9)
    event = Event(type="Strategic developments", sub_type="Non-violent transfer of territory",
                  trigger=sp("took", text), actor1=ActorRef("Russian Armed Forces", sp("Russian forces", text),
                                                             "ru-af", "RU", "state force"),
                  place=place, date=DateRange("2024-03-04", "2024-03-04", "day", sp("on Monday", text)),
                  quantities=[Quantity(35.0, None, None, "km2", "area", sp("35 sq. km", text))])
    claims = [
        Claim(content=sp("Russian forces took 35 sq. km near Pryiutne on Monday", text), kind=ClaimKind.INDIRECT,
              status=Status.DENIED, source=Source(sp(source, text), actor="ru-mod"), cue=sp("said", text),
              status_evidence=[sp("denied", text)], confidence=0.9, events=[event]),
        Claim(content=Span.of(text, text.index("“We"), text.index("Kyiv") - 1), kind=ClaimKind.DIRECT,
              status=Status.CLAIMED, source=Source(sp("the commander", text), entity=sp(source, text)),
              cue=sp("said", text, after="commander"),
              content_parts=(sp("“We took the village,”", text), sp("“The enemy fled.”", text))),
        Claim(content=sp("Kyiv denied the claim", text), kind=ClaimKind.OUTLET, status=Status.HEDGED,
              status_evidence=[sp("reportedly", text)]),
    ]
    return Extraction(article=article, claims=claims, places=[place], pipeline_version=version)


@pytest.fixture
def store(any_db_url: str) -> Iterator[Store]:
    """A new store on each backend in turn (SQLite, PostgreSQL)."""
    with Store(any_db_url) as s:
        yield s


@pytest.fixture
def sqlite_store(db_url: str) -> Iterator[Store]:
    with Store(db_url) as s:
        yield s


def test_round_trip_equals_the_original(store: Store) -> None:
    original = make_extraction()
    expected = copy.deepcopy(original)
    article_id = store.save(original)
    assert original.article.id == article_id
    expected.article.id = article_id
    assert store.get_extraction(article_id) == expected


def test_round_trip_of_pipeline_output_on_every_example(store: Store, examples_dir: Path, pipeline, options) -> None:  # type: ignore[no-untyped-def]
    articles = [a for a in read_paths([examples_dir], options) if isinstance(a, Article)]
    for extraction in pipeline.extract_many(articles):
        assert isinstance(extraction, Extraction)
        article_id = store.save(extraction)
        assert store.get_extraction(article_id) == extraction
    assert store.counts()["articles"] == len(articles)


def test_saving_again_never_duplicates(store: Store) -> None:
    first = store.upsert(make_extraction())
    counts = store.counts()
    again = store.upsert(make_extraction())
    assert (first.outcome, again.outcome) == ("new", "unchanged")
    assert again.article_id == first.article_id and store.counts() == counts
    assert store.has_article(make_extraction().article.content_hash, "cw-1.0.0")
    assert not store.has_article(make_extraction().article.content_hash, "cw-2.0.0")
    assert not store.has_article("f" * 64)


def test_same_text_other_url_is_another_article(store: Store) -> None:
    a = store.save(make_extraction(url="https://a.example"))
    b = store.save(make_extraction(url="https://b.example"))
    assert a != b and store.counts()["articles"] == 2


def test_newer_pipeline_replaces_machine_output_and_keeps_reviews(store: Store) -> None:
    article_id = store.save(make_extraction(version="cw-1.0.0"))
    store.add_review(article_id, 1, "status", "confirmed", who="analyst@example", why="video geolocated")
    store.add_review(article_id, 0, "source.actor", "ru-mod-press", who="analyst@example")
    assert store.get_extraction(article_id).claims[1].status is Status.CONFIRMED

    newer = make_extraction(version="cw-1.1.0")
    newer.claims = [newer.claims[1], newer.claims[0]]  # reordered, and one claim dropped
    result = store.upsert(newer)
    assert result == store_module.SaveResult(article_id, "updated")
    stored = store.get_extraction(article_id)
    assert stored.pipeline_version == "cw-1.1.0" and len(stored.claims) == 2
    assert stored.claims[0].status is Status.CONFIRMED  # the review follows its claim
    assert stored.claims[1].source is not None and stored.claims[1].source.actor == "ru-mod-press"
    assert len(store.reviews(article_id)) == 2
    counts = store.counts()
    assert (counts["claims"], counts["events"], counts["place_mentions"]) == (2, 1, 1)


def test_older_pipeline_never_replaces_newer_output(store: Store) -> None:
    article_id = store.save(make_extraction(version="cw-1.10.0"))
    older = make_extraction(version="cw-1.9.0")
    older.claims = []
    assert store.upsert(older).outcome == "unchanged"
    assert len(store.get_extraction(article_id).claims) == 3
    assert store.upsert(older, replace=True).outcome == "updated"
    assert store.get_extraction(article_id).claims == []


def test_review_that_no_longer_matches_is_kept_unused(store: Store) -> None:
    article_id = store.save(make_extraction(version="cw-1.0.0"))
    store.add_review(article_id, 2, "status", "denied", who="a")
    newer = make_extraction(version="cw-2.0.0")
    newer.claims = newer.claims[:2]
    store.save(newer)
    assert [c.status for c in store.get_extraction(article_id).claims] == [Status.DENIED, Status.CLAIMED]
    assert len(store.reviews(article_id)) == 1


def test_bad_review_is_refused(store: Store) -> None:
    article_id = store.save(make_extraction())
    with pytest.raises(ValueError):
        store.add_review(article_id, 0, "status", "rumoured", who="a")
    with pytest.raises(ValueError):
        store.add_review(article_id, 0, "no_such_field", 1, who="a")
    with pytest.raises(KeyError):
        store.add_review(article_id, 99, "status", "denied", who="a")
    assert store.reviews(article_id) == []


def test_enums_round_trip_through_the_store_as_their_plain_values(store: Store) -> None:
    extraction = make_extraction()
    extraction.claims[0].polarity = Polarity.NEGATIVE
    extraction.places[0].precision, extraction.places[0].role = Precision.REGION, Role.ACTOR
    article_id = store.save(extraction)
    again = store.get_extraction(article_id)
    assert [c.polarity for c in again.claims] == [Polarity.NEGATIVE, Polarity.POSITIVE, Polarity.POSITIVE]
    assert all(type(c.polarity) is Polarity for c in again.claims)
    assert again.places[0].precision is Precision.REGION and again.places[0].role is Role.ACTOR
    place = again.claims[0].events[0].place
    assert place is not None and place.precision is Precision.REGION
    typeof, stored_as = {"sqlite": ("typeof(polarity)", "text"),
                         "postgresql": ("pg_typeof(polarity)::text", "character varying")}[store.engine.dialect.name]
    with store.engine.connect() as conn:
        assert tuple(conn.execute(text(f"SELECT polarity, {typeof} FROM claims WHERE idx = 0")).one()) == (
            "negative", stored_as)
        data = conn.execute(text("SELECT data FROM claims WHERE idx = 0")).scalar_one()
        data = json.loads(data) if isinstance(data, str) else data  # JSONB arrives parsed
        # the polarity lives in its column only; the events (no column holds them whole) in data
        assert "polarity" not in data and data["events"][0]["place"]["precision"] == "region"
        assert tuple(conn.execute(text("SELECT precision, role FROM place_mentions")).one()) == ("region", "actor")


def test_a_review_sets_an_enum_field_and_only_to_one_of_its_values(store: Store) -> None:
    article_id = store.save(make_extraction())
    store.add_review(article_id, 1, "polarity", "negative", who="a", why="a denial")
    assert store.get_extraction(article_id).claims[1].polarity is Polarity.NEGATIVE
    with pytest.raises(ValueError):
        store.add_review(article_id, 1, "polarity", "sarcastic", who="a")
    (review,) = store.reviews(article_id)
    assert isinstance(review, Review) and (review.field, review.value, review.who, review.why) == (
        "polarity", "negative", "a", "a denial")


def test_outlets_are_stored_as_outlet_records(store: Store) -> None:
    store.save(make_extraction())
    store.save(make_extraction(url="https://other.example/2", outlet="Other Herald"))
    assert store.outlets() == [Outlet("Example Wire"), Outlet("Other Herald")]
    full = Outlet("RT", domains=("rt.com", "russian.rt.com"), country="RU", affiliation="state media", notes="x")
    assert outlet_of(OutletRow(**outlet_values(full))) == full
    assert outlet_values(Outlet("Example Wire"))["domain"] is None


def test_failure_while_saving_rolls_back_that_article_only(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = store.save(make_extraction())
    before = store.counts()

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "event_values", broken)
    other = make_extraction(url="https://wire.example/2", outlet="Other Outlet")
    with pytest.raises(RuntimeError):
        store.save(other)
    assert store.counts() == before
    assert not store.has_article(other.article.content_hash)
    assert store.get_extraction(kept).claims == make_extraction().claims
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outlets WHERE name = 'Other Outlet'")).scalar() == 0
    monkeypatch.undo()
    assert store.upsert(other).outcome == "new"


def test_failed_replacement_keeps_the_previous_output(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    article_id = store.save(make_extraction(version="cw-1.0.0"))
    monkeypatch.setattr(store_module, "event_values", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        store.save(make_extraction(version="cw-2.0.0"))
    stored = store.get_extraction(article_id)
    assert stored.pipeline_version == "cw-1.0.0" and len(stored.claims) == 3


def test_sqlite_runs_in_wal_with_foreign_keys_and_recorded_migrations(sqlite_store: Store) -> None:
    store = sqlite_store
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.head() == "0009"
    store.save(make_extraction())
    with pytest.raises(Exception, match="FOREIGN KEY"), store.engine.begin() as conn:
        conn.execute(text("INSERT INTO place_mentions (article_id, idx, start, \"end\", text, role, data) "
                          "VALUES (999, 0, 0, 1, 'x', 'location', '{}')"))


def test_models_match_the_migrated_schema(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from claimwatch.store.schema import Base

    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # the full-text objects are made by raw SQL in migration 0001, per backend, outside the models
    full_text = ("claims_fts", "ix_claims_content_fts")
    diffs = [d for d in diffs if not (isinstance(d, tuple) and any(name in str(d) for name in full_text))]
    # SQLite cannot change a column's declared type in place: claims.published_at stays declared DATETIME (numeric
    # affinity) and holds integers since migration 0008, as the model's EpochUTCTime writes and reads them
    if store.engine.dialect.name == "sqlite":
        diffs = [d for d in diffs if not (isinstance(d, list) and d[0][0] == "modify_type"
                                          and d[0][2:4] == ("claims", "published_at"))]
    assert diffs == []


#: A full-text query of each backend: FTS5 on SQLite, the GIN index over to_tsvector on PostgreSQL.
FULL_TEXT = {"sqlite": "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH :w",
             "postgresql": ("SELECT count(*) FROM claims WHERE to_tsvector('simple', content_text) "
                            "@@ plainto_tsquery('simple', :w)")}


def test_full_text_index_follows_claims(store: Store) -> None:
    article_id = store.save(make_extraction(version="cw-1.0.0"))
    query = text(FULL_TEXT[store.engine.dialect.name])

    def hits(word: str) -> int:
        with store.engine.connect() as conn:
            return int(conn.execute(query, {"w": word}).scalar() or 0)

    assert hits("Pryiutne") == 1 and hits("enemy") == 1
    newer = make_extraction(version="cw-2.0.0")
    newer.claims = newer.claims[2:]
    store.save(newer)
    assert hits("Pryiutne") == 0 and hits("Kyiv") == 1
    assert store.get_extraction(article_id).claims == newer.claims


def test_query_claims_and_iter_extractions_filter(store: Store) -> None:
    a = store.save(make_extraction())
    b = store.save(make_extraction(text=TEXT.replace("the ministry", "the General Staff"), url="u2", outlet="Two",
                                   source="the General Staff"))
    assert {c.article_id for c in store.query_claims(source="MINISTRY")} == {a}
    assert {c.article_id for c in store.query_claims(source="general staff")} == {b}
    assert [c.claim.status for c in store.query_claims(status="hedged")] == [Status.HEDGED, Status.HEDGED]
    assert all(c.claim.kind is ClaimKind.DIRECT for c in store.query_claims(kind="direct"))
    assert len(store.query_claims(article=b)) == 3 and len(store.query_claims(limit=4)) == 4
    first = store.query_claims(article=a)[0]
    assert (first.index, first.title, first.outlet, first.pipeline_version) == (0, "Gains claimed", "Example Wire",
                                                                               "cw-1.0.0")
    assert first.published == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    assert store.query_claims(source="100%_") == []

    everything = list(store.iter_extractions())
    assert [e.article.id for e in everything] == [a, b] and all(len(e.claims) == 3 for e in everything)
    direct = list(store.iter_extractions(kind="direct"))
    assert [len(e.claims) for e in direct] == [1, 1] and direct[0].claims[0].kind is ClaimKind.DIRECT
    assert sum(len(e.claims) for e in store.iter_extractions(limit=4)) == 4
    assert [e.article.id for e in store.iter_extractions(outlet="Two")] == [b]
    assert list(store.iter_extractions(status="retracted")) == []


def test_errors_are_recorded(store: Store) -> None:
    store.record_error(ItemError("a.txt", "binary file"))
    store.record_error(ItemError("b.jsonl:3", "malformed JSON", stage="ingest"))
    assert [e.origin for e in store.errors()] == ["b.jsonl:3", "a.txt"]
    assert store.counts()["ingest_errors"] == 2


def test_reopening_keeps_everything_and_does_not_migrate_again(any_db_url: str) -> None:
    with Store(any_db_url) as s:
        article_id = s.save(make_extraction())
    with Store(any_db_url) as s:
        assert s.get_extraction(article_id).claims == make_extraction().claims
        with s.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_missing_article_is_a_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        store.get_extraction(42)


# -- PostgreSQL ---------------------------------------------------------------------------------------

def test_postgres_full_text_search_uses_the_gin_index(pg_url: str) -> None:
    with Store(pg_url) as pg:
        pg.save(make_extraction())
        with pg.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))  # three rows: the planner would scan them otherwise
            plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + FULL_TEXT["postgresql"]), {"w": "Kyiv"}))
    assert "ix_claims_content_fts" in plan


def test_postgres_round_trip_idempotency_and_reviews(pg_url: str) -> None:
    with Store(pg_url) as pg:
        original = make_extraction(version="cw-1.0.0")
        expected = copy.deepcopy(original)
        article_id = pg.save(original)
        expected.article.id = article_id
        assert pg.get_extraction(article_id) == expected
        assert pg.upsert(make_extraction(version="cw-1.0.0")).outcome == "unchanged"
        pg.add_review(article_id, 1, "status", "confirmed", who="a")
        assert pg.upsert(make_extraction(version="cw-2.0.0")).outcome == "updated"
        assert pg.get_extraction(article_id).claims[1].status is Status.CONFIRMED
        assert [(c.article_id, c.index) for c in pg.query_claims(source="MINISTRY")] == [(article_id, 0), (article_id, 1)]
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.head() == "0009"
        assert conn.execute(text("SELECT pg_typeof(data)::text FROM claims LIMIT 1")).scalar() == "jsonb"
        published = conn.execute(text("SELECT published_at FROM articles")).scalar()
        assert published == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    engine.dispose()


def test_an_edited_post_is_found_by_its_url_and_updated_in_place(store: Store) -> None:
    """A post (identified by its URL) whose text changed replaces its stored text, keeping the old one; a web
    article with the same URL and another text is still another article."""
    def post(text: str, edited: datetime | None) -> Extraction:
        extraction = make_extraction(text=text, url="https://t.me/fiction_channel/77")
        extraction.article.telegram = TelegramPost(message_id=77, channel="Fiction", edited=edited)
        return extraction

    first = store.upsert(post(TEXT, None))
    edited_text = TEXT + " The ministry later named two more villages."
    second = store.upsert(post(edited_text, datetime(2024, 3, 5, 13, tzinfo=UTC)))
    assert (first.outcome, second.outcome, second.article_id) == ("new", "updated", first.article_id)
    stored = store.get_extraction(first.article_id)
    assert stored.article.text == edited_text and stored.article.telegram is not None
    assert stored.article.telegram.edited == datetime(2024, 3, 5, 13, tzinfo=UTC)
    assert store.upsert(post(TEXT, None)).outcome == "unchanged"  # an older export read again
    assert store.get_extraction(first.article_id).article.text == edited_text
    with Session(store.engine) as session:
        row = session.get(ArticleRow, first.article_id)
        assert row is not None and row.meta is not None and [v["text"] for v in row.meta["versions"]] == [TEXT]
    web = store.upsert(make_extraction(text=TEXT + " Updated.", url="https://t.me/fiction_channel/77"))
    assert web.outcome == "new" and store.counts()["articles"] == 2
