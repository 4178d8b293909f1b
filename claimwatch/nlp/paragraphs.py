"""Paragraph breaks as sentence breaks: a spaCy component that runs before the parser.

A headline, a photo caption or a dateline line has no full stop, and the small English parser then joins it with
the next paragraph's first sentence ("Russia claims thousands fleeing Ukraine\\n\\nRussia says 143,000 ..." as one
sentence, the second "Russia" taken for an object). Reads the tokens; writes ``is_sent_start`` on the first token
after a blank line (a whitespace token holding two line breaks or more), which the parser then keeps, and after a
single line break too (captions, Telegram posts, one statement a line) unless the text looks hard-wrapped there:
the next line goes on in lower case, or the line before is of a wrapped line's length and stops without a
closing mark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language

from ..text.sentences import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NAME = "claimwatch_paragraphs"


#: a line this long that stops without a closing mark reads as hard-wrapped prose (a .txt press release, an email)
WRAP_MIN, WRAP_MAX = 50, 100
_CLOSERS = frozenset(".!?:;\"”’»)…")


@Language.component(NAME)
def paragraph_starts(doc: Doc) -> Doc:
    text = doc_text(doc)  # built once, and kept for the stages after the parse
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text and (tok.text.count("\n") >= 2 or _line_break(text, tok.idx, doc[tok.i + 1])):
            doc[tok.i + 1].is_sent_start = True
    return doc


def _line_break(text: str, at: int, after: Token) -> bool:
    """A single line break at ``at`` ends a sentence unless the next line goes on in lower case or the line
    before looks hard-wrapped (between :data:`WRAP_MIN` and :data:`WRAP_MAX` characters, no closing mark)."""
    if after.text[:1].islower():
        return False
    line = text[text.rfind("\n", 0, at) + 1:at].rstrip()
    return not (WRAP_MIN <= len(line) <= WRAP_MAX and line[-1:] not in _CLOSERS)


def add_paragraph_starts(nlp: Language) -> None:
    """Put the component before the parser (once)."""
    if NAME not in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser" if "parser" in nlp.pipe_names else None)
