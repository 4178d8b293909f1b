"""Development aid for event typing: score CASE 2021 snippets and show what the rules get wrong.

Usage: .venv/bin/python scripts/events_dev.py [TSV] [--errors] [--label LABEL] [--no-registry]
Measurement only: the lexicon and rules are written from the ACLED codebook, never fitted to these snippets.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from claimwatch.evaluate import events as ev
from claimwatch.extract import events
from claimwatch.pipeline import Pipeline


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tsv", nargs="?", default="/work/shared/datasets/case2021/dev.tsv")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--label")
    ap.add_argument("--no-registry", action="store_true")
    args = ap.parse_args()
    pipe = Pipeline()
    rows = ev.read_case_tsv(args.tsv)
    kind_of = None if args.no_registry else pipe.actors.kind_of
    t0 = time.perf_counter()
    preds, details = [], []
    for (_, text, gold), doc in zip(rows, pipe.nlp.pipe([r[1] for r in rows]), strict=True):
        typed = events.classify(doc[:], kind_of)
        preds.append(ev.case_label(typed))
        details.append((gold, preds[-1], text, [(t.sub_type, doc[t.start:t.end].text, t.score) for t in typed]))
    res = ev.score([r[2] for r in rows], preds)
    print(f"n={res['n']} micro={res['micro_f1']} macro={res['macro_f1']} weighted={res['weighted_f1']} "
          f"({time.perf_counter() - t0:.1f}s)")
    for lab, m in sorted(res["per_label"].items(), key=lambda kv: kv[1]["f1"]):
        print(f"  {lab:32s} p={m['p']:.2f} r={m['r']:.2f} f1={m['f1']:.2f} n={m['n']}")
    conf = Counter((g, p) for g, p, _, _ in details if g != p)
    print("top confusions:", conf.most_common(15))
    if args.errors or args.label:
        for g, p, text, typed in details:
            if g != p and (not args.label or args.label in (g, p)):
                print(f"\n[{g} -> {p}] {text[:300]}\n   {typed}")


if __name__ == "__main__":
    main()
