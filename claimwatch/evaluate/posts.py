"""Telegram-style posts against claimwatch's own gold: claims found, sources, event types and toponyms.

Reads a gold JSONL file in the layout of ``bench/data/ru_telegram_gold.jsonl`` (posts named by their dataset file
and message id, with the SHA-1 of their text; the texts stay in the datasets folder: ``$CLAIMWATCH_DATASETS``,
else ``../shared/datasets``, under ``ru_telegram/``) or ``bench/data/uk_fiction_gold.jsonl`` (fiction, with its
``text``). Each post is extracted as an article of its own; the figures:

- **claims**: predicted claims matched one to one to gold claims whose content spans overlap by at least half of
  their union (character Jaccard >= 0.5); precision, recall and F1;
- **sources**: of the matched gold claims that have a source, the share whose predicted source overlaps it;
- **events**: of the gold events, the share with a predicted event whose trigger overlaps the gold trigger and
  whose ACLED type (``type``) or sub-type (``sub_type``) is the gold one;
- **toponyms**: of the gold toponyms with coordinates, the share with an overlapping predicted place mention
  resolved within 161 km (acc@161).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.table import Table

from ..model import Article, Extraction
from .metrics import prf

FORMATS = ("tg-gold",)
_JACCARD = 0.5


def datasets_dir() -> Path:
    return Path(os.environ.get("CLAIMWATCH_DATASETS") or "../shared/datasets")


def read(path: str | Path) -> list[tuple[dict[str, Any], str]]:
    """(gold record, its text) for every post of the gold file; a text that is missing or changed is an error."""
    out = []
    cache: dict[str, dict[int, str]] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        text = record.get("text")
        if text is None:
            file = record["file"]
            if file not in cache:
                source = datasets_dir() / "ru_telegram" / file
                if not source.exists():
                    raise ValueError(f"{path}:{n}: the post's text is in {source}, which is not there "
                                     "(set CLAIMWATCH_DATASETS)")
                cache[file] = {m["message_id"]: m["text"] for m in json.loads(source.read_text("utf-8"))}
            text = cache[file].get(record["message_id"])
            if text is None:
                raise ValueError(f"{path}:{n}: no message {record['message_id']} in {file}")
        if record.get("sha1") and hashlib.sha1(text.encode("utf-8")).hexdigest() != record["sha1"]:
            raise ValueError(f"{path}:{n}: the text of this post changed (SHA-1 differs)")
        out.append((record, text))
    return out


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _overlaps(a: Iterable[int] | None, b: Iterable[int] | None) -> bool:
    if a is None or b is None:
        return False
    (s1, e1), (s2, e2) = tuple(a), tuple(b)
    return s1 < e2 and s2 < e1


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Tally:
    def __init__(self) -> None:
        self.c = {k: 0 for k in ("gold_claims", "pred_claims", "matched", "gold_sourced", "sources_right",
                                 "gold_events", "types_right", "sub_types_right", "gold_toponyms",
                                 "toponyms_right")}

    def add(self, gold: dict[str, Any], ex: Extraction) -> dict[str, Any]:
        c = self.c
        pred = [(cl, (cl.content.start, cl.content.end)) for cl in ex.claims]
        c["gold_claims"] += len(gold.get("claims", []))
        c["pred_claims"] += len(pred)
        used: set[int] = set()
        for g in gold.get("claims", []):
            best = max(((i, _jaccard(tuple(g["content"]), span)) for i, (_, span) in enumerate(pred)
                        if i not in used), key=lambda x: x[1], default=(None, 0.0))
            if best[0] is None or best[1] < _JACCARD:
                continue
            used.add(best[0])
            c["matched"] += 1
            if g.get("source"):
                c["gold_sourced"] += 1
                src = pred[best[0]][0].source
                if src is not None and _overlaps(g["source"], (src.span.start, src.span.end)):
                    c["sources_right"] += 1
        events = [e for cl in ex.claims for e in cl.events]
        for g in gold.get("events", []):
            c["gold_events"] += 1
            near = [e for e in events if _overlaps(g["trigger"], (e.trigger.start, e.trigger.end))]
            c["types_right"] += any(e.type == g.get("type") for e in near)
            c["sub_types_right"] += any(e.sub_type == g.get("sub_type") for e in near)
        for g in gold.get("toponyms", []):
            if g.get("lat") is None or g.get("lon") is None:
                continue
            c["gold_toponyms"] += 1
            hits = [m for m in ex.places if m.place is not None and m.place.lat is not None
                    and m.place.lon is not None and _overlaps(g["span"], (m.span.start, m.span.end))]
            c["toponyms_right"] += any(_km(g["lat"], g["lon"], m.place.lat, m.place.lon) <= 161  # type: ignore[union-attr, arg-type]
                                       for m in hits)
        return {"claims": len(pred)}

    def result(self) -> dict[str, Any]:
        c = self.c

        def share(a: str, b: str) -> float | None:
            return round(c[a] / c[b], 4) if c[b] else None

        return {"claims": prf(c["matched"], c["pred_claims"], c["gold_claims"]),
                "sources": share("sources_right", "gold_sourced"),
                "event_types": share("types_right", "gold_events"),
                "event_sub_types": share("sub_types_right", "gold_events"),
                "toponyms_acc161": share("toponyms_right", "gold_toponyms"), "counts": dict(c)}


def evaluate(path: str | Path, fmt: str, pipeline: Any, save_predictions: str | Path | None = None,
             gold_spans: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    posts = read(path)
    articles = [Article(text=text, origin=str(r.get("id") or f"{r['file']}#{r['message_id']}"),
                        language=r.get("language")) for r, text in posts]
    tally = _Tally()
    predictions = []
    for (record, _), result in zip(posts, pipeline.extract_many(articles), strict=True):
        if isinstance(result, Extraction):
            tally.add(record, result)
            predictions.append({"post": result.article.origin, "claims": [
                {"source": [c.source.span.start, c.source.span.end] if c.source else None,
                 "content": [c.content.start, c.content.end], "status": c.status.value,
                 "events": [e.sub_type for e in c.events]} for c in result.claims]})
    if save_predictions:
        Path(save_predictions).write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    out = {"task": "posts", "n": len(posts), **tally.result(),
           "seconds": round(time.perf_counter() - started, 1)}
    return out


def render(result: dict[str, Any]) -> Table:
    table = Table(title=f"posts: {result['n']} ({result['seconds']} s)", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    claims = result["claims"]
    rows = [("claims P / R / F1", f"{claims['p']:.3f} / {claims['r']:.3f} / {claims['f1']:.3f}")]
    for name in ("sources", "event_types", "event_sub_types", "toponyms_acc161"):
        value = result.get(name)
        rows.append((name, "–" if value is None else f"{value:.3f}"))
    for name, value in rows:
        table.add_row(name, value)
    return table
