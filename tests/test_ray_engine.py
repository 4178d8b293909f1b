"""The Ray engine: the same store as the plain ingest, claim for claim, over JSONL (with a bad line), a Telegram
export and a Parquet file; a re-run adds nothing; per-item errors are stored as the plain run stores them; the
run's Parquet loads into another database; the CLI's flags and its error without Ray.

One local Ray (2 CPUs, loopback, a 150 MB object store) serves the whole module and is shut down after it. The
stand-in pipeline below lives at module level, and this folder is on the workers' PYTHONPATH, so that Ray's
worker processes can unpickle it. Every text here is fiction written for these tests.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimwatch.about import PIPELINE_VERSION
from claimwatch.cli import app
from claimwatch.ingest import IngestSummary, ingest_paths
from claimwatch.model import Article, Extraction, ItemError
from claimwatch.pipeline import Pipeline
from claimwatch.settings import Options
from claimwatch.store import Store

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'claimwatch[ray]')")
pytest.importorskip("ray.data", reason="Ray Data is not installed (pip install 'claimwatch[ray]')")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from claimwatch.engines.ray_engine import RayEngineError, ingest_ray, load_run

HERE = Path(__file__).resolve().parent
WIRE = [
    {"text": "The regional governor said two drones were shot down over Norvik overnight. Officials said "
             "no one was hurt.", "title": "Drones downed", "url": "https://wire.example/1", "outlet": "Example Wire",
     "published": "2024-03-05T08:00:00Z"},
    {"text": "According to the defence ministry, its forces repelled three attacks near Stavel on Tuesday. "
             "The claim could not be independently verified.", "title": "Attacks repelled",
     "url": "https://wire.example/2", "published": "2024-03-05T10:30:00+02:00"},
]
FEED = [
    {"text": "A spokesman for the Southern Command told reporters that a bridge near Talova had been hit.",
     "title": "Bridge hit", "url": "https://feed.example/a", "published": 1709640000},
    {"text": "The mayor said the water supply was restored on Monday, local media reported.", "title": "Water",
     "url": None, "published": None},
]
POSTS = [
    "The general staff said its units advanced near Korvel, a claim denied by the other side.",
    "Officials in Norvik said shelling damaged a school; police said an investigation was opened.",
]


class FailsOn:
    """A stand-in pipeline: one Extraction per article, titled ``stand-in``; a batch holding an article whose
    text says ``EXPLODE`` raises (so that article, extracted again alone, fails again: one ItemError)."""

    version = PIPELINE_VERSION

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]:
        batch = list(articles)
        if any("EXPLODE" in a.text for a in batch):
            raise RuntimeError("the stand-in cannot read this")
        for article in batch:
            yield Extraction(article=replace(article, title="stand-in"), pipeline_version=PIPELINE_VERSION)


def _refuse_outside(parent: int) -> FailsOn:
    if os.getpid() != parent:
        raise RuntimeError("no models here")
    return FailsOn()


class StartsNowhere(FailsOn):
    """Pickles fine, but cannot be rebuilt in another process (an actor cannot start)."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return _refuse_outside, (os.getpid(),)


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    """One local Ray for the module: 2 CPUs, loopback only, a capped object store; shut down after."""
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), str(HERE.parent), saved) if p)
    ray.init(address="local", num_cpus=2, object_store_memory=150 << 20, include_dashboard=False,
             _node_ip_address="127.0.0.1", configure_logging=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def _telegram_export(path: Path) -> Path:
    """A fictional Telegram Desktop export of one channel: two posts, a service message, a media-only post."""
    messages: list[dict[str, Any]] = [
        {"id": 10 + i, "type": "message", "date": f"2024-03-05T1{i}:00:00", "date_unixtime": str(1709632800 + i * 3600),
         "from": "Front Notes", "from_id": "channel1555", "text": [{"type": "bold", "text": "Update"}, "\n\n", text],
         "text_entities": []}
        for i, text in enumerate(POSTS)
    ]
    messages.append({"id": 20, "type": "service", "date": "2024-03-05T13:00:00", "date_unixtime": "1709643600",
                     "actor": "Front Notes", "actor_id": "channel1555", "action": "pin_message", "message_id": 10,
                     "text": "", "text_entities": []})
    messages.append({"id": 21, "type": "message", "date": "2024-03-05T13:05:00", "date_unixtime": "1709643900",
                     "from": "Front Notes", "from_id": "channel1555", "photo": "(File not included.)", "text": "",
                     "text_entities": []})
    path.write_text(json.dumps({"name": "Front Notes", "type": "public_channel", "id": 1555, "messages": messages}),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of every input kind: JSONL with a bad line, a Telegram export, Parquet, a text file."""
    folder = tmp_path_factory.mktemp("inputs")
    lines = [json.dumps(WIRE[0]), "{not json", json.dumps(WIRE[1])]
    (folder / "a_wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _telegram_export(folder / "b_channel.json")
    pq.write_table(pa.Table.from_pylist(FEED), folder / "c_feed.parquet")
    (folder / "d_note.txt").write_text("Title: Note\n\nThe ministry said its air defence intercepted a missile "
                                       "over Stavel.\n", encoding="utf-8")
    return folder


def _ray_options(options: Options) -> Options:
    return options.with_(batch_size=2, ray_cpus=2)


def _stored(url: str) -> tuple[list[Any], list[Any], list[tuple[str, str, str]]]:
    """Articles (by id: hash, text, metadata), claims one by one, and errors, as stored at ``url``."""
    with Store(url) as store:
        articles = [(e.article.id, e.article.content_hash, e.article.text, e.article.raw, e.article.url,
                     e.article.published, e.article.origin, e.article.telegram, e.places, e.pipeline_version)
                    for e in store.iter_extractions()]
        claims = [(c.id, c.article_id, c.index, c.claim, c.pipeline_version) for c in store.query_claims()]
        errors = [(e.origin, e.stage, e.message) for e in store.errors()]
    return articles, claims, errors


def _counts(summary: IngestSummary) -> tuple[int, int, int, int, int, dict[str, int]]:
    return summary.read, summary.new, summary.updated, summary.unchanged, len(summary.errors), summary.skipped


def test_ray_stores_what_the_plain_run_stores_claim_for_claim(ray_session: None, tmp_path: Path, inputs: Path,
                                                              pipeline: Pipeline, options: Options) -> None:
    opts = _ray_options(options)
    plain_url, ray_url = f"sqlite:///{tmp_path / 'plain.db'}", f"sqlite:///{tmp_path / 'ray.db'}"
    with Store(plain_url) as store:
        plain = ingest_paths(store, [inputs], opts, pipeline=pipeline)
    seen: list[str] = []
    with Store(ray_url) as store:
        summary = ingest_ray(store, [inputs], opts, on_item=lambda outcome, _: seen.append(outcome),
                             run_dir=tmp_path / "run")
    assert _counts(summary) == _counts(plain) == (7, 7, 0, 0, 1, {"media only": 1, "service messages": 1})
    assert sorted(seen) == sorted(["new"] * 7 + ["error"] + ["skipped"] * 2)
    want_articles, want_claims, want_errors = _stored(plain_url)
    got_articles, got_claims, got_errors = _stored(ray_url)
    assert len(want_claims) >= 5
    for got, want in zip(got_claims, want_claims, strict=True):  # one by one: ids, places in the article, records
        assert got == want
    assert got_articles == want_articles
    assert got_errors == want_errors == [(f"{inputs / 'a_wire.jsonl'}:2", "ingest", want_errors[0][2])]
    assert (tmp_path / "run" / "extractions.parquet").is_file()


def test_a_rerun_adds_nothing_and_force_replaces(ray_session: None, tmp_path: Path, inputs: Path,
                                                 options: Options) -> None:
    opts = _ray_options(options)
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        first = ingest_ray(store, [inputs], opts, pipeline=FailsOn())  # type: ignore[arg-type]
        before = store.counts()
        again = ingest_ray(store, [inputs], opts, pipeline=FailsOn())  # type: ignore[arg-type]
        after = store.counts()
        assert (first.new, again.new, again.updated, again.unchanged) == (7, 0, 0, 7)
        assert {k: v for k, v in after.items() if k != "ingest_errors"} == \
            {k: v for k, v in before.items() if k != "ingest_errors"}
        assert after["ingest_errors"] == before["ingest_errors"] + 1  # the bad line, read again, as the plain run
        forced = ingest_ray(store, [inputs], opts, pipeline=FailsOn(), force=True)  # type: ignore[arg-type]
        assert (forced.new, forced.updated, forced.unchanged) == (0, 7, 0)


def test_an_article_that_fails_extraction_is_its_error_and_the_rest_is_stored(
        ray_session: None, tmp_path: Path, options: Options) -> None:
    feed = tmp_path / "feed.jsonl"
    texts = [f"Report {i}: the governor said so{' EXPLODE' if i == 2 else ''}." for i in range(5)]
    feed.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    results = {}
    for engine in ("plain", "ray"):
        with Store(f"sqlite:///{tmp_path / f'{engine}.db'}") as store:
            run = ingest_ray if engine == "ray" else ingest_paths
            summary = run(store, [feed], _ray_options(options), pipeline=FailsOn())  # type: ignore[operator]
            results[engine] = (_counts(summary), [(e.origin, e.stage, e.message) for e in store.errors()],
                               sorted(e.article.text for e in store.iter_extractions()))
    assert results["ray"] == results["plain"]
    (counts, errors, texts_stored) = results["ray"]
    assert counts == (5, 4, 0, 0, 1, {})
    assert errors == [(f"{feed}:3", "extract", "extraction failed: RuntimeError: the stand-in cannot read this")]
    assert texts_stored == sorted(t for t in texts if "EXPLODE" not in t)


def test_the_runs_parquet_loads_into_another_database(ray_session: None, tmp_path: Path, inputs: Path,
                                                      options: Options) -> None:
    opts = _ray_options(options)
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        ingest_ray(store, [inputs], opts, pipeline=FailsOn(), run_dir=tmp_path / "run")  # type: ignore[arg-type]
        first = sorted((e.article.content_hash, e.article.text, e.article.raw) for e in store.iter_extractions())
    rows = pq.read_table(tmp_path / "run" / "extractions.parquet").to_pylist()
    assert sorted(r["kind"] for r in rows) == ["error"] + ["extraction"] * 7 + ["skipped"] * 2
    with Store(f"sqlite:///{tmp_path / 'b.db'}") as store:
        loaded = load_run(store, tmp_path / "run")
        assert (loaded.new, len(loaded.errors)) == (7, 1)
        assert sorted((e.article.content_hash, e.article.text, e.article.raw)
                      for e in store.iter_extractions()) == first


def test_actors_that_cannot_start_stop_the_run_with_a_clear_error(ray_session: None, tmp_path: Path,
                                                                  options: Options) -> None:
    (tmp_path / "a.txt").write_text("The ministry said its forces repelled an attack.", encoding="utf-8")
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        with pytest.raises(RayEngineError, match=r"^the Ray run stopped: .*creation task") as raised:
            ingest_ray(store, [tmp_path], _ray_options(options), pipeline=StartsNowhere())  # type: ignore[arg-type]
        assert "[36m" not in str(raised.value)  # Ray's colour codes are not kept (escaped, they would show)
        assert store.counts()["articles"] == 0


def test_no_inputs_start_no_ray_and_store_nothing(tmp_path: Path, options: Options) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        summary = ingest_ray(store, [empty], options, pipeline=FailsOn())  # type: ignore[arg-type]
        assert (_counts(summary), store.counts()["articles"]) == ((0, 0, 0, 0, 0, {}), 0)


def test_the_cli_says_how_to_install_ray_when_it_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'cw.db'}", "ingest", "--engine", "ray",
                                      str(tmp_path)])
    assert result.exit_code == 2
    assert "pip install 'claimwatch[ray]'" in " ".join(result.output.split())
    assert not (tmp_path / "cw.db").exists()  # refused before the database is opened


@pytest.mark.parametrize(("flags", "hint"), [(["--engine", "ray", "--workers", "2"], "--workers"),
                                             (["--address", "auto"], "--address"),
                                             (["--ray-cpus", "2"], "--ray-cpus"),
                                             (["--engine", "spark"], "--engine")])
def test_engine_flags_that_do_not_fit_are_usage_errors(tmp_path: Path, flags: list[str], hint: str) -> None:
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'cw.db'}", "ingest", *flags, str(tmp_path)])
    assert result.exit_code == 2 and hint in result.output


def test_the_cli_ingests_on_ray(ray_session: None, tmp_path: Path, inputs: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("claimwatch.pipeline.Pipeline", lambda options: FailsOn())
    db = f"sqlite:///{tmp_path / 'cw.db'}"
    result = CliRunner().invoke(app, ["--db", db, "ingest", "--engine", "ray", "--ray-cpus", "2", "--no-link",
                                      "--run-dir", str(tmp_path / "run"), str(inputs)])
    assert result.exit_code == 0, result.output
    assert "7 new, 0 updated, 0 unchanged, 1 errors" in result.output
    assert (tmp_path / "run" / "extractions.parquet").is_file()


def test_importing_claimwatch_and_its_cli_imports_no_ray() -> None:
    import subprocess

    code = ("import sys, claimwatch, claimwatch.cli, claimwatch.ingest; "
            "assert 'ray' not in sys.modules and 'claimwatch.engines.ray_engine' not in sys.modules; "
            "assert claimwatch.ingest_ray.__module__ == 'claimwatch.engines.ray_engine'; "
            "assert 'ray' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=HERE.parent, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
