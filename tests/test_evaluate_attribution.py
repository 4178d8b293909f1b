"""Brat standoff reading/writing and the attribution scorer (exact and token-overlap P/R/F1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.evaluate import attribution as ev
from claimwatch.evaluate.brat import Relation, read_ann, read_gold_dir, write_ann

TEXT = "The ministry said its forces repelled an attack. “We hold,” the commander said."
#        0         1         2         3         4         5         6         7
ANN = """T1\tSource 0 12\tThe ministry
T2\tCue 13 17\tsaid
T3\tContent 18 47\tits forces repelled an attack
T4\tAttribution 13 17\tsaid
E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1
T5\tContent 49 59\t“We hold,”
T6\tCue 74 78\tsaid
T7\tAttribution-no-source 74 78\tsaid
E2\tAttribution-no-source:T7 Content:T5 Cue:T6
"""


def make_corpus(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (root / "attributions" / "doc1_aaaa.ann").write_text("T1\tCue 13 17\tsaid\n", encoding="utf-8")
    (root / "attributions" / "doc1_bbbb.ann").write_text(ANN, encoding="utf-8")
    (root / "metadata.tsv").write_text("compartment\tfilename\tannotators\ndev\tdoc1\tbbbb|aaaa\n", encoding="utf-8")
    return root


def test_read_ann_relations_and_sourceless() -> None:
    rels = read_ann(ANN)
    assert rels[0] == Relation(cue=((13, 17),), content=((18, 47),), source=((0, 12),))
    assert rels[1].source is None and rels[1].content == ((49, 59),)


def test_metadata_chooses_the_annotation(tmp_path: Path) -> None:
    docs = list(read_gold_dir(make_corpus(tmp_path)))
    assert len(docs) == 1 and docs[0].annotation is not None
    assert docs[0].annotation.name == "doc1_bbbb.ann" and len(docs[0].relations) == 2


def test_perfect_prediction_scores_one() -> None:
    scorer = ev.Scorer()
    gold = read_ann(ANN)
    scorer.add(TEXT, gold, gold)
    result = scorer.result()
    for kind in ("exact", "overlap"):
        for role in ev.ROLES:
            assert result[kind][role]["f1"] == 1.0


def test_partial_prediction() -> None:
    gold = read_ann(ANN)
    # right cue and source, content one token too long, second attribution missed
    pred = [Relation(cue=((13, 17),), content=((18, 48),), source=((0, 12),))]
    scorer = ev.Scorer()
    scorer.add(TEXT, gold, pred)
    r = scorer.result()
    assert r["exact"]["cue"] == {"p": 1.0, "r": 0.5, "f1": pytest.approx(0.6667, abs=1e-4)}
    assert r["exact"]["content"]["p"] == 0.0
    # content tokens: gold 5 + 5 ("“ We hold , ”") = 10, predicted 6 (with the "."), overlapping 5
    assert r["overlap"]["content"]["p"] == pytest.approx(5 / 6, abs=1e-4)
    assert r["overlap"]["content"]["r"] == pytest.approx(5 / 10, abs=1e-4)
    assert r["overlap"]["source"]["f1"] == 1.0


def test_write_ann_round_trips(tmp_path: Path) -> None:
    rels = read_ann(ANN)
    out = tmp_path / "x.ann"
    write_ann(out, TEXT, rels)
    assert read_ann(out.read_text(encoding="utf-8")) == rels
    assert "\tSource 0 12\tThe ministry" in out.read_text(encoding="utf-8")


def test_evaluate_end_to_end(tmp_path: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    corpus = make_corpus(tmp_path / "corpus")
    preds = tmp_path / "preds"
    result = ev.evaluate(corpus, "brat", pipeline, save_predictions=preds)
    assert result["task"] == "attribution" and result["documents"] == 1 and result["gold"] == 2
    assert set(result["exact"]) == {"source", "cue", "content"}
    assert all(0.0 <= result[k][r][m] <= 1.0 for k in ("exact", "overlap") for r in ev.ROLES for m in ("p", "r", "f1"))
    written = read_ann((preds / "doc1.ann").read_text(encoding="utf-8"))
    assert len(written) == result["predicted"]
    assert Relation(cue=((13, 17),), content=((18, 47),), source=((0, 12),)) in written


def test_wrong_format_is_refused(tmp_path: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        ev.evaluate(make_corpus(tmp_path), "conll", pipeline)
