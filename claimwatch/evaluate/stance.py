"""Article stance scored on FNC-1 (Fake News Challenge stage 1): does a body agree with, disagree with, discuss,
or have nothing to do with a headline?

Reads the FNC-1 layout, a folder with ``stances.csv`` (``Headline``, ``Body ID``, ``Stance``) and ``bodies.csv``
(``Body ID``, ``articleBody``); every body is extracted once (``Pipeline.extract_many``, batched) and each pair is
judged by :func:`claimwatch.link.stance.article_stance`, whose stances map onto FNC-1's labels
(:data:`FNC_LABELS`). Reports the official FNC-1 score as a share of the best possible, accuracy, and per-class
and macro F1. Optionally writes the predictions as ``Headline,Body ID,Stance`` CSV.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..link.stance import Stance, article_stance
from ..model import Article, Extraction

if TYPE_CHECKING:
    from ..pipeline import Pipeline

FORMATS = ("fnc1",)
#: claimwatch stance -> FNC-1 label.
FNC_LABELS = MappingProxyType({Stance.CORROBORATES: "agree", Stance.CONTRADICTS: "disagree",
                               Stance.REPORTS: "discuss", Stance.UNRELATED: "unrelated"})
LABELS = ("agree", "disagree", "discuss", "unrelated")
#: FNC-1 score: a pair whose relatedness is right earns this much; a related pair with the right label earns 1.
RELATEDNESS_CREDIT = 0.25


@dataclass(frozen=True, slots=True)
class Pair:
    headline: str
    body_id: str
    stance: str  #: the gold FNC-1 label


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        return list(reader)


def read_fnc1(folder: str | Path) -> tuple[list[Pair], dict[str, str]]:
    """The gold pairs of ``stances.csv`` and the bodies of ``bodies.csv`` by Body ID."""
    folder = Path(folder)
    for name in ("stances.csv", "bodies.csv"):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{folder / name} not found (FNC-1 layout: stances.csv and bodies.csv)")
    bodies = {r["Body ID"].strip(): r["articleBody"] for r in _rows(folder / "bodies.csv", ("Body ID", "articleBody"))}
    pairs = [Pair(r["Headline"], r["Body ID"].strip(), r["Stance"].strip().lower())
             for r in _rows(folder / "stances.csv", ("Headline", "Body ID", "Stance"))]
    unknown = sorted({p.body_id for p in pairs} - bodies.keys())
    if unknown:
        raise ValueError(f"stances.csv names bodies missing from bodies.csv: {', '.join(unknown[:5])}")
    bad = sorted({p.stance for p in pairs} - set(LABELS))
    if bad:
        raise ValueError(f"unknown stance label(s) {', '.join(bad)}; FNC-1 has {', '.join(LABELS)}")
    return pairs, bodies


def extract_bodies(bodies: dict[str, str], pipeline: Pipeline) -> dict[str, Extraction]:
    """Every body extracted once, in batches; a body whose extraction fails keeps its text and no claims."""
    ids = list(bodies)
    articles = (Article(text=bodies[i], language="en", origin=f"body {i}") for i in ids)
    out: dict[str, Extraction] = {}
    for body_id, result in zip(ids, pipeline.extract_many(articles), strict=True):
        out[body_id] = result if isinstance(result, Extraction) else \
            Extraction(article=Article(text=bodies[body_id], language="en"), pipeline_version=pipeline.version)
    return out


def predict(pairs: Iterable[Pair], extractions: dict[str, Extraction]) -> list[str]:
    """The FNC-1 label of each pair."""
    return [FNC_LABELS[article_stance(p.headline, extractions[p.body_id]).stance] for p in pairs]


def fnc_score(gold: list[str], predicted: list[str]) -> float:
    """The official FNC-1 score over the best possible: 0.25 for a pair rightly related or unrelated, 0.75 more
    for a related pair with the right label; the best is 0.25 per unrelated and 1 per related gold pair."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        related = g != "unrelated"
        best += 1.0 if related else RELATEDNESS_CREDIT
        if related == (p != "unrelated"):
            score += RELATEDNESS_CREDIT
        if related and g == p:
            score += 1.0 - RELATEDNESS_CREDIT
    return score / best if best else 0.0


def score(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """FNC-1 score, accuracy, per-class and macro F1 (over the four labels)."""
    tp = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    n_gold, n_pred = Counter(gold), Counter(predicted)
    per = {}
    for lab in LABELS:
        p = tp[lab] / n_pred[lab] if n_pred[lab] else 0.0
        r = tp[lab] / n_gold[lab] if n_gold[lab] else 0.0
        per[lab] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    return {"task": "stance", "n": len(gold), "fnc_score": round(fnc_score(gold, predicted), 4),
            "accuracy": round(sum(tp.values()) / len(gold), 4) if gold else 0.0,
            "macro_f1": round(sum(per.values()) / len(LABELS), 4), "per_class_f1": per}


def write_predictions(path: str | Path, pairs: list[Pair], predicted: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows([p.headline, p.body_id, label] for p, label in zip(pairs, predicted, strict=True))


def evaluate(path: str | Path, fmt: str, pipeline: Pipeline, save_predictions: str | Path | None = None,
             gold_spans: bool = False) -> dict[str, Any]:
    """Score article stance on an FNC-1 folder; optionally write ``Headline,Body ID,Stance`` predictions.
    ``gold_spans`` has no meaning here (FNC-1 has no spans) and is ignored."""
    if fmt != "fnc1":
        raise ValueError(f"stance evaluation reads --format fnc1, not {fmt!r}")
    pairs, bodies = read_fnc1(path)
    if not pairs:
        raise ValueError(f"no pairs in {Path(path) / 'stances.csv'}")
    used = {p.body_id for p in pairs}
    predicted = predict(pairs, extract_bodies({i: t for i, t in bodies.items() if i in used}, pipeline))
    if save_predictions:
        write_predictions(save_predictions, pairs, predicted)
    return score([p.stance for p in pairs], predicted)


def render(result: dict[str, Any]):  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title=f"stance (FNC-1): {result['n']} pairs")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("FNC score (share of the best)", f"{result['fnc_score']:.3f}")
    table.add_row("accuracy", f"{result['accuracy']:.3f}")
    table.add_row("macro F1", f"{result['macro_f1']:.3f}")
    for label in LABELS:
        table.add_row(f"F1 {label}", f"{result['per_class_f1'][label]:.3f}")
    return table
