"""The shared P/R/F1 helper every scorer uses."""

from __future__ import annotations

import pytest

from claimwatch.evaluate.metrics import prf, ratio


def test_prf_from_counts() -> None:
    assert prf(3, 4, 6) == {"p": 0.75, "r": 0.5, "f1": 0.6}


def test_nothing_predicted_or_nothing_gold_scores_zero_not_an_error() -> None:
    assert prf(0, 0, 5) == {"p": 0.0, "r": 0.0, "f1": 0.0}
    assert prf(0, 5, 0) == {"p": 0.0, "r": 0.0, "f1": 0.0}
    assert prf(0, 0, 0) == {"p": 0.0, "r": 0.0, "f1": 0.0}
    assert ratio(1, 0) == 0.0


@pytest.mark.parametrize("tp, n_pred, n_gold", [(1, 3, 7), (2, 3, 7), (5, 9, 11), (40, 57, 61), (1, 1, 1)])
def test_f1_comes_from_unrounded_precision_and_recall(tp: int, n_pred: int, n_gold: int) -> None:
    """F1 equals 2·tp / (predicted + gold), which holds only when P and R are not rounded first."""
    result = prf(tp, n_pred, n_gold)
    assert result["f1"] == round(2 * tp / (n_pred + n_gold), 4)
    assert result["p"] == round(tp / n_pred, 4) and result["r"] == round(tp / n_gold, 4)
