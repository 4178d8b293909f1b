"""Story clustering against gold clusters of articles: BCubed precision, recall and F1.

Reads a clusters-jsonl file: one article per line, ``{"id", "text", "title"?, "url"?, "outlet"?, "published"?,
"language"?, "cluster"?}`` (``cluster`` is the gold story; lines without it are clustered but not scored).
Extracts every article with the pipeline, stores them in a scratch SQLite store, links them
(:func:`claimwatch.link.link`) and puts each article in the story holding most of its linked claims (event
stories before claimant-only ones; an article with no linked claim is alone). Writes ``id<TAB>predicted cluster``
lines with ``--save-predictions``.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.table import Table

from ..model import Article, Extraction
from ..readers.pubtime import parse_published

FORMATS = ("clusters-jsonl",)


def read(path: str | Path) -> list[dict[str, Any]]:
    """The lines of a clusters-jsonl file (each with an ``id`` and a ``text``)."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc})") from exc
        if not isinstance(record, dict) or not record.get("id") or not isinstance(record.get("text"), str):
            raise ValueError(f"{path}:{n}: each line needs an 'id' and a 'text'")
        out.append(record)
    return out


def _article(record: dict[str, Any]) -> Article:
    published = record.get("published")
    return Article(text=record["text"], title=record.get("title"), url=record.get("url"),
                   outlet=record.get("outlet"), language=record.get("language"),
                   published=parse_published(str(published)) if published else None,
                   published_raw=str(published) if published else None, origin=str(record["id"]))


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """BCubed precision, recall and F1 over the items in ``gold`` (Bagga & Baldwin 1998; Amigó et al. 2009)."""
    items = [i for i in gold if i in predicted]
    if not items:
        return {"p": 0.0, "r": 0.0, "f1": 0.0}
    by_pred: dict[str, list[str]] = {}
    by_gold: dict[str, list[str]] = {}
    for i in items:
        by_pred.setdefault(predicted[i], []).append(i)
        by_gold.setdefault(gold[i], []).append(i)
    p = sum(sum(gold[j] == gold[i] for j in by_pred[predicted[i]]) / len(by_pred[predicted[i]]) for i in items)
    r = sum(sum(predicted[j] == predicted[i] for j in by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in items)
    p, r = p / len(items), r / len(items)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4)}


def cluster_articles(records: list[dict[str, Any]], pipeline: Any) -> dict[str, str]:
    """Each record's predicted cluster: the story holding most of its linked claims."""
    from sqlalchemy.orm import Session

    from ..link import link
    from ..store import Store
    from ..store import links as db

    with tempfile.TemporaryDirectory(prefix="cw-stories-") as folder, \
            Store(f"sqlite:///{Path(folder) / 'eval.db'}") as store:
        ids: dict[int, str] = {}
        for record, result in zip(records, pipeline.extract_many(_article(r) for r in records), strict=True):
            if isinstance(result, Extraction):
                ids[store.save(result)] = str(record["id"])
        link(store, pipeline.options)
        with Session(store.engine) as session:
            votes = db.story_votes(session)
    predicted = {}
    for article_id, gold_id in ids.items():
        counts: Counter[tuple[int, str]] = Counter()
        first: dict[str, int] = {}
        for n, (story_id, family) in enumerate(votes.get(article_id, [])):
            counts[(0 if family != "statement" else 1, story_id)] += 1
            first.setdefault(story_id, n)
        if counts:  # event stories first, then most claims, then the story of the earliest claim
            predicted[gold_id] = min(counts, key=lambda k: (k[0], -counts[k], first[k[1]]))[1]
        else:
            predicted[gold_id] = f"alone:{gold_id}"
    for record in records:
        predicted.setdefault(str(record["id"]), f"alone:{record['id']}")
    return predicted


def evaluate(path: str | Path, fmt: str, pipeline: Any, save_predictions: str | Path | None = None,
             gold_spans: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    records = read(path)
    predicted = cluster_articles(records, pipeline)
    gold = {str(r["id"]): str(r["cluster"]) for r in records if r.get("cluster") not in (None, "")}
    if save_predictions:
        _save(save_predictions, ((str(r["id"]), predicted[str(r["id"])]) for r in records))
    result: dict[str, Any] = {"task": "stories", "n": len(records), "scored": len(gold),
                              "clusters": len(set(predicted.values())), "gold_clusters": len(set(gold.values())),
                              "seconds": round(time.perf_counter() - started, 1)}
    result["bcubed"] = bcubed(gold, predicted) if gold else None
    return result


def _save(path: str | Path, rows: Iterable[tuple[str, str]]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(f"{article_id}\t{cluster}\n" for article_id, cluster in rows)


def render(result: dict[str, Any]) -> Table:
    table = Table(title=f"stories: {result['n']} articles, {result['clusters']} predicted clusters "
                        f"({result['gold_clusters']} gold), {result['seconds']} s", title_justify="left")
    for name in ("measure", "P", "R", "F1"):
        table.add_column(name)
    b = result.get("bcubed")
    if b:
        table.add_row("BCubed", f"{b['p']:.3f}", f"{b['r']:.3f}", f"{b['f1']:.3f}")
    return table
