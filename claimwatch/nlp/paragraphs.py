"""Paragraph breaks as sentence breaks: a spaCy component that runs before the parser.

A headline, a photo caption or a dateline line has no full stop, and the small English parser then joins it with
the next paragraph's first sentence ("Russia claims thousands fleeing Ukraine\\n\\nRussia says 143,000 ..." as one
sentence, the second "Russia" taken for an object). Reads the tokens; writes ``is_sent_start`` on the first token
after a blank line (a whitespace token holding two line breaks or more), which the parser then keeps. Single line
breaks are left to the parser: hard-wrapped text breaks lines inside sentences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "claimwatch_paragraphs"


@Language.component(NAME)
def paragraph_starts(doc: Doc) -> Doc:
    for tok in doc[:-1]:
        if tok.is_space and tok.text.count("\n") >= 2:
            doc[tok.i + 1].is_sent_start = True
    return doc


def add_paragraph_starts(nlp: Language) -> None:
    """Put the component before the parser (once)."""
    if NAME not in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser" if "parser" in nlp.pipe_names else None)
