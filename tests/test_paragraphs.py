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


def test_a_single_line_break_ends_a_sentence_unless_the_text_is_hard_wrapped(nlp) -> None:  # type: ignore[no-untyped-def]
    # one statement a line, as Telegram channels and photo captions write them
    post = "Russian forces shelled Kherson overnight\nThree people were injured, the governor said."
    assert [s.text.strip() for s in nlp(post).sents] == [
        "Russian forces shelled Kherson overnight", "Three people were injured, the governor said."]
    # the next line goes on in lower case: one sentence
    text = "The regional governor said the\nbridge near the village was destroyed overnight."
    assert len(list(nlp(text).sents)) == 1
    # a line of a wrapped line's length that stops without a closing mark: one sentence
    wrapped = ("The regional administration reported on Monday that the railway bridge\n"
               "Near Kupiansk had been damaged by two missiles fired from the Belgorod region.")
    assert len(list(nlp(wrapped).sents)) == 1
    # blank lines with spaces or three line breaks are paragraph breaks too
    doc = nlp("Shelling reported in Kherson\n \n\nThe shelling lasted two hours.")
    assert [s.text.strip() for s in doc.sents][-1] == "The shelling lasted two hours."
