"""Learn the geo candidate ranker (``claimwatch/data/geo/ranker.json``) from gold toponyms with coordinates.

A conditional logit (softmax over each mention's candidates, L2-penalised) over the features of
``claimwatch/geo/ranking.py``: a candidate within 161 km of the gold point is right. The features are taken as
resolution sees them after its context rounds with the hand-set weights, with the outlet prior built as
``claimwatch eval geo`` builds it (each article's outlet's other articles, leave-one-out, no gold coordinates).

Train on one corpus and score on another, never on the corpus a figure is reported for:

    python scripts/train_geo_ranker.py --train lgl-xml:../shared/datasets/geo/lgl.xml \\
        --score gwn-xml:../shared/datasets/geo/GWN.dev.xml            # prints both rankers' figures
    python scripts/train_geo_ranker.py --train lgl-xml:../shared/datasets/geo/lgl.xml --write

``--folds N`` scores the training corpus itself by N-fold cross-validation over documents (each fold's figure
from weights fitted on the other folds). Needs numpy and scipy (scipy comes with datasketch).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from claimwatch.evaluate import geo as geo_eval
from claimwatch.geo import Geoparser
from claimwatch.geo.ranking import FEATURES, Ranker, hand_ranker
from claimwatch.geo.regions import distance_km
from claimwatch.geo.resolve import ranked_candidates
from claimwatch.pipeline import Pipeline

OUT = Path(__file__).resolve().parent.parent / "claimwatch" / "data" / "geo" / "ranker.json"
RIGHT_KM = 161.0
#: weights smaller than this change no decision on the dev corpora; they are dropped from the file
MIN_WEIGHT = 0.005

Group = tuple[np.ndarray, np.ndarray]  # (candidates x features, right: bool per candidate)


def groups(fmt: str, path: str, geoparser: Geoparser) -> list[list[Group]]:
    """Per document, one group per gold toponym whose candidates hold both a right and a wrong one."""
    documents = geo_eval.read(path, fmt)
    spans = [[(t.start, t.end) for t in doc.toponyms] for doc in documents]
    first = [geoparser.resolve_spans(doc.text, s) for doc, s in zip(documents, spans)]
    priors = geo_eval._outlet_priors(documents, first)
    out: list[list[Group]] = []
    for doc, s, prior in zip(documents, spans, priors):
        # both passes of evaluation: without the outlet prior (which the prior is built from), and with it
        ranked = ranked_candidates(geoparser.gazetteer, doc.text, s, None, hand_ranker())
        if prior is not None:
            ranked += ranked_candidates(geoparser.gazetteer, doc.text, s, prior, hand_ranker())
        doc_groups = []
        for gold, (cands, feats) in zip([*doc.toponyms, *doc.toponyms], ranked):
            if not gold.scored or len(cands) < 2:
                continue
            right = np.array([distance_km(gold.lat or 0.0, gold.lon or 0.0, c.entry.lat, c.entry.lon) < RIGHT_KM
                              for c in cands])
            if right.any() and not right.all():
                doc_groups.append((np.array(feats, dtype=float), right))
        out.append(doc_groups)
    return out


def fit(train: list[Group], c: float) -> np.ndarray:
    """Weights maximising the log probability of the right candidates, with an L2 penalty of 1/(2c) on their
    distance from the hand-set weights (the data moves a weight only as far as it has evidence to)."""
    x = np.concatenate([g[0] for g in train])
    right = np.concatenate([g[1] for g in train])
    sizes = np.array([len(g[0]) for g in train])
    index = np.repeat(np.arange(len(train)), sizes)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, np.r_[0, np.cumsum(sizes)[:-1]])[index]
        e = np.exp(s - top)
        all_sum = np.bincount(index, e)
        right_sum = np.bincount(index, e * right)
        p_all = e / all_sum[index]
        p_right = e * right / right_sum[index]
        value = -np.sum(np.log(right_sum) - np.log(all_sum)) + (w - start) @ (w - start) / (2 * c)
        grad = -(p_right - p_all) @ x + (w - start) / c
        return float(value), grad

    start = np.array(hand_ranker().weights)
    return np.asarray(minimize(loss, start, jac=True, method="L-BFGS-B").x)


def ranker_of(w: np.ndarray, name: str) -> Ranker:
    return Ranker.of({f: round(float(v), 4) for f, v in zip(FEATURES, w) if abs(v) >= MIN_WEIGHT}, name)


def score(fmt: str, path: str, ranker: Ranker, pipeline: Pipeline) -> dict[str, object]:
    geoparser = Geoparser(pipeline.options, ranker=ranker)
    return geo_eval.evaluate(path, fmt, pipeline, gold_spans=True, geoparser=geoparser)


def cross_validate(fmt: str, path: str, docs: list[list[Group]], folds: int, c: float, pipeline: Pipeline) -> float:
    """acc@161 over the whole corpus, each document resolved with weights fitted on the other folds."""
    documents = geo_eval.read(path, fmt)
    hits = total = 0
    for k in range(folds):
        train = [g for i, d in enumerate(docs) if i % folds != k for g in d]
        ranker = ranker_of(fit(train, c), f"fold {k}")
        geoparser = Geoparser(pipeline.options, ranker=ranker)
        spans = [[(t.start, t.end) for t in doc.toponyms] for doc in documents]
        first = [geoparser.resolve_spans(doc.text, s) for doc, s in zip(documents, spans)]
        priors = geo_eval._outlet_priors(documents, first)
        for i, (doc, s, prior) in enumerate(zip(documents, spans, priors)):
            if i % folds != k:
                continue
            by_span = {(r.start, r.end): r for r in geoparser.resolve_spans(doc.text, s, prior)}
            for gold in doc.toponyms:
                if gold.scored:
                    e = by_span[(gold.start, gold.end)].entry
                    total += 1
                    hits += e is not None and distance_km(gold.lat or 0.0, gold.lon or 0.0, e.lat, e.lon) < RIGHT_KM
    return round(hits / max(1, total), 4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", action="append", required=True, help="FORMAT:PATH of gold to train on")
    ap.add_argument("--score", action="append", default=[], help="FORMAT:PATH to score both rankers on")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--folds", type=int, default=0, help="also cross-validate on the training corpus")
    ap.add_argument("--write", action="store_true", help=f"write the weights to {OUT}")
    args = ap.parse_args()
    pipeline = Pipeline()
    hand = Geoparser(pipeline.options, ranker=hand_ranker())
    train_docs: list[list[Group]] = []
    for spec in args.train:
        fmt, path = spec.split(":", 1)
        docs = groups(fmt, path, hand)
        train_docs += docs
        if args.folds:
            print(f"{path}: {args.folds}-fold cross-validated acc@161",
                  cross_validate(fmt, path, docs, args.folds, args.c, pipeline))
    train = [g for d in train_docs for g in d]
    names = "+".join(Path(spec.split(":", 1)[1]).name for spec in args.train)
    learned = ranker_of(fit(train, args.c), names)
    print(f"{len(train)} ambiguous mentions; weights:",
          {f: round(w, 3) for f, w in zip(FEATURES, learned.weights) if w})
    for spec in args.score:
        fmt, path = spec.split(":", 1)
        for ranker in (hand_ranker(), learned):
            print(f"{path} [{ranker.name}]", json.dumps(score(fmt, path, ranker, pipeline)))
    if args.write:
        weights = {f: w for f, w in zip(FEATURES, learned.weights) if w}
        OUT.write_text(json.dumps({"data": names, "trained": str(date.today()), "c": args.c,
                                   "mentions": len(train), "weights": weights}, indent=1) + "\n", "utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
