"""The attribution stage: who claims what, as source, cue and content spans.

- :mod:`.cues`: which tokens are cues, and the learned scorer that keeps or drops each candidate
- :mod:`.claims`: each cue's source and content from the parse and the quotation marks (``find_claims``)
- :mod:`.boundaries`: where a content ends (a learned ranker)
- :mod:`.tagger`: a learned CRF that corrects the rules' source and content where it is confident
- :mod:`.encoder`: the ``--accurate`` mode's fine-tuned transformer, in place of the CRF
- :mod:`.coref`: pronoun and "the group" sources resolved to an earlier mention
- :mod:`.layout`: claims the layout signals ("… — Ministry of Defence" trailers, "Name:" speaker lines,
  the outlet's own sentences)
- :mod:`.quotes`, :mod:`.spans`: quotation ranges and span arithmetic
"""

from ...stage import Analysis, Stage
from .claims import find_claims, finish_piece, propose


class AttributionStage(Stage):
    """Who claims what: source, cue and content of every attributed statement, and the outlet's own."""

    name = "attribution"
    requires = ("doc",)
    assigns = ("claims",)

    def __init__(self, accurate: bool = False) -> None:
        #: the transformer span tagger (:mod:`.encoder`) instead of the CRF
        self.accurate = accurate

    def __call__(self, analysis: Analysis) -> None:
        analysis.extraction.claims = find_claims(analysis.parsed, accurate=self.accurate)


__all__ = ["AttributionStage", "find_claims", "finish_piece", "propose"]
