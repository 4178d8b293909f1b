"""Event typing scored on CASE 2021 task 2 snippets (``id<TAB>snippet<TAB>label`` TSV, 30 labels).

Each snippet is parsed and typed by :func:`claimwatch.extract.events.classify`, the same function that types
claims; the best-scored event is mapped to a CASE label (:data:`CASE_LABELS`). Reports micro, macro and weighted
F1 (weighted by gold support) and per-label precision, recall and F1, as the shared task did.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..extract import events
from .metrics import DIGITS, prf, ratio

if TYPE_CHECKING:
    from ..pipeline import Pipeline

#: claimwatch sub-type (ACLED sub-event type or extension sub-type) -> CASE 2021 label.
CASE_LABELS = MappingProxyType({
    "Armed clash": "ARMED_CLASH",
    "Government regains territory": "GOV_REGAINS_TERIT",
    "Non-state actor overtakes territory": "NON_STATE_ACTOR_OVERTAKES_TER",
    "Chemical weapon": "CHEM_WEAP",
    "Air/drone strike": "AIR_STRIKE",
    "Suicide bomb": "SUIC_BOMB",
    "Shelling/artillery/missile attack": "ART_MISS_ATTACK",
    "Remote explosive/landmine/IED": "REM_EXPLOS",
    "Grenade": "GRENADE",
    "Sexual violence": "SEX_VIOL",
    "Attack": "ATTACK",
    "Abduction/forced disappearance": "ABDUCT_DISSAP",
    "Peaceful protest": "PEACE_PROTEST",
    "Protest with intervention": "PROTEST_WITH_INTER",
    "Excessive force against protesters": "FORCE_AGAINST_PROTEST",
    "Violent demonstration": "VIOL_DEMONSTR",
    "Mob violence": "MOB_VIOL",
    "Agreement": "AGREEMENT",
    "Arrests": "ARREST",
    "Change to group/activity": "CHANGE_TO_GROUP_ACT",
    "Disrupted weapons use": "DISR_WEAP",
    "Headquarters or base established": "HQ_ESTABLISHED",
    "Looting/property destruction": "PROPERTY_DISTRUCT",
    "Non-violent transfer of territory": "NON_VIOL_TERRIT_TRANSFER",
    "Other": "OTHER",
    # claimwatch extensions
    "Military casualties": "ARMED_CLASH",
    "Civilian casualties": "ATTACK",
    "Casualties": "ARMED_CLASH",
    "Equipment destroyed": "ARMED_CLASH",
    "Equipment captured": "ARMED_CLASH",
    "Prisoners taken": "ARMED_CLASH",
    "Weapons supplied": "DIPLO",
    "Recruitment call": "CHANGE_TO_GROUP_ACT",
    "Mobilisation": "CHANGE_TO_GROUP_ACT",
    "Claim of responsibility": "ATTRIB",
    "Denial of responsibility": "ATTRIB",
    "Accusation": "ATTRIB",
    "Election": "OTHER",
    "Referendum": "OTHER",
    "Press conference": "OTHER",
    "Statement": "OTHER",
    "Sanctions": "DIPLO",
    "Diplomatic expulsion": "DIPLO",
    "Diplomatic action": "DIPLO",
    "Natural disaster": "NATURAL_DISASTER",
    "Man-made disaster": "MAN_MADE_DISASTER",
    "Organised crime": "ORG_CRIME",
})
FORMATS = ("case-tsv",)
#: What a snippet with no recognisable event is labelled.
FALLBACK = "OTHER"


def read_case_tsv(path: str | Path) -> list[tuple[str, str, str]]:
    """(id, snippet, gold label) rows; a header row starting with ``id`` is skipped."""
    rows: list[tuple[str, str, str]] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 3 or (not rows and row[0].strip().lower() == "id"):
                continue
            rows.append((row[0].strip(), row[1].strip(), row[2].strip()))
    return rows


def case_label(typed: list[events.Typed]) -> str:
    """The CASE label of a snippet from its typed triggers."""
    top = events.best(typed)
    return CASE_LABELS.get(top.sub_type, FALLBACK) if top is not None else FALLBACK


def predict(snippets: list[str], pipeline: Pipeline) -> list[str]:
    kind_of = pipeline.actors.kind_of
    docs = pipeline.nlp.pipe(snippets, batch_size=pipeline.options.batch_size)
    return [case_label(events.classify(doc[:], kind_of)) for doc in docs]


def score(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Micro, macro and weighted F1 and per-label figures over the labels present in gold or predictions."""
    labels = sorted(set(gold) | set(predicted))
    tp = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    n_gold, n_pred = Counter(gold), Counter(predicted)
    per: dict[str, dict[str, float]] = {
        lab: {**prf(tp[lab], n_pred[lab], n_gold[lab]), "n": n_gold[lab]} for lab in labels}
    micro = ratio(sum(tp.values()), len(gold))
    gold_labels = [lab for lab in labels if n_gold[lab]]
    macro = ratio(sum(per[lab]["f1"] for lab in gold_labels), len(gold_labels))
    weighted = ratio(sum(per[lab]["f1"] * n_gold[lab] for lab in gold_labels), len(gold))
    return {"task": "events", "n": len(gold), "micro_f1": round(micro, DIGITS), "macro_f1": round(macro, DIGITS),
            "weighted_f1": round(weighted, DIGITS), "per_label": per}


def evaluate(path: str | Path, fmt: str, pipeline: Pipeline, save_predictions: str | Path | None = None,
             gold_spans: bool = False) -> dict[str, Any]:
    """Score event typing on a CASE 2021 task 2 TSV file; optionally write ``id<TAB>label`` predictions."""
    if fmt != "case-tsv":
        raise ValueError(f"events evaluation reads --format case-tsv, not {fmt!r}")
    rows = read_case_tsv(path)
    if not rows:
        raise ValueError(f"no snippets in {path}")
    predicted = predict([r[1] for r in rows], pipeline)
    if save_predictions:
        with open(save_predictions, "w", encoding="utf-8") as fh:
            fh.writelines(f"{r[0]}\t{p}\n" for r, p in zip(rows, predicted, strict=True))
    return score([r[2] for r in rows], predicted)


def render(result: dict[str, Any]):  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title=f"events (CASE 2021 sub-types): {result['n']} snippets; micro F1 {result['micro_f1']:.3f}, "
                        f"macro F1 {result['macro_f1']:.3f}, weighted F1 {result['weighted_f1']:.3f}")
    table.add_column("label")
    for col in ("p", "r", "f1", "n"):
        table.add_column(col, justify="right")
    for label, m in sorted(result["per_label"].items()):
        table.add_row(label, f"{m['p']:.3f}", f"{m['r']:.3f}", f"{m['f1']:.3f}", str(m["n"]))
    return table
