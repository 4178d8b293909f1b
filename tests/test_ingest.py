"""The ingest loop: read, skip what is up to date, extract, store; a failure part way never loses what was
read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from claimwatch import ingest as ingest_module
from claimwatch.about import PIPELINE_VERSION
from claimwatch.ingest import ingest_paths
from claimwatch.model import Article, Extraction, ItemError
from claimwatch.settings import Options
from claimwatch.store import Store

TEXT = "The ministry said its forces repelled an attack near Kupiansk on Tuesday."


def _store_with(url: str, pipeline, path: Path, version: str) -> None:  # type: ignore[no-untyped-def]
    extraction = pipeline.extract(Article(text=path.read_text(encoding="utf-8"), origin=str(path)))
    with Store(url) as store:
        store.save(replace(extraction, pipeline_version=version))


def test_article_stored_by_a_newer_pipeline_is_not_redone(tmp_path: Path, pipeline, options) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    _store_with(url, pipeline, path, "cw-99.0.0")
    with Store(url) as store:
        summary = ingest_paths(store, [path], options, pipeline=pipeline)
        assert (summary.unchanged, summary.new, summary.updated) == (1, 0, 0)
        assert store.stored_version(Article(text=TEXT).content_hash) == "cw-99.0.0"


def test_article_stored_by_an_older_pipeline_is_extracted_again(tmp_path: Path, pipeline, options) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    _store_with(url, pipeline, path, "cw-0.0.1")
    with Store(url) as store:
        summary = ingest_paths(store, [path], options, pipeline=pipeline)
        assert summary.updated == 1
        assert store.stored_version(Article(text=TEXT).content_hash) != "cw-0.0.1"


class StubPipeline:
    """Extraction without spaCy: one empty Extraction per article; ``fail`` says which texts raise."""

    version = PIPELINE_VERSION

    def __init__(self, fail: str = "", whole_batch: bool = False) -> None:
        self.fail, self.whole_batch = fail, whole_batch

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]:
        batch = list(articles)
        if self.whole_batch and len(batch) > 1:
            raise MemoryError("batch too big")
        for article in batch:
            if self.fail and self.fail in article.text:
                raise RuntimeError("parser exploded")
            yield Extraction(article=article, pipeline_version=PIPELINE_VERSION)


def _inputs(tmp_path: Path, texts: list[str]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("pipeline", [StubPipeline(fail="POISON"), StubPipeline(whole_batch=True)])
def test_a_pipeline_failure_part_way_through_a_batch_costs_only_the_failing_article(
        tmp_path: Path, options: Options, pipeline: StubPipeline) -> None:
    texts = [f"Report {i}: {TEXT}" for i in range(5)]
    texts[2] = "POISON " + texts[2] if pipeline.fail else texts[2]
    folder = _inputs(tmp_path, texts)
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        summary = ingest_paths(store, [folder], options.with_(batch_size=4), pipeline=pipeline)  # type: ignore[arg-type]
        assert summary.new == (4 if pipeline.fail else 5) and summary.read == 5
        assert [e.origin for e in summary.errors] == ([str(folder / "02.txt")] if pipeline.fail else [])
        assert store.counts()["articles"] == summary.new


def test_a_reader_that_raises_keeps_what_it_read(tmp_path: Path, options: Options,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real = ingest_module.read_paths

    def breaking(paths: list[Path], opts: Options) -> Iterator[Article | ItemError]:
        yield from real(paths, opts)
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(ingest_module, "read_paths", breaking)
    folder = _inputs(tmp_path, [f"Report {i}: {TEXT}" for i in range(3)])
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        summary = ingest_paths(store, [folder], options, pipeline=StubPipeline())  # type: ignore[arg-type]
        assert summary.new == 3 and store.counts()["articles"] == 3
        [error] = summary.errors
        assert error.origin == "(reader)" and "RecursionError" in error.message


def test_on_stored_runs_after_each_batch_stored_and_once_for_the_rest(tmp_path: Path, options: Options) -> None:
    """What the CLI links while the next batch is extracted: every article stored is reported once, in steps of
    ``stored_every``, each step seeing its articles in the store already; articles not stored count for nothing."""
    folder = _inputs(tmp_path, [f"Report {i}: {TEXT}" for i in range(7)] + [f"POISON {TEXT}"])
    steps: list[tuple[int, int]] = []
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        def on_stored(n: int) -> None:
            steps.append((n, store.counts()["articles"]))

        summary = ingest_paths(store, [folder], options.with_(batch_size=2), pipeline=StubPipeline(fail="POISON"),  # type: ignore[arg-type]
                               on_stored=on_stored, stored_every=3)
        assert summary.new == 7 and steps == [(3, 3), (3, 6), (1, 7)]
        steps.clear()
        ingest_paths(store, [folder], options, pipeline=StubPipeline(fail="POISON"), on_stored=on_stored)  # type: ignore[arg-type]
        assert steps == []  # nothing new stored: no step
