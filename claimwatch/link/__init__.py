"""Linking across articles: stories, stance, verdicts.

- :mod:`.stance`: how a claim (or a whole article) stands towards another claim: ``claim_stance``,
  ``article_stance``
- :mod:`.conflicts`: facts of two claims that cannot both hold (figures, control of a place, perpetrators, negation)
- :mod:`.overlap`: cheap lexical relatedness (content words, lead-weighted coverage)
"""

from .stance import Stance, StanceResult, article_stance, claim_stance

__all__ = ["Stance", "StanceResult", "article_stance", "claim_stance"]
