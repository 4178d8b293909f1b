"""Geoparsing evaluation against GeoWebNews (``gwn-xml``) and LGL / TR-News (``lgl-xml``) gold.

Resolution is scored on the gold toponyms that have coordinates and are locational (GeoWebNews:
``nonLocational`` is not ``Yes``); demonyms and modifiers such as "Russian" or "U.S." count, as the gold
geocodes them. Metrics: accuracy within 161 km, mean and median error (km), AUC of the log error curve as
CamCoder computes it (lower is better; an unresolved toponym counts as the largest possible error), exact
GeoNames id accuracy (over gold toponyms that carry an id), acc@161 on literal toponyms only, and, without
``--gold-spans``, detection precision/recall/F1 (exact span match) of the geoparser's own mentions.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..geo.regions import distance_km
from .metrics import DIGITS, prf, ratio

if TYPE_CHECKING:
    from ..geo import Geoparser
    from ..geo.resolve import Prior, Resolution
    from ..pipeline import Pipeline

FORMATS = ("gwn-xml", "lgl-xml")
MAX_KM = 20039.0  #: half the Earth's circumference: the error of an unresolved toponym
_LITERAL_TYPES = frozenset({"Literal", "Literal_Modifier", "Embedded_Literal"})
_REALIGN_WINDOW = 40
#: how often the outlet prior is rebuilt from the previous round's places (a Dublin, Ohio paper's "Dublin" first
#: goes to Ireland, and its other stories' Irish Dublins then vote for Ireland; each round lets its Ohio towns
#: outvote them). LGL acc@161 with gold spans: 1 round .8875, 2 .8922, 3 .8949, 5 .8953 (dev figures)
OUTLET_ROUNDS = 3


@dataclass(slots=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: int | None
    type: str | None = None  #: GeoWebNews type (Literal, Metonymic, ...); None for LGL
    locational: bool = True

    @property
    def scored(self) -> bool:
        return self.lat is not None and self.lon is not None and self.locational

    @property
    def literal(self) -> bool:
        return self.type is None or self.type in _LITERAL_TYPES


@dataclass(slots=True)
class GoldDocument:
    id: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    outlet: str = ""  #: the publishing site (LGL ``domain``, GeoWebNews ``link`` host), when given


def read(path: str | Path, fmt: str) -> list[GoldDocument]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown geo gold format {fmt!r}; expected one of {', '.join(FORMATS)}")
    root = ET.parse(path).getroot()
    reader = _gwn_document if fmt == "gwn-xml" else _lgl_document
    return [reader(article, n) for n, article in enumerate(root.iter("article"))]


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _gwn_document(article: ET.Element, n: int) -> GoldDocument:
    doc = GoldDocument(article.get("file") or str(n), article.findtext("text") or "",
                       outlet=_host(article.findtext("link") or ""))
    for tp in article.iter("toponym"):
        start, end = int(tp.findtext("start") or 0), int(tp.findtext("end") or 0)
        text = tp.findtext("extractedName") or doc.text[start:end]
        start, end = realign(doc.text, text, start, end)
        doc.toponyms.append(GoldToponym(
            start, end, text, _float(tp.findtext("latitude")), _float(tp.findtext("longitude")),
            _int(tp.findtext("geonamesID")), (tp.findtext("type") or "").strip() or None,
            (tp.findtext("nonLocational") or "No").strip() != "Yes"))
    return doc


def _lgl_document(article: ET.Element, n: int) -> GoldDocument:
    doc = GoldDocument(article.get("docid") or article.get("file") or str(n), article.findtext("text") or "",
                       outlet=(article.findtext("domain") or article.findtext("feedid") or "").strip())
    for tp in article.iter("toponym"):
        start, end = int(tp.findtext("start") or 0), int(tp.findtext("end") or 0)
        text = tp.findtext("phrase") or doc.text[start:end]
        start, end = realign(doc.text, text, start, end)
        gaz = tp.find("gaztag")
        lat = lon = gid = None
        if gaz is not None:
            lat, lon, gid = _float(gaz.findtext("lat")), _float(gaz.findtext("lon")), _int(gaz.get("geonameid"))
        doc.toponyms.append(GoldToponym(start, end, text, lat, lon, gid))
    return doc


def _host(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host.removeprefix("www.")


def realign(text: str, phrase: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``phrase`` in ``text``: as given when they match, else its occurrence nearest ``start``
    within a few dozen characters (TR-News offsets drift with whitespace normalisation)."""
    if not phrase or text[start:end] == phrase:
        return start, end
    lo = max(0, start - _REALIGN_WINDOW)
    hi = min(len(text), end + _REALIGN_WINDOW)
    best = None
    pos = text.find(phrase, lo, hi)
    while pos != -1:
        if best is None or abs(pos - start) < abs(best - start):
            best = pos
        pos = text.find(phrase, pos + 1, hi)
    return (best, best + len(phrase)) if best is not None else (start, end)


@dataclass(slots=True)
class _Scores:
    errors: list[float] = field(default_factory=list)
    literal_hits: int = 0
    literal: int = 0
    id_hits: int = 0
    with_id: int = 0
    detected: int = 0
    gold_spans: int = 0
    matched_spans: int = 0

    def add(self, gold: GoldToponym, res: Resolution | None) -> float:
        entry = res.entry if res is not None else None
        error = MAX_KM if entry is None else distance_km(gold.lat or 0.0, gold.lon or 0.0, entry.lat, entry.lon)
        self.errors.append(error)
        if gold.literal:
            self.literal += 1
            self.literal_hits += error < 161
        if gold.geonameid is not None:
            self.with_id += 1
            self.id_hits += entry is not None and entry.id == gold.geonameid
        return error


def evaluate(path: str | Path, fmt: str, pipeline: Pipeline, save_predictions: str | Path | None = None,
             gold_spans: bool = False, outlet_prior: bool = True, geoparser: Geoparser | None = None,
             ) -> dict[str, Any]:
    """Score the geoparser on the gold file at ``path``; see the module docstring for the metrics.

    With ``outlet_prior`` each article is resolved again with a :class:`~claimwatch.geo.resolve.Prior` built
    from the places resolved in the same outlet's other articles (never its own, never gold coordinates): the
    "outlet's country" context a newsroom deployment has; :data:`OUTLET_ROUNDS` times, each from the last.
    ``geoparser``: instead of the pipeline's (another ranker, say).
    """

    geoparser = geoparser if geoparser is not None else pipeline.geoparser
    documents = read(path, fmt)
    spans = [_spans(geoparser, pipeline, doc, gold_spans) for doc in documents]
    resolved = [geoparser.resolve_spans(doc.text, s) for doc, s in zip(documents, spans)]
    for _ in range(OUTLET_ROUNDS if outlet_prior else 0):
        priors = _outlet_priors(documents, resolved)
        resolved = [geoparser.resolve_spans(doc.text, s, prior) if prior is not None else r
                    for doc, s, r, prior in zip(documents, spans, resolved, priors)]
    scores = _Scores()
    for doc, res in zip(documents, resolved):
        _score_document(doc, res, scores, gold_spans)
    if save_predictions:
        with open(save_predictions, "w", encoding="utf-8") as out:
            for doc, res in zip(documents, resolved):
                _write_predictions(out, doc.id, res)
    return _result(scores, gold_spans)


def _spans(geoparser: Any, pipeline: Pipeline, doc: GoldDocument, gold_spans: bool) -> list[tuple[int, int]]:
    if gold_spans:
        return [(t.start, t.end) for t in doc.toponyms]
    return [(t.start, t.end) for t in geoparser.detect(pipeline.nlp(doc.text), demonyms=True, embedded=True)]


def _outlet_priors(documents: list[GoldDocument], resolved: list[list[Resolution]]) -> list[Prior | None]:
    """Per document, the prior from its outlet's other documents (leave-one-out)."""
    from ..geo.resolve import Prior

    places = [{r.entry.id: r.entry for r in res if r.entry is not None and not r.approximate
               and r.confidence >= 0.5 and r.entry.kind in ("settlement", "district", "region")}
              for res in resolved]
    by_outlet: dict[str, list[int]] = {}
    for i, doc in enumerate(documents):
        if doc.outlet:
            by_outlet.setdefault(doc.outlet, []).append(i)
    priors: list[Prior | None] = []
    for i, doc in enumerate(documents):
        others = [e for j in by_outlet.get(doc.outlet, ()) if j != i for e in places[j].values()]
        priors.append(Prior.of(others) if others else None)
    return priors


def _score_document(doc: GoldDocument, resolved: list[Resolution], scores: _Scores, gold_spans: bool) -> None:
    by_span = {(r.start, r.end): r for r in resolved}
    scored = [t for t in doc.toponyms if t.scored]
    for gold in scored:
        scores.add(gold, by_span.get((gold.start, gold.end)))
    if not gold_spans:
        gold_set = {(t.start, t.end) for t in scored}
        predicted = {(r.start, r.end) for r in resolved}
        scores.gold_spans += len(gold_set)
        scores.detected += len(predicted)
        scores.matched_spans += len(gold_set & predicted)


def _write_predictions(out: Any, doc_id: str, resolved: Iterable[Resolution]) -> None:
    for r in resolved:
        if r.entry is None:
            continue
        out.write(json.dumps({"doc": doc_id, "start": r.start, "end": r.end, "text": r.text,
                              "geonameid": r.entry.id if r.entry.id > 0 else None,
                              "lat": r.entry.lat, "lon": r.entry.lon}, ensure_ascii=False) + "\n")


def auc(errors: list[float]) -> float:
    """Area under the curve of sorted log errors, normalised to 0..1 (CamCoder; lower is better)."""
    if len(errors) < 2:
        return 0.0
    logs = sorted(math.log(e + 1) for e in errors)
    area = sum((a + b) / 2 for a, b in pairwise(logs))
    return area / (math.log(MAX_KM) * (len(logs) - 1))


def _ratio(a: float, b: float) -> float:
    return round(ratio(a, b), DIGITS)


def _result(s: _Scores, gold_spans: bool) -> dict[str, Any]:
    errors = sorted(s.errors)
    n = len(errors)
    detection = None if gold_spans else prf(s.matched_spans, s.detected, s.gold_spans)
    return {
        "task": "geo", "n": n,
        "acc161": _ratio(sum(e < 161 for e in errors), n),
        "mean_km": round(sum(errors) / n, 1) if n else 0.0,
        "median_km": round(_median(errors), 1) if n else 0.0,
        "auc": round(auc(errors), 4),
        "exact_id": _ratio(s.id_hits, s.with_id),
        "detection": detection,
        "acc161_literal": _ratio(s.literal_hits, s.literal),
    }


def _median(values: list[float]) -> float:
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def render(result: dict[str, Any]) -> Any:
    """A Rich table of an :func:`evaluate` result."""
    from rich.table import Table

    table = Table(title=f"geoparsing (n={result['n']})")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in ("acc161", "acc161_literal", "exact_id", "mean_km", "median_km", "auc"):
        table.add_row(key, f"{result[key]}")
    det = result.get("detection")
    if det:
        for key in ("p", "r", "f1"):
            table.add_row(f"detection {key}", f"{det[key]}")
    return table


def _rss_mb() -> float:
    """Resident memory of this process in MB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            import os

            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return 0.0


def stage_speed(pipeline: Pipeline, texts: list[str]) -> dict[str, float]:
    """Milliseconds per article that the geo stage adds (texts parsed first, outside the timing), and the
    memory the opened index adds to the process (MB of resident memory, index open and matcher loaded)."""
    import time

    from ..model import Article

    docs = list(pipeline.nlp.pipe(texts, batch_size=pipeline.options.batch_size))
    before = _rss_mb()
    geoparser = pipeline.geoparser
    geoparser.annotate(docs[0], Article(text=texts[0]), [])
    opened = _rss_mb()
    started = time.perf_counter()
    mentions = 0
    for doc, text in zip(docs, texts):
        mentions += len(geoparser.annotate(doc, Article(text=text), []))
    seconds = time.perf_counter() - started
    return {"articles": len(texts), "ms_per_article": round(1000 * seconds / max(1, len(texts)), 2),
            "mentions_per_article": round(mentions / max(1, len(texts)), 1),
            "index_mb": round(opened - before, 1), "after_run_mb": round(_rss_mb() - before, 1),
            "mean_chars": round(sum(map(len, texts)) / max(1, len(texts)))}
