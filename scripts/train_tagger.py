"""Train the source/content tagger (``claimwatch/data/attribution_tagger.json``) on PolNeAR train.

    python scripts/train_tagger.py /work/shared/datasets/polnear/train [--docs 200] [--c1 0.05] [--c2 0.01]
        [--iterations 100] [--no-rules] [--folds 5] [--no-write]

Examples: every attribution the rules propose (:func:`claimwatch.extract.attribution.propose`) whose cue span is
exactly a gold cue. Each is a sequence over :func:`~claimwatch.extract.attribution.tagger.window`, labelled
from the gold source and content. A linear-chain CRF (python-crfsuite, L-BFGS, seed-free and deterministic) is
fitted on them; ``--no-rules`` leaves out the features that encode the rules' own proposal (the "model alone"
variant). Before the final fit, ``--folds``-fold cross-validation over documents prints, on the held-out
folds, exact source/content accuracy of the rules, of the tagger, and of each way of combining them; the
combination with the best out-of-fold accuracy is written with the weights (``combine``: which role the
tagger decides). Needs python-crfsuite (``pip install -e '.[train]'``). Never run it on dev or test.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pycrfsuite

sys.path.insert(0, str(Path(__file__).parent))
from attribution_dev import parsed

from claimwatch.evaluate.brat import read_gold_dir
from claimwatch.extract import attribution
from claimwatch.extract.attribution import tagger
from claimwatch.extract.attribution.quotes import quotes_of

OUT = Path(__file__).resolve().parent.parent / "claimwatch" / "data" / "attribution_tagger.json"


@dataclass(slots=True)
class Example:
    doc: int  #: document index, for the folds
    feats: list[list[str]]
    labels: list[str]
    gold_source: tuple[tuple[int, int], ...] | None
    gold_content: tuple[tuple[int, int], ...]
    rule_source: tuple[tuple[int, int], ...] | None
    rule_content: tuple[tuple[int, int], ...]
    spacy_doc: object
    window: tagger.Window


def examples(path: str, n_docs: int, with_rules: bool) -> list[Example]:
    docs = list(read_gold_dir(path))
    spacy_docs = parsed(docs, Path("/tmp/cw_parse_cache"))
    out = []
    for i, (gd, doc) in enumerate(list(zip(docs, spacy_docs))[:n_docs]):
        gold = {r.cue: r for r in gd.relations}
        quotes = quotes_of(doc)
        for found, _ in attribution.propose(doc, quotes):
            g = gold.get((found.cue_span,))
            if g is None:
                continue
            prop = tagger.Proposal(found.cue, found.rule, found.source, tuple(sorted(found.content)))
            win = tagger.window(doc, prop)
            out.append(Example(
                i, tagger.features(doc, prop, win, quotes, with_rules),
                tagger.gold_labels(doc, win, g.source, g.content), g.source, g.content,
                (found.source,) if found.source else None, prop.content, doc, win))
    return out


def fit(train: list[Example], args: argparse.Namespace, model_path: str) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for ex in train:
        trainer.append(ex.feats, ex.labels)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True})
    trainer.train(model_path)


def predicted(ex: Example, labels: list[str]) -> tuple[tuple[tuple[int, int], ...] | None,
                                                       tuple[tuple[int, int], ...]]:
    """Source and finished content pieces of a label sequence."""
    from claimwatch.extract.attribution import finish_piece

    doc = ex.spacy_doc
    source, content = tagger.decode_spans(doc, ex.window, labels)  # type: ignore[arg-type]
    text = doc.text  # type: ignore[attr-defined]
    pieces = tuple(sorted(p for p in (finish_piece(text, c, quotes_of(doc)) for c in content)  # type: ignore[arg-type]
                          if p[1] > p[0]))
    return ((source,) if source else None), pieces


THRESHOLDS = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, float("inf"))


def cross_validate(data: list[Example], args: argparse.Namespace) -> dict[str, float]:
    """Held-out exact accuracy per role of the rules, of the tagger, and of the tagger used only where its best
    labelling beats the rules' labelling by a log-odds margin (one figure per margin in ``THRESHOLDS``)."""
    hits: dict[str, float] = {"oracle_content": 0}
    for role in ("source", "content"):
        hits[f"rules_{role}"] = hits[f"tagger_{role}"] = 0
        for t in THRESHOLDS:
            hits[f"margin{t}_{role}"] = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.folds):
            train = [e for e in data if e.doc % args.folds != k]
            test = [e for e in data if e.doc % args.folds == k]
            t0 = time.time()
            fit(train, args, f"{tmp}/m{k}.crf")
            crf = pycrfsuite.Tagger()
            crf.open(f"{tmp}/m{k}.crf")
            for ex in test:
                best = crf.tag(ex.feats)
                rules = tagger.gold_labels(ex.spacy_doc, ex.window, ex.rule_source, ex.rule_content)  # type: ignore[arg-type]
                margin = math.log(max(1e-300, crf.probability(best))) - math.log(max(1e-300, crf.probability(rules)))
                got = dict(zip(("source", "content"), predicted(ex, best), strict=True))
                gold = {"source": ex.gold_source, "content": ex.gold_content}
                ruled = {"source": ex.rule_source, "content": ex.rule_content}
                for role in ("source", "content"):
                    hits[f"rules_{role}"] += ruled[role] == gold[role]
                    hits[f"tagger_{role}"] += got[role] == gold[role]
                    for t in THRESHOLDS:
                        hits[f"margin{t}_{role}"] += (got[role] if margin > t else ruled[role]) == gold[role]
                hits["oracle_content"] += predicted(ex, ex.labels)[1] == ex.gold_content
            print(f"fold {k}: {len(train)} train sequences, {time.time() - t0:.0f}s", flush=True)
    return {key: v / len(data) for key, v in hits.items()}


def best_margins(cv: dict[str, float]) -> dict[str, float | None]:
    """Per role, the margin with the best out-of-fold accuracy (None: keep the rules' span)."""
    out: dict[str, float | None] = {}
    for role in ("source", "content"):
        t = max(THRESHOLDS, key=lambda t: (cv.get(f"margin{t}_{role}", 0.0), t))
        out[role] = None if math.isinf(t) else t
    return out


def export(model_path: str, with_rules: bool, extra: dict[str, object]) -> dict[str, object]:
    crf = pycrfsuite.Tagger()
    crf.open(model_path)
    info = crf.info()
    index = {lab: k for k, lab in enumerate(tagger.LABELS)}
    state: dict[str, list[float]] = {}
    for (attr, label), w in info.state_features.items():
        if abs(w) >= 0.01:
            state.setdefault(attr, [0.0] * len(index))[index[label]] = round(w, 3)
    trans = [[0.0] * len(index) for _ in index]
    for (a, b), w in info.transitions.items():
        trans[index[a]][index[b]] = round(w, 3)
    return {"trained": str(date.today()), "with_rules": with_rules, **extra, "trans": trans, "state": state}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-rules", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    t0 = time.time()
    data = examples(args.path, args.docs, not args.no_rules)
    print(f"{len(data)} sequences, {sum(len(e.labels) for e in data)} tokens ({time.time() - t0:.0f}s)", flush=True)
    cv = cross_validate(data, args) if args.folds > 1 else {}
    for key, v in cv.items():
        print(f"out-of-fold exact {key}: {v:.3f}")
    combine = best_margins(cv) if cv else {"source": 0.0, "content": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time()
        fit(data, args, f"{tmp}/final.crf")
        print(f"final fit: {time.time() - t0:.0f}s")
        out = export(f"{tmp}/final.crf", not args.no_rules, {
            "data": Path(args.path).name, "docs": min(args.docs, 1 + max(e.doc for e in data)),
            "c1": args.c1, "c2": args.c2, "iterations": args.iterations, "combine": combine,
            "cv": {k: round(v, 4) for k, v in cv.items() if "inf" not in k}})
    if not args.no_write:
        Path(args.out).write_text(json.dumps(out, sort_keys=True, separators=(",", ":")), encoding="utf-8")
        print(f"wrote {args.out} ({len(out['state'])} features; combine {combine})")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
