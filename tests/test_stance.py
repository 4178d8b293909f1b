"""Stance between claims and between an article and a headline (claimwatch.link), and its FNC-1 evaluation.

Claim pairs are short fictional war reports run through the real pipeline; the same rules must hold with the
parties swapped. The FNC-1 reader and scorer run on a tiny folder written here, never on the real data.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from claimwatch.evaluate import stance as ev
from claimwatch.link import Stance, StanceResult, article_stance, claim_stance
from claimwatch.link.conflicts import compatible, interval
from claimwatch.link.overlap import lead_weighted_coverage, stem
from claimwatch.model import Article, Extraction, ItemError, Quantity, Span

# ------------------------------------------------------------------------------------------ lexical overlap


def test_stem_lets_inflected_forms_meet() -> None:
    assert stem("captured") == stem("capture") == stem("captures") == stem("capturing")
    assert stem("strikes") == stem("striking") == stem("strike")
    assert stem("Russia's") == stem("russia")
    assert stem("denied") == stem("denies") == stem("deny")
    assert stem("bus") != stem("bu")


def test_lead_weighted_coverage_counts_the_whole_text_and_its_lead() -> None:
    claim = "Drones struck the refinery"
    assert lead_weighted_coverage(claim, "Drones struck the refinery at dawn.") == 1.0
    late = "x " * 400 + "Drones struck the refinery."
    assert lead_weighted_coverage(claim, late) == pytest.approx(0.5)
    assert lead_weighted_coverage(claim, "The harvest festival opened on Sunday.") == 0.0
    assert lead_weighted_coverage("the of and", "anything") == 0.0  # no content words: nothing to cover


# ------------------------------------------------------------------------------------------ quantities


def q(value: float, lower: float | None, upper: float | None, unit: str = "km2", kind: str = "area") -> Quantity:
    return Quantity(value, lower, upper, unit, kind, Span(0, 1, "x"))


def test_quantity_intervals_respect_bounds() -> None:
    assert interval(q(800, 800, 800)) == (800, 800)
    assert interval(q(800, 800, None)) == (800, float("inf"))  # "more than 800"
    assert interval(q(50, None, 50)) == (0.0, 50)  # "up to 50"
    assert interval(q(80, 72, 88)) == (72, 88)  # "about 80"
    assert interval(Quantity(None, None, None, "tank", "equipment", Span(0, 1, "x"))) is None


@pytest.mark.parametrize(("a", "b", "expected"), [
    ((80, 72, 88), (800, 800, 800), False),  # "about 80" vs "800"
    ((800, 800, None), (850, 850, 850), True),  # "more than 800" allows 850
    ((800, 800, None), (500, 500, 500), False),  # ... but not 500
    ((50, None, 50), (200, 200, 200), False),  # "up to 50" vs 200
    ((12, 12, 12), (14, 14, 14), True),  # a toll revised within the tolerance
])
def test_compatible_figures(a: tuple[float, float | None, float | None], b: tuple[float, float | None, float | None],
                            expected: bool) -> None:
    assert compatible(q(*a), q(*b)) is expected
    assert compatible(q(*b), q(*a)) is expected


# ------------------------------------------------------------------------------------------ claim vs claim

REFERENCE = "The Russian Defence Ministry said its forces had captured the town of Vovchansk."
#: (reference, other, expected stance, a word the first reason must hold)
RULES = [
    pytest.param(REFERENCE, "The Ukrainian General Staff denied that Russian forces had captured Vovchansk.",
                 Stance.CONTRADICTS, "denies", id="denial"),
    pytest.param(REFERENCE, "Russian forces did not capture Vovchansk, the Ukrainian General Staff said.",
                 Stance.CONTRADICTS, "negates", id="negated-event"),
    pytest.param(REFERENCE, "Russian forces captured Vovchansk, a military blogger claimed. There has been no "
                            "official confirmation of the capture of Vovchansk.",
                 Stance.REPORTS, "unconfirmed", id="unconfirmed"),
    pytest.param(REFERENCE, "Russian forces reportedly captured Vovchansk.", Stance.REPORTS, "hedged", id="hedged"),
    pytest.param("The Russian Defence Ministry said its forces had taken control of 800 sq. km in the Kharkiv region.",
                 "The Russian Defence Ministry said its forces had taken control of about 80 sq. km in the Kharkiv "
                 "region.", Stance.CONTRADICTS, "quantity", id="quantities"),
    pytest.param("Ukrainian forces shelled Horlivka, killing 12 civilians, the Russian-installed mayor said.",
                 "Ukrainian forces shelled Horlivka, killing 120 civilians, the Russian-installed mayor said.",
                 Stance.CONTRADICTS, "quantity", id="death-toll"),
    pytest.param(REFERENCE, "The Ukrainian General Staff said Ukrainian forces had recaptured the town of Vovchansk.",
                 Stance.CONTRADICTS, "control of Vovchansk", id="control"),
    pytest.param("Russian forces launched a missile strike on Kharkiv overnight, the regional governor said.",
                 "Ukrainian forces launched a missile strike on Kharkiv overnight, the Russian Defence Ministry said.",
                 Stance.CONTRADICTS, "perpetrator", id="perpetrator"),
    pytest.param(REFERENCE, "Russian forces captured Vovchansk, the Russian Defence Ministry said. The Pentagon later "
                            "confirmed the capture of Vovchansk.", Stance.CORROBORATES, "confirmed", id="confirmed"),
    pytest.param(REFERENCE, "Russian troops have taken Vovchansk, a regional official said.",
                 Stance.CORROBORATES, "same event", id="same-event"),
]
_SWAP = {"Russian": "Ukrainian", "Ukrainian": "Russian", "Russia": "Ukraine", "Ukraine": "Russia"}


def swap_sides(text: str) -> str:
    """The same report told of the other party."""
    return re.sub(r"\b(Russian|Ukrainian|Russia|Ukraine)\b", lambda m: _SWAP[m.group()], text)


def stance_of(pipeline: Any, reference: str, other: str) -> StanceResult:
    """The stance of the first claim of ``other`` towards the first claim of ``reference``."""
    ref = pipeline.extract(Article(text=reference, language="en")).claims[0]
    oth = pipeline.extract(Article(text=other, language="en")).claims[0]
    return claim_stance(ref, oth, reference, other)


@pytest.mark.model
@pytest.mark.parametrize(("reference", "other", "expected", "why"), RULES)
def test_claim_stance_rules(pipeline: Any, reference: str, other: str, expected: Stance, why: str) -> None:
    result = stance_of(pipeline, reference, other)
    assert result.stance is expected, result.reasons
    assert why in result.reasons[0]
    assert result.evidence
    for span in result.evidence:  # evidence lies in the other claim's article
        assert other[span.start:span.end] == span.text


@pytest.mark.model
@pytest.mark.parametrize(("reference", "other", "expected", "why"), RULES)
def test_claim_stance_is_the_same_for_either_party(pipeline: Any, reference: str, other: str, expected: Stance,
                                                   why: str) -> None:
    assert swap_sides(reference) != reference or swap_sides(other) != other
    swapped = stance_of(pipeline, swap_sides(reference), swap_sides(other))
    assert swapped.stance is expected, swapped.reasons
    assert why in swapped.reasons[0]


@pytest.mark.model
def test_sides_are_named_as_found_in_the_reasons(pipeline: Any) -> None:
    result = stance_of(pipeline, REFERENCE, "Ukrainian forces had recaptured the town of Vovchansk, the Ukrainian "
                                            "General Staff said.")
    assert result.reasons == ["control of Vovchansk: ukraine vs russia"]
    swapped = stance_of(pipeline, swap_sides(REFERENCE), "Russian forces had recaptured the town of Vovchansk, the "
                                                         "Russian Defence Ministry said.")
    assert swapped.reasons == ["control of Vovchansk: russia vs ukraine"]


@pytest.mark.model
def test_compatible_figure_and_denial_of_a_negated_claim_corroborate(pipeline: Any) -> None:
    more = stance_of(pipeline, "The Russian Defence Ministry said its forces had taken control of 800 sq. km in the "
                               "Kharkiv region.", "The ministry said its forces had taken control of more than 750 "
                                                  "sq. km in the Kharkiv region.")
    assert more.stance is Stance.CORROBORATES, more.reasons
    both_no = stance_of(pipeline, "Russian forces did not capture Vovchansk, the Ukrainian General Staff said.",
                        "The Ukrainian General Staff denied that Russian forces had captured Vovchansk.")
    assert both_no.stance is Stance.CORROBORATES, both_no.reasons


# ------------------------------------------------------------------------------------------ article vs headline

HEADLINE = "Russian forces captured the town of Vovchansk"
BODIES = {
    "unrelated": ("Heavy rain flooded the coastal resort on Sunday. Firefighters pumped water from dozens of homes, "
                  "the mayor said."),
    "refutes": ("Claims that Russian forces captured the town of Vovchansk are false, the Ukrainian General Staff said. "
                "Ukrainian units still hold the town centre."),
    "denies": ("The Ukrainian General Staff denied that Russian forces had captured the town of Vovchansk. Fighting "
               "continues on the outskirts."),
    "asserts": ("Russian forces captured the town of Vovchansk on Friday after weeks of fighting. Ukrainian units "
                "withdrew to positions south of the town."),
    "reports": ("Russian forces may have captured the town of Vovchansk, according to a pro-Russian military blogger. "
                "The Ukrainian military has not commented. There has been no official confirmation of the capture of "
                "Vovchansk."),
}


@pytest.fixture(scope="module")
def bodies(pipeline: Any) -> dict[str, Extraction]:
    return {k: pipeline.extract(Article(text=t, language="en")) for k, t in BODIES.items()}


@pytest.mark.model
@pytest.mark.parametrize(("body", "headline", "expected", "why"), [
    ("unrelated", HEADLINE, Stance.UNRELATED, "coverage"),
    ("refutes", HEADLINE, Stance.CONTRADICTS, "'false'"),
    ("denies", HEADLINE, Stance.CONTRADICTS, "'denied'"),
    ("asserts", HEADLINE, Stance.CORROBORATES, "own voice"),
    ("reports", HEADLINE, Stance.REPORTS, "unconfirmed: 'no official confirmation'"),
    # a headline that itself says it did not happen is agreed with by a refutation and contradicted by an assertion
    ("refutes", "Russian forces did not capture Vovchansk", Stance.CORROBORATES, "as the claim does"),
    ("asserts", "Russian forces did not capture Vovchansk", Stance.CONTRADICTS, "negates"),
])
def test_article_stance(bodies: dict[str, Extraction], body: str, headline: str, expected: Stance, why: str) -> None:
    result = article_stance(headline, bodies[body])
    assert result.stance is expected, result.reasons
    assert any(why in r for r in result.reasons), result.reasons
    text = bodies[body].article.text
    assert all(text[s.start:s.end] == s.text for s in result.evidence)


@pytest.mark.model
def test_reports_names_the_hedges_and_the_source(bodies: dict[str, Extraction]) -> None:
    result = article_stance(HEADLINE, bodies["reports"])
    assert "hedged: 'may'" in result.reasons
    assert any("a pro-Russian military blogger" in r for r in result.reasons)


# ------------------------------------------------------------------------------------------ FNC-1 evaluation

BODY_ROWS = [("10", "Police said the bridge collapsed at noon.\nNobody was hurt, \"officials\" added."),
             ("20", "The museum reopened after repairs.")]
STANCE_ROWS = [("Bridge collapses at noon, police say", "10", "agree"),
               ("Museum reopens, \"finally\"", "10", "unrelated"),
               ("Museum reopened after repairs", "20", "discuss"),
               ("Bridge collapsed, officials say", "20", "unrelated")]


def write_fnc1(folder: Path, stances: list[tuple[str, str, str]] = STANCE_ROWS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "bodies.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("Body ID", "articleBody"), *BODY_ROWS])
    with open(folder / "stances.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("Headline", "Body ID", "Stance"), *stances])
    return folder


def test_read_fnc1(tmp_path: Path) -> None:
    pairs, bodies = ev.read_fnc1(write_fnc1(tmp_path / "fnc"))
    assert bodies["10"] == BODY_ROWS[0][1]  # quoted multi-line body read whole
    assert [(p.headline, p.body_id, p.stance) for p in pairs] == STANCE_ROWS


def test_read_fnc1_refuses_broken_folders(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ev.read_fnc1(tmp_path)
    with pytest.raises(ValueError, match="missing from bodies.csv"):
        ev.read_fnc1(write_fnc1(tmp_path / "a", [("Headline", "99", "agree")]))
    with pytest.raises(ValueError, match="unknown stance"):
        ev.read_fnc1(write_fnc1(tmp_path / "b", [("Headline", "10", "neutral")]))
    folder = write_fnc1(tmp_path / "c")
    (folder / "stances.csv").write_text("Title,Body ID,Stance\nx,10,agree\n", "utf-8")
    with pytest.raises(ValueError, match="missing column"):
        ev.read_fnc1(folder)


def test_fnc_score_and_f1_by_hand() -> None:
    gold = ["unrelated", "agree", "disagree", "discuss"]
    pred = ["unrelated", "agree", "discuss", "unrelated"]
    # 0.25 (unrelated right) + 1.0 (agree right) + 0.25 (disagree seen as related) + 0 (discuss missed) = 1.5,
    # out of 0.25 + 1 + 1 + 1 = 3.25
    assert ev.fnc_score(gold, pred) == pytest.approx(1.5 / 3.25)
    res = ev.score(gold, pred)
    assert res == {"task": "stance", "n": 4, "fnc_score": 0.4615, "accuracy": 0.5,
                   "macro_f1": round((1.0 + 0.0 + 0.0 + 2 / 3) / 4, 4),
                   "per_class_f1": {"agree": 1.0, "disagree": 0.0, "discuss": 0.0, "unrelated": 0.6667}}
    assert ev.fnc_score(gold, gold) == 1.0


class CountingPipeline:
    """A pipeline double: extractions with no claims, every call and article counted; body "20" fails."""

    version = "test"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def extract_many(self, articles: Any) -> Any:
        batch = list(articles)
        self.calls.append([a.origin for a in batch])
        for a in batch:
            yield ItemError(a.origin, "boom") if a.origin == "body 20" else Extraction(article=a)


def test_evaluate_extracts_each_body_once_and_writes_predictions(tmp_path: Path) -> None:
    folder = write_fnc1(tmp_path / "fnc")
    pipe = CountingPipeline()
    out = tmp_path / "pred.csv"
    res = ev.evaluate(folder, "fnc1", pipe, save_predictions=out)  # type: ignore[arg-type]
    assert pipe.calls == [["body 10", "body 20"]]
    assert set(res) == {"task", "n", "fnc_score", "accuracy", "macro_f1", "per_class_f1"}
    assert res["n"] == 4 and set(res["per_class_f1"]) == {"agree", "disagree", "discuss", "unrelated"}
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Headline", "Body ID", "Stance"]
    assert [r[:2] for r in rows[1:]] == [[h, b] for h, b, _ in STANCE_ROWS]  # quotes and commas survive
    # the failed body keeps its text: the pair about it is still judged on words
    assert rows[3][2] == "discuss" and rows[2][2] == "unrelated"
    with pytest.raises(ValueError, match="fnc1"):
        ev.evaluate(folder, "csv", pipe)  # type: ignore[arg-type]


@pytest.mark.model
def test_cli_eval_stance(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from claimwatch.cli import app

    folder = write_fnc1(tmp_path / "fnc")
    out = tmp_path / "pred.csv"
    result = CliRunner().invoke(app, ["eval", "stance", "--format", "fnc1", str(folder), "--json",
                                      "--save-predictions", str(out)])
    assert result.exit_code == 0, result.output
    res = json.loads(result.output.strip().splitlines()[-1])
    assert res["task"] == "stance" and res["n"] == 4
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[:2] for r in rows[1:]] == [[h, b] for h, b, _ in STANCE_ROWS]
    assert rows[3][2] == "agree"  # "The museum reopened after repairs." says it in the outlet's voice
    table = CliRunner().invoke(app, ["eval", "stance", "-f", "fnc1", str(folder)], env={"COLUMNS": "200"})
    assert "FNC score" in table.output and "F1 unrelated" in table.output


def test_link_exports_are_pinned() -> None:
    import claimwatch.link

    assert sorted(claimwatch.link.__all__) == ["LinkSummary", "Stance", "StanceResult", "StoryCache",
                                               "article_stance", "claim_reviews", "claim_stance", "link", "rate",
                                               "stories", "story"]
    assert [s.value for s in Stance] == ["corroborates", "contradicts", "reports", "unrelated"]
