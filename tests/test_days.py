"""claimwatch.store.days: the per-day claim counts stay what a direct count says after every kind of write
(ingest, re-extraction replacing claims, a review changing an event's type, linking changing story members, SQL
typed by hand), on SQLite and PostgreSQL; the timeline reads them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from workbench_data import extraction, fill

from claimwatch.query import Filters, timeline
from claimwatch.store import Store
from claimwatch.store.days import DayCount, read_days
from claimwatch.store.engine import writer
from claimwatch.store.schema import ClaimDayDirtyRow, ClaimDayRow, ClaimRow, EventRow, StoryClaimRow

N = 8


def direct(store: Store) -> Counter[tuple[str, str, str]]:
    """The counts, from the rows, in Python: (day, dimension, value) -> distinct claims."""
    with Session(store.engine) as session:
        claims = {i: (p.date().isoformat() if p else "") for i, p in session.execute(
            select(ClaimRow.id, ClaimRow.published_at))}
        types: dict[int, set[str]] = {}
        for claim_id, kind in session.execute(select(EventRow.claim_id, EventRow.type)):
            types.setdefault(claim_id, set()).add(kind)
        sides: dict[int, set[str]] = {}
        for claim_id, unit in session.execute(select(StoryClaimRow.claim_id, StoryClaimRow.unit)):
            sides.setdefault(claim_id, set()).add(unit[5:] if unit.startswith("side:") else "")
    out: Counter[tuple[str, str, str]] = Counter()
    for claim_id, day in claims.items():
        out[(day, "all", "")] += 1
        if not day:
            continue
        for kind in types.get(claim_id, {""}):
            out[(day, "type", kind)] += 1
        for side in sides.get(claim_id, {""}):
            out[(day, "side", side)] += 1
    return out


def as_counter(counts: list[DayCount]) -> Counter[tuple[str, str, str]]:
    return Counter({(c.day, c.dimension, c.value): c.claims for c in counts})


def stored(store: Store) -> tuple[Counter[tuple[str, str, str]], list[str]]:
    with Session(store.engine) as session:
        rows = Counter({(r.day, r.dimension, r.value): r.claims for r in session.scalars(select(ClaimDayRow))})
        dirty = list(session.scalars(select(ClaimDayDirtyRow.day)))
    return rows, dirty


def read(store: Store, **bounds: Any) -> Counter[tuple[str, str, str]]:
    with store.engine.connect() as connection:
        return as_counter(read_days(connection, **bounds))


def test_counts_follow_every_write_path(any_db_url: str) -> None:
    with Store(any_db_url) as store:
        facts, ids = fill(store, N)
        # linking wrote story members without recounting: the read counts those days live
        assert read(store) == direct(store)
        assert sum(n for (day, dim, _), n in direct(store).items() if dim == "all") == len(facts)

        # a store write recounts every listed day before it commits
        store.add_review(ids[1], 0, "status", "denied", "alice", "checked")
        assert stored(store) == (direct(store), [])

        # a review that changes an event's type moves the claim between types
        before = direct(store)
        store.add_review(ids[2], 0, "events.0.type", "Strategic developments", "alice", "not a clash")
        after = direct(store)
        assert after != before and stored(store) == (after, [])

        # re-extraction replacing an article's claims, published on another day, with one claim fewer
        made, _ = extraction(3, N)
        moved = replace(made.article, published=made.article.published.replace(day=28))
        assert store.upsert(replace(made, article=moved, claims=made.claims[:2], pipeline_version="cw-test2"),
                            replace=True).outcome in ("new", "updated")
        assert stored(store) == (direct(store), [])

        # SQL typed by hand (what linking does): the triggers list the day, the read is right at once
        with Session(writer(store.engine)) as session, session.begin():
            session.execute(update(StoryClaimRow).values(unit="side:ukraine"))
            session.execute(delete(EventRow).where(EventRow.article_id == ids[5]))
        _, dirty = stored(store)
        assert dirty and read(store) == direct(store) and stored(store)[0] != direct(store)
        store.add_review(ids[6], 1, "status", "confirmed", "alice", "checked")
        assert stored(store) == (direct(store), [])


def test_the_timeline_reads_the_counts_within_its_days(tmp_path: Any) -> None:
    from datetime import date

    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        fill(store, N)
        every = timeline(store)
        assert every["claims"] == sum(n for (_, dim, _), n in direct(store).items() if dim == "all")
        assert every["undated"] == direct(store)[("", "all", "")] > 0
        some = timeline(store, Filters(since=date(2024, 3, 3), until=date(2024, 3, 5)))
        days = {d["date"] for d in some["days"]}
        assert days and all("2024-03-03" <= d <= "2024-03-05" for d in days) and some["undated"] == 0
        assert some["claims"] == sum(n for (day, dim, _), n in direct(store).items()
                                     if dim == "all" and "2024-03-03" <= day <= "2024-03-05")
        assert [d for d in every["days"] if d["date"] in days] == some["days"]
        assert read(store, since=date(2024, 3, 3), until=date(2024, 3, 5)) == Counter(
            {k: n for k, n in direct(store).items() if "2024-03-03" <= k[0] <= "2024-03-05"})
