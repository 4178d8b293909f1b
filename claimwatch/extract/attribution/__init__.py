"""The attribution stage: who claims what, as source, cue and content spans.

- :mod:`.cues`: which tokens are cues, and the learned scorer that keeps or drops each candidate
- :mod:`.claims`: each cue's source and content from the parse and the quotation marks (``find_claims``)
- :mod:`.boundaries`: where a content ends (a learned ranker)
- :mod:`.coref`: pronoun and "the group" sources resolved to an earlier mention
- :mod:`.layout`: claims the layout signals ("… — Ministry of Defence" trailers, "Name:" speaker lines,
  the outlet's own sentences)
- :mod:`.quotes`, :mod:`.spans`: quotation ranges and span arithmetic
"""

from .claims import find_claims, finish_piece, propose

__all__ = ["find_claims", "finish_piece", "propose"]
