"""Evaluation dispatcher: ``run(task, fmt, path, options)`` scores the pipeline against gold data.

Each task is a module ``claimwatch.evaluate.<task>`` (attribution, events, geo, stance) with
``evaluate(path, fmt, pipeline, save_predictions=None, gold_spans=False) -> dict`` and ``render(result)``
(a Rich renderable); a module may list the gold formats it reads in ``FORMATS``. The CLI's ``eval`` command
is a shell over :func:`run` and :func:`render`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from ..settings import Options

TASKS = ("attribution", "events", "geo", "posts", "stance", "stories")


class EvaluationError(ValueError):
    """An evaluation cannot run as asked (unknown task or format, missing gold data)."""


def task_module(task: str) -> ModuleType:
    """The module that evaluates ``task``."""
    if task not in TASKS:
        raise EvaluationError(f"unknown task {task!r}; known: {', '.join(TASKS)}")
    try:
        return importlib.import_module(f"{__name__}.{task}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{task}":
            raise EvaluationError(f"evaluation of {task!r} is not available in this version") from exc
        raise


def run(task: str, fmt: str, path: str | Path, options: Options | None = None,
        save_predictions: str | Path | None = None, gold_spans: bool = False) -> dict[str, Any]:
    """Score the pipeline (built from ``options``) on the gold data at ``path`` in format ``fmt``."""
    module = task_module(task)
    formats = getattr(module, "FORMATS", None)
    if formats is not None and fmt not in formats:
        raise EvaluationError(f"{task} evaluation reads {', '.join(formats)}, not {fmt!r}")
    if not Path(path).exists():
        raise EvaluationError(f"gold data not found: {path}")
    from ..pipeline import Pipeline

    pipeline = Pipeline(options)
    try:
        return dict(module.evaluate(path, fmt, pipeline, save_predictions=save_predictions, gold_spans=gold_spans))
    except (ValueError, FileNotFoundError) as exc:
        if isinstance(exc, EvaluationError):
            raise
        raise EvaluationError(str(exc)) from exc


def render(task: str, result: dict[str, Any]) -> Any:
    """The task module's Rich rendering of ``result``."""
    return task_module(task).render(result)


__all__ = ["TASKS", "EvaluationError", "render", "run", "task_module"]
