"""Similarity of claim contents: vectors compared by cosine.

Reads a claim's content text; writes a unit-length float32 vector. The default embedder needs no model: hashed
character 3-5-grams of the words (so inflected Russian and Ukrainian forms still share most of their n-grams),
with sublinear term weights. A sentence-embedding model plugs in through the same ``Embedder`` protocol.
"""

from __future__ import annotations

import re
import zlib
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
