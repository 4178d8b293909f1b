"""Train the content-end ranker (``claimwatch/data/content_end_model.json``) on PolNeAR train.

    python scripts/train_boundaries.py /work/shared/datasets/polnear/train [--c 1.0]

For every proposed attribution whose cue span is exactly a gold cue and whose gold content is one piece, the
alternative ends of :func:`claimwatch.extract.attribution.boundaries.candidates` are examples against the parse's own end:
positive when the finished piece (trimmed, snapped to quotes) equals the gold content and the parse's does not.
At run time the best alternative replaces the parse's end when its logit is above zero. Prints out-of-fold exact-content accuracy against always
keeping the parse's own end. Needs scikit-learn (``pip install -e '.[train]'``).
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
from claimwatch.extract.attribution import boundaries
from claimwatch.extract.attribution.quotes import find_quotes

OUT = Path(__file__).resolve().parent.parent / "claimwatch" / "data" / "content_end_model.json"


def groups(path: str) -> list[tuple[int, list[tuple[str, ...]], list[int]]]:
    """(document, candidate features, labels) per attribution; the first candidate is the parse's own end."""
    docs = list(read_gold_dir(path))
    out = []
    for i, (gd, doc) in enumerate(zip(docs, parsed(docs, Path("/tmp/cw_parse_cache")))):
        gold = {r.cue: r.content for r in gd.relations if len(r.content) == 1}
        text, quotes = doc.text, find_quotes(doc.text)
        for found, _ in attribution.propose(doc):
            target = gold.get((found.cue_span,))
            if found.raw_piece is None or target is None:
                continue
            start = found.raw_piece[0]
            cands = boundaries.candidates(doc, start, found.raw_piece[1], found.cue, found.rule)
            labels = [int((attribution.finish_piece(text, (start, c.end), quotes),) == target) for c in cands]
            out.append((i, [c.features for c in cands], labels))
    return out


def fit(train: list, c: float) -> tuple[DictVectorizer, LogisticRegression]:  # type: ignore[type-arg]
    """Each alternative end against the parse's own: positive when it is right and the parse's end is not."""
    X, y = [], []
    for _, feats, labels in train:
        for f, lab in zip(feats[1:], labels[1:]):
            if lab != labels[0]:
                X.append(dict.fromkeys(f, 1))
                y.append(int(lab > labels[0]))
            elif not lab:
                X.append(dict.fromkeys(f, 1))
                y.append(0)
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(vec.fit_transform(X), y)
    return vec, clf


def accuracy(vec: DictVectorizer, clf: LogisticRegression, test: list) -> tuple[float, float]:  # type: ignore[type-arg]
    right = base = 0
    for _, feats, labels in test:
        choice = 0
        if len(feats) > 1:
            scores = clf.decision_function(vec.transform([dict.fromkeys(f, 1) for f in feats[1:]]))
            if scores.max() > 0:
                choice = 1 + int(np.argmax(scores))
        right += labels[choice]
        base += labels[0]
    return right / max(1, len(test)), base / max(1, len(test))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--c", type=float, default=1.0)
    args = ap.parse_args()
    data = groups(args.path)
    print(f"{len(data)} attributions, {sum(len(f) for _, f, _ in data)} candidate ends, "
          f"{sum(any(lab) for _, _, lab in data)} with a right candidate")
    hits = bases = 0.0
    for k in range(5):
        train = [g for g in data if g[0] % 5 != k]
        test = [g for g in data if g[0] % 5 == k]
        vec, clf = fit(train, args.c)
        acc, base = accuracy(vec, clf, test)
        hits += acc * len(test)
        bases += base * len(test)
    print(f"out-of-fold exact content: ranker {hits / len(data):.3f}, parse's own end {bases / len(data):.3f}")
    vec, clf = fit(data, args.c)
    weights = {str(n): round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), clf.coef_[0])
               if abs(w) >= 0.02}
    weights["bias"] = round(weights.get("bias", 0.0) + float(clf.intercept_[0]), 4)
    OUT.write_text(json.dumps({"trained": str(date.today()), "data": Path(args.path).name, "c": args.c,
                               "weights": weights}, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({len(weights)} weights)")


if __name__ == "__main__":
    main()
