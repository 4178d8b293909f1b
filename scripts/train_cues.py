"""Train the cue scorer (``claimwatch/data/cue_model.json``) on brat attribution gold (PolNeAR train).

    python scripts/train_cues.py /work/shared/datasets/polnear/train [--c 0.5]

Every candidate cue the rules propose (a verb, stance adjective, noun of saying or "according to" that has a
content) is a training example, positive when its cue span is exactly a gold cue span (so the scorer also learns
which verb groups the rules delimit right). A logistic regression over the sparse features of
``claimwatch.extract.attribution.cues.features`` is fitted; the decision threshold is the one that maximises exact-span cue
F1 over 5-fold out-of-fold predictions (folds by document); the final model is refitted on all documents.
Needs scikit-learn (``pip install -e '.[train]'``); the package itself only reads the resulting JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).parent))
from attribution_dev import parsed

from claimwatch.evaluate.brat import read_gold_dir
from claimwatch.extract import attribution

OUT = Path(__file__).resolve().parent.parent / "claimwatch" / "data" / "cue_model.json"


def examples(path: str, variants: bool = True
             ) -> tuple[list[dict[str, int]], list[int], list[int], list[int], list[int], int]:
    docs = list(read_gold_dir(path))
    spacy_docs = parsed(docs, Path("/tmp/cw_parse_cache"))
    X, y, groups, exact, heads = [], [], [], [], []
    head_ids: dict[tuple[int, int], int] = {}
    n_gold = 0
    for i, (gd, doc) in enumerate(zip(docs, spacy_docs)):
        gold = [(r.cue[0][0], r.cue[-1][1]) for r in gd.relations]
        n_gold += len(set(gold))
        for found, feats in attribution.propose(doc, variants=variants):
            X.append(dict.fromkeys(feats, 1))
            exact.append(int(found.cue_span in gold))
            y.append(exact[-1])
            groups.append(i)
            heads.append(head_ids.setdefault((i, found.cue.head.i), len(head_ids)))
    return X, y, groups, exact, heads, n_gold


def best_threshold(p: np.ndarray, y: np.ndarray, n_gold_share: float, heads: np.ndarray) -> tuple[float, float]:
    """The threshold with the best exact cue F1 when, as in the pipeline, each cue head keeps only its
    best-scored span (candidates of one head are its span variants)."""
    order = np.lexsort((-p, heads))
    top = np.zeros(len(p), dtype=bool)
    top[order[np.r_[True, heads[order][1:] != heads[order][:-1]]]] = True
    best, best_f = 0.5, -1.0
    for t in np.arange(0.2, 0.8, 0.02):
        pred = (p >= t) & top
        tp = float((pred & (y == 1)).sum())
        prec = tp / max(1, pred.sum())
        rec = tp / max(1.0, n_gold_share)
        f = 2 * prec * rec / (prec + rec) if prec + rec else 0
        if f > best_f:
            best, best_f = float(t), f
    print(f"threshold {best:.2f} out-of-fold exact-span cue F1 {best_f:.3f}")
    return best, best_f


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--c", type=float, nargs="+", default=[0.5], help="several values: keep the best held-out")
    ap.add_argument("--no-variants", action="store_true", help="only the rules' own cue spans")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    X, y, groups, exact, heads, n_gold = examples(args.path, not args.no_variants)
    y_arr, g_arr = np.array(y), np.array(groups)
    print(f"{len(y)} candidates, {y_arr.sum()} positive, {n_gold} gold cues")
    vec = DictVectorizer()
    M = vec.fit_transform(X)
    folds = g_arr % 5
    best: tuple[float, float, float] = (-1.0, 0.5, args.c[0])
    for c in args.c:
        p = np.zeros(len(y_arr))
        for k in range(5):  # out-of-fold probabilities over all of train, split by document
            test = folds == k
            clf = LogisticRegression(C=c, max_iter=3000)
            clf.fit(M[~test], y_arr[~test])
            p[test] = clf.predict_proba(M[test])[:, 1]
        print(f"C={c}:", end=" ")
        threshold, f1 = best_threshold(p, np.array(exact), float(n_gold), np.array(heads))
        best = max(best, (f1, threshold, c))
    _, threshold, c = best
    if args.no_write:
        return
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(M, y_arr)
    names = vec.get_feature_names_out()
    # weights under 0.05 change no decision on PolNeAR dev; dropping them halves the file
    weights = {str(n): round(float(w), 4) for n, w in zip(names, clf.coef_[0]) if abs(w) >= 0.05}
    weights["bias"] = round(weights.get("bias", 0.0) + float(clf.intercept_[0]), 4)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"threshold": round(threshold, 3), "trained": str(date.today()),
                               "data": Path(args.path).name, "c": c, "weights": weights},
                              sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({len(weights)} weights)")


if __name__ == "__main__":
    main()
