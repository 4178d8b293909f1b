"""Train the content-end ranker (``claimwatch/data/content_end_model.json``) on PolNeAR train.

    python scripts/train_boundaries.py /work/shared/datasets/polnear/train [--c 0.5]

For every proposed attribution whose cue span is exactly a gold cue and whose gold content is one piece, the
candidate ends of :func:`claimwatch.extract.attribution.boundaries.candidates` (the parse's own end first) are one
choice: a conditional logit (softmax over the candidates, L2 penalty ``--c``) learns to put the probability on the
ends whose finished piece (trimmed, snapped to quotes) equals the gold content. At run time the best-scored
candidate wins. Prints 5-fold (by document) exact-content accuracy against always keeping the parse's own end.
Needs scikit-learn and scipy (``pip install -e '.[train]'``). (A binary "alternative beats own end" logistic
model, used until 2026-12-02, reached 0.761 out of fold against this model's 0.769.)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.feature_extraction import DictVectorizer

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


def fit(train: list, c: float) -> tuple[DictVectorizer, np.ndarray]:  # type: ignore[type-arg]
    """A conditional logit over each attribution's candidate ends (the parse's own among them): the weights that
    maximise the softmax probability of the right ends, with an L2 penalty of ``c``. Attributions where every end
    is right or none is teach nothing and are left out."""
    choices = [(f, lab) for _, f, lab in train if any(lab) and not all(lab)]
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(feat, 1) for f, _ in choices for feat in f]).tocsr()
    y = np.array([v for _, lab in choices for v in lab], dtype=float)
    sizes = np.array([len(f) for f, _ in choices])
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    gid = np.repeat(np.arange(len(choices)), sizes)
    target = y / np.bincount(gid, weights=y)[gid]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, starts)[gid]
        e = np.exp(s - top)
        z = np.bincount(gid, weights=e)
        p = e / z[gid]
        value = -(target * (s - top - np.log(z)[gid])).sum() + c * float(w @ w)
        return value, x.T @ (p - target) + 2 * c * w

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return vec, w


def accuracy(vec: DictVectorizer, w: np.ndarray, test: list) -> tuple[float, float]:  # type: ignore[type-arg]
    """Exact-content accuracy of the best-scored end, and of the parse's own end."""
    right = base = 0
    for _, feats, labels in test:
        scores = vec.transform([dict.fromkeys(f, 1) for f in feats]) @ w
        right += labels[int(np.argmax(scores))]
        base += labels[0]
    return right / max(1, len(test)), base / max(1, len(test))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--c", type=float, default=0.5, help="L2 penalty")
    args = ap.parse_args()
    data = groups(args.path)
    print(f"{len(data)} attributions, {sum(len(f) for _, f, _ in data)} candidate ends, "
          f"{sum(any(lab) for _, _, lab in data)} with a right candidate")
    hits = bases = 0.0
    for k in range(5):
        train = [g for g in data if g[0] % 5 != k]
        test = [g for g in data if g[0] % 5 == k]
        vec, w = fit(train, args.c)
        acc, base = accuracy(vec, w, test)
        hits += acc * len(test)
        bases += base * len(test)
    print(f"out-of-fold exact content: ranker {hits / len(data):.4f}, parse's own end {bases / len(data):.4f}")
    vec, w = fit(data, args.c)
    weights = {str(n): round(float(v), 4) for n, v in zip(vec.get_feature_names_out(), w) if abs(v) >= 0.005}
    OUT.write_text(json.dumps({"trained": str(date.today()), "data": Path(args.path).name, "c": args.c,
                               "objective": "softmax over each attribution's candidate ends",
                               "weights": weights}, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({len(weights)} weights)")


if __name__ == "__main__":
    main()
