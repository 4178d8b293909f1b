"""Ingest: read inputs, extract what is new, store it. The one batch loop the CLI and the API share.

Reads paths (via :mod:`claimwatch.readers`), runs :class:`~claimwatch.pipeline.Pipeline` over the articles not
yet stored with the current pipeline version, saves each extraction in its own transaction and records every
per-item error in the store. Writes an :class:`IngestSummary`; ``on_item`` sees each outcome as it happens (the
CLI's progress bar).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from .about import supersedes
from .model import Article, Extraction, ItemError
from .pipeline import Pipeline
from .readers.files import read_paths
from .settings import Options
from .store import Store

log = logging.getLogger(__name__)

#: ``new`` | ``updated`` | ``unchanged`` | ``error``
OnItem = Callable[[str, Article | Extraction | ItemError], None]


@dataclass
class IngestSummary:
    read: int = 0  #: articles read without error
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ItemError] = field(default_factory=list)

    def add(self, outcome: str, item: object) -> None:
        if outcome == "error" and isinstance(item, ItemError):
            self.errors.append(item)
        elif outcome in ("new", "updated", "unchanged"):
            setattr(self, outcome, getattr(self, outcome) + 1)


def ingest_paths(store: Store, paths: Iterable[str | os.PathLike[str]], options: Options, *, force: bool = False,
               pipeline: Pipeline | None = None, on_item: OnItem | None = None) -> IngestSummary:
    """Ingest ``paths`` into ``store``; articles already stored with this pipeline version are skipped
    unless ``force`` (then they are extracted again and replaced)."""
    pipeline = pipeline or Pipeline(options)
    summary = IngestSummary()

    def report(outcome: str, item: Article | Extraction | ItemError) -> None:
        if isinstance(item, ItemError):
            store.record_error(item)
        summary.add(outcome, item)
        if on_item:
            on_item(outcome, item)

    def pending() -> Iterator[Article]:
        for item in read_paths(paths, options):
            if isinstance(item, ItemError):
                report("error", item)
                continue
            summary.read += 1
            if not force and _up_to_date(store.stored_version(item.content_hash), pipeline.version):
                report("unchanged", item)
                continue
            yield item

    # extract_many batches, keeps input order and turns any one article's failure into its ItemError
    for result in pipeline.extract_many(pending()):
        if isinstance(result, ItemError):
            report("error", result)
            continue
        report(*_save(store, result, force))
    return summary


def _up_to_date(stored: str | None, version: str) -> bool:
    """Stored by this pipeline version or one it does not supersede (an older claimwatch never redoes a newer
    one's work; a run with stages off never redoes a complete extraction)."""
    return stored is not None and not supersedes(version, stored)


def _save(store: Store, extraction: Extraction, force: bool) -> tuple[str, Extraction | ItemError]:
    try:
        return store.upsert(extraction, replace=force).outcome, extraction
    except (SQLAlchemyError, ValueError, TypeError) as exc:
        log.exception("could not store %s", extraction.article.origin)
        origin = extraction.article.origin or extraction.article.title or "?"
        return "error", ItemError(origin, f"could not be stored: {str(exc).splitlines()[0]}", stage="store")
