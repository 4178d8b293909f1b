"""Shared fixtures: options, the spaCy pipeline (loaded once per session), example paths, scratch databases.

Tests never touch the network or ``/work/shared/datasets``; fixtures are short fictional texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.settings import Options, load_options

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's $CLAIMWATCH_DB / $CLAIMWATCH_CONFIG never leak into a test."""
    monkeypatch.delenv("CLAIMWATCH_DB", raising=False)
    monkeypatch.delenv("CLAIMWATCH_CONFIG", raising=False)


@pytest.fixture(scope="session")
def options() -> Options:
    return load_options()


@pytest.fixture(scope="session")
def pipeline(options: Options):  # type: ignore[no-untyped-def]
    """The extraction pipeline with its spaCy model loaded (once for the whole session)."""
    from claimwatch.pipeline import Pipeline

    pipe = Pipeline(options)
    _ = pipe.nlp
    return pipe


@pytest.fixture(scope="session")
def nlp(pipeline):  # type: ignore[no-untyped-def]
    """The loaded English spaCy pipeline."""
    return pipeline.nlp


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database URL in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'cw.db'}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the loaded English model (the ``nlp`` or ``pipeline`` fixture, directly or through another
    fixture) are marked ``model`` as well as those marked by hand: ``pytest -m "not model"`` skips them."""
    for item in items:
        if {"nlp", "pipeline"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
