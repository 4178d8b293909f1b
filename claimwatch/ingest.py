"""Ingest: read inputs, extract what is new, store it. The one batch loop the CLI and the API share.

Reads paths (via :mod:`claimwatch.readers`), runs :class:`~claimwatch.pipeline.Pipeline` over the articles not
yet stored with the current pipeline version, saves each extraction in its own transaction and records every
per-item error in the store. Writes an :class:`IngestSummary` (with what was skipped on purpose, by reason:
a Telegram export's service messages, media-only posts); ``on_item`` sees each outcome as it happens (the CLI's
progress bar).

Nothing already read is ever lost to a later failure: the readers turn every bad item into an ItemError (and
should a reader still raise, what it yielded before is processed and the failure is one more error); articles
go to the pipeline one batch at a time, and if ``extract_many`` raises part way through a batch, the articles
it has not answered for are extracted one by one, so only the article that fails again costs an error. The one
exception that stops the batch is :class:`~claimwatch.store.StoreUnavailable` (the database cannot be written
at all), which the caller reports.

With ``workers`` > 1 the batches are extracted in that many worker processes (:mod:`claimwatch.workers`, each
with its own copy of the pipeline) while this process reads, skips what is stored and stores the results as they
arrive, still one transaction per article; a worker that dies costs its articles a retry one by one, and only an
article that kills a worker again costs an error.

``on_stored`` is called after every ``stored_every`` articles stored (new or updated), while the workers go on
extracting the next batches, and once more at the end for the rest: the CLI links the new claims then, so that
linking overlaps extraction instead of following it.

The Ray engine (:mod:`claimwatch.engines.ray_engine`) reads, saves and records errors with the same functions
(:func:`guarded`, :func:`save`, :func:`reporter`), so that it stores what this loop stores.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice

from sqlalchemy.exc import SQLAlchemyError

from .about import supersedes
from .model import Article, Extraction, ItemError, Skipped
from .pipeline import Pipeline, batches
from .readers.files import read_paths
from .settings import Options
from .store import Store
from .text.safe import printable
from .workers import ExtractionPool, Extractor, extract_batch

log = logging.getLogger(__name__)

#: ``new`` | ``updated`` | ``unchanged`` | ``error`` | ``skipped``
OnItem = Callable[[str, Article | Extraction | ItemError | Skipped], None]
#: Called with the number of articles stored (new or updated) since its last call.
OnStored = Callable[[int], None]
#: Batches of articles in, one result per article out.
Extract = Callable[[Iterable[list[Article]]], Iterator[Extraction | ItemError]]


@dataclass
class IngestSummary:
    read: int = 0  #: articles read without error
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ItemError] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  #: items passed over on purpose, by reason

    def add(self, outcome: str, item: object) -> None:
        if outcome == "error" and isinstance(item, ItemError):
            self.errors.append(item)
        elif outcome == "skipped" and isinstance(item, Skipped):
            self.skipped[item.reason] = self.skipped.get(item.reason, 0) + item.count
        elif outcome in ("new", "updated", "unchanged"):
            setattr(self, outcome, getattr(self, outcome) + 1)


def ingest_paths(store: Store, paths: Iterable[str | os.PathLike[str]], options: Options, *, force: bool = False,
                 pipeline: Pipeline | None = None, on_item: OnItem | None = None,
                 workers: int = 1, on_stored: OnStored | None = None, stored_every: int = 1,
                 outlet_prior: bool = True) -> IngestSummary:
    """Ingest ``paths`` into ``store``; articles already stored with this pipeline version are skipped
    unless ``force`` (then they are extracted again and replaced).

    ``workers`` > 1 extracts in that many processes, each with a copy of ``pipeline`` (default:
    ``Pipeline(options)``; one that cannot be pickled raises ValueError before anything is read); results are
    then stored in order of arrival, not input order. Input that makes a single batch is extracted in this
    process all the same: a worker would only add its start-up. ``on_stored(n)`` is called after every
    ``stored_every`` articles stored, and at the end for those left (see the module's docstring).

    ``outlet_prior``: resolve the places of an article from an outlet with three or more stored articles
    with that outlet's geographic prior, built once, here, from the places its stored articles name (see
    :func:`claimwatch.geo.outlet_priors`); priors the caller's ``pipeline`` already has win."""
    pipeline = pipeline or Pipeline(options)
    with outlet_priors_for(store, pipeline, outlet_prior):
        return _ingest(store, paths, options, force, pipeline, on_item, workers, on_stored, stored_every)


def _ingest(store: Store, paths: Iterable[str | os.PathLike[str]], options: Options, force: bool,
            pipeline: Pipeline, on_item: OnItem | None, workers: int, on_stored: OnStored | None,
            stored_every: int) -> IngestSummary:
    pool = ExtractionPool(pipeline, workers) if workers > 1 else None  # starts no process yet
    summary = IngestSummary()
    report = reporter(store, summary, on_item)

    def pending() -> Iterator[Article]:
        for item in guarded(read_paths(paths, options)):
            if isinstance(item, ItemError):
                report("error", item)
                continue
            if isinstance(item, Skipped):
                report("skipped", item)
                continue
            summary.read += 1
            stored = _stored_version(store, item)
            if isinstance(stored, ItemError):
                report("error", stored)
            elif not force and _up_to_date(stored, pipeline.version):
                report("unchanged", item)
            else:
                yield item

    pending_batches = batches(pending(), options.batch_size)
    head = list(islice(pending_batches, 2))
    stored = 0
    with _extractor(pipeline, pool if len(head) > 1 else None) as extract:
        for result in extract(chain(head, pending_batches)):
            outcome, item = ("error", result) if isinstance(result, ItemError) else save(store, result, force)
            report(outcome, item)
            stored += outcome in ("new", "updated")
            if on_stored is not None and stored >= max(1, stored_every):
                on_stored(stored)
                stored = 0
    if on_stored is not None and stored:
        on_stored(stored)
    return summary


@contextmanager
def outlet_priors_for(store: Store, pipeline: Pipeline, on: bool = True) -> Iterator[None]:
    """While inside, ``pipeline`` has the geographic prior of every outlet with three or more articles in
    ``store`` (priors it already had win); its own priors come back on the way out."""
    previous = getattr(pipeline, "outlet_priors", None)
    if previous is None or "geo" in pipeline.options.disable:  # no priors taken, or no places resolved
        yield
        return
    if on:
        try:
            places = store.outlet_places()
        except Exception as exc:  # noqa: BLE001 - a store that cannot say is no reason to stop an ingest
            log.warning("outlet priors skipped: %s", exc)
            places = {}
        if places:
            from .geo import outlet_priors

            pipeline.outlet_priors = {**outlet_priors(pipeline.geoparser.gazetteer, places), **previous}
            log.info("outlet priors for %d outlets", len(pipeline.outlet_priors))
    try:
        yield
    finally:
        pipeline.outlet_priors = previous


@contextmanager
def _extractor(pipeline: Extractor, pool: ExtractionPool | None) -> Iterator[Extract]:
    """Extraction in this process, or in ``pool``'s worker processes (stopped on the way out)."""
    if pool is None:
        yield lambda batches: (result for batch in batches for result in extract_batch(pipeline, batch))
        return
    with pool:
        yield pool.results


def guarded(items: Iterator[Article | ItemError | Skipped]) -> Iterator[Article | ItemError | Skipped]:
    """``items`` until they end, or until the reader raises: then one ItemError says so (what was read stays)."""
    try:
        yield from items
    except Exception as exc:  # readers catch per item; this is the last line of defence
        log.warning("reading stopped early: %s: %s", type(exc).__name__, exc)
        log.debug("reader failure", exc_info=exc)
        yield ItemError("(reader)", f"reading stopped early: {type(exc).__name__}: {printable(str(exc))[:200]}")




def _stored_version(store: Store, article: Article) -> str | None | ItemError:
    try:
        return store.stored_version(article.content_hash)
    except SQLAlchemyError as exc:
        return _store_error(article, exc)


def _up_to_date(stored: str | None, version: str) -> bool:
    """Stored by this pipeline version or one it does not supersede (an older claimwatch never redoes a newer
    one's work; a run with stages off never redoes a complete extraction)."""
    return stored is not None and not supersedes(version, stored)


def reporter(store: Store, summary: IngestSummary, on_item: OnItem | None) -> OnItem:
    """What counts each item's outcome in ``summary``, stores its error when it is one, and tells ``on_item``:
    the same for every engine."""

    def report(outcome: str, item: Article | Extraction | ItemError | Skipped) -> None:
        if isinstance(item, ItemError):
            record_error(store, item)
        summary.add(outcome, item)
        if on_item:
            on_item(outcome, item)

    return report


def save(store: Store, extraction: Extraction, force: bool) -> tuple[str, Extraction | ItemError]:
    try:
        return store.upsert(extraction, replace=force).outcome, extraction
    except (SQLAlchemyError, ValueError, TypeError) as exc:
        return "error", _store_error(extraction.article, exc)


def _store_error(article: Article, exc: Exception) -> ItemError:
    origin = article.origin or article.title or "?"
    log.warning("could not store %s: %s", origin, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    log.debug("store failure", exc_info=exc)
    return ItemError(origin, f"could not be stored: {str(exc).splitlines()[0] if str(exc) else exc!r}",
                     stage="store")


def record_error(store: Store, error: ItemError) -> None:
    """Keep ``error`` in the store; a failure to do so is logged (the error is still counted and shown)."""
    try:
        store.record_error(error)
    except SQLAlchemyError as exc:
        log.warning("could not record the error of %s: %s", printable(error.origin), str(exc).splitlines()[0])
