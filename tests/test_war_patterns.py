"""Patterns of real war reporting that used to come out wrong (issue 11), each on fiction written for the test.

Reads fictional articles through the real reader (furniture removal) and the whole English pipeline; asserts
who is given each claim, where the content lies, and that page furniture never becomes a claim or a source.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.clean import clean, furniture_reason
from claimwatch.extract.attribution import finish_piece
from claimwatch.extract.attribution.claims import _closing_mark
from claimwatch.extract.attribution.quotes import Quotes, find_quotes
from claimwatch.model import Article
from claimwatch.readers.files import read_paths

ARTICLE = """Title: Partisans say they burned a depot near Rivnopil
Outlet: Example Wire
Published: 2026-08-10

Photo: Olena Koval /
The fire destroyed three fuel tanks, said the men calling themselves the "Steppe Wolves," asserting that the \
depot supplied the units near the river.
“We will not stop until the last soldier leaves our land," stated one member, noting that the group had more \
fighters than before. "Our people are everywhere,” he added.
Compatriots, announced the commander in a video, the hour has come to join the resistance.
There has been no official confirmation of the attack.
Stay updated with the latest news by following us on X (Twitter).
War in Ukraine, Rivnopil, Kharkiv region
"""


@pytest.fixture(scope="module")
def claims(tmp_path_factory: pytest.TempPathFactory, pipeline, options):  # type: ignore[no-untyped-def]
    path = Path(tmp_path_factory.mktemp("war")) / "steppe.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    article = next(iter(read_paths([path], options)))
    return article, pipeline.extract(article).claims


def by_cue(claims, cue: str):  # type: ignore[no-untyped-def]
    found = [c for c in claims if c.cue is not None and c.cue.text == cue]
    assert len(found) == 1, [(c.cue and c.cue.text, c.content.text) for c in claims]
    return found[0]


def _claims_of(pipeline, text: str):  # type: ignore[no-untyped-def]
    return pipeline.extract(Article(text=text, language="en")).claims


def _pieces(claim) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in claim.parts]


def test_postposed_subject_with_a_participial_second_cue(claims) -> None:  # type: ignore[no-untyped-def]
    _, found = claims
    said = by_cue(found, "said")
    assert said.source is not None and said.source.span.text.startswith("the men calling themselves")
    assert "Steppe Wolves" in said.source.span.text
    assert said.content.text == "The fire destroyed three fuel tanks"
    asserting = by_cue(found, "asserting")
    assert asserting.source is not None and "men" in asserting.source.name
    assert asserting.content.text.startswith("that the depot supplied")
    assert not any(c.cue is not None and c.cue.text == "calling" for c in found)  # naming is not saying


def test_mixed_quote_marks_stay_with_their_speakers(claims) -> None:  # type: ignore[no-untyped-def]
    _, found = claims
    stated = by_cue(found, "stated")
    assert stated.source is not None and stated.source.span.text == "one member"
    assert "until the last soldier leaves our land" in stated.content.text
    assert "everywhere" not in stated.content.text
    added = by_cue(found, "added")
    assert "Our people are everywhere" in added.content.text and "last soldier" not in added.content.text
    assert added.source is not None and added.source.name == "one member"


def test_a_vocative_before_the_cue_is_not_the_source(claims) -> None:  # type: ignore[no-untyped-def]
    _, found = claims
    announced = by_cue(found, "announced")
    assert announced.source is not None and announced.source.span.text == "the commander"
    assert announced.content.text.startswith("the hour has come")


def test_page_furniture_is_never_a_claim(claims) -> None:  # type: ignore[no-untyped-def]
    article, found = claims
    assert "Stay updated" not in article.text and "War in Ukraine, Rivnopil" not in article.text
    assert "Olena Koval" not in article.text
    texts = [c.content.text for c in found] + [c.source.name for c in found if c.source is not None]
    assert not any("Twitter" in t or "follow" in t.lower() or "Kharkiv region" in t for t in texts)
    reasons = {reason for _, _, reason in article.removed}
    assert {"share", "tags", "credit"} <= reasons


@pytest.mark.parametrize(("line", "reason"), [
    ("Stay updated with the latest news by following us on X (Twitter).", "share"),
    ("For the latest updates, follow us on Telegram.", "share"),
    ("Olena Koval / Example Wire", "credit"),
    ("Photo: Olena Koval /", "credit"),
    ("The governor said on Telegram that two drones were shot down.", None),
    ("Kyiv / Kharkiv", None),  # one word is no name: a dateline, kept
])
def test_furniture_lines(line: str, reason: str | None) -> None:
    assert furniture_reason(line) == reason


def test_a_tag_line_only_at_the_end() -> None:
    tagged = clean("Troops shelled the town, the governor said.\n\nWar in Ukraine, Rivnopil, Kharkiv region\n")
    assert tagged.text.rstrip() == "Troops shelled the town, the governor said."
    assert [r for _, _, r in tagged.removed] == ["tags"]
    ending = "Kyiv, Kharkiv and Odesa were hit again on Sunday, officials said\n"
    assert clean("Troops shelled the town.\n\n" + ending).removed == ()
    middle = "Rivnopil, Kharkiv region, Ukraine\n\nTroops shelled the town, the governor said.\n"
    assert clean(middle).removed == ()


def test_pronoun_never_resolves_into_furniture(pipeline, options, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "units.txt"
    path.write_text("Title: Drones downed\n\nFollow us on Telegram and X for more news from the front.\n"
                    "The units shot down two drones overnight. We will keep the sky closed, they said.\n",
                    encoding="utf-8")
    article = next(iter(read_paths([path], options)))
    found = pipeline.extract(article).claims
    said = [c for c in found if c.cue is not None and c.cue.text == "said"]
    assert said and said[0].source is not None and said[0].source.name == "The units"


def test_quote_pairs_across_mark_styles() -> None:
    text = '“One," she said. "Two,” he said. "Three," they said.'
    assert [text[a:b] for a, b in find_quotes(text).ranges] == ['“One,"', '"Two,”', '"Three,"']


def test_an_interview_transcript_gives_each_speaker_their_lines(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("Partial transcript of the interview:\n\n"
            "HOST: The ministry says the bridge was hit by three missiles overnight. What did you see?\n\n"
            "HRYTSENKO: We saw two explosions near the bridge and the lights went out across the district.\n\n"
            "HOST: And the evacuation?\n\n"
            "HRYTSENKO: Buses left the school at six, as the council announced.\n\n"
            "UPDATE: The council later said 40 people had left.\n")
    found = _claims_of(pipeline, text)
    turns = [(c.source.span.text, c.content.text.rstrip(".")) for c in found
             if c.cue is not None and c.cue.text == ":" and c.source is not None]
    assert ("HRYTSENKO", "We saw two explosions near the bridge and the lights went out across the district") in turns
    assert ("HRYTSENKO", "Buses left the school at six, as the council announced") in turns
    assert any(s == "HOST" and c.startswith("The ministry says") for s, c in turns)
    assert all(s != "UPDATE" for s, _ in turns)  # a label, not a speaker
    # the claim inside a speaker's line stays too: the ministry's, told by the host
    assert any(c.source is not None and c.source.span.text == "The ministry" for c in found)


def test_a_headline_naming_its_speaker_is_their_claim(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("Syrskyi: We Pushed Them Back, I Believe They Will Try Again\n\n"
            "The commander spoke to reporters in Kharkiv on Tuesday.\n\n"
            "Analysis: the enemy is regrouping near the border, officials said.\n")
    found = _claims_of(pipeline, text)
    colon = [(c.source.span.text, c.content.text) for c in found
             if c.cue is not None and c.cue.text == ":" and c.source is not None]
    assert ("Syrskyi", "We Pushed Them Back, I Believe They Will Try Again") in colon
    assert all(s != "Analysis" for s, _ in colon)  # a label, and not the first line


def test_rosters_handles_and_credit_lines_after_a_colon_are_no_claims(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("The Latest: Drones hit the depot near Rivnopil overnight.\n\n"
            "Troops shelled the town on Monday, the governor said.\n\n"
            "Kharkiv: Olena Koval, Petro Hrytsenko, Ivan Melnyk, Taras Bondar.\n\n"
            "Contributing: Olena Koval and Ivan Melnyk.\n\nTelegram: @rivnopil_news\n\n"
            "Koval: We will rebuild the school before winter.\n")
    found = _claims_of(pipeline, text)
    colon = [(c.source.span.text, c.content.text) for c in found
             if c.cue is not None and c.cue.text == ":" and c.source is not None]
    assert colon == [("Koval", "We will rebuild the school before winter")], colon


def test_a_quote_after_the_cue_continues_even_when_the_next_paragraph_opens_with_a_verb(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("The brigade held the bridge for a week. “The shelling never stopped,” the commander told Kyiv Radio. "
            "“We lost two vehicles on the first night.”\n\nThat adds pressure on the reserves near Rivnopil.\n")
    found = _claims_of(pipeline, text)
    told = by_cue(found, "told")
    assert told.source is not None and told.source.span.text == "the commander"
    # the addressee ("Kyiv Radio") is not what was said; the quote after the cue's sentence is the same statement
    assert _pieces(told) == ["“The shelling never stopped,”", "“We lost two vehicles on the first night.”"]


def test_a_partly_quoted_statement_is_continued_by_the_next_quote(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ('"The river line is holding and the reserves are in place" despite the losses, Colonel Marta Lys said. '
            '"Nobody is retreating."\n\nThe ministry gave no figures.\n')
    said = by_cue(_claims_of(pipeline, text), "said")
    assert said.source is not None and said.source.span.text == "Colonel Marta Lys"
    assert _pieces(said)[-1] == '"Nobody is retreating."'


def test_a_cue_marked_as_takes_the_rest_of_its_clause(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "As the regional governor noted on Monday, the power station at Dubrava has been hit four times.\n"
    noted = next(c for c in _claims_of(pipeline, text) if c.cue is not None and "noted" in c.cue.text)
    assert noted.source is not None and noted.source.span.text == "the regional governor"
    assert noted.content.text == "the power station at Dubrava has been hit four times"


def test_a_closing_cue_the_parser_left_without_content_takes_the_sentence_before_it(pipeline) -> None:  # type: ignore[no-untyped-def]
    # the small parser hangs "Those who stayed ..." on "said" as its subject and gives it no clausal complement
    said = by_cue(_claims_of(pipeline, "Those who stayed in the village struggle, even with a generator, he said.\n"),
                  "said")
    assert said.content.text == "Those who stayed in the village struggle, even with a generator"


def test_a_content_piece_never_ends_on_a_dangling_conjunction() -> None:
    text = "the convoy reached Dubrava and, the mayor said, was unloading"
    assert finish_piece(text, (0, 31), Quotes.of([])) == (0, 26)  # "the convoy reached Dubrava"
    assert finish_piece("Sandor and Oran", (0, 15), Quotes.of([])) == (0, 15)  # a name with "and" inside stays


def test_a_cue_takes_the_verbs_it_is_the_complement_of(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("The governor went on to say that the evacuation of Rivnopil would continue through the weekend.\n\n"
            "Kyiv has continued to deny that its troops crossed the river near Oran.\n")
    found = _claims_of(pipeline, text)
    went = by_cue(found, "went on to say")  # not "to say": annotators mark the whole verb chain
    assert went.content.text.startswith("that the evacuation of Rivnopil")
    deny = by_cue(found, "has continued to deny")
    assert deny.source is not None and deny.source.span.text == "Kyiv"


def test_a_finding_in_a_poll_is_the_polls_claim(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "Support for the ceasefire fell to 41 percent in a survey by the Rivnopil Institute released on Monday.\n"
    found = by_cue(_claims_of(pipeline, text), "in")
    assert found.source is not None and found.source.span.text.startswith("a survey by the Rivnopil Institute")
    assert found.content.text == "Support for the ceasefire fell to 41 percent"


def test_a_source_with_a_parenthetical_keeps_its_closing_mark_whichever_step_chose_it() -> None:
    text = "Olena Koval, the mayor, said the water failed. Sims — a medic from Oran — said so. Kyiv, too, said no."
    n = len("Olena Koval, the mayor")
    assert text[slice(*_closing_mark(text, (0, n)))] == "Olena Koval, the mayor,"
    k = text.index("Sims")
    n = len("Sims — a medic from Oran")
    assert text[slice(*_closing_mark(text, (k, k + n)))] == "Sims — a medic from Oran —"
    k = text.index("Kyiv")
    assert _closing_mark(text, (k, k + 4)) == (k, k + 4)  # no parenthetical inside: the comma is not the source's


def test_a_quote_after_a_named_speaker_and_a_colon_is_theirs(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("The river has risen since Monday. More from the analyst Maria Lopez: “The bridge at Dubrava is gone, "
            "and the ferries run only at night.”\n")
    found = by_cue(_claims_of(pipeline, text), ":")
    assert found.source is not None and found.source.span.text == "Maria Lopez"
    assert found.content.text == "“The bridge at Dubrava is gone, and the ferries run only at night.”"


def test_a_run_in_heading_before_a_speakers_name_is_not_the_source(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "Southern front - Maria Lopez: the ferries at Dubrava run only at night now.\n"
    found = by_cue(_claims_of(pipeline, text), ":")
    assert found.source is not None and found.source.span.text == "Maria Lopez"


def test_a_roundups_item_after_a_long_heading_is_its_speakers_claim_without_the_credit(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("SHELLING OF THE SOUTH IS NOT OVER, JUST SLOWER - Maria Lopez and Ivan Petrenko: “The ferries at Dubrava "
            "run only at night now, and the bridge is gone.” [Kyiv Monitor.]\n\n"
            "Crossings go on -More from Lopez: “Two boats crossed on Tuesday night under fire.”\n\n"
            "Update 14:00 - the ferries ran again.\n")
    found = _claims_of(pipeline, text)
    first, second = [c for c in found if c.cue is not None and c.cue.text == ":"]
    assert first.source is not None and first.source.span.text == "Maria Lopez and Ivan Petrenko"
    assert first.content.text == "“The ferries at Dubrava run only at night now, and the bridge is gone.”"
    assert second.source is not None and second.source.span.text == "Lopez"
    assert second.content.text == "“Two boats crossed on Tuesday night under fire.”"
    assert not any("Kyiv Monitor" in c.content.text for c in found)  # the credit is nobody's claim
    assert not any(c.cue is not None and "14" in c.cue.text for c in found)  # a time's colon names no speaker


def test_a_quotation_closed_with_an_opening_mark_goes_on_the_statement_before_it(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ('“The ferries run only at night," the ministry wrote. "The bridge will be rebuilt in the spring.“\n\n'
            "Prices rose.\n")
    wrote = by_cue(_claims_of(pipeline, text), "wrote")
    assert _pieces(wrote) == ['“The ferries run only at night,"', '"The bridge will be rebuilt in the spring.“']


def test_a_gerund_after_a_preposition_takes_the_subject_of_the_clause_it_hangs_on(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "The regional governor ended the briefing by warning that the dam at Dubrava could fail within days.\n"
    warning = by_cue(_claims_of(pipeline, text), "warning")
    assert warning.source is not None and warning.source.span.text == "The regional governor"
    assert warning.content.text.startswith("that the dam at Dubrava could fail")
