"""Attribution scoring against brat standoff gold (PolNeAR layout).

Exact match: a predicted span counts when a gold span of the same role has exactly the same pieces (one-to-one,
per document, duplicates collapsed). Token overlap, as citron reports it: per document and role, the tokens of the
predicted spans that fall inside gold spans, over all predicted tokens (precision) and over all gold tokens
(recall), summed over documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Claim, ClaimKind
from .brat import GoldDocument, Pieces, Relation, read_gold_dir, write_ann
from .metrics import prf

if TYPE_CHECKING:
    from ..pipeline import Pipeline

FORMATS = ("brat",)
ROLES = ("source", "cue", "content")
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(slots=True)
class _Counts:
    gold: int = 0
    predicted: int = 0
    exact: int = 0
    gold_tokens: int = 0
    predicted_tokens: int = 0
    overlap_tokens: int = 0


@dataclass(slots=True)
class Scorer:
    """Accumulates exact and token-overlap counts per role over documents."""

    counts: dict[str, _Counts] = field(default_factory=lambda: {r: _Counts() for r in ROLES})
    documents: int = 0
    gold_relations: int = 0
    predicted_relations: int = 0

    def add(self, text: str, gold: list[Relation], predicted: list[Relation]) -> None:
        self.documents += 1
        self.gold_relations += len(gold)
        self.predicted_relations += len(predicted)
        starts = _token_starts(text)
        for role in ROLES:
            g = {p for p in (getattr(r, role) for r in gold) if p}
            p = {q for q in (getattr(r, role) for r in predicted) if q}
            c = self.counts[role]
            c.gold += len(g)
            c.predicted += len(p)
            c.exact += len(g & p)
            g_tok, p_tok = _tokens(g, starts), _tokens(p, starts)
            c.gold_tokens += len(g_tok)
            c.predicted_tokens += len(p_tok)
            c.overlap_tokens += len(g_tok & p_tok)

    def result(self) -> dict[str, Any]:
        exact = {r: prf(c.exact, c.predicted, c.gold) for r, c in self.counts.items()}
        overlap = {r: prf(c.overlap_tokens, c.predicted_tokens, c.gold_tokens) for r, c in self.counts.items()}
        return {"task": "attribution", "documents": self.documents, "gold": self.gold_relations,
                "predicted": self.predicted_relations, "exact": exact, "overlap": overlap}


def _token_starts(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _tokens(spans: Iterable[Pieces], tokens: list[tuple[int, int]]) -> set[int]:
    """Indices of the tokens lying inside any piece of ``spans``."""
    import bisect

    starts = [t[0] for t in tokens]
    found: set[int] = set()
    for pieces in spans:
        for s, e in pieces:
            i = bisect.bisect_left(starts, s)
            while i < len(tokens) and tokens[i][1] <= e:
                found.add(i)
                i += 1
    return found


def claims_to_relations(claims: Iterable[Claim]) -> list[Relation]:
    """Attributed claims (those with a cue) as brat relations."""
    out = []
    for c in claims:
        if c.kind is ClaimKind.OUTLET or c.cue is None:
            continue
        content = tuple((s.start, s.end) for s in c.parts)
        source = ((c.source.span.start, c.source.span.end),) if c.source else None
        out.append(Relation(cue=((c.cue.start, c.cue.end),), content=content, source=source))
    return out


def predict(docs: list[GoldDocument], pipeline: Pipeline) -> list[list[Relation]]:
    from ..model import Article

    articles = (Article(text=d.text, language="en", origin=d.name) for d in docs)
    out: list[list[Relation]] = []
    for result in pipeline.extract_many(articles):
        claims = getattr(result, "claims", [])
        out.append(claims_to_relations(claims))
    return out


def evaluate(path: str | Path, fmt: str, pipeline: Pipeline, save_predictions: str | Path | None = None,
             gold_spans: bool = False) -> dict[str, Any]:
    """Score the pipeline's attribution on a brat directory; optionally write its predictions as brat."""
    if fmt != "brat":
        raise ValueError(f"attribution evaluation reads --format brat, not {fmt!r}")
    docs = list(read_gold_dir(path))
    if not docs:
        raise ValueError(f"no annotated .txt/.ann pairs under {path}")
    predictions = predict(docs, pipeline)
    scorer = Scorer()
    out_dir = Path(save_predictions) if save_predictions else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for doc, pred in zip(docs, predictions, strict=True):
        scorer.add(doc.text, doc.relations, pred)
        if out_dir:
            write_ann(out_dir / f"{doc.name}.ann", doc.text, pred)
    return scorer.result()


def render(result: dict[str, Any]):  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title=f"attribution: {result['documents']} documents, {result['gold']} gold / "
                        f"{result['predicted']} predicted relations")
    table.add_column("role")
    for kind in ("exact", "overlap"):
        for m in ("p", "r", "f1"):
            table.add_column(f"{kind} {m}", justify="right")
    for role in ROLES:
        row = [role]
        for kind in ("exact", "overlap"):
            row += [f"{result[kind][role][m]:.3f}" for m in ("p", "r", "f1")]
        table.add_row(*row)
    return table
