"""The hand-annotated gold files in ``bench/data`` (issue 10) and their checker, ``bench/check_gold.py``.

Reads only the repository's files (never the ru_telegram corpus): the Russian annotations are checked for
structure, the fictional Ukrainian posts against their own text.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_gold", ROOT / "bench" / "check_gold.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_gold"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


check_gold = _load_checker()

TEXT = "Минобороны: сбито пять ракет над Брянской областью."


def _record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": "t1", "channel": "test", "text": TEXT, "sha1": check_gold.sha1(TEXT),
        "claims": [{"source": [0, 10], "cue": [10, 11], "content": [12, 50], "status": "claimed"}],
        "events": [{"type": "Strategic developments", "sub_type": "Disrupted weapons use", "trigger": [12, 17]}],
        "toponyms": [{"span": [33, 50], "geonameid": None, "lat": 52.9, "lon": 33.4, "kind": "region"}],
    }
    record.update(changes)
    return record


def _write(tmp_path: Path, *records: dict[str, object]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_uk_fiction_gold_is_valid_and_large_enough() -> None:
    report = check_gold.check_uk()
    assert report.problems == []
    assert report.counts["posts"] >= 20
    assert report.counts["claims.attributed"] > 0 and report.counts["events"] > 0
    assert {"hedged", "denied", "unconfirmed"} <= {k.split(".", 1)[1] for k in report.counts if k.startswith("claims.")}


def test_ru_telegram_gold_structure_without_the_corpus() -> None:
    report = check_gold.check_ru(corpus=None)
    assert report.problems == []
    assert report.counts["posts"] >= 60
    assert len(report.channels) >= 8


def test_ru_telegram_gold_holds_no_post_text() -> None:
    keys = {"file", "message_id", "channel", "sha1", "claims", "events", "toponyms"}
    for record in check_gold.read_jsonl(check_gold.RU_GOLD):
        assert set(record) == keys
        assert len(record["sha1"]) == 40


def test_checker_accepts_a_good_record(tmp_path: Path) -> None:
    assert check_gold.check_uk(_write(tmp_path, _record())).problems == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"claims": [{"source": None, "cue": None, "content": [12, 99], "status": "claimed"}]}, "past the end"),
    ({"claims": [{"source": None, "cue": None, "content": [12, 12], "status": "claimed"}]}, "empty"),
    ({"claims": [{"source": None, "cue": None, "content": [12, 50], "status": "rumoured"}]}, "unknown status"),
    ({"sha1": "0" * 40}, "sha1 does not match"),
    ({"events": [{"type": "Battles", "sub_type": "Air/drone strike", "trigger": [12, 17]}]}, "unknown type"),
    ({"toponyms": [{"span": [33, 50], "geonameid": None, "lat": None, "lon": 33.4, "kind": "region"}]}, "lat/lon"),
])
def test_checker_reports_each_kind_of_problem(tmp_path: Path, change: dict[str, object], expected: str) -> None:
    problems = check_gold.check_uk(_write(tmp_path, _record(**change))).problems
    assert len(problems) == 1 and expected in problems[0]


def test_ru_check_compares_offsets_and_sha1_with_the_corpus_post(tmp_path: Path) -> None:
    corpus = tmp_path / "ru_telegram"
    corpus.mkdir()
    (corpus / "1_messages.json").write_text(json.dumps([{"message_id": 7, "text": TEXT}]), encoding="utf-8")
    good = {k: v for k, v in _record().items() if k not in ("id", "text")}
    good.update(file="1_messages.json", message_id=7)
    assert check_gold.check_ru(_write(tmp_path, good), corpus).problems == []
    other = dict(good, message_id=8)
    assert check_gold.check_ru(_write(tmp_path, other), corpus).problems == ["1_messages.json#8: no such post in the corpus"]
    changed = (corpus / "1_messages.json")
    changed.write_text(json.dumps([{"message_id": 7, "text": TEXT[:20]}]), encoding="utf-8")
    problems = check_gold.check_ru(_write(tmp_path, good), corpus).problems
    assert any("sha1" in p for p in problems) and any("past the end" in p for p in problems)


def test_selection_rule_takes_the_first_war_posts_of_the_busiest_channels(tmp_path: Path) -> None:
    posts = {
        "1_messages.json": [{"message_id": 5, "text": "Минобороны: сбит БПЛА"}, {"message_id": 2, "text": "ВСУшники"},
                            {"message_id": 3, "text": "погода"}, {"message_id": 9, "text": None},
                            {"message_id": 4, "text": "обстрелы Белгорода"}],
        "2_messages.json": [{"message_id": 1, "text": "СВО"}, {"message_id": 8, "text": "ПВО сбили дрон"}],
        "3_messages.json": [{"message_id": 1, "text": "фронтенд и ВСУ"}],
    }
    for name, items in posts.items():
        (tmp_path / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    assert check_gold.selection(tmp_path, n_channels=2, per_channel=2) == [
        ("1_messages.json", 2), ("1_messages.json", 4), ("2_messages.json", 1), ("2_messages.json", 8)]
