"""Precision, recall and F1 from counts: the one formula every scorer in ``claimwatch.evaluate`` uses.

Reads and writes nothing; pure arithmetic. Figures are rounded to :data:`DIGITS` decimals, F1 being computed from
the unrounded precision and recall.
"""

from __future__ import annotations

#: Decimals kept in reported figures.
DIGITS = 4


def ratio(part: float, whole: float) -> float:
    """``part / whole``, 0.0 when ``whole`` is 0 (nothing to be right about)."""
    return part / whole if whole else 0.0


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision (``tp / n_pred``), recall (``tp / n_gold``) and their harmonic mean, rounded; 0.0 where a
    denominator is 0."""
    p, r = ratio(tp, n_pred), ratio(tp, n_gold)
    f1 = ratio(2 * p * r, p + r)
    return {"p": round(p, DIGITS), "r": round(r, DIGITS), "f1": round(f1, DIGITS)}


__all__ = ["DIGITS", "prf", "ratio"]
