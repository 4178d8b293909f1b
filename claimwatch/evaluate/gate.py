"""The evaluation gate: score every gold corpus a floors file names and hold each figure to its floor.

Reads a floors file (TOML; the shipped one is ``claimwatch/evaluate/floors.toml``, whose header explains its
keys and the margin rule) and the gold corpora it names under a datasets folder; writes nothing. Per entry:

- the corpus is not there: *absent*, skipped, not a failure;
- its fingerprint differs from the recorded one: *fingerprint changed*, reported and not scored, a failure;
- otherwise it is scored by :func:`claimwatch.evaluate.run` (the scorers ``claimwatch eval`` runs) and each
  gated figure is *ok* (at or above its floor) or *BELOW*, a failure; a scorer error is *error*, a failure.

The fingerprint (:func:`fingerprint`) is the SHA-256 over the files matched by the entry's ``hash`` globs
(relative to the datasets folder), taken in the order of their relative POSIX paths; each file contributes its
relative path (UTF-8), a NUL byte, its size in bytes (decimal ASCII), a NUL byte and its bytes.

The CLI's ``claimwatch eval gate`` is a shell over :func:`check` and :func:`render`.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from ..settings import Options, load_options
from . import TASKS, EvaluationError, run, task_module

#: Where the gold corpora are when neither ``--datasets`` nor ``$CLAIMWATCH_DATASETS`` says.
DEFAULT_DATASETS = Path("../shared/datasets")
DATASETS_ENV = "CLAIMWATCH_DATASETS"
_ENTRY_KEYS = frozenset({"name", "task", "format", "path", "gold_spans", "hash", "sha256", "files", "figures",
                         "root", "accurate"})
#: the repository checkout, for corpora claimwatch ships itself (``root = "repo"``: bench/data/…)
REPO = Path(__file__).resolve().parents[2]
_FIGURE_KEYS = frozenset({"name", "measured", "floor"})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FloorsError(EvaluationError):
    """The floors file cannot be read or does not describe a gate."""


class Outcome(StrEnum):
    """What the gate found for one figure or one corpus."""

    OK = "ok"
    BELOW = "BELOW"
    CHANGED = "fingerprint changed"
    ABSENT = "absent"
    ERROR = "error"


#: Outcomes that fail the gate.
FAILING = frozenset({Outcome.BELOW, Outcome.CHANGED, Outcome.ERROR})


@dataclass(frozen=True, slots=True)
class Floor:
    """One gated figure: its dotted path in the scorer's result, the figure measured when it was set, its floor."""

    figure: str
    measured: float
    floor: float


@dataclass(frozen=True, slots=True)
class Entry:
    """One scorer run over one corpus, as the floors file describes it."""

    name: str
    task: str
    format: str
    path: str  #: relative to the datasets folder
    gold_spans: bool
    hash: tuple[str, ...]  #: globs, relative to the datasets folder, of the files the fingerprint covers
    sha256: str
    floors: tuple[Floor, ...]
    files: int | None = None  #: how many files the fingerprint covered when it was recorded
    root: str = "datasets"  #: "datasets": under the datasets folder; "repo": in the repository checkout
    accurate: bool = False  #: scored in the ``--accurate`` mode


@dataclass(frozen=True, slots=True)
class FigureCheck:
    floor: Floor
    value: float | None  #: None when the corpus was not scored
    outcome: Outcome

    @property
    def margin(self) -> float | None:
        return None if self.value is None else round(self.value - self.floor.floor, 4)


@dataclass(frozen=True, slots=True)
class EntryCheck:
    entry: Entry
    outcome: Outcome
    figures: tuple[FigureCheck, ...]
    seconds: float
    sha256: str | None = None  #: the fingerprint found (None when the corpus is absent)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class GateResult:
    datasets: Path
    floors: str
    entries: tuple[EntryCheck, ...]
    seconds: float

    @property
    def present(self) -> tuple[EntryCheck, ...]:
        return tuple(e for e in self.entries if e.outcome is not Outcome.ABSENT)

    @property
    def ok(self) -> bool:
        """True when no corpus failed (absent corpora do not fail)."""
        return not any(e.outcome in FAILING for e in self.entries)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the result."""
        return {"ok": self.ok, "seconds": round(self.seconds, 1), "datasets": str(self.datasets),
                "floors": self.floors, "present": len(self.present), "entries": [_entry_dict(e) for e in self.entries]}


def _entry_dict(check: EntryCheck) -> dict[str, Any]:
    e = check.entry
    return {"name": e.name, "task": e.task, "format": e.format, "path": e.path, "gold_spans": e.gold_spans,
            "outcome": str(check.outcome), "seconds": round(check.seconds, 1), "detail": check.detail,
            "sha256": {"expected": e.sha256, "found": check.sha256},
            "figures": [{"figure": f.floor.figure, "value": f.value, "floor": f.floor.floor,
                         "measured": f.floor.measured, "margin": f.margin, "outcome": str(f.outcome)}
                        for f in check.figures]}


# -- the floors file ------------------------------------------------------------------------------------

def default_datasets() -> Path:
    """``$CLAIMWATCH_DATASETS``, else ``../shared/datasets`` relative to the current directory."""
    return Path(os.environ.get(DATASETS_ENV) or DEFAULT_DATASETS)


def load_floors(path: str | Path | None = None) -> tuple[Entry, ...]:
    """The entries of a floors file (the shipped ``floors.toml`` when ``path`` is None), validated."""
    try:
        if path is None:
            data = tomllib.loads(resources.files("claimwatch.evaluate").joinpath("floors.toml").read_text("utf-8"))
        else:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FloorsError(f"cannot read floors file {path or 'floors.toml'}: {exc}") from exc
    raw = data.get("entry")
    if not isinstance(raw, list) or not raw:
        raise FloorsError("the floors file has no [[entry]] tables")
    entries = tuple(_entry(item) for item in raw)
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise FloorsError(f"entry names repeat in the floors file: {', '.join(sorted(names))}")
    return entries


def _entry(item: Any) -> Entry:
    if not isinstance(item, dict):
        raise FloorsError("every [[entry]] must be a table")
    name = str(item.get("name", "?"))
    unknown = set(item) - _ENTRY_KEYS
    missing = (_ENTRY_KEYS - {"gold_spans", "files", "root", "accurate"}) - set(item)
    if unknown or missing:
        raise FloorsError(f"entry {name!r}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    task, fmt, path = str(item["task"]), str(item["format"]), str(item["path"])
    if task not in TASKS:
        raise FloorsError(f"entry {name!r}: unknown task {task!r}; known: {', '.join(TASKS)}")
    formats = getattr(task_module(task), "FORMATS", None)
    if formats is not None and fmt not in formats:
        raise FloorsError(f"entry {name!r}: {task} reads {', '.join(formats)}, not {fmt!r}")
    if Path(path).is_absolute() or ".." in Path(path).parts:
        raise FloorsError(f"entry {name!r}: path {path!r} must be relative to the datasets folder")
    if not _SHA256.match(str(item["sha256"])):
        raise FloorsError(f"entry {name!r}: sha256 must be 64 lowercase hex digits")
    hashed = item["hash"]
    if not isinstance(hashed, list) or not hashed or not all(isinstance(h, str) for h in hashed):
        raise FloorsError(f"entry {name!r}: hash must be a non-empty list of globs")
    files = item.get("files")
    if files is not None and not isinstance(files, int):
        raise FloorsError(f"entry {name!r}: files must be a whole number")
    root = str(item.get("root", "datasets"))
    if root not in ("datasets", "repo"):
        raise FloorsError(f"entry {name!r}: root must be 'datasets' or 'repo', not {root!r}")
    accurate = item.get("accurate", False)
    if not isinstance(accurate, bool):
        raise FloorsError(f"entry {name!r}: accurate must be true or false")
    return Entry(name, task, fmt, path, bool(item.get("gold_spans", False)), tuple(hashed), str(item["sha256"]),
                 _floors(name, item["figures"]), files, root, accurate)


def _floors(name: str, raw: Any) -> tuple[Floor, ...]:
    if not isinstance(raw, list) or not raw:
        raise FloorsError(f"entry {name!r}: figures must be a non-empty list")
    floors = []
    for fig in raw:
        if not isinstance(fig, dict) or set(fig) != _FIGURE_KEYS:
            raise FloorsError(f"entry {name!r}: each figure needs exactly {sorted(_FIGURE_KEYS)}")
        if not all(isinstance(fig[k], int | float) for k in ("measured", "floor")):
            raise FloorsError(f"entry {name!r}, figure {fig['name']!r}: measured and floor must be numbers")
        floors.append(Floor(str(fig["name"]), float(fig["measured"]), float(fig["floor"])))
    return tuple(floors)


# -- fingerprints -----------------------------------------------------------------------------------------

def hashed_files(datasets: Path, patterns: Iterable[str]) -> list[tuple[str, Path]]:
    """(relative POSIX path, file) for every file the globs match under ``datasets``, sorted by path."""
    found = {p.relative_to(datasets).as_posix(): p for pattern in patterns for p in datasets.glob(pattern)
             if p.is_file()}
    return sorted(found.items())


def fingerprint(datasets: Path, patterns: Iterable[str]) -> str:
    """SHA-256 (hex) over the matched files' relative paths, sizes and bytes (see the module docstring)."""
    digest = hashlib.sha256()
    for rel, path in hashed_files(datasets, patterns):
        data = path.read_bytes()
        digest.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode("ascii") + b"\0")
        digest.update(data)
    return digest.hexdigest()


# -- checking ---------------------------------------------------------------------------------------------

def figure_value(result: dict[str, Any], dotted: str) -> float:
    """The figure at a dotted path of a scorer's result (``exact.source.f1``, ``weighted_f1``)."""
    value: Any = result
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            raise EvaluationError(f"figure {dotted!r} is not in the {result.get('task', '?')} result")
        value = value[key]
    if not isinstance(value, int | float):
        raise EvaluationError(f"figure {dotted!r} is not a number")
    return float(value)


def _unscored(entry: Entry, outcome: Outcome) -> tuple[FigureCheck, ...]:
    return tuple(FigureCheck(f, None, outcome) for f in entry.floors)


def _compared(floor: Floor, value: float) -> FigureCheck:
    return FigureCheck(floor, value, Outcome.OK if value >= floor.floor else Outcome.BELOW)


def _changed_detail(entry: Entry, found: str, n_files: int) -> str:
    recorded = f" ({entry.files} recorded)" if entry.files is not None and entry.files != n_files else ""
    return (f"sha256 {found[:12]}… over {n_files} files{recorded}, recorded {entry.sha256[:12]}…; not scored "
            "(if the corpus changed on purpose, re-measure and update the floors file)")


def check_entry(entry: Entry, datasets: Path, options: Options | None = None) -> EntryCheck:
    """Fingerprint, then score, one entry (see the module docstring for the outcomes)."""
    started = time.perf_counter()
    datasets_root = datasets
    datasets = REPO if entry.root == "repo" else datasets
    corpus = datasets / entry.path
    if not corpus.exists():
        return EntryCheck(entry, Outcome.ABSENT, _unscored(entry, Outcome.ABSENT), 0.0,
                          detail=f"{corpus} not found")
    found = fingerprint(datasets, entry.hash)
    if found != entry.sha256:
        return EntryCheck(entry, Outcome.CHANGED, _unscored(entry, Outcome.CHANGED),
                          time.perf_counter() - started, found,
                          _changed_detail(entry, found, len(hashed_files(datasets, entry.hash))))
    try:
        if entry.accurate:
            options = (options or load_options()).with_(accurate=True)
        with _datasets_env(datasets_root):
            result = run(entry.task, entry.format, corpus, options, gold_spans=entry.gold_spans)
        figures = tuple(_compared(f, figure_value(result, f.figure)) for f in entry.floors)
    except EvaluationError as exc:
        return EntryCheck(entry, Outcome.ERROR, _unscored(entry, Outcome.ERROR), time.perf_counter() - started,
                          found, str(exc))
    outcome = Outcome.BELOW if any(f.outcome is Outcome.BELOW for f in figures) else Outcome.OK
    return EntryCheck(entry, outcome, figures, time.perf_counter() - started, found)


@contextmanager
def _datasets_env(datasets: Path) -> Iterator[None]:
    """``$CLAIMWATCH_DATASETS`` pointing at ``datasets`` while an entry is scored: a corpus kept in the repository
    may name texts that stay in the datasets folder (the Telegram gold names posts, the posts stay in shared/)."""
    before = os.environ.get("CLAIMWATCH_DATASETS")
    os.environ["CLAIMWATCH_DATASETS"] = str(datasets)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CLAIMWATCH_DATASETS", None)
        else:
            os.environ["CLAIMWATCH_DATASETS"] = before


def check(datasets: str | Path | None = None, floors: str | Path | None = None, only: str | None = None,
          options: Options | None = None, on_entry: Callable[[Entry], None] | None = None) -> GateResult:
    """Run the gate: every entry of ``floors`` (the shipped file by default) whose task is ``only`` (all when
    None) against the corpora under ``datasets`` (:func:`default_datasets` when None). ``on_entry`` is called
    before each entry is checked (progress)."""
    if only is not None and only not in TASKS:
        raise EvaluationError(f"unknown task {only!r}; known: {', '.join(TASKS)}")
    root = Path(datasets) if datasets is not None else default_datasets()
    started = time.perf_counter()
    checks = []
    for entry in load_floors(floors):
        if only is not None and entry.task != only:
            continue
        if on_entry is not None:
            on_entry(entry)
        checks.append(check_entry(entry, root, options))
    return GateResult(root, str(floors) if floors else "floors.toml (shipped)", tuple(checks),
                      time.perf_counter() - started)


# -- presentation -----------------------------------------------------------------------------------------

_STYLE = {Outcome.OK: "green", Outcome.BELOW: "bold red", Outcome.CHANGED: "bold red", Outcome.ERROR: "bold red",
          Outcome.ABSENT: "yellow"}


def summary(result: GateResult) -> str:
    """One line: passed or failed, how many corpora were scored and how long it took."""
    n_figures = sum(len(e.figures) for e in result.entries if e.outcome in (Outcome.OK, Outcome.BELOW))
    absent = len(result.entries) - len(result.present)
    counts = (f"{len(result.present)} of {len(result.entries)} entries present ({absent} absent, skipped), "
              f"{n_figures} figures scored, {result.seconds:.1f} s")
    if not result.present:
        return f"warning: no gold corpus found under {result.datasets}: nothing was checked ({counts})"
    failed = [e.entry.name for e in result.entries if e.outcome in FAILING]
    if failed:
        return f"gate FAILED ({', '.join(failed)}): {counts}"
    return f"gate passed: {counts}"


def render(result: GateResult) -> Any:
    """A Rich table of the gate (one row per gated figure), its notes and its summary line."""
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"evaluation gate: {escape(result.floors)} on {escape(str(result.datasets))}",
                  title_justify="left")
    for name in ("task", "corpus", "figure", "value", "floor", "margin", "status", "s"):
        numeric = name in ("value", "floor", "margin", "s")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric, overflow="fold")
    notes = []
    for check in result.entries:
        for i, fig in enumerate(check.figures):
            first = i == 0
            table.add_row(
                check.entry.task if first else "", escape(check.entry.name) if first else "", fig.floor.figure,
                "—" if fig.value is None else f"{fig.value:.4f}", f"{fig.floor.floor:.4f}",
                "—" if fig.margin is None else f"{fig.margin:+.4f}",
                Text(str(fig.outcome), style=_STYLE[fig.outcome]),
                f"{check.seconds:.1f}" if first and check.outcome is not Outcome.ABSENT else "")
        if check.detail and check.outcome is not Outcome.ABSENT:
            notes.append(Text(f"{check.entry.name}: {check.outcome}: {check.detail}", style=_STYLE[check.outcome]))
    style = "bold red" if not result.ok else "yellow" if not result.present else "green"
    return Group(table, *notes, Text(summary(result), style=style))


__all__ = ["DATASETS_ENV", "DEFAULT_DATASETS", "FAILING", "Entry", "EntryCheck", "FigureCheck", "Floor",
           "FloorsError", "GateResult", "Outcome", "check", "check_entry", "default_datasets", "figure_value",
           "fingerprint", "hashed_files", "load_floors", "render", "summary"]
