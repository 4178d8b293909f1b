"""Entity rules: armed groups and places the small English model mislabels.

Reads: a loaded spaCy pipeline. Writes: an ``entity_ruler`` placed before ``ner`` so these spans win.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# Patterns are deliberately generic (formations named "<X> Resistance", "<X> Legion", "<N>th Brigade"...)
# so they cover groups the model has never seen, on every side.
_GROUP_HEADS = ["Resistance", "Legion", "Corps", "Battalion", "Brigade", "Regiment", "Division", "Army",
                "Guard", "Front", "Movement", "Militia", "Partisans", "Detachment", "Company", "Group",
                "Forces", "Command", "Ministry", "Service", "Directorate", "Staff"]


def _patterns() -> list[dict[str, object]]:
    pats: list[dict[str, object]] = []
    for head in _GROUP_HEADS:
        # "Kursk Resistance", "Freedom of Russia Legion", "Russian Volunteer Corps"
        pats.append({"label": "ORG", "pattern": [
            {"IS_TITLE": True, "OP": "+", "POS": {"IN": ["PROPN", "ADJ", "NOUN"]}},
            {"LOWER": {"IN": ["of", "for"]}, "OP": "?"},
            {"IS_TITLE": True, "OP": "*"},
            {"TEXT": head}]})
        # "the 99th Battalion", "61st Separate Brigade"
        pats.append({"label": "ORG", "pattern": [
            {"TEXT": {"REGEX": r"^\d+(st|nd|rd|th)$"}},
            {"IS_TITLE": True, "OP": "*"},
            {"TEXT": head}]})
    return pats


def add_entity_ruler(nlp: Language) -> None:
    if "claimwatch_entities" in nlp.pipe_names:
        return
    ruler = nlp.add_pipe("entity_ruler", name="claimwatch_entities", before="ner",
                         config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(_patterns())  # type: ignore[attr-defined]
