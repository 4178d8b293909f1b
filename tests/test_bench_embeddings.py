"""bench/embeddings.py: its metrics, the numpy-only char-gram baseline and the shape of its pair data."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "embeddings.py"


@pytest.fixture(scope="module")
def emb():
    spec = importlib.util.spec_from_file_location("bench_embeddings", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_roc_auc_orders_ties_and_degenerate_cases(emb):
    labels = np.array([True, True, False, False])
    assert emb.roc_auc(np.array([0.9, 0.8, 0.2, 0.1]), labels) == 1.0
    assert emb.roc_auc(np.array([0.1, 0.2, 0.8, 0.9]), labels) == 0.0
    assert emb.roc_auc(np.array([0.5, 0.5, 0.5, 0.5]), labels) == 0.5
    assert emb.roc_auc(np.array([0.9, 0.3, 0.5, 0.1]), labels) == 0.75
    assert np.isnan(emb.roc_auc(np.array([0.1, 0.2]), np.array([True, True])))


def test_best_threshold_finds_the_separating_cut(emb):
    scores = np.array([0.2, 0.4, 0.6, 0.7, 0.9])
    labels = np.array([False, False, True, False, True])
    acc, thr = emb.best_threshold(scores, labels)
    assert acc == pytest.approx(0.8)
    assert thr == 0.6  # the lowest of the equally good cuts
    assert emb.best_threshold(np.array([0.1, 0.9]), np.array([False, True])) == (1.0, 0.9)


def test_chargram_vectors_are_unit_and_translit_joins_scripts(emb):
    corpus = ["Shelling of Kharkiv", "Обстрел Харькова", "Обстріл Харкова", "Drone attack on Odesa port"]
    plain = emb.chargram_encoder(corpus, lambda t: t)
    latin = emb.chargram_encoder(corpus, emb.translit)
    same = plain(corpus[:1]).rowdot(plain(corpus[:1]))
    assert same[0] == pytest.approx(1.0, abs=1e-5)
    cross_plain = plain(["Kharkiv"]).rowdot(plain(["Харків"]))[0]
    cross_latin = latin(["Kharkiv"]).rowdot(latin(["Харків"]))[0]
    assert cross_plain == 0.0
    assert cross_latin == pytest.approx(1.0, abs=1e-5)
    assert emb.translit("Харків, Харьков") == "kharkiv, kharkov"


def test_quality_reports_every_group(emb):
    pairs = [
        emb.Pair("a", "b", "en", True), emb.Pair("c", "d", "en", False, "template"),
        emb.Pair("e", "f", "ru", True), emb.Pair("g", "h", "ru", False, "mirror"),
        emb.Pair("i", "j", "uk", True), emb.Pair("k", "l", "uk", False, "template"),
        emb.Pair("m", "n", "en-ru", True), emb.Pair("o", "p", "ru-uk", False, "same-town"),
    ]
    scores = np.array([0.9, 0.1, 0.8, 0.3, 0.2, 0.7, 0.6, 0.5])
    q = emb.quality(scores, pairs)
    assert (q["auc_en"], q["auc_ru"], q["auc_uk"], q["auc_x"]) == (1.0, 1.0, 0.0, 1.0)
    assert q["kind_template"] == pytest.approx(6 / 8)
    assert q["auc_lo"] <= q["auc_all"] <= q["auc_hi"]


def test_pair_data_is_balanced_and_covers_every_language_group():
    rows = [json.loads(line) for line in (BENCH.parent / "data" / "embedding_pairs.jsonl").open(encoding="utf-8")]
    counts = Counter((r["lang"].count("-") and "x" or r["lang"], r["same"]) for r in rows)
    assert counts[("en", True)] >= 40 and counts[("en", False)] >= 40
    for group in ("ru", "uk", "x"):
        assert counts[(group, True)] >= 20 and counts[(group, False)] >= 20
    assert {r["lang"] for r in rows} == {"en", "ru", "uk", "en-ru", "en-uk", "ru-uk"}
    assert all(r["a"].strip() and r["b"].strip() and r["a"] != r["b"] for r in rows)
    assert all(r.get("kind") for r in rows if not r["same"])
    assert len({(r["a"], r["b"]) for r in rows}) == len(rows)
