"""The posts scorer on a tiny gold file written here (fiction): claims matched by span, sources, types, places."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimwatch.evaluate.posts import _jaccard, _Tally, read
from claimwatch.model import (
    Article,
    Claim,
    ClaimKind,
    Event,
    Extraction,
    Place,
    PlaceMention,
    Source,
    Span,
    Status,
)

TEXT = "Силы ПВО сбили 12 беспилотников над Курской областью, — Минобороны. В Судже повреждены дома."


def _gold(tmp_path: Path) -> Path:
    gold = {"id": "t1", "text": TEXT, "claims": [
        {"source": [56, 66], "cue": [54, 55], "content": [0, 52], "status": "claimed"},
        {"source": None, "cue": None, "content": [68, 92], "status": "asserted"}],
        "events": [{"type": "Strategic developments", "sub_type": "Disrupted weapons use", "trigger": [9, 14]}],
        "toponyms": [{"span": [36, 51], "lat": 51.7, "lon": 36.2}, {"span": [70, 76], "lat": 51.19, "lon": 35.27}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_scores_by_hand(tmp_path: Path) -> None:
    [(record, text)] = read(_gold(tmp_path))
    assert text == TEXT
    claim = Claim(Span.of(TEXT, 0, 52), ClaimKind.INDIRECT, Status.CLAIMED, Source(Span.of(TEXT, 56, 66)),
                  events=[Event("Strategic developments", "Disrupted weapons use", Span.of(TEXT, 9, 14))])
    wrong = Claim(Span.of(TEXT, 0, 8), ClaimKind.OUTLET, Status.ASSERTED)
    kursk = PlaceMention(Span.of(TEXT, 36, 51), Place(1, "Kursk Oblast", "A", "ADM1", "RU", "Kursk", 51.6, 36.0))
    far = PlaceMention(Span.of(TEXT, 70, 76), Place(2, "Sudzha?", "P", "PPL", "RU", "x", 45.0, 40.0))
    tally = _Tally()
    tally.add(record, Extraction(Article(text=TEXT), [claim, wrong], [kursk, far]))
    result = tally.result()
    assert result["claims"] == {"p": 0.5, "r": 0.5, "f1": 0.5}
    assert result["sources"] == 1.0 and result["event_types"] == 1.0 and result["toponyms_acc161"] == 0.5


def test_a_changed_text_is_refused(tmp_path: Path) -> None:
    path = _gold(tmp_path)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["sha1"] = "0" * 40
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="SHA-1 differs"):
        read(path)


def test_jaccard() -> None:
    assert _jaccard((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert _jaccard((0, 10), (10, 20)) == 0.0
