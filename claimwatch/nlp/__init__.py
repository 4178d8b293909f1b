"""The parse: spaCy pipelines per language (the English model plus claimwatch's entity rules, a tokenizer and
sentence splitter elsewhere) and language identification. Everything loads lazily, once per process.

- :mod:`.resources`: ``english()``, ``tokenizer_only(language)``, ``detect_language(text)``
- :mod:`.langid`: ``identify(text)``: the article's language with a confidence, and each paragraph's
- :mod:`.entities`: the EntityRuler for armed formations and bodies the small model mislabels
- :mod:`.parse`: the ``parse`` stage (article text -> ``Doc``)
"""

from .resources import DEFAULT_ENGLISH, MissingResource, detect_language, english, tokenizer_only

__all__ = ["DEFAULT_ENGLISH", "MissingResource", "detect_language", "english", "tokenizer_only"]
