"""Brat standoff reading and writing for attribution gold (PolNeAR layout) and predictions.

Reads a directory with ``text/<name>.txt`` and ``attributions/<name>_<annotator>.ann`` (or ``.ann`` files beside the
texts); writes ``<name>.ann`` files with Source / Cue / Content T lines joined by E lines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: A possibly discontinuous span: its ``(start, end)`` pieces, ordered.
Pieces = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class Relation:
    """One attribution: cue and content always, source when the text names one."""

    cue: Pieces
    content: Pieces
    source: Pieces | None = None


@dataclass(slots=True)
class GoldDocument:
    name: str
    text: str
    relations: list[Relation] = field(default_factory=list)
    annotation: Path | None = None


_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t?(.*)$")


def parse_pieces(offsets: str) -> Pieces:
    pieces = []
    for part in offsets.split(";"):
        start, end = part.split()
        pieces.append((int(start), int(end)))
    return tuple(sorted(pieces))


def read_ann(text: str) -> list[Relation]:
    """The attribution relations of one ``.ann`` file's contents."""
    spans: dict[str, Pieces] = {}
    relations: list[Relation] = []
    for line in text.splitlines():
        m = _T_LINE.match(line)
        if m:
            spans[m.group(1)] = parse_pieces(m.group(3))
            continue
        if not line.startswith("E"):
            continue
        _, _, args = line.partition("\t")
        roles: dict[str, str] = {}
        for arg in args.split():
            role, _, ref = arg.partition(":")
            roles[role] = ref
        cue, content = spans.get(roles.get("Cue", "")), spans.get(roles.get("Content", ""))
        if cue is None or content is None:
            continue
        source = spans.get(roles.get("Source", "")) if "Source" in roles else None
        relations.append(Relation(cue=cue, content=content, source=source))
    return relations


def _annotator_order(root: Path) -> dict[str, list[str]]:
    """Annotators per file name from a ``metadata.tsv`` in ``root`` or its parent (first listed wins)."""
    for candidate in (root / "metadata.tsv", root.parent / "metadata.tsv"):
        if candidate.is_file():
            with candidate.open(encoding="utf-8", newline="") as fh:
                rows = csv.DictReader(fh, delimiter="\t")
                return {r["filename"]: (r.get("annotators") or "").split("|") for r in rows if r.get("filename")}
    return {}


def _choose_annotation(name: str, candidates: list[Path], order: dict[str, list[str]]) -> Path:
    by_annotator = {p.stem[len(name) + 1:]: p for p in candidates}
    for annotator in order.get(name, []):
        if annotator in by_annotator:
            return by_annotator[annotator]
    exact = [p for p in candidates if p.stem == name]
    return exact[0] if exact else min(candidates)


def read_gold_dir(root: str | Path) -> Iterator[GoldDocument]:
    """Gold documents of a brat directory, one annotation per article (see module docstring)."""
    root = Path(root)
    text_dir = root / "text" if (root / "text").is_dir() else root
    ann_dir = root / "attributions" if (root / "attributions").is_dir() else text_dir
    if not text_dir.is_dir():
        raise FileNotFoundError(f"no brat directory at {root}")
    order = _annotator_order(root)
    anns = sorted(ann_dir.glob("*.ann"))
    for txt in sorted(text_dir.glob("*.txt")):
        name = txt.stem
        candidates = [p for p in anns if p.stem == name or p.stem.rsplit("_", 1)[0] == name]
        text = txt.read_text(encoding="utf-8")
        if not candidates:
            continue
        chosen = _choose_annotation(name, candidates, order)
        yield GoldDocument(name, text, read_ann(chosen.read_text(encoding="utf-8")), chosen)


def write_ann(path: str | Path, text: str, relations: Iterable[Relation]) -> None:
    """Write predicted relations as brat standoff (T lines Source/Cue/Content, E lines joining them)."""
    lines: list[str] = []
    n_t = 0

    def t_line(label: str, pieces: Pieces) -> str:
        nonlocal n_t
        n_t += 1
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        surface = " ".join(text[s:e] for s, e in pieces).replace("\n", " ")
        lines.append(f"T{n_t}\t{label} {offsets}\t{surface}")
        return f"T{n_t}"

    for i, rel in enumerate(relations, 1):
        args = []
        kind = "Attribution" if rel.source else "Attribution-no-source"
        trigger = t_line(kind, rel.cue)
        args.append(f"Content:{t_line('Content', rel.content)}")
        args.append(f"Cue:{t_line('Cue', rel.cue)}")
        if rel.source:
            args.append(f"Source:{t_line('Source', rel.source)}")
        lines.append(f"E{i}\t{kind}:{trigger} " + " ".join(args))
    Path(path).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
