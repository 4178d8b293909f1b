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
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from .about import supersedes
from .model import Article, Extraction, ItemError, Skipped
from .pipeline import Pipeline, batches
from .readers.files import read_paths
from .settings import Options
from .store import Store
from .text.safe import printable

log = logging.getLogger(__name__)

#: ``new`` | ``updated`` | ``unchanged`` | ``error`` | ``skipped``
OnItem = Callable[[str, Article | Extraction | ItemError | Skipped], None]


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
                 pipeline: Pipeline | None = None, on_item: OnItem | None = None) -> IngestSummary:
    """Ingest ``paths`` into ``store``; articles already stored with this pipeline version are skipped
    unless ``force`` (then they are extracted again and replaced)."""
    pipeline = pipeline or Pipeline(options)
    summary = IngestSummary()

    def report(outcome: str, item: Article | Extraction | ItemError | Skipped) -> None:
        if isinstance(item, ItemError):
            _record(store, item)
        summary.add(outcome, item)
        if on_item:
            on_item(outcome, item)

    def pending() -> Iterator[Article]:
        for item in _guarded(read_paths(paths, options)):
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

    for batch in batches(pending(), options.batch_size):
        for result in _extract(pipeline, batch):
            report(*(("error", result) if isinstance(result, ItemError) else _save(store, result, force)))
    return summary


def _guarded(items: Iterator[Article | ItemError | Skipped]) -> Iterator[Article | ItemError | Skipped]:
    """``items`` until they end, or until the reader raises: then one ItemError says so (what was read stays)."""
    try:
        yield from items
    except Exception as exc:  # readers catch per item; this is the last line of defence
        log.warning("reading stopped early: %s: %s", type(exc).__name__, exc)
        log.debug("reader failure", exc_info=exc)
        yield ItemError("(reader)", f"reading stopped early: {type(exc).__name__}: {printable(str(exc))[:200]}")


def _extract(pipeline: Pipeline, batch: list[Article]) -> Iterator[Extraction | ItemError]:
    """One result per article of ``batch``, in order, even when ``extract_many`` raises part way."""
    done = 0
    try:
        for result in pipeline.extract_many(batch):
            done += 1
            yield result
    except Exception as exc:  # noqa: BLE001 - the rest of the batch is retried article by article
        log.warning("extraction of a batch stopped after %d of %d articles (%s: %s); going on one by one",
                    done, len(batch), type(exc).__name__, exc)
        for article in batch[done:]:
            yield _extract_one(pipeline, article)


def _extract_one(pipeline: Pipeline, article: Article) -> Extraction | ItemError:
    try:
        results = list(pipeline.extract_many([article]))
        if len(results) == 1:
            return results[0]
        problem = f"the pipeline gave {len(results)} results for one article"
    except Exception as exc:  # one article's failure is that article's error
        log.debug("extraction failed for %s", article.origin, exc_info=exc)
        problem = f"{type(exc).__name__}: {printable(str(exc))[:200]}"
    return ItemError(article.origin or article.title or "?", f"extraction failed: {problem}", stage="extract")


def _stored_version(store: Store, article: Article) -> str | None | ItemError:
    try:
        return store.stored_version(article.content_hash)
    except SQLAlchemyError as exc:
        return _store_error(article, exc)


def _up_to_date(stored: str | None, version: str) -> bool:
    """Stored by this pipeline version or one it does not supersede (an older claimwatch never redoes a newer
    one's work; a run with stages off never redoes a complete extraction)."""
    return stored is not None and not supersedes(version, stored)


def _save(store: Store, extraction: Extraction, force: bool) -> tuple[str, Extraction | ItemError]:
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


def _record(store: Store, error: ItemError) -> None:
    """Keep ``error`` in the store; a failure to do so is logged (the error is still counted and shown)."""
    try:
        store.record_error(error)
    except SQLAlchemyError as exc:
        log.warning("could not record the error of %s: %s", printable(error.origin), str(exc).splitlines()[0])
