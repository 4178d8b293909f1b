"""Check the hand-annotated gold files and count what they hold.

    python bench/check_gold.py [--datasets DIR] [--json]

Reads ``bench/data/ru_telegram_gold.jsonl`` (offsets into posts of the ru_telegram corpus, which stays outside
the repository: each record names its file and message id and carries the SHA-1 of the post text) and
``bench/data/uk_fiction_gold.jsonl`` (fictional posts written for claimwatch, text included). Writes nothing;
prints the problems found and the counts (posts, channels, claims by status, events by type, toponyms by kind).

Checks: every span is ``[start, end]`` with ``0 <= start < end <= len(text)``; statuses, toponym kinds and event
types are from the vocabulary in ``bench/data/ru_telegram_gold.md``; every toponym has a latitude and a
longitude; the SHA-1 matches the text; the Russian file holds exactly the posts the selection rule
(:func:`selection`) picks. For the Russian file the texts are read from
``DIR/ru_telegram/<file>`` (``--datasets``, else ``$CLAIMWATCH_DATASETS``, else ``../shared/datasets``); when
that folder is absent only the structure is checked (offsets against nothing, no SHA-1, no selection). Exit code 1 when a
problem is found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RU_GOLD = ROOT / "bench" / "data" / "ru_telegram_gold.jsonl"
UK_GOLD = ROOT / "bench" / "data" / "uk_fiction_gold.jsonl"

#: the selection rule of the Russian file (see ru_telegram_gold.md): a post is war-related when its text matches
SELECT_RE = re.compile(r"(?<!\w)(Минобороны|ВСУ|СВО|ПВО|БПЛА|Генштаб\w*|обстрел\w*|беспилотник\w*|ракетн\w* удар\w*"
                       r"|ВС РФ|штурмовик\w*|линии фронта|на фронте|ВС России|ВС Украины|Вооруж[её]нных сил)")
N_CHANNELS = 10  #: the channels with the most war-related posts (ties: by file name)
PER_CHANNEL = 6  #: the first war-related posts of each, by message_id

STATUSES = frozenset({"asserted", "claimed", "hedged", "unconfirmed", "denied", "confirmed", "retracted"})
KINDS = frozenset({"settlement", "region", "country", "water", "other"})
#: event type -> the sub-types the guidelines allow under it
EVENT_TYPES: Mapping[str, frozenset[str]] = {
    "Battles": frozenset({"Armed clash", "Government regains territory", "Non-state actor overtakes territory"}),
    "Explosions/Remote violence": frozenset({"Shelling/artillery/missile attack", "Air/drone strike",
                                             "Remote explosive/landmine/IED"}),
    "Strategic developments": frozenset({"Disrupted weapons use", "Arrests"}),
    "Violence against civilians": frozenset({"Attack"}),
    "Casualties": frozenset({"Military casualties", "Civilian casualties", "Casualties"}),
    "Equipment loss": frozenset({"Equipment destroyed"}),
    "Prisoners": frozenset({"Prisoners taken"}),
    "Statement/press conference": frozenset({"Statement", "Press conference"}),
}


@dataclass(slots=True)
class Report:
    """Problems found and counts, over one or more gold files."""

    problems: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    channels: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {"problems": self.problems, "channels": len(self.channels), "counts": dict(sorted(self.counts.items()))}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _span_problem(span: Any, length: int | None) -> str | None:
    """Why ``span`` is not a valid ``[start, end]`` into a text of ``length`` characters (None: it is)."""
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        return f"not a [start, end] pair: {span!r}"
    start, end = span
    if not 0 <= start < end:
        return f"empty or negative span {span}"
    if length is not None and end > length:
        return f"span {span} past the end of the text ({length})"
    return None


def _spans(record: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    for i, claim in enumerate(record.get("claims", [])):
        for role in ("source", "cue"):
            if claim.get(role) is not None:
                yield f"claims[{i}].{role}", claim[role]
        yield f"claims[{i}].content", claim.get("content")
    for i, event in enumerate(record.get("events", [])):
        yield f"events[{i}].trigger", event.get("trigger")
    for i, place in enumerate(record.get("toponyms", [])):
        yield f"toponyms[{i}].span", place.get("span")


def _vocabulary_problems(record: Mapping[str, Any]) -> Iterable[str]:
    for i, claim in enumerate(record.get("claims", [])):
        if claim.get("status") not in STATUSES:
            yield f"claims[{i}]: unknown status {claim.get('status')!r}"
    for i, event in enumerate(record.get("events", [])):
        if event.get("sub_type") not in EVENT_TYPES.get(event.get("type", ""), ()):
            yield f"events[{i}]: unknown type {event.get('type')!r} / {event.get('sub_type')!r}"
    for i, place in enumerate(record.get("toponyms", [])):
        if place.get("kind") not in KINDS:
            yield f"toponyms[{i}]: unknown kind {place.get('kind')!r}"
        if not (isinstance(place.get("lat"), (int, float)) and isinstance(place.get("lon"), (int, float))):
            yield f"toponyms[{i}]: no lat/lon"
        if place.get("geonameid") is not None and not isinstance(place["geonameid"], int):
            yield f"toponyms[{i}]: geonameid is not an integer"


def check_record(record: Mapping[str, Any], text: str | None, name: str, report: Report) -> None:
    """Add ``record``'s problems and counts to ``report``; ``text`` None: the post text is not at hand."""
    problems = list(_vocabulary_problems(record))
    length = None if text is None else len(text)
    problems += [f"{where}: {why}" for where, span in _spans(record) if (why := _span_problem(span, length))]
    if text is not None and record.get("sha1") != sha1(text):
        problems.append("sha1 does not match the text")
    report.problems += [f"{name}: {p}" for p in problems]
    report.counts["posts"] += 1
    report.channels.add(str(record.get("channel")))
    for claim in record.get("claims", []):
        report.counts["claims"] += 1
        report.counts[f"claims.{claim.get('status')}"] += 1
        report.counts["claims.attributed"] += claim.get("source") is not None
    for event in record.get("events", []):
        report.counts["events"] += 1
        report.counts[f"events.{event.get('sub_type')}"] += 1
    for place in record.get("toponyms", []):
        report.counts["toponyms"] += 1
        report.counts[f"toponyms.{place.get('kind')}"] += 1
        report.counts["toponyms.with_geonameid"] += place.get("geonameid") is not None


def check_uk(path: Path = UK_GOLD) -> Report:
    """Check the fictional Ukrainian posts (their text is in the file)."""
    report = Report()
    for record in read_jsonl(path):
        check_record(record, record.get("text"), str(record.get("id")), report)
    return report


def check_ru(path: Path = RU_GOLD, corpus: Path | None = None) -> Report:
    """Check the Russian Telegram annotations; ``corpus``: the ru_telegram folder (None: structure only)."""
    report = Report()
    texts: dict[str, dict[int, str]] = {}
    for record in read_jsonl(path):
        name = f"{record.get('file')}#{record.get('message_id')}"
        text = None
        if corpus is not None:
            file = str(record.get("file"))
            if file not in texts:
                posts = json.loads((corpus / file).read_text(encoding="utf-8"))
                texts[file] = {int(p["message_id"]): p.get("text") or "" for p in posts}
            text = texts[file].get(int(record.get("message_id", -1)))
            if text is None:
                report.problems.append(f"{name}: no such post in the corpus")
        check_record(record, text, name, report)
    return report


def selection(corpus: Path, n_channels: int = N_CHANNELS, per_channel: int = PER_CHANNEL) -> list[tuple[str, int]]:
    """(file, message_id) of the posts the selection rule picks from the ru_telegram folder ``corpus``."""
    war: dict[str, list[int]] = {}
    for path in sorted(corpus.glob("*_messages.json")):
        posts = json.loads(path.read_text(encoding="utf-8"))
        war[path.name] = sorted(int(p["message_id"]) for p in posts
                                if isinstance(p.get("text"), str) and SELECT_RE.search(p["text"]))
    channels = sorted(war, key=lambda name: (-len(war[name]), name))[:n_channels]
    return [(name, mid) for name in sorted(channels) for mid in war[name][:per_channel]]


def check_selection(path: Path, corpus: Path, report: Report) -> None:
    """Report posts that the selection rule picks but the gold file lacks, and the other way round."""
    picked = set(selection(corpus))
    held = {(str(r.get("file")), int(r.get("message_id", -1))) for r in read_jsonl(path)}
    report.problems += [f"{f}#{m}: selected by the rule but not annotated" for f, m in sorted(picked - held)]
    report.problems += [f"{f}#{m}: annotated but not selected by the rule" for f, m in sorted(held - picked)]


def corpus_folder(datasets: str | None) -> Path | None:
    base = Path(datasets or os.environ.get("CLAIMWATCH_DATASETS") or Path.cwd().parent / "shared" / "datasets")
    folder = base / "ru_telegram"
    return folder if folder.is_dir() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", help="folder holding ru_telegram/ (default: ../shared/datasets)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    corpus = corpus_folder(args.datasets)
    reports = {"ru_telegram_gold": check_ru(RU_GOLD, corpus), "uk_fiction_gold": check_uk(UK_GOLD)}
    if corpus is not None:
        check_selection(RU_GOLD, corpus, reports["ru_telegram_gold"])
    result = {name: r.as_dict() for name, r in reports.items()}
    result["ru_telegram_gold"]["texts_checked"] = corpus is not None
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for name, r in result.items():
            print(f"{name}: {r['counts'].get('posts', 0)} posts, {r['channels']} channels, "
                  f"{len(r['problems'])} problems")
            for key, value in r["counts"].items():
                print(f"  {key}: {value}")
            for problem in r["problems"]:
                print(f"  PROBLEM {problem}")
        if corpus is None:
            print("ru_telegram corpus not found: offsets and SHA-1 of the Russian posts not checked")
    return 1 if any(r.problems for r in reports.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
