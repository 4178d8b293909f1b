"""Development aid for article stance on FNC-1: whole-set figures, a two-fold check of the thresholds, errors.

Usage: .venv/bin/python scripts/stance_dev.py [DIR] [--two-fold] [--errors GOLD:PREDICTED] [--n N]

``--two-fold`` splits the Body IDs in two halves (alternately, in sorted order), picks the thresholds of
:class:`claimwatch.link.stance.ArticleThresholds` that give the best macro F1 on one half from a small grid, scores
the other half with them, and pools both halves' predictions: what tuning on this data is worth on unseen bodies.
Measurement only: word lists come from the literature named in ``claimwatch/link/stance.py``, not from errors.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections import Counter

from claimwatch.evaluate import stance as ev
from claimwatch.link.stance import ArticleThresholds, article_stance
from claimwatch.pipeline import Pipeline

GRID = {"related_min": (0.2, 0.25, 0.3, 0.35, 0.4), "about_min": (0.2, 0.3, 0.4), "lead_chars": (300, 600, 1000)}


def predict(pairs: list[ev.Pair], extractions: dict, thresholds: ArticleThresholds) -> list[str]:  # type: ignore[type-arg]
    return [ev.FNC_LABELS[article_stance(p.headline, extractions[p.body_id], thresholds).stance] for p in pairs]


def best_thresholds(pairs: list[ev.Pair], extractions: dict) -> ArticleThresholds:  # type: ignore[type-arg]
    gold = [p.stance for p in pairs]
    best, best_f1 = ArticleThresholds(), -1.0
    for values in itertools.product(*GRID.values()):
        th = ArticleThresholds(**dict(zip(GRID, values, strict=True)))
        f1 = ev.score(gold, predict(pairs, extractions, th))["macro_f1"]
        if f1 > best_f1:
            best, best_f1 = th, f1
    return best


def two_fold(pairs: list[ev.Pair], extractions: dict) -> None:  # type: ignore[type-arg]
    ids = sorted({p.body_id for p in pairs}, key=lambda i: (len(i), i))
    halves = [set(ids[0::2]), set(ids[1::2])]
    gold: list[str] = []
    pooled: list[str] = []
    for k in (0, 1):
        tune = [p for p in pairs if p.body_id in halves[k]]
        test = [p for p in pairs if p.body_id in halves[1 - k]]
        th = best_thresholds(tune, extractions)
        pred = predict(test, extractions, th)
        half = ev.score([p.stance for p in test], pred)
        default = ev.score([p.stance for p in test], predict(test, extractions, ArticleThresholds()))
        print(f"tuned on half {k}: {th}\n  half {1 - k} with them: {half}\n  half {1 - k} with the defaults: {default}")
        gold += [p.stance for p in test]
        pooled += pred
    print("two-fold (pooled):", ev.score(gold, pooled))


def confusion(gold: list[str], predicted: list[str]) -> None:
    """Gold rows, predicted columns, then precision and recall per label."""
    counts = Counter(zip(gold, predicted, strict=True))
    print("gold \\ predicted " + " ".join(f"{lab:>9}" for lab in ev.LABELS) + "         P      R")
    for g in ev.LABELS:
        n_pred = sum(counts[(x, g)] for x in ev.LABELS)
        n_gold = sum(counts[(g, x)] for x in ev.LABELS)
        p = counts[(g, g)] / n_pred if n_pred else 0.0
        r = counts[(g, g)] / n_gold if n_gold else 0.0
        print(f"{g:>17} " + " ".join(f"{counts[(g, x)]:>9}" for x in ev.LABELS) + f"   {p:.3f}  {r:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default="/work/shared/datasets/fnc1")
    ap.add_argument("--two-fold", action="store_true")
    ap.add_argument("--errors", metavar="GOLD:PREDICTED")
    ap.add_argument("--n", type=int, default=15)
    args = ap.parse_args()
    pairs, bodies = ev.read_fnc1(args.folder)
    t0 = time.perf_counter()
    extractions = ev.extract_bodies(bodies, Pipeline())
    t1 = time.perf_counter()
    predicted = predict(pairs, extractions, ArticleThresholds())
    t2 = time.perf_counter()
    print(f"{len(bodies)} bodies extracted in {t1 - t0:.1f} s; {len(pairs)} pairs judged in {t2 - t1:.1f} s")
    gold = [p.stance for p in pairs]
    print("whole set:", ev.score(gold, predicted))
    confusion(gold, predicted)
    if args.two_fold:
        two_fold(pairs, extractions)
    if args.errors:
        gold_label, predicted_label = args.errors.split(":")
        wrong = [p for p, label in zip(pairs, predicted, strict=True) if (p.stance, label) == (gold_label, predicted_label)]
        for p in random.Random(0).sample(wrong, min(args.n, len(wrong))):
            result = article_stance(p.headline, extractions[p.body_id])
            print(f"\n[{p.body_id}] {p.headline[:110]}\n   {result.reasons}")


if __name__ == "__main__":
    main()
