"""Shared fixtures: options, the spaCy pipeline (loaded once per session), example paths, scratch databases,
a private PostgreSQL server (module scope; skipped when its binaries are missing).

Tests never touch the network or ``/work/shared/datasets``; fixtures are short fictional texts.

Tiers: a test that loads the spaCy model is marked ``model`` (tests using the ``pipeline`` or ``nlp`` fixtures are
marked here automatically), so ``pytest -m "not model"`` runs the fast tier in seconds; an unmarked test that
tries to load the model fails with a message saying so. Caches (the gazetteer index) live under pytest's
temporary directory, never in the user's home.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from claimwatch.settings import Options, load_options

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


#: fixtures that load the spaCy model
MODEL_FIXTURES = frozenset({"pipeline", "nlp"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """$XDG_CACHE_HOME inside pytest's temporary directory for the session (subprocesses inherit it)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _model_tier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside the ``model`` tier, loading the spaCy model is an error that says how to mark the test."""
    if request.node.get_closest_marker("model") is not None:
        return

    def refuse(*_: object, **__: object) -> None:
        raise RuntimeError(f"{request.node.nodeid} loads the spaCy model: mark it @pytest.mark.model")

    monkeypatch.setattr("claimwatch.nlp.english", refuse)
    monkeypatch.setattr("claimwatch.nlp.resources.english", refuse)


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


# -- PostgreSQL ---------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: Set (to anything but "" or "0") where PostgreSQL must be tested (.ci/run sets it): a server that cannot be
#: found or started then fails the tests that need it instead of skipping them.
REQUIRE_POSTGRES = "CLAIMWATCH_TEST_POSTGRES"


def _no_postgres(why: str) -> NoReturn:
    if os.environ.get(REQUIRE_POSTGRES, "") not in ("", "0"):
        pytest.fail(f"{why}, and ${REQUIRE_POSTGRES} says PostgreSQL must be tested", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL on 127.0.0.1 for the test session (skipped when initdb or psycopg is missing, unless
    ``$CLAIMWATCH_TEST_POSTGRES`` is set: then that fails)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _no_postgres("psycopg is not installed")
    if not shutil.which("initdb") or not shutil.which("pg_ctl"):
        _no_postgres("PostgreSQL server binaries (initdb, pg_ctl) are not on PATH")
    folder = Path(tempfile.mkdtemp(prefix="claimwatch-pg-"))
    data = folder / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as the postgres user
        if not shutil.which("runuser"):
            _no_postgres("running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
        folder.chmod(0o777)
    port = _free_port()
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=60)
    try:
        run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        run("pg_ctl", "-D", str(data), "-w", "-l", str(data.parent / "log"), "-o",
            f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        _no_postgres(f"could not start PostgreSQL: {exc}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"], check=False,
                       capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    """A fresh, empty database on the session's private PostgreSQL server, for one test."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"cw_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """A fresh database of each backend in turn: SQLite, then PostgreSQL (a test using it runs once for each)."""
    if request.param == "sqlite":
        return db_url
    return str(request.getfixturevalue("pg_url"))
