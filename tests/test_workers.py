"""Extraction in worker processes: results that pickle unchanged, a pipeline sent as what builds it, batches
spread over processes, a worker that dies costing only the article that killed it, log records forwarded, the
same stored extraction with one worker as with several.

The stand-in pipelines below live at module level: a worker process (``spawn``) imports this module to unpickle
them.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from claimwatch.about import PIPELINE_VERSION
from claimwatch.ingest import ingest_paths
from claimwatch.model import Article, Extraction, ItemError
from claimwatch.pipeline import Pipeline
from claimwatch.readers.files import read_paths
from claimwatch.settings import Options
from claimwatch.store import Store
from claimwatch.workers import ExtractionPool, WorkerError

TEXT = "The ministry said its forces repelled an attack near Kupiansk on Tuesday."


class ProcessStamp:
    """One Extraction per article, titled with the id of the process that made it; ``crash`` in a text kills
    the process (``os._exit(3)``, as a segfault or the out-of-memory killer would), ``warn`` logs a warning."""

    version = PIPELINE_VERSION

    def __init__(self, crash: str = "\0", warn: str = "\0") -> None:
        self.crash, self.warn = crash, warn

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]:
        batch = list(articles)
        for article in batch:
            if self.crash in article.text:
                os._exit(3)
            if self.warn in article.text:
                logging.getLogger("claimwatch.test").warning("from the worker: %s", article.origin)
        for article in batch:
            yield Extraction(article=replace(article, title=str(os.getpid())), pipeline_version=PIPELINE_VERSION)


class Unsendable(ProcessStamp):
    """Its results hold a lambda for the article whose text says ``unsendable``: they cannot be pickled."""

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]:
        for result in super().extract_many(articles):
            if isinstance(result, Extraction) and "unsendable" in result.article.text:
                result.article.title = lambda: None  # type: ignore[assignment]
            yield result


def _refuse_outside(parent: int) -> ProcessStamp:
    if os.getpid() != parent:
        raise RuntimeError("no models here")
    return ProcessStamp()


class StartsNowhere(ProcessStamp):
    """Pickles fine, but cannot be rebuilt in another process."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return _refuse_outside, (os.getpid(),)


def _articles(n: int, tag: str = "") -> list[Article]:
    return [Article(text=f"Report {i}{tag if i == 3 else ''}: {TEXT}", origin=f"a{i}.txt") for i in range(n)]


def _run(pipeline: object, batches: list[list[Article]], workers: int = 2) -> list[Extraction | ItemError]:
    with ExtractionPool(pipeline, workers) as pool:  # type: ignore[arg-type]
        return list(pool.results(batches))


def test_batches_are_extracted_in_other_processes_one_result_per_article() -> None:
    articles = _articles(8)
    results = _run(ProcessStamp(), [articles[i:i + 2] for i in range(0, 8, 2)])
    assert sorted(r.article.origin or "" for r in results if isinstance(r, Extraction)) == sorted(
        a.origin or "" for a in articles)
    pids = {int(r.article.title or 0) for r in results if isinstance(r, Extraction)}
    assert len(pids) == 2 and os.getpid() not in pids


def test_a_worker_that_dies_costs_only_the_article_that_killed_it() -> None:
    articles = _articles(8, tag=" CRASH")
    results = _run(ProcessStamp(crash="CRASH"), [articles[:4], articles[4:]])
    errors = [r for r in results if isinstance(r, ItemError)]
    assert [(e.origin, e.stage) for e in errors] == [("a3.txt", "extract")]
    assert "worker process exited with code 3" in errors[0].message
    assert sorted(r.article.origin or "" for r in results if isinstance(r, Extraction)) == [
        f"a{i}.txt" for i in range(8) if i != 3]


def test_a_result_that_cannot_be_sent_is_that_articles_error() -> None:
    articles = [Article(text=f"{i} {'unsendable' if i == 1 else ''} {TEXT}", origin=f"u{i}") for i in range(4)]
    results = _run(Unsendable(), [articles[:2], articles[2:]])
    errors = [r for r in results if isinstance(r, ItemError)]
    assert [e.origin for e in errors] == ["u1"] and "cannot be sent" in errors[0].message
    assert len(results) == 4


def test_worker_log_records_reach_the_parent(caplog: pytest.LogCaptureFixture) -> None:
    articles = _articles(4, tag=" WARN")
    with caplog.at_level(logging.WARNING, logger="claimwatch"):
        _run(ProcessStamp(warn="WARN"), [articles[:2], articles[2:]])
    [record] = [r for r in caplog.records if r.name == "claimwatch.test"]
    assert record.getMessage() == "from the worker: a3.txt" and record.process != os.getpid()


def test_a_pipeline_that_cannot_be_sent_or_rebuilt_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be sent to worker processes"):
        ExtractionPool(_Lambda(), 2)
    with pytest.raises(WorkerError, match="could not start: RuntimeError: no models here"):
        _run(StartsNowhere(), [_articles(2), _articles(2)])


class _Lambda(ProcessStamp):
    def __init__(self) -> None:
        super().__init__()
        self.hook = lambda: None


def test_a_pipeline_pickles_as_what_builds_it_never_its_models(options: Options) -> None:
    pipeline = Pipeline(options.with_(disable=("geo",)))
    pipeline.__dict__["nlp"] = bytearray(50_000_000)  # as if the model were loaded
    data = pickle.dumps(pipeline)
    copy = pickle.loads(data)
    assert len(data) < 10_000 and "nlp" not in copy.__dict__
    assert copy.options == pipeline.options and copy.version == pipeline.version
    assert [s.name for s in copy.stages("en")] == [s.name for s in pipeline.stages("en")]


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_with_workers_stores_every_article_and_records_a_crash(tmp_path: Path, options: Options,
                                                                       workers: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(10):
        (folder / f"{i:02d}.txt").write_text(f"Report {i}{' CRASH' if i == 6 and workers > 1 else ''}: {TEXT}",
                                             encoding="utf-8")
    seen: list[str] = []
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        summary = ingest_paths(store, [folder], options.with_(batch_size=3), pipeline=ProcessStamp(crash="CRASH"),  # type: ignore[arg-type]
                               workers=workers, on_item=lambda outcome, _: seen.append(outcome))
        crashed = 1 if workers > 1 else 0
        assert (summary.read, summary.new, len(summary.errors)) == (10, 10 - crashed, crashed)
        assert sorted(seen) == sorted(["new"] * (10 - crashed) + ["error"] * crashed)
        assert [e.origin for e in store.errors()] == [str(folder / "06.txt")] * crashed
        titles = {e.article.title for e in store.iter_extractions()}
        assert (str(os.getpid()) in titles) is (workers == 1)
        again = ingest_paths(store, [folder], options.with_(batch_size=3), pipeline=ProcessStamp(),  # type: ignore[arg-type]
                             workers=workers)
        assert (again.unchanged, again.new) == (10 - crashed, crashed)  # resumable: only what is missing


def test_one_batch_is_extracted_in_this_process(tmp_path: Path, options: Options) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        assert ingest_paths(store, [tmp_path / "a.txt"], options, pipeline=ProcessStamp(), workers=4).new == 1  # type: ignore[arg-type]
        [stored] = list(store.iter_extractions())
        assert stored.article.title == str(os.getpid())


def test_pipeline_output_pickles_unchanged(pipeline: Pipeline, options: Options, examples_dir: Path) -> None:
    articles = [a for a in read_paths([examples_dir], options) if isinstance(a, Article)]
    results = list(pipeline.extract_many(articles))
    assert all(isinstance(r, Extraction) for r in results) and any(r.claims for r in results)  # type: ignore[union-attr]
    assert [pickle.loads(pickle.dumps(r)) for r in results] == results


def test_two_workers_store_what_one_stores(tmp_path: Path, pipeline: Pipeline, options: Options,
                                           examples_dir: Path) -> None:
    stored = {}
    for workers in (1, 2):
        with Store(f"sqlite:///{tmp_path / f'w{workers}.db'}") as store:
            summary = ingest_paths(store, [examples_dir], options.with_(batch_size=4), workers=workers,
                                   pipeline=pipeline if workers == 1 else None)
            assert (summary.new, summary.errors) == (13, [])
            stored[workers] = {e.article.content_hash: (e.article.text, e.claims, e.places, e.pipeline_version)
                               for e in store.iter_extractions()}
    assert stored[1] == stored[2] and sum(len(v[1]) for v in stored[1].values()) >= 13
