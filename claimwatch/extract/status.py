"""Epistemic status of claims. (First cut; being replaced.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Claim

if TYPE_CHECKING:
    from spacy.tokens import Doc


def assign(doc: Doc, claims: list[Claim]) -> None:
    return None
