"""The ``parse`` stage: the article text to a spaCy ``Doc`` (tokens, sentences and, for English, tags,
dependencies and entities).

Reads ``article.text``; assigns ``doc``. Batched: a batch of articles goes through ``nlp.pipe`` in one go, and
the pipeline parses article by article if the batch as a whole fails. Every parse goes through the parse guard
(:mod:`.guard`): pathological runs are defused without changing the text's length, long texts are parsed in
pieces, and the later stages read the original text (``text.sentences.doc_text``), so every offset is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..stage import Analysis, Stage
from .guard import safe_parse, safe_pipe

if TYPE_CHECKING:
    from spacy.language import Language


class ParseStage(Stage):
    """Tokens, sentences, tags, dependencies and entities of the article text (spaCy)."""

    name = "parse"
    requires = ("article.text",)
    assigns = ("doc",)
    batched = True

    def __init__(self, load: Callable[[], Language], about: str = "", batch_size: int = 32) -> None:
        self._load = load  #: the spaCy pipeline, loaded on first use
        self.about = about
        self.batch_size = batch_size

    @property
    def description(self) -> str:
        return self.about or super().description

    def __call__(self, analysis: Analysis) -> None:
        analysis.doc = safe_parse(self._load(), analysis.article.text)

    def pipe(self, analyses: Sequence[Analysis]) -> None:
        docs = list(safe_pipe(self._load(), [a.article.text for a in analyses], self.batch_size))
        for analysis, doc in zip(analyses, docs, strict=True):
            analysis.doc = doc
