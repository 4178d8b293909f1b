"""Paragraph breaks as sentence breaks (``claimwatch.nlp.paragraphs``), on fictional wire copy."""

from __future__ import annotations

from claimwatch.extract import attribution
from claimwatch.model import ClaimKind
from claimwatch.nlp.paragraphs import NAME


def test_a_headline_is_a_sentence_of_its_own(nlp) -> None:  # type: ignore[no-untyped-def]
    assert nlp.pipe_names.index(NAME) < nlp.pipe_names.index("parser")
    text = ("Militia claims dozens fleeing Bakhmut\n\n"
            "Militia says 1,300 residents have already left the town for Kramatorsk.")
    doc = nlp(text)
    starts = [s.start_char for s in doc.sents]
    assert text.index("Militia says") in starts
    claims = [c for c in attribution.find_claims(doc) if c.kind is not ClaimKind.OUTLET and c.cue is not None]
    says = next(c for c in claims if c.cue.text == "says")
    assert says.source is not None and says.source.span.text == "Militia"
    assert says.source.span.start == text.index("Militia says")


def test_single_line_breaks_are_left_to_the_parser(nlp) -> None:  # type: ignore[no-untyped-def]
    # hard-wrapped text: a line break inside a sentence is no sentence break
    text = "The regional governor said the\nbridge near the village was destroyed overnight."
    doc = nlp(text)
    assert len(list(doc.sents)) == 1
    # blank lines with spaces or three line breaks are paragraph breaks too
    doc = nlp("Shelling reported in Kherson\n \n\nThe shelling lasted two hours.")
    assert [s.text.strip() for s in doc.sents][-1] == "The shelling lasted two hours."
