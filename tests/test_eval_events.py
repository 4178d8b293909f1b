"""CASE 2021 evaluation of event typing: reader, label mapping, scores, predictions file, rendering."""

from __future__ import annotations

import pytest

from claimwatch.evaluate import events as ev
from claimwatch.extract.events.lexicon import ACLED_TYPES, EXTENSIONS

CASE_30 = {"ABDUCT_DISSAP", "AGREEMENT", "AIR_STRIKE", "ARMED_CLASH", "ARREST", "ART_MISS_ATTACK", "ATTACK",
           "CHANGE_TO_GROUP_ACT", "CHEM_WEAP", "DISR_WEAP", "FORCE_AGAINST_PROTEST", "GOV_REGAINS_TERIT", "GRENADE",
           "HQ_ESTABLISHED", "MOB_VIOL", "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER", "OTHER",
           "PEACE_PROTEST", "PROPERTY_DISTRUCT", "PROTEST_WITH_INTER", "REM_EXPLOS", "SEX_VIOL", "SUIC_BOMB",
           "VIOL_DEMONSTR", "ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB"}

# Fictional snippets in the style of the shared task (one per line: id, snippet, label).
SNIPPETS = [
    ("1", "Militants attacked an army checkpoint overnight, killing four soldiers in a firefight.", "ARMED_CLASH"),
    ("2", "Police used tear gas and water cannon to disperse hundreds of protesters and detained 30.",
     "PROTEST_WITH_INTER"),
    ("3", "Two suicide bombers blew themselves up at a crowded market, killing 20 people.", "SUIC_BOMB"),
    ("4", "A magnitude 6.1 earthquake hit the coastal province, destroying hundreds of homes.", "NATURAL_DISASTER"),
    ("5", "The government expelled three diplomats and imposed new sanctions on the neighbouring state.", "DIPLO"),
    ("6", "The group claimed responsibility for the bombing of the railway line.", "ATTRIB"),
]


def test_every_sub_type_maps_to_a_case_label() -> None:
    subs = set(ACLED_TYPES) | {s for group in EXTENSIONS.values() for s in group}
    assert subs == set(ev.CASE_LABELS)
    assert set(ev.CASE_LABELS.values()) | {ev.FALLBACK} <= CASE_30
    # all 30 labels can be predicted
    assert set(ev.CASE_LABELS.values()) == CASE_30


def test_read_case_tsv_skips_the_header(tmp_path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text("id\tEventSnippet\tSubType\n7\tSome text\tOTHER\n8\tMore text\tARREST\n", "utf-8")
    assert ev.read_case_tsv(path) == [("7", "Some text", "OTHER"), ("8", "More text", "ARREST")]


def test_scores_by_hand() -> None:
    gold = ["A", "A", "A", "B", "C"]
    pred = ["A", "A", "B", "B", "B"]
    res = ev.score(gold, pred)
    # A: p=1 r=2/3 f=0.8; B: p=1/3 r=1 f=0.5; C: 0
    assert res["per_label"]["A"] == {"p": 1.0, "r": 0.6667, "f1": 0.8, "n": 3}
    assert res["per_label"]["B"] == {"p": 0.3333, "r": 1.0, "f1": 0.5, "n": 1}
    assert res["per_label"]["C"]["f1"] == 0.0
    assert res["micro_f1"] == 0.6
    assert res["macro_f1"] == pytest.approx((0.8 + 0.5 + 0.0) / 3, abs=1e-4)
    assert res["weighted_f1"] == pytest.approx((0.8 * 3 + 0.5 * 1) / 5, abs=1e-4)


def test_evaluate_on_fictional_snippets(pipeline, tmp_path) -> None:
    path = tmp_path / "snippets.tsv"
    path.write_text("id\tEventSnippet\tSubType\n" + "".join(f"{i}\t{t}\t{lab}\n" for i, t, lab in SNIPPETS), "utf-8")
    out = tmp_path / "pred.tsv"
    res = ev.evaluate(path, "case-tsv", pipeline, save_predictions=out)
    assert set(res) == {"task", "n", "micro_f1", "macro_f1", "weighted_f1", "per_label"}
    assert (res["task"], res["n"]) == ("events", len(SNIPPETS))
    assert res["micro_f1"] == 1.0, res["per_label"]
    lines = out.read_text("utf-8").splitlines()
    assert [ln.split("\t")[0] for ln in lines] == [i for i, _, _ in SNIPPETS]
    assert [ln.split("\t")[1] for ln in lines] == [lab for _, _, lab in SNIPPETS]
    table = ev.render(res)
    assert table.row_count == len(res["per_label"])


def test_wrong_format_is_refused(pipeline, tmp_path) -> None:
    with pytest.raises(ValueError, match="case-tsv"):
        ev.evaluate(tmp_path / "x.tsv", "brat", pipeline)
