"""The ``claimwatch link``, ``stories`` and ``story`` commands: a thin shell over :mod:`claimwatch.link`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from .cli import DbOpt, State, _open_store, _shorten, _state, app

VERDICT_STYLES = {"officially confirmed": "bold green", "corroborated": "green", "contested": "yellow",
                  "denied": "red", "retracted": "bold red", "claimed by one side only": "magenta",
                  "single source": "cyan", "unverified": "dim"}
STANCE_STYLES = {"corroborates": "green", "contradicts": "red", "reports": "yellow"}


def run_link(state: State, store: Any, rebuild: bool = False) -> Any:
    """Link ``store`` and print one line of what was done."""
    from .link import link as link_store
    from .outlets import OutletError

    try:
        summary = link_store(store, state.options, rebuild=rebuild)
    except OutletError as exc:
        state.err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    _print_linked(state, summary)
    return summary


class IngestLinking:
    """Linking during ``claimwatch ingest``: the claims of each stored batch are linked while the worker
    processes extract the next (:func:`claimwatch.ingest.ingest_paths`'s ``on_stored``), with one sentence
    encoder and one story cache for the whole run; :meth:`finish` links what is left and prints one line."""

    def __init__(self, state: State, store: Any) -> None:
        from .link import LinkSummary, StoryCache
        from .outlets import OutletError

        self.state, self.store = state, store
        self.cache = StoryCache()
        self.embedder: Any = None
        self.done = LinkSummary()
        self.touched: set[str] = set()
        try:
            self.cache.context_for(state.options)  # a broken outlets registry stops the command before any work
        except OutletError as exc:
            state.err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc

    def step(self, stored: int = 0) -> None:
        """Link every claim not linked yet (``stored``: articles stored since the last step, unused)."""
        from .link import link as link_store
        from .link.similarity import default_embedder

        if self.embedder is None:
            self.embedder = default_embedder()
        summary = link_store(self.store, self.state.options, embedder=self.embedder, cache=self.cache)
        for name in ("signed", "copies", "claims", "linked", "stories_new"):
            setattr(self.done, name, getattr(self.done, name) + getattr(summary, name))
        self.touched.update(summary.touched)

    def finish(self) -> Any:
        self.step()
        self.done.stories_touched = len(self.touched)
        self.done.touched = sorted(self.touched)
        _print_linked(self.state, self.done)
        return self.done


def _print_linked(state: State, summary: Any) -> None:
    updated = summary.stories_touched - summary.stories_new
    state.out.print(f"linked: [bold]{summary.linked}[/] claims into stories ([bold]{summary.stories_new}[/] new, "
                    f"{updated} updated); {summary.copies} copies among {summary.signed} articles checked")


@app.command()
def link(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="forget every story and copy mark, link again")] = False,
    db: DbOpt = None,
) -> None:
    """Join the claims of different articles into stories of one event, with stances and verdicts
    (incremental: only what is new; also run after `ingest` unless --no-link)."""
    state = _state(ctx, db)
    with _open_store(state) as store:
        run_link(state, store, rebuild)


VerdictOpt = Annotated[str | None, typer.Option("--verdict", metavar="V",
                                                help="officially confirmed, corroborated, contested, denied, "
                                                     "retracted, claimed by one side only, single source, "
                                                     "unverified")]


@app.command()
def stories(
    ctx: typer.Context,
    verdict: VerdictOpt = None,
    family: Annotated[str | None, typer.Option("--family", metavar="F",
                                               help="event family: territory, strike, battle, statement…")] = None,
    limit: Annotated[int | None, typer.Option("--limit", metavar="N", min=0, help="at most N stories")] = None,
    min_claims: Annotated[int, typer.Option("--min-claims", metavar="N", min=1,
                                            help="only stories told by at least N claims")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per story")] = False,
    db: DbOpt = None,
) -> None:
    """List stories: claims of different articles about one event, with their verdict."""
    from .link import stories as stored_stories
    from .outlets import load_outlets
    from .records import story_dict

    state = _state(ctx, db)
    with _open_store(state) as store:
        found = stored_stories(store, verdict=verdict, family=family, limit=limit, min_claims=min_claims,
                               outlets=load_outlets(state.options.outlets or None))
    if as_json:
        for s in found:
            state.out.print_json(json.dumps(story_dict(s), ensure_ascii=False), indent=None)
        return
    table = Table(title=f"{len(found)} stories", title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    for name in ("id", "event", "place", "dates", "claims", "indep.", "verdict"):
        table.add_column(name, overflow="fold", no_wrap=name in ("id", "claims", "indep."))
    for s in found:
        dates = s.date_start if s.date_start == s.date_end else f"{s.date_start or '?'} – {s.date_end or '?'}"
        table.add_row(s.id, escape(s.sub_type or s.event_type or s.family), escape(s.place.name if s.place else ""),
                      dates or "", str(len(s.claims)), str(s.independent),
                      f"[{VERDICT_STYLES.get(s.verdict, '')}]{escape(s.verdict)}[/]")
    state.out.print(table)


@app.command()
def story(ctx: typer.Context, story_id: Annotated[str, typer.Argument(metavar="STORY_ID")],
          as_json: Annotated[bool, typer.Option("--json", help="the story as one JSON object")] = False,
          db: DbOpt = None) -> None:
    """One story: its claims side by side, the verdict, why, and how it changed."""
    from .link import story as stored_story
    from .outlets import load_outlets
    from .records import story_dict

    state = _state(ctx, db)
    with _open_store(state) as store:
        found = stored_story(store, story_id, load_outlets(state.options.outlets or None))
    if found is None:
        state.err.print(f"[red]error:[/] no story {escape(story_id)}")
        raise typer.Exit(1)
    if as_json:
        state.out.print_json(json.dumps(story_dict(found), ensure_ascii=False))
        return
    place = found.place.name if found.place else "place unknown"
    state.out.print(f"[bold]{escape(found.sub_type or found.event_type or found.family)}[/] · {escape(place)} · "
                    f"{found.date_start or '?'} – {found.date_end or '?'}")
    state.out.print(f"verdict: [{VERDICT_STYLES.get(found.verdict, '')}]{escape(found.verdict)}[/] "
                    f"({escape(found.why)}); {found.independent} independent for")
    if found.history:
        state.out.print("history: " + " → ".join(f"{d} {escape(v)}" for d, v in found.history))
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    table.add_column("published", no_wrap=True)
    table.add_column("article", no_wrap=True)
    table.add_column("outlet", overflow="fold", ratio=1)
    table.add_column("source", overflow="fold", ratio=1)
    table.add_column("status · stance", overflow="fold", ratio=1)
    table.add_column("content", overflow="fold", ratio=3, min_width=30)
    for m in found.claims:
        copy = f"\ncopy of {m.copy_of}" if m.copy_of else ""
        outlet = escape(m.outlet or "") + (f"\n[dim]{escape(m.affiliation)}[/]" if m.affiliation else "")
        table.add_row(m.published.date().isoformat() if m.published else "", f"{m.article_id}#{m.claim_index}{copy}",
                      outlet, escape(_shorten(m.source or "(outlet)", 60)),
                      f"{m.status}\n[{STANCE_STYLES.get(m.stance, '')}]{m.stance}[/]",
                      escape(_shorten(m.content.text, 160)))
    state.out.print(table)


@app.command()
def rate(
    ctx: typer.Context,
    story_id: Annotated[str, typer.Argument(metavar="STORY_ID")],
    rating: Annotated[str, typer.Option("--rating", metavar="LABEL", help='the rating as published: "False", '
                                        '"Unproven", "Misleading", "True"…')],
    who: Annotated[str, typer.Option("--who", metavar="NAME", help="the analyst")],
    value: Annotated[int | None, typer.Option("--value", metavar="N", help="numeric rating, 1 (worst) to 5")] = None,
    why: Annotated[str | None, typer.Option("--why", metavar="TEXT", help="the reasoning, kept with it")] = None,
    url: Annotated[str | None, typer.Option("--url", metavar="URL", help="where the fact-check is published")] = None,
    db: DbOpt = None,
) -> None:
    """Rate a story as an analyst (what `export --format claimreview` publishes; never automatic)."""
    from .link import rate as rate_story

    state = _state(ctx, db)
    with _open_store(state) as store:
        try:
            review_id = rate_story(store, story_id, rating, who, value=value, why=why, url=url)
        except (KeyError, ValueError) as exc:
            state.err.print(f"[red]error:[/] {escape(str(exc).strip(chr(39)))}")
            raise typer.Exit(1 if isinstance(exc, KeyError) else 2) from exc
    state.out.print(f"rated {story_id}: {escape(rating)} (review {review_id})")


def export_claim_reviews(state: State, out: Path | None) -> None:
    """``export --format claimreview``: ClaimReview JSON-LD of the rated stories."""
    import sys

    from .export.claimreview import write
    from .link import claim_reviews
    from .outlets import load_outlets

    with _open_store(state) as store:
        reviews = claim_reviews(store, load_outlets(state.options.outlets or None))
    if out is None:
        n = write(reviews, sys.stdout)
    else:
        with out.open("w", encoding="utf-8") as fh:
            n = write(reviews, fh)
    state.err.print(f"wrote {n} claimreview records" + (f" to {escape(str(out))}" if out else ""))
