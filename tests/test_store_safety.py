"""The store survives a crash at any moment and concurrent writers: a migration is all or nothing (also under
``kill -9`` during the first open), two writers never fail on each other's rows, and a database that cannot be
used (read-only, damaged, not a database) is a clear message and a non-zero exit, never a traceback."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_store import make_extraction
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.ingest import ingest_paths
from claimwatch.readers.files import count_items
from claimwatch.store import Store, StoreUnavailable, migrate

ROOT = Path(__file__).resolve().parent.parent
FEW = ("03_no_confirmation.txt", "06_denial.txt", "10_wire_roundup.jsonl")


def few_examples(examples_dir: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in FEW:
        shutil.copy(examples_dir / name, folder)
    return folder


def schema(path: Path) -> set[str]:
    with sqlite3.connect(path) as con:
        return {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m claimwatch ARGS`` on this checkout, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250"}
    env.pop("CLAIMWATCH_DB", None)
    return subprocess.run([sys.executable, "-m", "claimwatch", *args], capture_output=True, text=True,
                          env=env, cwd=cwd or ROOT, timeout=timeout, check=False)


def test_a_migration_that_fails_part_way_leaves_nothing_behind(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import alembic.op

    real = alembic.op.create_table
    made: list[str] = []

    def crash_on_the_third(name: str, *args: Any, **kwargs: Any) -> Any:
        if len(made) == 2:
            raise KeyboardInterrupt("the power went out")
        made.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(alembic.op, "create_table", crash_on_the_third)
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    with pytest.raises(KeyboardInterrupt):
        Store(url)
    assert made == ["outlets", "articles"] and schema(tmp_path / "cw.db") == set()  # both rolled back
    monkeypatch.undo()
    with Store(url) as store:
        assert store.counts()["articles"] == 0 and "outlets" in schema(tmp_path / "cw.db")


@pytest.mark.model
def test_kill_9_during_the_first_open_never_leaves_a_database_that_will_not_open(
        tmp_path: Path, examples_dir: Path, pipeline: Any, options: Any) -> None:
    inputs = few_examples(examples_dir, tmp_path / "in")
    rnd = random.Random(9)
    delays = [0.0, 0.0, *(rnd.uniform(0.0, 0.06) for _ in range(4))]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for i, delay in enumerate(delays):
        db = tmp_path / f"kill{i}.db"
        proc = subprocess.Popen([sys.executable, "-m", "claimwatch", "--db", f"sqlite:///{db}", "ingest",
                                 str(inputs)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not db.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert len(schema(db)) in (0, len(schema_of_a_new_store(tmp_path))), f"half-made schema after kill {i}"
        with Store(f"sqlite:///{db}") as store:
            summary = ingest_paths(store, [inputs], options, pipeline=pipeline)
            assert summary.errors == [] and store.counts()["articles"] == count_items([inputs])


def schema_of_a_new_store(tmp_path: Path) -> set[str]:
    path = tmp_path / "reference.db"
    if not path.exists():
        Store(f"sqlite:///{path}").close()
    return schema(path)


@pytest.mark.model
def test_two_ingests_into_one_new_database_store_everything_once(tmp_path: Path, examples_dir: Path,
                                                                 any_db_url: str) -> None:
    """Two processes ingest the same inputs into one database that does not exist yet (SQLite) or is empty
    (PostgreSQL): the schema is made once, every article stored once, nobody fails on the other's rows."""
    inputs = few_examples(examples_dir, tmp_path / "in")
    url = any_db_url
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250"}
    procs = [subprocess.Popen([sys.executable, "-m", "claimwatch", "--db", url, "ingest", str(inputs)], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    for out in outputs:
        assert "UNIQUE" not in out and "duplicate key" not in out and "Traceback" not in out, out
        assert " 0 errors" in out, out
    with Store(url) as store:
        counts = store.counts()
        hashes = [e.article.content_hash for e in store.iter_extractions()]
    assert counts["articles"] == count_items([inputs]) == len(set(hashes)) and counts["ingest_errors"] == 0


def test_stores_opened_at_the_same_moment_make_the_schema_once(any_db_url: str) -> None:
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def open_store() -> None:
        start.wait()
        try:
            Store(any_db_url).close()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=open_store, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "opening stores at once hangs"
    assert failures == []
    with Store(any_db_url) as store, store.engine.connect() as conn:
        assert [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")] == [migrate.head()]


def test_concurrent_writers_of_the_same_articles_wait_instead_of_failing(any_db_url: str) -> None:
    url = any_db_url
    Store(url).close()
    extractions = [make_extraction(url=f"https://wire.example/{i}", outlet=f"Wire {i % 3}") for i in range(30)]
    outcomes: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(3)

    def writer() -> None:
        with Store(url) as store:
            start.wait()
            for e in extractions:
                try:
                    outcomes.append(store.upsert(replace(e, article=replace(e.article))).outcome)
                except Exception as exc:  # noqa: BLE001 - collected for the assertion
                    failures.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(set(outcomes)) == ["new", "unchanged"] and outcomes.count("new") == 30
    with Store(url) as store:
        assert store.counts()["articles"] == 30


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A database file holding a few articles, checkpointed (no -wal beside it)."""
    path = tmp_path / "filled.db"
    with Store(f"sqlite:///{path}") as store:
        for i in range(20):
            store.save(make_extraction(url=f"https://wire.example/{i}"))
        with store.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_a_read_only_database_is_a_clear_error_and_stays_untouched(filled: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The ministry said the attack was repelled.", encoding="utf-8")
    before = _fingerprint(filled)
    result = CliRunner().invoke(app, ["--db", f"sqlite:///file:{filled}?mode=ro&uri=true", "ingest",
                                      str(tmp_path / "a.txt")], env={"COLUMNS": "250"})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "the database is read-only" in result.output and "writable" in result.output
    assert "Traceback" not in result.output and _fingerprint(filled) == before
    with pytest.raises(StoreUnavailable, match="read-only"), \
            Store(f"sqlite:///file:{filled}?mode=ro&uri=true") as store:
        store.check_writable()


def _damage(path: Path, first_page: int, pages: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(4096 * first_page)
        fh.write(random.Random(3).randbytes(4096 * pages))


@pytest.mark.parametrize(("first_page", "expected"), [(0, "not an SQLite database"), (2, "damaged")])
def test_a_damaged_database_is_a_clear_error(filled: Path, tmp_path: Path, first_page: int, expected: str) -> None:
    _damage(filled, first_page, 40)
    before = _fingerprint(filled)
    (tmp_path / "a.txt").write_text("The ministry said the attack was repelled.", encoding="utf-8")
    for args in (["ingest", str(tmp_path / "a.txt")], ["claims"], ["export"]):
        result = CliRunner().invoke(app, ["--db", f"sqlite:///{filled}", *args], env={"COLUMNS": "250"})
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (args, result.output)
        assert expected in result.output and ".recover" in result.output, result.output
    assert _fingerprint(filled) == before


def test_unusable_database_through_the_real_cli(filled: Path, tmp_path: Path) -> None:
    _damage(filled, 2, 40)
    (tmp_path / "a.txt").write_text("The ministry said the attack was repelled.", encoding="utf-8")
    done = cli("--db", f"sqlite:///{filled}", "ingest", str(tmp_path / "a.txt"))
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert "damaged" in done.stderr
