"""Development harness for attribution rules: parse a brat corpus once (cached DocBin), score, show errors.

    python scripts/attribution_dev.py /work/shared/datasets/polnear/dev [--errors source|cue|content] [--n 40]
        [--rules-only | --tagger WEIGHTS.json | --accurate [--encoder-alone --threshold T]]

``--rules-only``: without the learned source/content tagger; ``--tagger``: that tagger's weights, its spans taken
wherever they differ from the rules' (the "model alone" figure of a tagger trained with ``--no-rules``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

from spacy.tokens import DocBin

from claimwatch import nlp as nlp_mod
from claimwatch.evaluate.attribution import Scorer, claims_to_relations
from claimwatch.evaluate.brat import read_gold_dir
from claimwatch.extract import attribution, status
from claimwatch.extract.attribution import tagger


def parsed(docs, cache_dir: Path):  # type: ignore[no-untyped-def]
    nlp = nlp_mod.english()
    # the pipeline's components and version are in the key: a parse cached before a change to them is not reused
    from claimwatch.about import PIPELINE_VERSION

    stamp = "|".join([*nlp.pipe_names, PIPELINE_VERSION, *(d.name for d in docs)])
    key = hashlib.sha1(stamp.encode()).hexdigest()[:12]
    cache = cache_dir / f"{key}.spacy"
    if cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    out = list(nlp.pipe([d.text for d in docs], batch_size=32))
    db = DocBin(store_user_data=False)
    for d in out:
        db.add(d)
    cache_dir.mkdir(parents=True, exist_ok=True)
    db.to_disk(cache)
    return out


def show(text: str, pieces) -> str:  # type: ignore[no-untyped-def]
    if not pieces:
        return "-"
    return " | ".join(text[s:e].replace("\n", " ") for s, e in pieces)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--errors", choices=["source", "cue", "content"])
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--tagger")
    ap.add_argument("--accurate", action="store_true", help="the transformer span tagger instead of the CRF")
    ap.add_argument("--encoder-alone", action="store_true",
                    help="with --accurate: the encoder's labelling wherever it differs, and its cue score alone "
                         "(mix weight 1) at THRESHOLD (the threshold tune printed for weight 1)")
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()
    if args.tagger:
        data = json.loads(Path(args.tagger).read_text("utf-8"))
        model = tagger.TaggerModel.of(data["state"], data["trans"], bool(data["with_rules"]),
                                      {"source": 0.0, "content": 0.0})
        tagger.load_model = lambda: model  # type: ignore[assignment,misc]
    if args.encoder_alone:
        from claimwatch.extract.attribution import encoder

        shipped = encoder.load_model()
        assert shipped is not None and shipped.cue_mix is not None
        alone = encoder.SpanEncoder(shipped.w, shipped.wordpiece, {"source": -1e9, "content": -1e9},
                                    encoder.CueMix(shipped.cue_mix.band, 1.0, args.threshold))
        encoder.load_model = lambda: alone  # type: ignore[assignment,misc]
    docs = list(read_gold_dir(args.path))
    spacy_docs = parsed(docs, Path("/tmp/cw_parse_cache"))
    scorer = Scorer()
    errors = []
    for gd, doc in zip(docs, spacy_docs):
        claims = attribution.find_claims(doc, learned_spans=not args.rules_only, accurate=args.accurate)
        status.assign(doc, claims)
        pred = claims_to_relations(claims)
        scorer.add(gd.text, gd.relations, pred)
        if args.errors:
            role = args.errors
            g = {getattr(r, role): r for r in gd.relations if getattr(r, role)}
            p = {getattr(r, role): r for r in pred if getattr(r, role)}
            for k in set(g) - set(p):
                # closest prediction by overlap
                near = [q for q in p if q[0][0] < k[-1][1] and k[0][0] < q[-1][1]]
                errors.append(("FN", gd.name, show(gd.text, k), show(gd.text, near[0]) if near else "",
                               show(gd.text, g[k].cue)))
            for k in set(p) - set(g):
                near = [q for q in g if q[0][0] < k[-1][1] and k[0][0] < q[-1][1]]
                if near:
                    continue  # boundary errors are listed once, as FN
                errors.append(("FP", gd.name, show(gd.text, k), "", show(gd.text, p[k].cue)))
    res = scorer.result()
    for kind in ("exact", "overlap"):
        print(kind, " ".join(f"{r}={v['p']:.3f}/{v['r']:.3f}/{v['f1']:.3f}" for r, v in res[kind].items()))
    print("gold", res["gold"], "pred", res["predicted"])
    random.Random(args.seed).shuffle(errors)
    for e in errors[: args.n]:
        print(f"\n[{e[0]}] {e[1]}\n  gold/pred: {e[2]!r}\n  nearest:   {e[3]!r}\n  cue: {e[4]!r}")


if __name__ == "__main__":
    sys.exit(main())
