"""Quotation spans found in raw characters."""

from claimwatch.extract.attribution.quotes import find_quotes


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in find_quotes(text).ranges]


def test_typographic_and_straight_quotes() -> None:
    assert _texts('He said “we won” and "they lost."') == ["“we won”", '"they lost."']


def test_doubled_apostrophes() -> None:
    assert _texts("''We will hold,'' he said.") == ["''We will hold,''"]


def test_doubled_apostrophes_pair_by_where_they_stand_so_one_typo_does_not_turn_the_rest_inside_out() -> None:
    text = ("''The line holds in the east.'.' The ministry spoke later. ''We shelled the depot,'' it said, "
            "''and the ferry.''\n\n''Para one of a long quote.\n\n''Para two,'' the commander said.")
    assert _texts(text) == ["''We shelled the depot,''", "''and the ferry.''",
                            "''Para one of a long quote.\n\n''Para two,''"]


def test_guillemets() -> None:
    assert _texts("Він сказав «ми тримаємо оборону».") == ["«ми тримаємо оборону»"]


def test_an_opening_curly_mark_typed_for_the_closing_one_closes_the_quote() -> None:
    text = '"The bridge will be rebuilt in the spring.“ Prices rose. “We hold the line.“\n\nHe said “no” to it.'
    assert _texts(text) == ['"The bridge will be rebuilt in the spring.“', "“We hold the line.“", "“no”"]


def test_quote_reopened_at_new_paragraph_continues() -> None:
    text = "“The first paragraph.\n\n“The second paragraph,” she said."
    assert _texts(text) == ["“The first paragraph.\n\n“The second paragraph,”"]


def test_unclosed_quote_does_not_swallow_the_article() -> None:
    text = "“Unclosed start. " + "More text. " * 800 + "“closed”"
    assert _texts(text) == ["“closed”"]


def test_lookups() -> None:
    text = 'a "b c" d'
    q = find_quotes(text)
    assert q.containing(3, 6) == (2, 7)
    assert q.inside(4) and not q.inside(0)
    assert q.around(0, 0) == (None, (2, 7))
    assert q.around(8, 8) == ((2, 7), None)
