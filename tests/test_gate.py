"""The evaluation gate on tiny synthetic corpora (never the real datasets): floors, fingerprints, exit codes."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimwatch import evaluate
from claimwatch.cli import app
from claimwatch.evaluate import TASKS, attribution, events, gate, geo, stories, task_module
from claimwatch.evaluate.gate import Outcome, check, figure_value, fingerprint, load_floors

runner = CliRunner()

ARTICLES = {
    "frontline_2024-03-05_bridge": (
        ("Ukraine's defence ministry said on Tuesday that Russian forces had shelled the bridge overnight. "
         "A local official told reporters that two civilians were wounded."),
        [("Ukraine's defence ministry", "said", "that Russian forces had shelled the bridge overnight"),
         ("A local official", "told", "that two civilians were wounded")]),
    "frontline_2024-03-06_village": (
        ("The commander claimed that his unit had retaken the village. "
         "Russia's defence ministry denied that its troops had withdrawn."),
        [("The commander", "claimed", "that his unit had retaken the village"),
         ("Russia's defence ministry", "denied", "that its troops had withdrawn")]),
}
CASE_ROWS = [
    ("1", "Russian artillery shelled the outskirts of Kharkiv overnight, regional officials said.",
     "ART_MISS_ATTACK"),
    ("2", "Ukrainian forces retook the village of Nova Hrodivka after two days of heavy fighting.",
     "GOV_REGAINS_TERIT"),
    ("3", "Government troops clashed with rebel fighters near the border crossing on Monday.", "ARMED_CLASH"),
    ("4", "Hundreds of residents marched peacefully through the city centre to demand the release of prisoners.",
     "PEACE_PROTEST"),
    ("5", "A drone strike hit a fuel depot on the edge of the city, the governor said.", "AIR_STRIKE"),
]
POLNEAR_HASH = ["polnear/dev/text/*.txt", "polnear/dev/attributions/*.ann", "polnear/metadata.tsv"]
CASE_HASH = ["case2021/dev.tsv"]


def _ann(text: str, relations: list[tuple[str, str, str]]) -> str:
    lines: list[str] = []
    for i, (source, cue, content) in enumerate(relations, 1):
        ids = []
        for label, surface in (("Source", source), ("Cue", cue), ("Content", content)):
            start = text.index(surface)
            ids.append(f"T{len(lines) + 1}")
            lines.append(f"{ids[-1]}\t{label} {start} {start + len(surface)}\t{surface}")
        lines.append(f"E{i}\tAttribution:{ids[1]} Content:{ids[2]} Cue:{ids[1]} Source:{ids[0]}")
    return "\n".join(lines) + "\n"


def make_datasets(root: Path) -> Path:
    """A datasets folder with a 2-article PolNeAR-layout brat corpus and a 5-snippet CASE 2021 TSV."""
    dev = root / "polnear" / "dev"
    (dev / "text").mkdir(parents=True)
    (dev / "attributions").mkdir()
    meta = ["compartment\tfilename\tlevel\tannotators"]
    for name, (text, relations) in ARTICLES.items():
        (dev / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        (dev / "attributions" / f"{name}_a1b2.ann").write_text(_ann(text, relations), encoding="utf-8")
        meta.append(f"dev\t{name}\tNone\ta1b2")
    (root / "polnear" / "metadata.tsv").write_text("\n".join(meta) + "\n", encoding="utf-8")
    (root / "case2021").mkdir()
    (root / "case2021" / "dev.tsv").write_text("".join(f"{i}\t{s}\t{lab}\n" for i, s, lab in CASE_ROWS),
                                               encoding="utf-8")
    return root


def write_floors(path: Path, datasets: Path, figures: dict[str, dict[str, float]]) -> Path:
    """A floors file for the synthetic corpora; ``figures`` maps entry name -> {figure: floor}."""
    specs = {"polnear-dev": ("attribution", "brat", "polnear/dev", POLNEAR_HASH),
             "case2021-dev": ("events", "case-tsv", "case2021/dev.tsv", CASE_HASH)}
    blocks = []
    for name, floors in figures.items():
        task, fmt, rel, hashed = specs[name]
        figs = ",\n".join(f'    {{ name = "{fig}", measured = {floor}, floor = {floor} }}'
                          for fig, floor in floors.items())
        blocks.append(f'[[entry]]\nname = "{name}"\ntask = "{task}"\nformat = "{fmt}"\npath = "{rel}"\n'
                      f"gold_spans = false\nhash = {json.dumps(hashed)}\n"
                      f'sha256 = "{fingerprint(datasets, hashed)}"\nfigures = [\n{figs},\n]\n')
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def cw_gate(datasets: Path, floors: Path, *extra: str) -> Any:
    return runner.invoke(app, ["eval", "gate", "--datasets", str(datasets), "--floors", str(floors), *extra],
                         env={"COLUMNS": "250"})


# -- the shipped floors file --------------------------------------------------------------------------------

def _empty_result(task: str, gold_spans: bool) -> dict[str, Any]:
    """A result of the task's own scorer, built without a model: it has every figure the scorer reports."""
    if task == "attribution":
        return attribution.Scorer().result()
    if task == "events":
        return events.score(["ATTACK"], ["ATTACK"])
    if task == "posts":
        return {"task": "posts", "claims": {"p": 0.0, "r": 0.0, "f1": 0.0}, "sources": 0.0, "event_types": 0.0,
                "toponyms_acc161": 0.0}
    if task == "stance":
        return {"task": "stance", "fnc_score": 0.0, "per_class_f1": {"agree": 0.0, "disagree": 0.0}}
    if task == "stories":
        return {"task": "stories", "bcubed": stories.bcubed({"a": "x"}, {"a": "1"})}
    return geo._result(geo._Scores(), gold_spans)


def test_shipped_floors_parse_and_name_known_tasks_formats_and_figures() -> None:
    entries = load_floors()
    assert {e.task for e in entries} == set(TASKS)
    for entry in entries:
        assert entry.format in task_module(entry.task).FORMATS
        assert len(entry.sha256) == 64 and entry.hash and entry.files
        for floor in entry.floors:
            figure_value(_empty_result(entry.task, entry.gold_spans), floor.figure)


def test_shipped_floors_follow_the_margin_rule() -> None:
    """floor = measured - 0.01 rounded down to two decimals, as the file's header says."""
    for entry in load_floors():
        for f in entry.floors:
            assert f.floor <= f.measured, (entry.name, f.figure)
            assert f.floor == math.floor(round((f.measured - 0.01) * 100, 6)) / 100, (entry.name, f.figure)


def test_unknown_task_or_format_in_a_floors_file_is_a_usage_error(tmp_path: Path) -> None:
    datasets = make_datasets(tmp_path / "datasets")
    floors = write_floors(tmp_path / "floors.toml", datasets, {"case2021-dev": {"weighted_f1": 0.5}})
    text = floors.read_text(encoding="utf-8")
    (tmp_path / "task.toml").write_text(text.replace('task = "events"', 'task = "sentiment"'), encoding="utf-8")
    (tmp_path / "fmt.toml").write_text(text.replace('"case-tsv"', '"conll"'), encoding="utf-8")
    for bad, message in (("task.toml", "unknown task 'sentiment'"), ("fmt.toml", "not 'conll'")):
        result = cw_gate(datasets, tmp_path / bad)
        assert result.exit_code == 2 and message in result.output


# -- fingerprints -----------------------------------------------------------------------------------------

def test_fingerprint_is_the_documented_digest(tmp_path: Path) -> None:
    datasets = make_datasets(tmp_path / "datasets")
    digest = hashlib.sha256()
    files = sorted(p.relative_to(datasets).as_posix() for p in datasets.rglob("*") if p.is_file())
    assert files[0] == "case2021/dev.tsv" and len(files) == 6
    for rel in files:
        data = (datasets / rel).read_bytes()
        digest.update(f"{rel}\0{len(data)}\0".encode() + data)
    assert fingerprint(datasets, ["polnear/dev/*/*", "polnear/metadata.tsv", "case2021/dev.tsv"]) == \
        digest.hexdigest()


def test_fingerprint_sees_a_changed_byte_and_a_renamed_file(tmp_path: Path) -> None:
    datasets = make_datasets(tmp_path / "datasets")
    before = fingerprint(datasets, POLNEAR_HASH)
    text = next((datasets / "polnear/dev/text").glob("*.txt"))
    text.write_text(text.read_text(encoding="utf-8").replace("Tuesday", "Tuesdey"), encoding="utf-8")
    changed = fingerprint(datasets, POLNEAR_HASH)
    assert changed != before
    text.rename(text.with_name("renamed.txt"))
    assert fingerprint(datasets, POLNEAR_HASH) not in (before, changed)


# -- the gate without scoring: changed and absent corpora ------------------------------------------------

@pytest.fixture
def no_scoring(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Records (and refuses) every scorer call the gate makes."""
    calls: list[tuple[Any, ...]] = []

    def refuse(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(args)
        raise AssertionError("the gate must not score this corpus")

    monkeypatch.setattr(gate, "run", refuse)
    return calls


def test_changed_corpus_is_reported_not_scored_and_fails(tmp_path: Path, no_scoring: list[Any]) -> None:
    datasets = make_datasets(tmp_path / "datasets")
    floors = write_floors(tmp_path / "floors.toml", datasets, {"case2021-dev": {"weighted_f1": 0.0}})
    with (datasets / "case2021" / "dev.tsv").open("a", encoding="utf-8") as fh:
        fh.write("6\tSeparatists seized the town hall.\tNON_STATE_ACTOR_OVERTAKES_TER\n")
    result = cw_gate(datasets, floors)
    assert result.exit_code == 1, result.output
    assert "fingerprint changed" in result.output and "not scored" in result.output
    assert no_scoring == []
    as_json = json.loads(cw_gate(datasets, floors, "--json").stdout)
    (entry,) = as_json["entries"]
    assert entry["outcome"] == "fingerprint changed" and as_json["ok"] is False
    assert entry["sha256"]["found"] == fingerprint(datasets, CASE_HASH) != entry["sha256"]["expected"]
    assert entry["figures"][0]["value"] is None


def test_no_corpus_present_passes_with_a_warning(tmp_path: Path, no_scoring: list[Any]) -> None:
    datasets = make_datasets(tmp_path / "datasets")
    floors = write_floors(tmp_path / "floors.toml", datasets, {"polnear-dev": {"exact.cue.f1": 0.5},
                                                               "case2021-dev": {"weighted_f1": 0.5}})
    result = cw_gate(tmp_path / "elsewhere", floors)
    assert result.exit_code == 0, result.output
    assert "absent" in result.output and "no gold corpus found" in " ".join(result.output.split())
    assert no_scoring == []


def test_default_datasets_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLAIMWATCH_DATASETS", raising=False)
    assert gate.default_datasets() == Path("../shared/datasets")
    monkeypatch.setenv("CLAIMWATCH_DATASETS", str(tmp_path))
    assert gate.default_datasets() == tmp_path
    floors = write_floors(tmp_path / "floors.toml", make_datasets(tmp_path), {"case2021-dev": {"weighted_f1": 0}})
    monkeypatch.setattr(gate, "run", lambda *a, **k: {"task": "events", "weighted_f1": 0.5})
    result = check(floors=floors)
    assert result.datasets == tmp_path and result.ok and result.entries[0].figures[0].value == 0.5


# -- the gate scoring the synthetic corpora (spaCy model) ------------------------------------------------

@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The synthetic datasets and what ``claimwatch.evaluate.run`` scores on them, run directly."""
    datasets = make_datasets(tmp_path_factory.mktemp("gate") / "datasets")
    return datasets, {"polnear-dev": evaluate.run("attribution", "brat", datasets / "polnear" / "dev"),
                      "case2021-dev": evaluate.run("events", "case-tsv", datasets / "case2021" / "dev.tsv")}


FIGURES = {"polnear-dev": ("exact.cue.f1", "overlap.content.f1"), "case2021-dev": ("weighted_f1", "micro_f1")}


@pytest.mark.model
def test_figures_at_their_floors_pass(scored: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    datasets, results = scored
    assert figure_value(results["polnear-dev"], "exact.cue.f1") > 0.5  # a gate over zeros would prove nothing
    floors = write_floors(tmp_path / "floors.toml", datasets,
                          {name: {f: figure_value(results[name], f) for f in figs} for name, figs in FIGURES.items()})
    result = cw_gate(datasets, floors, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ok"] is True and out["present"] == 2
    for entry in out["entries"]:
        assert entry["outcome"] == "ok"
        for fig in entry["figures"]:
            assert fig["value"] == figure_value(results[entry["name"]], fig["figure"]) == fig["floor"]
            assert fig["margin"] == 0.0 and fig["outcome"] == "ok"


@pytest.mark.model
def test_a_floor_above_its_figure_fails_and_says_below(scored: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    datasets, results = scored
    cue = figure_value(results["polnear-dev"], "exact.cue.f1")
    weighted = figure_value(results["case2021-dev"], "weighted_f1")
    floors = write_floors(tmp_path / "floors.toml", datasets, {"polnear-dev": {"exact.cue.f1": cue},
                                                               "case2021-dev": {"weighted_f1": weighted + 0.01}})
    result = cw_gate(datasets, floors)
    assert result.exit_code == 1, result.output
    rows = {line.split("│")[3].strip(): line for line in result.output.splitlines() if line.count("│") > 5}
    assert "BELOW" in rows["weighted_f1"] and "-0.0100" in rows["weighted_f1"]
    assert "ok" in rows["exact.cue.f1"] and "BELOW" not in rows["exact.cue.f1"]
    assert "gate FAILED (case2021-dev)" in result.output


@pytest.mark.model
def test_an_absent_corpus_is_skipped_beside_a_passing_one(scored: tuple[Path, dict[str, Any]],
                                                          tmp_path: Path) -> None:
    datasets, results = scored
    floors = write_floors(tmp_path / "floors.toml", datasets,
                          {"polnear-dev": {"exact.cue.f1": 0.99}, "case2021-dev": {"weighted_f1": 0.0}})
    floors.write_text(floors.read_text(encoding="utf-8").replace('path = "polnear/dev"', 'path = "polnear/test"'),
                      encoding="utf-8")
    result = check(datasets, floors)
    assert result.ok and [e.outcome for e in result.entries] == [Outcome.ABSENT, Outcome.OK]
    assert result.entries[1].figures[0].value == figure_value(results["case2021-dev"], "weighted_f1")
    only = check(datasets, floors, only="attribution")
    assert [e.entry.name for e in only.entries] == ["polnear-dev"] and not only.present


def test_an_accurate_entry_is_scored_in_the_accurate_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = make_datasets(tmp_path / "datasets")
    floors = write_floors(tmp_path / "floors.toml", datasets, {"case2021-dev": {"weighted_f1": 0.0}})
    text = floors.read_text(encoding="utf-8")
    seen: list[bool] = []

    def record(task: str, fmt: str, path: Path, options: Any, **kw: Any) -> dict[str, Any]:
        seen.append(bool(options is not None and options.accurate))
        return _empty_result(task, False)

    monkeypatch.setattr(gate, "run", record)
    assert cw_gate(datasets, floors).exit_code == 0
    (tmp_path / "acc.toml").write_text(text.replace("gold_spans = false\n", "gold_spans = false\naccurate = true\n"),
                                       encoding="utf-8")
    assert cw_gate(datasets, tmp_path / "acc.toml").exit_code == 0
    assert seen == [False, True]
    (tmp_path / "bad.toml").write_text(text.replace("gold_spans = false\n", 'gold_spans = false\naccurate = "yes"\n'),
                                       encoding="utf-8")
    result = cw_gate(datasets, tmp_path / "bad.toml")
    assert result.exit_code == 2 and "accurate must be true or false" in result.output
