"""The command line, end to end on the bundled examples: ingest, claims, show, export, eval, doctor.

Attribution output is being improved while this is written, so these tests check structure and behaviour
(claims exist, every span's offsets point at its text in the stored article), never exact claims.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from claimwatch import doctor as doctor_module
from claimwatch import evaluate as evaluate_module
from claimwatch.cli import app
from claimwatch.model import ClaimKind, Status
from claimwatch.store import Store

runner = CliRunner()

RECORD_KEYS = {"article", "source", "cue", "content", "kind", "status", "status_evidence", "polarity",
               "confidence", "pipeline_version", "events", "story", "verdict"}
EVENT_KEYS = {"type", "sub_type", "actor1", "actor2", "place", "date", "quantities", "negated", "hypothetical",
              "trigger"}


def cw(*args: str, env: dict[str, str] | None = None) -> Any:
    """Run the CLI in-process on a wide virtual terminal (tables do not wrap words apart)."""
    return runner.invoke(app, list(args), env={"COLUMNS": "250", **(env or {})})


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, pipeline, examples_dir: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A database holding the examples, ingested once through the CLI for this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'examples.db'}"
    result = cw("--db", url, "ingest", str(examples_dir))
    assert result.exit_code == 0, result.output
    assert "13 new, 0 updated, 0 unchanged, 0 errors" in result.output
    yield url


def counts(url: str) -> dict[str, int]:
    with Store(url) as store:
        return store.counts()


def test_ingest_stores_articles_and_claims(ingested: str) -> None:
    stored = counts(ingested)
    assert stored["articles"] == 13 and stored["claims"] >= 13 and stored["ingest_errors"] == 0


def test_reingest_adds_nothing(ingested: str, examples_dir: Path) -> None:
    before = counts(ingested)
    result = cw("--db", ingested, "ingest", str(examples_dir))
    assert result.exit_code == 0, result.output
    assert "0 new, 0 updated, 13 unchanged, 0 errors" in result.output
    assert counts(ingested) == before


def _json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.model
def test_round_trip_on_each_backend_with_two_workers(any_db_url: str, examples_dir: Path, tmp_path: Path) -> None:
    """ingest (two worker processes), claims --json, export (JSONL and Parquet), link, stories: the same on
    SQLite and on PostgreSQL."""
    url = any_db_url
    done = cw("--db", url, "ingest", "--no-link", "--workers", "2", "--batch-size", "5", str(examples_dir))
    assert done.exit_code == 0 and "13 new, 0 updated, 0 unchanged, 0 errors" in done.output, done.output
    claims = _json_lines(cw("--db", url, "claims", "--json").output)
    assert len(claims) == counts(url)["claims"] >= 13 and all(c["story"] is None for c in claims)
    out = tmp_path / "claims.jsonl"
    assert cw("--db", url, "export", "--out", str(out)).exit_code == 0
    assert _json_lines(out.read_text(encoding="utf-8")) == claims

    linked = cw("--db", url, "link")
    assert linked.exit_code == 0 and "linked:" in linked.output, linked.output
    stories = _json_lines(cw("--db", url, "stories", "--json").output)
    story_ids = {c["story"] for c in _json_lines(cw("--db", url, "claims", "--json").output)} - {None}
    assert stories and {s["id"] for s in stories} <= story_ids
    articles = {c["article"]["id"] for c in claims}
    assert {m["article"] for s in stories for m in s["claims"]} <= articles

    folder = tmp_path / "parquet"
    assert cw("--db", url, "export", "--format", "parquet", "--out", str(folder)).exit_code == 0
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(folder / "claims.parquet").to_pylist()
    assert len(table) == len(claims) and {r["story"] for r in table} - {None} == story_ids
    again = cw("--db", url, "ingest", "--workers", "2", str(examples_dir))
    assert "0 new, 0 updated, 13 unchanged, 0 errors" in again.output, again.output


def test_force_extracts_again_in_place(ingested: str, examples_dir: Path) -> None:
    before = counts(ingested)
    result = cw("--db", ingested, "ingest", "--force", "--batch-size", "2", str(examples_dir / "06_denial.txt"))
    assert result.exit_code == 0, result.output
    assert "0 new, 1 updated, 0 unchanged" in result.output
    assert counts(ingested) == before


def test_claims_table_and_filters(ingested: str) -> None:
    result = cw("--db", ingested, "claims", "--limit", "5")
    assert result.exit_code == 0, result.output
    assert "5 claims" in result.output and "status" in result.output
    lines = cw("--db", ingested, "claims", "--json", "--status", "claimed").output.splitlines()
    assert lines and all(json.loads(line)["status"] == "claimed" for line in lines)
    lines = cw("--db", ingested, "claims", "--json", "--kind", "outlet", "--article", "1").output.splitlines()
    assert all(json.loads(line)["kind"] == "outlet" and json.loads(line)["source"] is None for line in lines)
    assert all(json.loads(line)["article"]["id"] == 1 for line in lines)
    assert cw("--db", ingested, "claims", "--status", "rumoured").exit_code == 2
    assert cw("--db", ingested, "claims", "--kind", "sideways").exit_code == 2


def test_source_filter_is_case_insensitive(ingested: str) -> None:
    lines = cw("--db", ingested, "claims", "--json", "--source", "MINISTRY").output.splitlines()
    assert lines
    for line in lines:
        source = json.loads(line)["source"]
        names = (source["text"] + " " + ((source["entity"] or {}).get("text") or "")).lower()
        assert "ministry" in names


def test_show_prints_the_article_and_its_claims(ingested: str) -> None:
    with Store(ingested) as store:
        extraction = store.get_extraction(4)
    result = cw("--db", ingested, "show", "4")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert extraction.article.title is not None and extraction.article.title in flat
    assert "We took the village" in flat and f"{len(extraction.claims)} claims in article 4" in flat
    missing = cw("--db", ingested, "show", "999")
    assert missing.exit_code == 1 and "no article with id 999" in missing.output


def _check_span(text: str, span: dict[str, Any] | None) -> None:
    if span is None:
        return
    assert text[span["start"]:span["end"]] == span["text"]


def test_export_jsonl_matches_the_schema_and_the_stored_text(ingested: str, tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    result = cw("--db", ingested, "export", "--format", "jsonl", "--out", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == counts(ingested)["claims"]
    assert f"wrote {len(records)} jsonl records" in result.output
    with Store(ingested) as store:
        texts = {e.article.id: e.article.text for e in store.iter_extractions()}
    for record in records:
        assert set(record) == RECORD_KEYS
        assert set(record["article"]) == {"id", "title", "url", "outlet", "published", "language",
                                            "languages"}
        assert record["kind"] in {k.value for k in ClaimKind} and record["status"] in {s.value for s in Status}
        text = texts[record["article"]["id"]]
        _check_span(text, record["cue"])
        _check_span(text, record["content"])
        for part in record["content"].get("parts", []):
            _check_span(text, part)
        if record["source"] is not None:
            assert set(record["source"]) == {"text", "start", "end", "entity", "actor"}
            _check_span(text, record["source"])
            _check_span(text, record["source"]["entity"])
        for evidence in record["status_evidence"]:
            _check_span(text, evidence)
        for event in record["events"]:
            assert set(event) == EVENT_KEYS
            _check_span(text, event["trigger"])
            for q in event["quantities"]:
                assert set(q) == {"value", "lower", "upper", "unit", "kind", "text", "start", "end"}
                _check_span(text, q)
    published = {r["article"]["published"] for r in records}
    assert "2024-03-13T04:45:00+00:00" in published  # the HTML page's +03:00 time, in UTC


def test_export_to_stdout_with_filters(ingested: str) -> None:
    result = runner.invoke(app, ["--db", ingested, "export", "--status", "denied", "--limit", "3"])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert 0 < len(lines) <= 3 and all(json.loads(line)["status"] == "denied" for line in lines)
    bad = cw("--db", ingested, "export", "--format", "xml")
    assert bad.exit_code == 2 and "unknown export format" in bad.output


@pytest.mark.model
def test_item_errors_are_listed_stored_and_do_not_fail_the_batch(tmp_path: Path, examples_dir: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(examples_dir / "03_no_confirmation.txt", inputs)
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "feed.jsonl").write_text('{"text": "The governor said so."}\n{broken\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    result = cw("--db", url, "ingest", str(inputs))
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updated, 0 unchanged, 3 errors" in result.output
    flat = " ".join(result.output.split())
    assert "binary" in flat and "empty" in flat and "malformed JSON" in flat
    with Store(url) as store:
        assert sorted(Path(e.origin).name for e in store.errors()) == ["binary.txt", "empty.txt", "feed.jsonl:2"]


def test_nothing_readable_exits_1(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    assert cw("--db", url, "ingest", str(tmp_path / "binary.txt")).exit_code == 1
    empty = tmp_path / "nothing"
    empty.mkdir()
    result = cw("--db", url, "ingest", str(empty))
    assert result.exit_code == 1 and "no input articles found" in result.output


@pytest.mark.model
def test_db_comes_from_the_environment_or_a_config_file(tmp_path: Path, examples_dir: Path) -> None:
    article = str(examples_dir / "05_general_staff_losses.txt")
    env_db = tmp_path / "from-env.db"
    assert cw("ingest", article, env={"CLAIMWATCH_DB": f"sqlite:///{env_db}"}).exit_code == 0
    assert counts(f"sqlite:///{env_db}")["articles"] == 1
    config_db = tmp_path / "sub" / "from-config.db"
    config = tmp_path / "cw.toml"
    config.write_text(f'db = "sqlite:///{config_db}"\n', encoding="utf-8")
    assert cw("--config", str(config), "-v", "ingest", article).exit_code == 0
    assert config_db.exists()
    after = tmp_path / "after-command.db"
    assert cw("ingest", "--db", f"sqlite:///{after}", article).exit_code == 0
    assert counts(f"sqlite:///{after}")["articles"] == 1
    listed = cw("--db", f"sqlite:///{env_db}", "claims", "--json", "--db", f"sqlite:///{after}").output
    assert listed.count("\n") == counts(f"sqlite:///{after}")["claims"]
    config.write_text('no_such_option = 1\n', encoding="utf-8")
    bad = cw("--config", str(config), "claims")
    assert bad.exit_code == 2 and "no_such_option" in bad.output


@pytest.mark.model
def test_doctor_reports_and_fails_on_missing_requirements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = cw("--db", url, "doctor")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "Python" in flat and "spacy" in flat and "will be created" in flat
    assert "all required checks passed" in flat and not (tmp_path / "new.db").exists()

    def gazetteer_missing() -> tuple[str, bool, str, str]:
        return ("gazetteer", False, "index not built", "claimwatch gazetteer build")

    def optional_warning(options: Any) -> tuple[str, bool, str, str, bool]:
        return ("extra model", False, "not installed", "pip install extra", False)

    monkeypatch.setattr(doctor_module, "CHECKS", (doctor_module.check_python, optional_warning))
    assert cw("--db", url, "doctor").exit_code == 0
    monkeypatch.setattr(doctor_module, "CHECKS", (doctor_module.check_python, gazetteer_missing))
    failed = cw("--db", url, "doctor")
    assert failed.exit_code == 1 and "claimwatch gazetteer build" in failed.output


def test_doctor_sees_a_database_it_cannot_open(tmp_path: Path) -> None:
    result = cw("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "doctor")
    assert result.exit_code == 1
    assert "check the URL" in " ".join(result.output.split())


def test_eval_dispatches_to_the_task_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_evaluate(path: Any, fmt: str, pipeline: Any, save_predictions: Any = None,
                      gold_spans: bool = False) -> dict[str, Any]:
        calls.append((Path(path).name, fmt, save_predictions, gold_spans))
        return {"task": "attribution", "documents": 1}

    fake = SimpleNamespace(evaluate=fake_evaluate, render=lambda r: f"rendered {r['documents']} documents",
                           FORMATS=("brat",))
    monkeypatch.setattr(evaluate_module, "task_module", lambda task: fake)
    gold = tmp_path / "gold"
    gold.mkdir()
    result = cw("eval", "attribution", "--format", "brat", str(gold), "--json", "--save-predictions",
                str(tmp_path / "pred"), "--gold-spans")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"task": "attribution", "documents": 1}
    assert calls == [("gold", "brat", tmp_path / "pred", True)]
    assert "rendered 1 documents" in cw("eval", "attribution", "-f", "brat", str(gold)).output
    wrong = cw("eval", "attribution", "--format", "conll", str(gold))
    assert wrong.exit_code == 2 and "brat" in wrong.output
    assert cw("eval", "attribution", "--format", "brat", str(tmp_path / "absent")).exit_code == 2


def test_eval_unknown_task_is_a_clear_error(tmp_path: Path) -> None:
    result = cw("eval", "sentiment", "--format", "x", str(tmp_path))
    assert result.exit_code == 2 and "unknown task 'sentiment'" in result.output


def test_help_and_entry_point() -> None:
    result = cw("--help")
    assert result.exit_code == 0
    for command in ("ingest", "claims", "show", "export", "eval", "doctor"):
        assert command in result.output
    done = subprocess.run([sys.executable, "-m", "claimwatch.cli", "--help"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0 and "--db" in done.stdout


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pipeline) -> None:  # type: ignore[no-untyped-def]
    """The library examples in README.md run as written (from the repository root's point of view)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    assert len(blocks) >= 2
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - running our own documentation
    assert counts("sqlite:///cw.db")["articles"] == 13


def test_formats_registered_lazily_are_offered_by_export(ingested: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch import export

    monkeypatch.setitem(export.FORMATS, "jsonl-again", export.lazy(".jsonl"))
    lazy_out = runner.invoke(app, ["--db", ingested, "export", "--format", "jsonl-again", "--article", "2"]).stdout
    plain_out = runner.invoke(app, ["--db", ingested, "export", "--format", "jsonl", "--article", "2"]).stdout
    assert lazy_out == plain_out and lazy_out.count("\n") >= 1
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        export.writer("xml")


@pytest.mark.model
def test_an_article_that_breaks_extraction_costs_only_itself(tmp_path: Path, examples_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch.extract.status import StatusStage
    from claimwatch.pipeline import Pipeline

    real_status = StatusStage.__call__

    def fragile(self: StatusStage, analysis: Any) -> None:
        if "POISON" in analysis.article.text:
            raise RuntimeError("status exploded")
        real_status(self, analysis)

    def batch_parse_fails(self: Pipeline) -> Any:
        class Exploding:
            def pipe(self, texts: Any, **kw: Any) -> Any:
                texts = list(texts)
                if len(texts) > 1:  # a batch explodes; one text at a time parses
                    raise RuntimeError("batch exploded")
                return real_nlp.pipe(texts, **kw)

            def __call__(self, text: str) -> Any:
                return real_nlp(text)

            def make_doc(self, text: str) -> Any:
                return real_nlp.make_doc(text)
        return Exploding()

    real_nlp = Pipeline().nlp
    monkeypatch.setattr(StatusStage, "__call__", fragile)
    # the whole batch's parse fails too: the pipeline falls back to one parse per article
    monkeypatch.setattr(Pipeline, "nlp", property(batch_parse_fails))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("03_no_confirmation.txt", "05_general_staff_losses.txt"):
        shutil.copy(examples_dir / name, inputs)
    (inputs / "04_poison.txt").write_text("POISON: the ministry said the attack was repelled.", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    result = cw("--db", url, "ingest", "--batch-size", "8", str(inputs))
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updated, 0 unchanged, 1 errors" in result.output
    with Store(url) as store:
        [error] = store.errors()
    assert error.stage == "extract" and error.origin.endswith("04_poison.txt")
    assert error.message == "status failed: status exploded"


def test_ingest_language_flag_show_and_export_paragraph_languages(tmp_path: Path) -> None:
    mixed = ("Штаб группировки опубликовал очередную сводку о потерях противника на южном направлении.\n\n"
             "«Ворог нібито відступив з позицій біля села, але ми це не можемо підтвердити», — заявив речник.")
    short = "Вибухи у місті."
    inputs = tmp_path / "posts.jsonl"
    inputs.write_text(json.dumps({"text": mixed}, ensure_ascii=False) + "\n"
                      + json.dumps({"text": short}, ensure_ascii=False) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'mixed.db'}"
    bad = cw("--db", url, "ingest", "--no-link", "--language", "r1", str(inputs))
    assert bad.exit_code == 2 and "not a language code" in bad.output
    result = cw("--db", url, "ingest", "--no-link", "--language", "RU", str(inputs))
    assert result.exit_code == 0, result.output
    with Store(url) as store:
        articles = {e.article.text: e.article for e in store.iter_extractions()}
    assert articles[short].language == "ru"  # declared by the flag, though its letters say Ukrainian
    languages = articles[mixed].languages
    assert languages is not None and languages.method == "declared"
    assert [(s.language, mixed[s.start:s.end].startswith("«Ворог")) for s in languages.spans] == [
        ("ru", False), ("uk", True)]
    shown = cw("--db", url, "show", str(articles[mixed].id))
    assert shown.exit_code == 0 and "language ru (declared, 1.00); paragraphs: 0-" in shown.output
    out = tmp_path / "claims.jsonl"
    assert cw("--db", url, "export", "--format", "jsonl", "--out", str(out)).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    quoted = [r for r in records if r["content"]["text"].startswith("«Ворог")]
    assert quoted and quoted[0]["status"] == "hedged" and quoted[0]["article"]["language"] == "ru"
    assert [s["language"] for s in quoted[0]["article"]["languages"]] == ["ru", "uk"]
