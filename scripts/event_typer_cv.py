"""Would a learned event typer help the rules? 5-fold cross-validation on fictional reports (issue 11).

    python scripts/event_typer_cv.py bench/data/events_fiction.tsv

Reads a CASE-format TSV (``id<TAB>snippet<TAB>label``), parses it, types every snippet with the rules, and
prints weighted F1 out of fold (stratified, seed 0) for: the rules alone; a multinomial logistic regression over
lemma unigrams and bigrams; one over multilingual Universal Sentence Encoder vectors; and each of these with the
rules' answer as a feature. Nothing is written: the result (no learned typer beats the rules on ~10 reports per
label) is recorded in docs/evaluation.md. Needs scikit-learn (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from claimwatch.evaluate.events import case_label, read_case_tsv
from claimwatch.extract import events
from claimwatch.link.similarity import UseEmbedder
from claimwatch.pipeline import Pipeline
from claimwatch.settings import Options


def out_of_fold(x: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    """Labels predicted for every row by a model that never saw its fold."""
    pred = np.empty(len(y), dtype=object)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        model = LogisticRegression(C=c, max_iter=3000).fit(x[train], y[train])
        pred[test] = model.predict(x[test])
    return pred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv")
    args = parser.parse_args()
    rows = read_case_tsv(args.tsv)
    pipeline = Pipeline(Options())
    docs = list(pipeline.nlp.pipe([r[1] for r in rows]))
    y = np.array([r[2] for r in rows])
    rules = np.array([case_label(events.classify(d[:], pipeline.actors.kind_of)) for d in docs])
    labels = sorted(set(y) | set(rules))
    rule_cols = np.array([[2.0 * (r == lab) for lab in labels] for r in rules])
    bags = []
    for d in docs:
        lemmas = [t.lemma_.lower() for t in d if t.is_alpha and not t.is_stop]
        bags.append({**{f"w={w}": 1 for w in lemmas}, **{f"b={a}_{b}": 1 for a, b in itertools.pairwise(lemmas)}})
    words = DictVectorizer().fit_transform(bags).toarray()
    use = UseEmbedder().embed([r[1] for r in rows])
    print(f"{len(rows)} reports, {len(set(y))} labels; weighted F1 out of fold")
    print(f"  rules alone             {f1_score(y, rules, average='weighted'):.3f}")
    for name, x in (("lemma uni/bigrams", words), ("USE vectors", use)):
        for c in (1.0, 3.0, 10.0):
            alone = f1_score(y, out_of_fold(x, y, c), average="weighted")
            both = f1_score(y, out_of_fold(np.hstack([x, rule_cols]), y, c), average="weighted")
            print(f"  {name:<18} C={c:<4} alone {alone:.3f}   with the rules' answer {both:.3f}")


if __name__ == "__main__":
    main()
