"""Attribution extraction on short fictional war reports: sources, cues, contents and kinds."""

from __future__ import annotations

import pytest

from claimwatch.extract import attribution
from claimwatch.model import Claim, ClaimKind


def claims_of(nlp, text: str) -> list[Claim]:  # type: ignore[no-untyped-def]
    return [c for c in attribution.find_claims(nlp(text)) if c.kind is not ClaimKind.OUTLET]


def by_cue(claims: list[Claim], cue: str) -> Claim:
    found = [c for c in claims if c.cue is not None and c.cue.text == cue]
    assert found, f"no claim with cue {cue!r} in {[c.cue.text for c in claims if c.cue]}"
    return found[0]


def test_indirect_claim_with_that_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The Ministry of Defence said that its forces had repelled an attack near Vovchansk."
    c = by_cue(claims_of(nlp, text), "said")
    assert c.source is not None and c.source.span.text == "The Ministry of Defence"
    assert c.content.text == "that its forces had repelled an attack near Vovchansk"
    assert c.kind is ClaimKind.INDIRECT


def test_every_span_points_into_the_text(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("“We took the village,” the commander said. “The enemy fled.” According to the brigade, "
            "two tanks were destroyed. The governor added that nobody was hurt.")
    for c in attribution.find_claims(nlp(text)):
        for span in [*c.parts, c.content] + ([c.cue] if c.cue else []) + ([c.source.span] if c.source else []):
            assert text[span.start:span.end] == span.text


def test_quote_before_cue_continues_after_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“We took the village,” the commander said. “The enemy fled, leaving their wounded behind.”"
    c = by_cue(claims_of(nlp, text), "said")
    assert [p.text for p in c.parts] == ["“We took the village,”", "“The enemy fled, leaving their wounded behind.”"]
    assert c.source is not None and c.source.span.text == "the commander"
    assert c.kind is ClaimKind.DIRECT


def test_quote_resumed_after_its_cue_in_doubled_apostrophes(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("''We will hold the bridge at any cost,'' the brigade commander said, ''and no one will cross it "
            "tonight.''\n\nThe shelling went on until dawn.")
    claims = attribution.find_claims(nlp(text))
    c = by_cue(claims, "said")
    assert [p.text for p in c.parts] == ["''We will hold the bridge at any cost,''",
                                         "''and no one will cross it tonight.''"]
    # a quotation in the paragraph before is nobody's statement of "went on"
    assert not any(c.cue is not None and c.cue.text == "went on" for c in claims)


def test_quote_split_by_its_cue_when_the_parse_takes_the_second_half(nlp) -> None:  # type: ignore[no-untyped-def]
    # the parser reads the second half as what was said; the first half opens the statement all the same
    text = ("''The faster we can restore power to folks in Izium,'' he said, ''the better off we're going to "
            "be.''")
    c = by_cue(claims_of(nlp, text), "said")
    assert [p.text for p in c.parts] == ["''The faster we can restore power to folks in Izium,''",
                                         "''the better off we're going to be.''"]


def test_quote_resumed_after_cue_and_medium(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“The bridge is ours,” the brigade said on Telegram, “and the crossing is closed to the enemy.”"
    c = by_cue(claims_of(nlp, text), "said")
    assert [p.text for p in c.parts] == ["“The bridge is ours,”", "“and the crossing is closed to the enemy.”"]
    # a second verb between them makes the second quotation a statement of its own
    text = "“The bridge is ours,” the brigade said, adding: “the crossing is closed to the enemy.”"
    c = by_cue(claims_of(nlp, text), "said")
    assert [p.text for p in c.parts] == ["“The bridge is ours,”"]


def test_first_sentence_of_a_quotation_takes_the_whole_quotation(nlp) -> None:  # type: ignore[no-untyped-def]
    # the parser splits the quotation into sentences; the cue's content is all of it
    text = ("Asked if the strikes had rattled the town, the governor said, “Sure. I get that, too. Everybody "
            "pays attention to the front.”\n\nThe governor said the shelters were open.")
    c = by_cue(claims_of(nlp, text), "said")
    assert c.content.text == "“Sure. I get that, too. Everybody pays attention to the front.”"
    # a paraphrase that ends inside a quotation at a comma stays as it is
    text = "The governor said “the shelters are open, and the buses run” and that nobody was hurt."
    c = by_cue(claims_of(nlp, text), "said")
    assert "nobody was hurt" in c.content.text or any("nobody was hurt" in p.text for p in c.parts)


def test_quoted_paragraph_continues_the_statement_before_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("“Let us be clear. The enemy is not advancing anywhere near the town,” the governor said.\n\n"
            "“But we do not expect the pressure to ease before the winter comes.”\n\n"
            "“Nobody is leaving,” a volunteer said.\n\n"
            "The bridge was shelled twice overnight.")
    claims = attribution.find_claims(nlp(text))
    c = by_cue(claims, "said")
    assert [p.text for p in c.parts] == [
        "“Let us be clear. The enemy is not advancing anywhere near the town,”",
        "“But we do not expect the pressure to ease before the winter comes.”"]
    # a quotation with a cue of its own, and a paragraph that is no quotation, are not joined
    volunteer = [x for x in claims if x.source is not None and x.source.span.text == "a volunteer"]
    assert [p.text for p in volunteer[0].parts] == ["“Nobody is leaving,”"]


def test_multi_sentence_quote_is_one_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ('The commander said: "We hold the bridge. The enemy has lost three tanks. We will not retreat."\n\n'
            "Shelling continued overnight.")
    c = by_cue(claims_of(nlp, text), "said:")
    assert c.content.text == '"We hold the bridge. The enemy has lost three tanks. We will not retreat."'
    assert c.kind is ClaimKind.DIRECT


def test_parenthetical_cue_splits_the_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The reinforcements, the spokesman said, would arrive before the end of the week."
    c = by_cue(claims_of(nlp, text), "said")
    assert [p.text for p in c.parts] == ["The reinforcements", "would arrive before the end of the week"]


def test_two_cues_in_one_sentence_are_two_claims(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("The Ministry of Defence said its forces had taken two settlements, asserting that the enemy "
            "suffered heavy losses.")
    claims = claims_of(nlp, text)
    said, asserting = by_cue(claims, "said"), by_cue(claims, "asserting")
    assert said.content.text == "its forces had taken two settlements"
    assert asserting.content.text == "that the enemy suffered heavy losses"
    assert asserting.source is not None and asserting.source.span.text == "The Ministry of Defence"


def test_mixed_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'The governor said the strike had caused "significant damage" to the power station.'
    c = by_cue(claims_of(nlp, text), "said")
    assert c.kind is ClaimKind.MIXED


def test_according_to(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "According to the regional administration, three drones were shot down over Belgorod."
    c = by_cue(claims_of(nlp, text), "According to")
    assert c.source is not None and c.source.span.text == "the regional administration"
    assert c.content.text == "three drones were shot down over Belgorod"


def test_in_a_statement_belongs_to_the_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The group said in a statement that its fighters had destroyed a fuel depot."
    c = by_cue(claims_of(nlp, text), "said in a statement")
    assert c.content.text == "that its fighters had destroyed a fuel depot"


def test_dash_trailer_names_the_source(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("Air defences destroyed 12 drones over the Kursk region overnight. — Ministry of Defence\n\n"
            "Local residents reported explosions.")
    c = by_cue(claims_of(nlp, text), "—")
    assert c.source is not None and c.source.span.text == "Ministry of Defence"
    assert c.content.text == "Air defences destroyed 12 drones over the Kursk region overnight"


def test_pronoun_source_resolves_to_the_man_in_the_video(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("In the video, a masked man in the video reads a statement. "
            "He declared that the partisans would continue their attacks.")
    c = by_cue(claims_of(nlp, text), "declared")
    assert c.source is not None and c.source.span.text == "He"
    assert c.source.entity is not None and c.source.entity.text == "a masked man in the video"


def test_the_group_resolves_to_the_named_group(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("The Kursk Resistance published a video on Tuesday. "
            "The group said its fighters had blown up a railway bridge.")
    c = by_cue(claims_of(nlp, text), "said")
    assert c.source is not None and c.source.entity is not None
    assert c.source.entity.text == "The Kursk Resistance"


def test_sentences_without_cue_are_the_outlets_own(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Heavy fighting continued near Pokrovsk on Monday. The commander said the line held."
    claims = attribution.find_claims(nlp(text))
    outlet = [c for c in claims if c.kind is ClaimKind.OUTLET]
    assert [c.content.text for c in outlet] == ["Heavy fighting continued near Pokrovsk on Monday"]
    assert outlet[0].source is None and outlet[0].cue is None


def test_nested_report_is_not_a_separate_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The spokesman said the commander had claimed that the bridge was destroyed."
    cues = [c.cue.text for c in claims_of(nlp, text) if c.cue]
    assert cues == ["said"]


@pytest.mark.parametrize("text", ["", "   \n\n ", "....", "— — —", "“", "\u200b\u200b"])
def test_degenerate_text_does_not_crash(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(attribution.find_claims(nlp(text)), list)


CUE_SENTENCES = [
    ("The spokesman stated that the attack had been repelled.", "stated", "The spokesman"),
    ("The commander declared that the village was under their control.", "declared", "The commander"),
    ("The governor noted that power had been restored.", "noted", "The governor"),
    ("The ministry announced that its forces had liberated Robotyne.", "announced", "The ministry"),
    ("The group claimed that it had destroyed a tank.", "claimed", "The group"),
    ("The mayor assured residents that the shelters were open.", "assured", "The mayor"),
    ("The General Staff reported that 40 clashes took place.", "reported", "The General Staff"),
    ("A soldier told reporters that the bridge was mined.", "told", "A soldier"),
    ("Moscow insisted that its troops were not involved.", "insisted", "Moscow"),
]


@pytest.mark.parametrize(("text", "cue", "source"), CUE_SENTENCES)
def test_reporting_verbs(nlp, text: str, cue: str, source: str) -> None:  # type: ignore[no-untyped-def]
    c = by_cue(claims_of(nlp, text), cue)
    assert c.source is not None and c.source.span.text == source
    assert c.content.text.startswith("that ")  # the addressee ("residents", "reporters") is not content


def test_split_subject_is_joined(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "A group calling itself the Bryansk Forest Partisans has released a statement denying the reports."
    c = next(c for c in claims_of(nlp, text) if c.cue is not None and c.cue.text.startswith("has released"))
    assert c.source is not None and c.source.span.text == "A group calling itself the Bryansk Forest Partisans"


@pytest.mark.parametrize("line", ["BREAKING: Explosions reported in Belgorod overnight.",
                                  "Background: The village changed hands twice last year.",
                                  "Контекст: бои за село продолжаются с весны."])
def test_headline_labels_are_not_speakers(nlp, line: str) -> None:  # type: ignore[no-untyped-def]
    assert not [c for c in attribution.find_claims(nlp(line)) if c.cue is not None and c.cue.text == ":"]


def test_trailer_without_words_before_it_makes_no_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The situation at the front is difficult.\n\n... — General Staff"
    claims = attribution.find_claims(nlp(text))
    assert all(c.content.text.strip(". ") for c in claims)
    assert not [c for c in claims if c.cue is not None and c.cue.text == "—"]


def proposals(nlp, text: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Every candidate cue span the rules propose, with its content pieces."""
    return {text[f.cue_span[0]:f.cue_span[1]]: [text[s:e] for s, e in f.content]
            for f, _ in attribution.propose(nlp(text))}


@pytest.mark.parametrize(("text", "cue", "content"), [
    ("The governor expressed doubts about the ceasefire announced by the ministry.",
     "expressed doubts about", "the ceasefire announced by the ministry"),
    ("Local officials voiced concerns over the evacuation of the district.",
     "voiced concerns over", "the evacuation of the district"),
    ("The commander distanced himself from the video posted on Sunday.",
     "distanced himself from", "the video posted on Sunday"),
    ("The ministry released a statement saying that the bridge had been destroyed.",
     "released a statement saying", "that the bridge had been destroyed"),
    ("The regional governor announced plans to evacuate three villages near the front.",
     "announced plans", "to evacuate three villages near the front"),
    ("The brigade is likely to claim that the village has fallen.",
     "is likely to claim", "that the village has fallen"),
])
def test_a_cue_may_take_in_its_object_or_infinitive(nlp, text: str, cue: str, content: str) -> None:  # type: ignore[no-untyped-def]
    """Light-verb and stance phrases are candidates with the object (or infinitive) inside the cue and a shorter
    content, next to the bare verb with the whole object as content; the scorer picks one per cue head."""
    got = proposals(nlp, text)
    assert got.get(cue) == [content], got
    bare = cue.split()[0] if not cue.startswith("is ") else "is likely"
    assert bare in got and got[bare] != [content]


def test_a_cue_said_in_an_interview_is_also_a_candidate_without_the_medium(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The spokesman said in an interview that the convoy had reached Kupiansk."
    got = proposals(nlp, text)
    assert got["said in an interview"] == got["said"] == ["that the convoy had reached Kupiansk"]


def test_a_repeated_scorer_feature_counts_once_as_in_training() -> None:
    """Training sees each candidate's features as a set (``dict.fromkeys``); a cue with two prepositional children
    lists ``c=prep`` twice and must score as it was trained."""
    from claimwatch.extract.attribution import boundaries, cues

    model = cues.CueModel({"bias": -1.0, "c=prep": 1.0}, 0.5)
    assert model.score(["bias", "c=prep", "c=prep"]) == model.score(["bias", "c=prep"]) == 0.5
    ends = boundaries.EndModel({"x": 2.0})
    assert ends.score(("x", "x", "y")) == 2.0


def test_no_break_spaces_stay_out_of_a_contents_edges(nlp) -> None:  # type: ignore[no-untyped-def]
    # Web text puts no-break spaces between words; spaCy makes each a token of its own, and a content piece used
    # to end on one ("...bridge,”\xa0").
    text = "“We will hold the bridge,”\xa0the commander\xa0told reporters.\xa0“The enemy\xa0has lost three tanks.”"
    c = by_cue(claims_of(nlp, text), "told")
    assert [p.text for p in c.parts] == ["“We will hold the bridge,”", "“The enemy\xa0has lost three tanks.”"]
    text = ("The pilot\xa0had no known political affiliations and had passed all\xa0background checks,"
            " the airline said.")
    c = by_cue(claims_of(nlp, text), "said")
    assert [p.text for p in c.parts] == [
        "The pilot\xa0had no known political affiliations and had passed all\xa0background checks"]


def test_tidy_pieces_joins_blank_gaps_and_drops_lone_marks() -> None:
    from claimwatch.extract.attribution.spans import tidy_pieces

    text = "“The bridge\xa0 is ours,” he said, “and we hold it.” ” More, the officer said, later."
    bridge, ours = text.index("The bridge"), text.index(" is ours")
    end_one = text.index(",”") + 2
    second = text.index("“and"), text.index(".” ”") + 2
    lone = text.index("” More") + 1
    # a no-break space between two pieces: one piece, without blank edges
    assert tidy_pieces(text, [(bridge, ours - 1), (ours - 1, end_one)]) == [(bridge, end_one)]
    # interrupted by "he said": two pieces stay two; a lone closing mark is dropped
    assert tidy_pieces(text, [(second[0], second[1]), (text.index("“The"), end_one), (lone - 1, lone + 1)]) == [
        (text.index("“The"), end_one), second]
    # overlapping pieces are one; a comma gap is no interruption
    assert tidy_pieces(text, [(bridge, end_one - 4), (bridge + 4, end_one)]) == [(bridge, end_one)]
    day = "Earlier in the day, troops entered the town, the ministry said."
    town = day.index("troops"), day.index(", the ministry")
    assert tidy_pieces(day, [(0, day.index(",")), town]) == [(0, town[1])]
    # nothing but marks left: nothing
    assert tidy_pieces(text, [(lone - 1, lone + 1)]) == []


def test_a_content_stays_off_the_headline_and_the_wire_dateline(nlp) -> None:  # type: ignore[no-untyped-def]
    # A headline without a full stop runs into the first sentence for the parser; the content of that sentence's
    # claim used to start on the headline and keep the dateline ("... Polish PM\n\nWARSAW (AFP) - Ukraine's ...").
    text = ("Brigade willing to leave the bridgehead: regional governor\n\n"
            "KHARKIV, Ukraine (Reuters) - The 12th brigade was willing to leave the bridgehead by Friday, "
            "regional governor Oleh Marchenko said on Thursday.\n\n"
            "The talks went on.")
    c = by_cue(claims_of(nlp, text), "said")
    assert [p.text for p in c.parts] == ["The 12th brigade was willing to leave the bridgehead by Friday"]
    short = "DNIPRO — Three drones were shot down overnight, the air force said."
    assert [p.text for p in by_cue(claims_of(nlp, short), "said").parts] == ["Three drones were shot down overnight"]


def test_a_headline_names_its_source_after_the_colon(nlp) -> None:  # type: ignore[no-untyped-def]
    # Wire headlines put the source last: "<claim>: <source>". The colon used to be read as a speaker's ("Name:
    # ..."), which made the headline's words the source and the real source the content.
    text = ("Marines repel four assaults near Kozachi Laheri: regional governor\n\n"
            "KHERSON (Reuters) - Marines repelled four assaults overnight, the governor said.")
    found = claims_of(nlp, text)
    c = by_cue(found, ":")
    assert (c.source.span.text, c.content.text) == ("regional governor", "Marines repel four assaults near Kozachi Laheri")
    assert len([x for x in found if x.cue and x.cue.text == ":"]) == 1
    # a name counts only in the headline; a claim inside the headline ends at the colon
    named = "Moscow says it downed 30 drones over Bryansk: Kremlin\n\nThe statement gave no details."
    found = claims_of(nlp, named)
    assert (by_cue(found, ":").source.span.text, by_cue(found, ":").content.text) == (
        "Kremlin", "Moscow says it downed 30 drones over Bryansk")
    assert by_cue(found, "says").content.text == "it downed 30 drones over Bryansk"
    # left alone: a rubric without a verb, a speaker line, a name after a colon deep in the body, a list
    for plain, source in (("War in Ukraine: Day 45\n\nShelling went on.", None),
                          ("Zelensky: We will not give up Kharkiv\n\nHe spoke in Kyiv.", "Zelensky"),
                          ("One.\nTwo.\nThree.\nThe brigade named its new commander: Colonel Petrenko", None),
                          ("Drones hit three towns: Sumy, Okhtyrka and Trostianets", None)):
        colon = [x for x in claims_of(nlp, plain) if x.cue and x.cue.text == ":"]
        assert [x.source.span.text for x in colon] == ([source] if source else []), plain


def test_a_source_and_a_content_lose_the_wire_dateline_and_the_time_of_saying(nlp) -> None:  # type: ignore[no-untyped-def]
    # "MOSCOW - The ministry said ...": the dateline is no part of the source. "said on Monday it had ...": the
    # parser hangs the day on the content's clause, but it is when the saying happened.
    c = by_cue(claims_of(nlp, "MOSCOW - The ministry said on Saturday its forces took the town."), "said")
    assert (c.source.span.text, c.content.text) == ("The ministry", "its forces took the town")
    c = by_cue(claims_of(nlp, "KYIV, Ukraine (Reuters) - Ukraine's military said on Monday it had repelled "
                              "20 attacks."), "said")
    assert (c.source.span.text, c.content.text) == ("Ukraine's military", "it had repelled 20 attacks")
    # a time inside the content stays: it is not where the content starts, or no subject follows it
    c = by_cue(claims_of(nlp, "The governor said that on Monday a drone hit a school."), "said")
    assert c.content.text == "that on Monday a drone hit a school"


def test_a_contrasting_saying_after_the_cue_is_its_own_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    # "X, officials said, while Moscow said Y": Moscow's saying used to sit inside the officials' content, and its
    # own claim was dropped as nested.
    found = claims_of(nlp, "The strike killed at least 14 civilians, Ukrainian officials said, while Moscow said "
                           "it had hit military targets.")
    officials = by_cue(found, "said")
    assert (officials.source.span.text, [p.text for p in officials.parts]) == (
        "Ukrainian officials", ["The strike killed at least 14 civilians"])
    moscow = [c for c in found if c.source and c.source.span.text == "Moscow"]
    assert [c.content.text for c in moscow] == ["it had hit military targets"]
    found = claims_of(nlp, "Troops entered the town, officials said, but Russia denied it.")
    assert by_cue(found, "said").content.text == "Troops entered the town"
    assert by_cue(found, "denied").source.span.text == "Russia"
    # a clause that is no one else's saying stays in the content
    same = by_cue(claims_of(nlp, "The bridge was destroyed, the army said, and the crossing is now closed."), "said")
    assert [p.text for p in same.parts][-1].endswith("the crossing is now closed")


def test_according_to_takes_the_name_after_the_source(nlp) -> None:  # type: ignore[no-untyped-def]
    # "According to the regional governor, Oleh Syniehubov, ...": the name used to open the content
    c = by_cue(claims_of(nlp, "According to the regional governor, Oleh Syniehubov, two people were killed in the "
                              "strike on Kharkiv."), "According to")
    assert c.source.span.text.rstrip(",") == "the regional governor, Oleh Syniehubov"
    assert c.content.text == "two people were killed in the strike on Kharkiv"
    c = by_cue(claims_of(nlp, "According to Reuters, Russian forces advanced near Pokrovsk."), "According to")
    assert (c.source.span.text, c.content.text) == ("Reuters", "Russian forces advanced near Pokrovsk")


def test_a_closing_cue_with_a_day_and_the_outlets_comment(nlp) -> None:  # type: ignore[no-untyped-def]
    # "..., the ministry said on Sunday, a claim that could not be verified": the content used to be "Sunday"
    c = by_cue(claims_of(nlp, "Russian forces have captured the village of Krasnohorivka, the Russian Defence "
                              "Ministry said on Sunday, a claim that could not be independently verified."), "said")
    assert (c.source.span.text, c.content.text) == (
        "the Russian Defence Ministry", "Russian forces have captured the village of Krasnohorivka")
    c = by_cue(claims_of(nlp, "Ukrainian forces shot down 40 drones, the air force said on Sunday."), "said")
    assert c.content.text == "Ukrainian forces shot down 40 drones"
    # "..., the army said, which Moscow denied": the denial's content is the army's claim, not "which"
    found = claims_of(nlp, "The town was retaken, the army said, which Moscow denied.")
    assert by_cue(found, "said").content.text == "The town was retaken"
    assert by_cue(found, "denied").content.text == "The town was retaken"
    assert all(c.content.text.lower() != "which" for c in found)
    # a day can still be what is talked about under another preposition
    assert by_cue(claims_of(nlp, "Officials spoke about Sunday at length."), "spoke about").content.text == "Sunday"


def test_said_on_telegram_names_the_medium_not_the_content(nlp) -> None:  # type: ignore[no-untyped-def]
    # "..., Governor Serhiy Lysak said on Telegram.": the content used to be "Telegram", and with a second clause
    # ("and five wounded ...") the parser's second subject took the casualty figures into the source
    c = by_cue(claims_of(nlp, "Two civilians were killed and five wounded in Russian shelling of Nikopol overnight, "
                              "Governor Serhiy Lysak said on Telegram."), "said")
    assert (c.source.span.text, c.content.text) == (
        "Governor Serhiy Lysak", "Two civilians were killed and five wounded in Russian shelling of Nikopol overnight")
    c = by_cue(claims_of(nlp, "Two civilians were killed in shelling of Nikopol, Governor Serhiy Lysak wrote on "
                              "Telegram."), "wrote")
    assert c.content.text == "Two civilians were killed in shelling of Nikopol"
    assert all(x.content.text != "Telegram" for x in claims_of(nlp, "The mayor said on Telegram."))
    # what the parser split stays joined: a description without a comma, an apposition with one
    c = by_cue(claims_of(nlp, "A group calling itself the Black Stork Partisans said it had blown up a rail line."),
               "said")
    assert c.source.span.text == "A group calling itself the Black Stork Partisans"
    assert by_cue(claims_of(nlp, "Olena Koval, the mayor, said the city was calm."), "said").source.span.text \
        .rstrip(",") == "Olena Koval, the mayor"
    # a verb whose preposition does carry the content
    assert by_cue(claims_of(nlp, "The minister commented on the prisoner exchange."), "commented on").content.text \
        == "the prisoner exchange"


def test_a_closing_cue_whose_source_the_parser_lost(nlp) -> None:  # type: ignore[no-untyped-def]
    # the parser made the analyst a conjunct of the town and "told" a conjunct of "trying": the source used to be
    # "Russian troops" and the content "the Kyiv Independent"
    c = by_cue(claims_of(nlp, "Russian troops are trying to encircle Ukrainian units near Kurakhove, Ukrainian "
                              "military analyst Oleksandr Kovalenko told the Kyiv Independent."), "told")
    assert (c.source.span.text, c.content.text) == (
        "Ukrainian military analyst Oleksandr Kovalenko",
        "Russian troops are trying to encircle Ukrainian units near Kurakhove")
    c = by_cue(claims_of(nlp, "Russian troops are trying to encircle Ukrainian units, an analyst told Reuters."),
               "told")
    assert (c.source.span.text, c.content.text) == ("an analyst", "Russian troops are trying to encircle Ukrainian units")
    # a verb with its own subject is not touched
    c = by_cue(claims_of(nlp, "Troops entered the village and said they had found mines."), "said")
    assert (c.source.span.text, c.content.text) == ("Troops", "they had found mines")


def test_calling_it_after_a_said_clause_is_the_speakers(nlp) -> None:  # type: ignore[no-untyped-def]
    # ", calling it ..." hangs on the content's verb in the parse; it used to be given to that verb's subject
    found = claims_of(nlp, "Zelensky's office said Russia had launched more than 100 missiles, calling it one of "
                           "the largest attacks of the war.")
    assert by_cue(found, "said").content.text == "Russia had launched more than 100 missiles"
    assert by_cue(found, "calling").source.span.text == "Zelensky's office"


def test_tidy_pieces_cut_at_line_breaks_and_datelines() -> None:
    from claimwatch.extract.attribution.spans import tidy_pieces

    text = "Photo: a burnt-out tank near the road\nThe tank was destroyed on Monday, the unit said."
    cue = text.index("said")
    whole = (0, text.index(", the unit"))
    # the part on the cue's line only; without a cue, each line's part
    assert tidy_pieces(text, [whole], cue) == [(text.index("The tank"), whole[1])]
    assert tidy_pieces(text, [whole]) == [(0, text.index("\n")), (text.index("The tank"), whole[1])]
    # the cue's line holds none of the piece: the line nearest the cue
    quote = "He said:\n“We hold the line.\nThe enemy retreats.”"
    assert tidy_pieces(quote, [(quote.index("“"), len(quote))], quote.index("said")) == [
        (quote.index("“"), quote.index("\nThe"))]
    # two pieces on two lines are never joined
    two = "First line\nsecond line"
    assert tidy_pieces(two, [(0, 10), (11, len(two))]) == [(0, 10), (11, len(two))]
    # a dateline opens one of the first three lines (under a headline, or a headline and a summary); not the
    # fourth, not a lowercase phrase
    wire = ("Headline\n\nKYIV, Ukraine, March 3 (AP) — “We hold,” he said.\n"
            "KHERSON, May 14 (RIA Novosti) – Ferry hit, they said.\nODESA — Port hit, they said.")
    assert tidy_pieces(wire, [(wire.index("KYIV"), wire.index(" he said"))]) == [
        (wire.index("“We"), wire.index(" he said"))]
    assert tidy_pieces(wire, [(wire.index("KHERSON"), wire.index(", they"))]) == [
        (wire.index("Ferry"), wire.index(", they"))]
    assert tidy_pieces(wire, [(wire.index("ODESA"), wire.rindex(", they"))]) == [
        (wire.index("ODESA"), wire.rindex(", they"))]
    # web copy puts a no-break space before the dash
    nbsp = "LVIV (Reuters)\xa0— Sirens sounded twice, officials said."
    assert tidy_pieces(nbsp, [(0, nbsp.index(", officials"))]) == [(nbsp.index("Sirens"), nbsp.index(", officials"))]
    phrase = "NATO - the alliance - will meet, he said."
    assert tidy_pieces(phrase, [(0, phrase.index(", he"))]) == [(0, phrase.index(", he"))]
    # a piece inside the dateline is dropped
    assert tidy_pieces(wire, [(wire.index("KYIV"), wire.index(","))]) == []


def test_a_hostile_sentence_of_nested_cues_reads_a_bounded_number(nlp, caplog) -> None:  # type: ignore[no-untyped-def]
    """Hundreds of nested "X said that" in one sentence: every cue's content runs to the sentence's end, so reading
    them all costs the square of the sentence; the rules read as many as the sentence's budget allows, speech
    verbs first, and say so in the log. A real sentence keeps every candidate."""
    from claimwatch.extract.attribution import claims as claims_mod

    text = "The governor said that the mayor claimed that " * 150 + "the bridge over the river fell."
    doc = nlp(text)
    every = attribution.cues.candidates(doc)
    assert len(every) >= 300
    with caplog.at_level("WARNING"):
        kept = claims_mod._within_budget(doc, every)
    limit = claims_mod._SENTENCE_BUDGET // len(doc)
    assert len(kept) == max(claims_mod._MIN_CUES, limit) < len(every)
    assert all(c.head.lemma_ in ("say", "claim") for c in kept)
    assert [c.start for c in kept] == sorted(c.start for c in kept)
    assert "candidate cues" in caplog.text
    assert claims_of(nlp, text)  # still some claims
    normal = nlp("The governor said on Monday that two drones were shot down, and the mayor added that nobody "
                 "was hurt, although residents reported that windows were broken and power was cut.")
    found = attribution.cues.candidates(normal)
    assert claims_mod._within_budget(normal, found) is found


_MANY_VERBS = (
    "KYIV — The governor went on to say that the bridge near Izium had been destroyed overnight. "
    "Local officials voiced concerns over the evacuation of the district, which began on Monday. "
    "“We repelled four attacks,” the brigade's spokesman said in an interview, adding that the enemy lost "
    "two tanks. The ministry released a statement saying the convoy reached Kupiansk, but residents "
    "distanced themselves from the reports. Soldiers dug trenches, carried ammunition and waited for orders "
    "while the shelling continued. The commander is likely to claim that the village has fallen, "
    "according to two officers who asked not to be named. Prices rose as shops closed and families left.")


def test_cues_left_out_by_the_bound_change_no_candidate_the_scorer_keeps(nlp) -> None:  # type: ignore[no-untyped-def]
    """``propose(floor=...)`` skips cues whose candidates all score under the floor: every candidate that
    scores at or over it is still there, the same, in the same order; and some hopeless cue was skipped."""
    from claimwatch.extract.attribution import cues

    model = cues.load_model()
    assert model is not None
    doc = nlp(_MANY_VERBS)

    def kept(found):  # type: ignore[no-untyped-def]
        return [(f.cue_span, f.source, f.content, feats) for f, feats in found if model.score(feats) >= model.threshold]

    every = attribution.propose(doc)
    some = attribution.propose(doc, floor=model.threshold)
    assert len(kept(every)) >= 5
    assert kept(some) == kept(every)
    assert len({f.cue.head.i for f, _ in some}) < len({f.cue.head.i for f, _ in every})


def test_the_bound_covers_every_variant_of_a_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    """The log-odds of a cue's first reading plus its headroom is at least that of each of its candidates
    (span and object variants, nested features and all)."""
    from claimwatch.extract.attribution import claims, cues
    from claimwatch.extract.attribution.quotes import quotes_of

    model = cues.load_model()
    assert model is not None
    doc = nlp(_MANY_VERBS)
    quotes = quotes_of(doc)
    every = attribution.propose(doc, quotes)
    checked = 0
    for cue in cues.candidates(doc):
        read = claims._read_arguments(doc, cue, quotes)
        mine = [model.logit(feats) for f, feats in every if f.cue.head.i == cue.head.i]
        if read is None or not mine:
            continue
        bound = model.logit(read.feats) + claims._headroom(doc, cue, read.rule, model, True)
        assert max(mine) <= bound + 1e-9, cue.head.text
        checked += len(mine)
    assert checked > 15


def test_every_kind_of_candidate_cue_is_found(nlp) -> None:  # type: ignore[no-untyped-def]
    """The candidates are picked from the document's arrays before the tokens are read: each kind still comes."""
    from claimwatch.extract.attribution import cues

    text = ("According to the brigade, two tanks were destroyed. The mayor leads by 8 points in a new poll. "
            "Statements by the ministry were vague. The governor was critical of the plan. Officers said it failed.")
    doc = nlp(text)
    got = {(c.kind, doc[c.start:c.end].text) for c in cues.candidates(doc)}
    for want in [("according", "According to"), ("survey", "in"), ("noun", "Statements"),
                 ("adj", "was critical"), ("verb", "said")]:
        assert want in got, got
    assert cues.candidates(nlp("")) == []
