"""The ingest loop: read, skip what is up to date, extract, store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from claimwatch.ingest import ingest_paths
from claimwatch.model import Article
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
