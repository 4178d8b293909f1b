"""The ``claimwatch`` command line: a thin shell over the library (Typer + Rich).

Every command takes the global options ``--db URL``, ``--config FILE``, ``--actors FILE`` and ``-v``; they
map onto :class:`~claimwatch.settings.Options`. Logic lives in the library (``load``, ``store``, ``export``,
``evaluate``, ``doctor``); this module parses arguments and presents results.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from .settings import Options, load_options
from .text.safe import printable

if TYPE_CHECKING:
    from .ingest import IngestSummary
    from .store import Store

app = typer.Typer(
    help="claimwatch: an evidence-linked ledger of attributed claims from conflict reporting.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

STYLES = {"content": "green", "cue": "bold magenta", "source": "bold cyan", "evidence": "italic yellow"}


@dataclass
class State:
    options: Options
    out: Console
    err: Console


DbOpt = Annotated[str | None, typer.Option("--db", metavar="URL", help="SQLAlchemy database URL (may also come "
                                           "before the command)")]


def _state(ctx: typer.Context, db: str | None = None) -> State:
    """The global state; a ``--db`` given after the command overrides one given before it."""
    state = ctx.obj
    assert isinstance(state, State), "the global callback sets the state"
    if db:
        state.options = state.options.with_(db=db)
    return state


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", metavar="URL",
                                           help="SQLAlchemy database URL [default: $CLAIMWATCH_DB, else "
                                                "sqlite:///claimwatch.db]")] = None,
    config: Annotated[Path | None, typer.Option("--config", metavar="FILE", help="options file (TOML)")] = None,
    actors: Annotated[Path | None, typer.Option("--actors", metavar="FILE",
                                                help="extra actor registry (YAML)")] = None,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="more log output (-vv: debug)")] = 0,
) -> None:
    """Global options, shared by every command."""
    err = Console(stderr=True)
    try:
        options = load_options(config, db=db, actors=str(actors) if actors else None)
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/] cannot read options: {escape(str(exc))}")
        raise typer.Exit(2) from exc
    _logging(verbose, err)
    ctx.obj = State(options=options, out=Console(), err=err)


def _logging(verbose: int, console: Console) -> None:
    from rich.logging import RichHandler

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logger = logging.getLogger("claimwatch")
    logger.setLevel(level)
    if not any(isinstance(h, RichHandler) for h in logger.handlers):
        logger.addHandler(RichHandler(console=console, show_path=False, level=logging.DEBUG))


def _open_store(state: State) -> Store:
    from .store import Store, StoreUnavailable

    try:
        return Store(state.options.db_url)
    except StoreUnavailable as exc:
        _store_failed(state, exc)
    except Exception as exc:
        state.err.print(f"[red]error:[/] cannot open the database {escape(state.options.db_url)}: "
                        f"{_safe(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)}\n"
                        "  try: claimwatch doctor")
        raise typer.Exit(1) from exc


@contextmanager
def _opened(state: State) -> Iterator[Store]:
    """The store, closed at the end; a database that becomes unusable meanwhile is a clear error, exit 1."""
    from .store import StoreUnavailable

    store = _open_store(state)
    try:
        with store:
            yield store
    except StoreUnavailable as exc:
        _store_failed(state, exc)


def _store_failed(state: State, exc: Exception) -> NoReturn:
    state.err.print(f"[red]error:[/] {_safe(str(exc))}")
    raise typer.Exit(1) from exc


#: Control characters (but tab and newline) and bidirectional controls, for :func:`_inert`.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _inert(text: str) -> str:
    """``text`` with control and bidirectional-control characters shown as U+FFFD, one for one (offsets hold)."""
    return _UNSAFE.sub("\ufffd", text)


def _safe(text: str) -> str:
    """Text from inputs (file names, titles, messages) for Rich: control characters escaped, markup inert."""
    return escape(printable(text))


# -- ingest ------------------------------------------------------------------------------------------

class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed
        speed = task.completed / elapsed if elapsed and task.completed else None
        return Text(f"{speed:.1f} articles/s" if speed else "… articles/s", style="progress.data.speed")


def _progress(console: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), _RateColumn(),
                    TextColumn("[red]{task.fields[errors]} errors"), TimeElapsedColumn(),
                    console=console, transient=False)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="files or folders: .txt, .html, .jsonl/.ndjson",
                                                readable=False)],
    force: Annotated[bool, typer.Option("--force", help="extract again even when already stored")] = False,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="articles per spaCy batch")] = None,
    db: DbOpt = None,
) -> None:
    """Read articles, extract claims and store them (items already stored are skipped).

    Exit code 0 when at least one article was read (even if others failed: their errors are listed and
    stored), 1 when nothing could be read at all or the database cannot be written (nothing is stored then).
    """
    from .readers.files import count_items
    from .store import StoreUnavailable

    state = _state(ctx, db)
    options = state.options.with_(batch_size=batch_size)
    store = _open_store(state)
    with store:
        try:
            store.check_writable()
        except StoreUnavailable as exc:
            _store_failed(state, exc)
        summary = _ingest(state, store, paths, options, force, count_items(paths, options.max_bytes))
    _print_summary(state.out, summary)
    if summary.read == 0:
        state.err.print("[red]nothing could be read[/]" if summary.errors else "[red]no input articles found[/]")
        raise typer.Exit(1)


def _ingest(state: State, store: Store, paths: list[Path], options: Options, force: bool,
            total: int) -> IngestSummary:
    """``ingest_paths`` with a progress bar; a database that fails part way is reported with what was done."""
    from .ingest import IngestSummary, ingest_paths
    from .store import StoreUnavailable

    summary = IngestSummary()
    with _progress(state.err) as progress:
        task = progress.add_task("ingest", total=total, errors=0)

        def on_item(outcome: str, item: object) -> None:
            summary.add(outcome, item)
            errors = progress.tasks[task].fields["errors"] + (outcome == "error")
            progress.update(task, advance=1, errors=errors)

        try:
            return ingest_paths(store, paths, options, force=force, on_item=on_item)
        except StoreUnavailable as exc:
            progress.stop()
            _print_summary(state.out, summary)
            _store_failed(state, exc)
    return summary


def _print_summary(console: Console, summary: Any) -> None:
    console.print(f"[bold]{summary.new}[/] new, [bold]{summary.updated}[/] updated, "
                  f"[bold]{summary.unchanged}[/] unchanged, [bold red]{len(summary.errors)}[/] errors")
    if not summary.errors:
        return
    table = Table(title="errors (also stored in ingest_errors)", title_justify="left")
    table.add_column("item", overflow="fold")
    table.add_column("stage")
    table.add_column("problem", overflow="fold")
    for error in summary.errors:
        table.add_row(_safe(error.origin), _safe(error.stage), _safe(error.message))
    console.print(table)


# -- claims, show -------------------------------------------------------------------------------------

ArticleOpt = Annotated[int | None, typer.Option("--article", metavar="ID", help="only this article")]
SourceOpt = Annotated[str | None, typer.Option("--source", metavar="TEXT", help="source or entity contains TEXT")]
StatusOpt = Annotated[str | None, typer.Option("--status", metavar="S", help="asserted, claimed, hedged, "
                                               "unconfirmed, denied, confirmed, retracted")]
KindOpt = Annotated[str | None, typer.Option("--kind", metavar="K", help="direct, indirect, mixed, outlet")]
LimitOpt = Annotated[int | None, typer.Option("--limit", metavar="N", min=0, help="at most N claims")]


def _shorten(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _check_filters(status: str | None, kind: str | None) -> None:
    from .model import ClaimKind, Status

    if status is not None and status not in {s.value for s in Status}:
        raise typer.BadParameter(f"unknown status {status!r}", param_hint="--status")
    if kind is not None and kind not in {k.value for k in ClaimKind}:
        raise typer.BadParameter(f"unknown kind {kind!r}", param_hint="--kind")


@app.command()
def claims(
    ctx: typer.Context, article: ArticleOpt = None, source: SourceOpt = None, status: StatusOpt = None,
    kind: KindOpt = None, limit: LimitOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per claim (the export layout)")] = False,
    db: DbOpt = None,
) -> None:
    """List stored claims."""
    _check_filters(status, kind)
    state = _state(ctx, db)
    filters: dict[str, Any] = {"article": article, "source": source, "status": status, "kind": kind,
                               "limit": limit}
    with _opened(state) as store:
        if as_json:
            from .export import jsonl

            jsonl.write(store.iter_extractions(**filters), sys.stdout, state.options)
            return
        rows = store.query_claims(**filters)
    state.out.print(_claims_table(rows))


def _claims_table(rows: list[Any], title: str | None = None) -> Table:
    table = Table(title=title or f"{len(rows)} claims", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False, expand=True)
    for name, style in (("article", "dim"), ("#", "dim"), ("source", STYLES["source"]), ("cue", STYLES["cue"]),
                        ("content", STYLES["content"]), ("kind", ""), ("status", "")):
        fixed = name in ("article", "#", "kind", "status")
        table.add_column(name, style=style, overflow="fold", no_wrap=fixed,
                         ratio={"content": 3, "source": 2}.get(name), max_width=14 if name == "cue" else None)
    for row in rows:
        claim = row.claim
        source = claim.source.span.text if claim.source else "(outlet)"
        if claim.source and claim.source.entity and claim.source.entity.text != claim.source.span.text:
            source += f" → {claim.source.entity.text}"
        table.add_row(str(row.article_id), str(row.index), _safe(_shorten(source, 40)),
                      _safe(claim.cue.text if claim.cue else ""), _safe(_shorten(" … ".join(p.text for p in claim.parts))),
                      claim.kind.value, claim.status.value)
    return table


@app.command()
def show(ctx: typer.Context, article_id: Annotated[int, typer.Argument(metavar="ARTICLE_ID")],
         db: DbOpt = None) -> None:
    """Print an article with its sources, cues and contents highlighted, then its claims."""
    state = _state(ctx, db)
    with _opened(state) as store:
        try:
            extraction = store.get_extraction(article_id)
        except KeyError:
            state.err.print(f"[red]error:[/] no article with id {article_id}")
            raise typer.Exit(1) from None
        rows = store.query_claims(article=article_id)
    article = extraction.article
    state.out.rule(_safe(article.title or article.origin or f"article {article_id}"))
    meta = [article.outlet, article.published.isoformat() if article.published else article.published_raw,
            article.url, article.origin]
    state.out.print(" · ".join(_safe(m) for m in meta if m), style="dim")
    state.out.print(_highlighted(extraction))
    legend = " ".join(f"[{style}]{name}[/]" for name, style in STYLES.items())
    state.out.print(f"\n{legend}   pipeline {escape(extraction.pipeline_version)}\n")
    state.out.print(_claims_table(rows, title=f"{len(rows)} claims in article {article_id}"))


def _highlighted(extraction: Any) -> Text:
    text = Text(_inert(extraction.article.text))
    for claim in extraction.claims:
        for part in claim.parts:
            text.stylize(STYLES["content"], part.start, part.end)
    for claim in extraction.claims:
        for span in claim.status_evidence:
            text.stylize(STYLES["evidence"], span.start, span.end)
        if claim.cue:
            text.stylize(STYLES["cue"], claim.cue.start, claim.cue.end)
        if claim.source:
            text.stylize(STYLES["source"], claim.source.span.start, claim.source.span.end)
    return text


# -- export -------------------------------------------------------------------------------------------

@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="jsonl (see the README for more)")]
    = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help="[default: stdout]")] = None,
    article: ArticleOpt = None, source: SourceOpt = None, status: StatusOpt = None, kind: KindOpt = None,
    limit: LimitOpt = None, db: DbOpt = None,
) -> None:
    """Write stored claims (and what they carry) in an exchange format."""
    from .export import writer

    _check_filters(status, kind)
    state = _state(ctx, db)
    try:
        write = writer(fmt)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    filters: dict[str, Any] = {"article": article, "source": source, "status": status, "kind": kind,
                               "limit": limit}
    with _opened(state) as store:
        extractions = store.iter_extractions(**filters)
        if out is None:
            n = write(extractions, sys.stdout, state.options)
            sys.stdout.flush()
        else:
            with out.open("w", encoding="utf-8", newline="") as fh:
                n = write(extractions, fh, state.options)
    state.err.print(f"wrote {n} {fmt} records" + (f" to {escape(str(out))}" if out else ""))


# -- eval ---------------------------------------------------------------------------------------------

@app.command("eval")
def evaluate_cmd(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help="attribution, events or geo")],
    path: Annotated[Path, typer.Argument(help="gold data (file or folder)")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="F", help="brat, case-tsv, gwn-xml, lgl-xml…")],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as one JSON line")] = False,
    save_predictions: Annotated[Path | None, typer.Option("--save-predictions", metavar="OUT",
                                                          help="also write the predictions")] = None,
    gold_spans: Annotated[bool, typer.Option("--gold-spans", help="start from the gold spans (where the task "
                                                                  "supports it)")] = False,
    db: DbOpt = None,
) -> None:
    """Score the pipeline against gold data."""
    from .evaluate import EvaluationError, render, run

    state = _state(ctx, db)
    try:
        result = run(task, fmt, path, state.options, save_predictions=save_predictions, gold_spans=gold_spans)
    except EvaluationError as exc:
        state.err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        state.out.print(render(task, result))


# -- gazetteer ----------------------------------------------------------------------------------------

gazetteer_app = typer.Typer(help="The offline gazetteer index (GeoNames data, CC BY 4.0, from PyPI packages).",
                            no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


@gazetteer_app.command("build")
def gazetteer_build(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="rebuild even when the index exists")] = False,
) -> None:
    """Build the gazetteer index (otherwise built on first use)."""
    from .geo.gazetteer import build, default_path

    state = _state(ctx)
    path = default_path(state.options)
    if path.exists() and not force:
        state.out.print(f"gazetteer index already built: {escape(str(path))} (--force rebuilds it)")
        return
    stats = build(path, state.options.gazetteer_extra or None)
    state.out.print(f"built {escape(str(path))}: {stats.places:,} places, {stats.names:,} names, "
                    f"{stats.bytes / 1e6:.0f} MB in {stats.seconds:.1f} s")


# -- doctor -------------------------------------------------------------------------------------------

@app.command()
def doctor(ctx: typer.Context, db: DbOpt = None) -> None:
    """Check the installation: Python, pinned dependencies, models, the database. Exit 1 when something
    required is missing."""
    from .doctor import healthy, run_checks

    state = _state(ctx, db)
    results = run_checks(state.options)
    table = Table(title="claimwatch doctor", title_justify="left")
    for name in ("", "check", "detail", "fix"):
        table.add_column(name, overflow="fold")
    for r in results:
        mark = "[green]ok[/]" if r.ok else "[red]missing[/]" if r.required else "[yellow]warn[/]"
        table.add_row(mark, escape(r.name), escape(r.detail), escape(r.fix))
    state.out.print(table)
    if not healthy(results):
        state.out.print("[red]something required is missing: see the fix column[/]")
        raise typer.Exit(1)
    state.out.print("[green]all required checks passed[/]")


def main() -> None:
    """Entry point of the ``claimwatch`` script."""
    app()


if __name__ == "__main__":
    main()
