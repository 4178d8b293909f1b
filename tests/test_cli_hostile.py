"""The hostile corpus (tests/hostile.py) plus the examples through the real command line: exit 0, no traceback,
every item stored or a per-item error that names it, every example stored, payloads stored verbatim and printed
inert."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import write_corpus

from claimwatch.readers.files import count_items
from claimwatch.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.model
def test_the_hostile_corpus_never_stops_the_batch(tmp_path: Path, examples_dir: Path) -> None:
    corpus = write_corpus(tmp_path / "base")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "400"}
    env.pop("CLAIMWATCH_DB", None)
    done = subprocess.run([sys.executable, "-m", "claimwatch", "--db", url, "ingest", "--", str(examples_dir),
                           *corpus.args()], cwd=corpus.base, env=env, capture_output=True, timeout=600, check=False)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 0, out + err
    assert "Traceback" not in out + err

    with Store(url) as store:
        stored = {e.article.origin: e.article for e in store.iter_extractions()}
        errors = {e.origin: e.message for e in store.errors()}
    examples = {o for o in stored if o.startswith(str(examples_dir))}
    assert len(examples) == count_items([examples_dir]) >= 13
    for item in corpus.items:
        where = {"stored": item.origin in stored, "error": item.origin in errors}
        assert any(where.values()) and (item.expect == "either" or where[item.expect]), (item, where)
    assert len(stored) + len(errors) == len(corpus.items) + len(examples)
    assert f"{len(stored)} new, 0 updated, 0 unchanged, {len(errors)} errors" in out

    # payloads are data: stored exactly, printed escaped
    assert stored["hostile/xss.html"].title == "<script>alert(1)</script> [bold red]pwned[/]"
    assert stored["hostile/sql.txt"].title == "Robert'); DROP TABLE articles;--"
    assert stored["hostile/sql.txt"].url == "https://x.example/?q=1' OR '1'='1"
    assert stored["hostile/escape_seq.txt"].title == "\x1b[31mred\x1b[0m"
    assert "\u202e" in (stored["hostile/bidi.txt"].title or "")
    assert stored["hostile/records.jsonl:8"].text == "The ministry said \ufffd the attack failed."
    assert stored["hostile/offset_meta.html"].published is None
    assert "hostile/bad\\xff\\xfename.txt" in stored and "hostile/new\\nline.txt" in stored
    assert "\x1b" not in out + err and "\u202e" not in out + err
    assert "hostile/fifo.txt" in out and "not a regular file" in out

    show = subprocess.run([sys.executable, "-m", "claimwatch", "--db", url, "show",
                           str(stored["hostile/escape_seq.txt"].id)], cwd=corpus.base, env=env, capture_output=True,
                          timeout=120, check=False)
    shown = show.stdout.decode("utf-8")
    assert show.returncode == 0 and "\\x1b[31mred\\x1b[0m" in shown and "\x1b[31mred" not in shown


@pytest.mark.model
def test_an_unreadable_file_named_on_the_command_line_is_one_item_error(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from claimwatch.cli import app

    good, locked = tmp_path / "good.txt", tmp_path / "locked.txt"
    good.write_text("The ministry said the attack near Kupiansk was repelled on Tuesday.", encoding="utf-8")
    locked.write_text("The governor said so.", encoding="utf-8")
    real_access, real_open = os.access, os.open

    def no_access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        return False if Path(str(path)) == locked else real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", no_access)  # what Click asked before it rejected the whole batch (exit 2)
    monkeypatch.setattr(os, "open", refuse)  # root reads a chmod 000 file anyway
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    result = CliRunner().invoke(app, ["--db", url, "ingest", str(good), str(locked)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated, 0 unchanged, 1 errors" in result.output and "Permission denied" in result.output
    with Store(url) as store:
        assert [e.origin for e in store.errors()] == [str(locked)]
