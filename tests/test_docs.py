"""Docs kept honest: every export format and evaluation task the code offers is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.evaluate import TASKS
from claimwatch.export import FOLDER_FORMATS, FORMATS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EVALUATION = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted([*FORMATS, *FOLDER_FORMATS]))
def test_every_export_format_is_in_the_readme(name: str) -> None:
    assert f"`{name}`" in README


@pytest.mark.parametrize("task", TASKS)
def test_every_evaluation_task_is_documented_with_its_command(task: str) -> None:
    assert f"eval {task} " in README
    assert f"claimwatch eval {task} " in EVALUATION


def test_readme_has_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_every_cli_command_is_in_the_readme() -> None:
    from typer.main import get_command

    from claimwatch.cli import app

    commands = get_command(app).commands  # type: ignore[attr-defined]
    missing = [name for name in commands if f"claimwatch {name}" not in README]
    assert not missing


def test_the_readme_stage_table_matches_the_pipeline() -> None:
    from claimwatch import Pipeline

    for i, stage in enumerate(Pipeline().stages("en"), 1):
        row = f"| {i} | `{stage.name}` | {', '.join(stage.requires)} | {', '.join(stage.assigns)} |"
        assert row in README


def test_the_evaluation_gate_is_documented_with_its_floors() -> None:
    """README names the gate; docs/evaluation.md's floors table matches the shipped floors file row by row."""
    from claimwatch.evaluate.gate import load_floors

    assert "claimwatch eval gate" in README and "claimwatch eval gate" in EVALUATION
    rows = [line for line in EVALUATION.splitlines() if line.startswith("| ")]
    for entry in load_floors():
        for f in entry.floors:
            cells = f"| `{f.figure}` | {f.measured:.4f} | {f.floor:.2f} |"
            assert any(r.startswith(f"| {entry.name} |") and r.endswith(cells) for r in rows), (entry.name, f)


def test_every_api_route_and_filter_is_in_the_readme() -> None:
    from claimwatch.query import FILTER_NAMES
    from claimwatch.settings import load_options
    from claimwatch.web import create_app

    paths = create_app(load_options(db="sqlite://")).openapi()["paths"]
    routes = [f"{method.upper()} {path}" for path, operations in paths.items() for method in operations]
    assert len(routes) >= 10 and all(r.split()[1].startswith("/api/") for r in routes)
    assert [r for r in routes if f"`{r}`" not in README] == []
    assert [name for name in FILTER_NAMES if f"`{name}`" not in README] == []
