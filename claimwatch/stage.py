"""The stage contract: what every pipeline stage is, and how a list of stages is checked.

A stage is one object with a ``name``, the fields it ``requires`` and the fields it ``assigns`` (names of
:class:`Analysis` / :class:`~claimwatch.model.Extraction` fields: ``"doc"``, ``"claims"``, ``"claims.status"``,
``"events.place"``…), and one call shape: ``stage(analysis) -> None``, filling the analysis in place. A stage
whose ``batched`` flag is set also has ``pipe(analyses)``, all or nothing: it assigns nothing unless the whole
batch succeeds, so the pipeline can fall back to one call per article.

A pipeline is an ordered list of stages per language. :func:`check` refuses a list in which some stage needs a
field that no earlier stage assigns; :func:`without` drops the stages a user disabled and, with them, the stages
that needed what those provided (saying why). Reads nothing of the project but :mod:`claimwatch.model`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from .model import Article, Extraction

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: What an :class:`Analysis` holds before any stage runs.
GIVEN: tuple[str, ...] = ("article.text", "article.language", "article.published")


class PipelineError(ValueError):
    """A list of stages that cannot run: a requirement no earlier stage meets, an unknown or repeated name."""


@dataclass(slots=True, eq=False)
class Analysis:
    """One article on its way through a pipeline: its parse, once the parse stage ran, and the extraction the
    later stages fill."""

    extraction: Extraction
    doc: Doc | None = None

    @property
    def article(self) -> Article:
        return self.extraction.article

    def language_at(self, offset: int) -> str:
        """The language of the article's text at ``offset``: its paragraph's, as language identification found
        it (``article.languages``), else the article's."""
        article = self.article
        if article.languages is not None:
            return article.languages.at(offset)
        return article.language or "en"

    @property
    def parsed(self) -> Doc:
        """The parse; a stage that requires ``doc`` may rely on it."""
        if self.doc is None:
            raise PipelineError("no parse: the 'parse' stage has not run on this article")
        return self.doc


class Stage:
    """Base of every stage. Subclasses set the three class attributes and implement ``__call__``."""

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()
    #: whether :meth:`pipe` handles a batch in one go (the parse); others run article by article
    batched: ClassVar[bool] = False

    def __call__(self, analysis: Analysis) -> None:
        raise NotImplementedError

    def pipe(self, analyses: Sequence[Analysis]) -> None:
        """The whole batch at once, all or nothing; the default is one call per article."""
        for analysis in analyses:
            self(analysis)

    @property
    def description(self) -> str:
        """One line on what the stage does (the first line of its docstring)."""
        return (type(self).__doc__ or "").strip().splitlines()[0] if type(self).__doc__ else ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "requires": list(self.requires), "assigns": list(self.assigns)}

    def __repr__(self) -> str:
        return f"<stage {self.name}: {', '.join(self.requires) or '-'} -> {', '.join(self.assigns)}>"


def check(stages: Sequence[Stage], given: Iterable[str] = GIVEN) -> None:
    """Raise :class:`PipelineError` unless every stage's requirements are met by ``given`` or an earlier stage."""
    available = set(given)
    seen: set[str] = set()
    for i, stage in enumerate(stages):
        if not stage.name:
            raise PipelineError(f"stage {i} ({type(stage).__name__}) has no name")
        if stage.name in seen:
            raise PipelineError(f"stage {stage.name!r} appears twice")
        seen.add(stage.name)
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise PipelineError(f"stage {stage.name!r} requires {', '.join(missing)}, which no earlier stage "
                                f"assigns (stages before it: {', '.join(s.name for s in stages[:i]) or 'none'})")
        available.update(stage.assigns)


def without(stages: Sequence[Stage], disabled: Iterable[str],
            given: Iterable[str] = GIVEN) -> tuple[list[Stage], dict[str, str]]:
    """``stages`` less the ``disabled`` ones and those left without a requirement; returns the stages kept and,
    for every stage dropped, why ("disabled", or "needs events.place (from geo)")."""
    off = set(disabled)
    provider = {field: s.name for s in stages for field in s.assigns}
    kept: list[Stage] = []
    dropped: dict[str, str] = {}
    available = set(given)
    for stage in stages:
        if stage.name in off:
            dropped[stage.name] = "disabled"
            continue
        missing = [r for r in stage.requires if r not in available]
        if missing:
            dropped[stage.name] = "needs " + ", ".join(f"{r} (from {provider.get(r, '?')})" for r in missing)
            continue
        kept.append(stage)
        available.update(stage.assigns)
    return kept, dropped


def unknown_names(stages: Iterable[Stage], names: Iterable[str]) -> list[str]:
    """The ``names`` that are not the name of any of ``stages``."""
    known = {s.name for s in stages}
    return [n for n in names if n not in known]
