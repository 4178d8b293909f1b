"""Copies: wire copies, rewrites and forwards of an earlier article, found by MinHash over word shingles.

Reads an article's stored text; writes a :class:`Signature` (a MinHash of its word 3-shingles, from
``datasketch``) and its LSH band keys. An article whose estimated Jaccard similarity with an earlier one reaches
``COPY_JACCARD`` is a copy of it; a copy of a copy points to the first article of the chain (its root), so the
whole chain counts as one piece of evidence. Candidates come from the band keys (locality-sensitive hashing:
32 bands of 4 rows find pairs above ~0.4 with high probability), never from all pairs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

#: number of MinHash permutations; bands x rows must equal it
PERMUTATIONS = 128
BANDS, ROWS = 32, 4
#: estimated Jaccard similarity of 3-shingle sets from which an article is a copy of an earlier one
COPY_JACCARD = 0.5
SHINGLE = 3
SEED = 7
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Signature:
    hashvalues: np.ndarray  #: uint64, PERMUTATIONS long

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(data, dtype="<u8").copy())

    def bands(self) -> list[int]:
        """One key per band: a 63-bit hash of its rows (fits a signed 64-bit database integer)."""
        out = []
        for b in range(BANDS):
            chunk = self.hashvalues[b * ROWS:(b + 1) * ROWS].astype("<u8").tobytes()
            digest = hashlib.blake2b(bytes([b]) + chunk, digest_size=8).digest()
            out.append(int.from_bytes(digest, "little") >> 1)
        return out

    def jaccard(self, other: Signature) -> float:
        return float(np.mean(self.hashvalues == other.hashvalues))


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> Signature | None:
    """The MinHash of ``text``'s word shingles (None for a text with no words)."""
    from datasketch import MinHash

    grams = shingles(text)
    if not grams:
        return None
    m = MinHash(num_perm=PERMUTATIONS, seed=SEED)
    m.update_batch(list(grams))
    return Signature(np.asarray(m.hashvalues, dtype=np.uint64))


@dataclass(frozen=True, slots=True)
class CopyMatch:
    original: int  #: the article it copies (the root of the chain)
    similarity: float


def best_original(sig: Signature, candidates: Iterable[tuple[int, Signature, int | None]]) -> CopyMatch | None:
    """The earliest-stored article among ``candidates`` (id, signature, its own copy_of) that ``sig`` copies;
    the match points to the root of that article's chain."""
    best: CopyMatch | None = None
    for article_id, other, root in sorted(candidates, key=lambda c: c[0]):
        j = sig.jaccard(other)
        if j >= COPY_JACCARD and (best is None or j > best.similarity + 0.1):
            best = CopyMatch(root if root is not None else article_id, round(j, 3))
    return best
