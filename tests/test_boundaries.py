"""Where a content ends: candidate ends and the learned choice among them."""

from __future__ import annotations

import pytest

from claimwatch.extract import attribution
from claimwatch.extract.attribution import boundaries


def _proposal(nlp, text: str, cue: str):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    found = [f for f, _ in attribution.propose(doc) if doc.text[f.cue_span[0]:f.cue_span[1]] == cue]
    assert found and found[0].raw_piece is not None
    return doc, found[0]


def test_candidates_start_with_the_parse_end_and_offer_a_cut_before_an_aside(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The ministry said its forces had destroyed the bridge, which local residents later disputed."
    doc, f = _proposal(nlp, text, "said")
    cands = boundaries.candidates(doc, *f.raw_piece, f.cue, f.rule)
    assert cands[0].end == f.raw_piece[1] and "full" in cands[0].features
    ends = [text[f.raw_piece[0]:c.end] for c in cands]
    assert "its forces had destroyed the bridge" in ends


def test_without_weights_the_parse_end_stays(nlp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    text = "The governor said two people were wounded, which the army denied."
    doc, f = _proposal(nlp, text, "said")
    monkeypatch.setattr(boundaries, "load_model", lambda: None)
    assert boundaries.choose_end(doc, *f.raw_piece, f.cue, f.rule) == f.raw_piece[1]


def test_shipped_ranker_drops_a_trailing_non_restrictive_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The ministry said its forces had destroyed the bridge, which local residents later disputed."
    said = [c for c in attribution.find_claims(nlp(text)) if c.cue and c.cue.text == "said"]
    assert said[0].content.text == "its forces had destroyed the bridge"


def test_every_candidate_end_lies_inside_the_text(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("Officials said the convoy, which had left Kherson at dawn, was hit twice near the river, "
            "killing three drivers, according to the regional administration.")
    doc = nlp(text)
    for f, _ in attribution.propose(doc):
        if f.raw_piece is None:
            continue
        for c in boundaries.candidates(doc, *f.raw_piece, f.cue, f.rule):
            assert f.raw_piece[0] < c.end <= len(text)


def test_the_parse_end_competes_with_the_alternatives(nlp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The ranker is a choice among all candidate ends: an alternative with a positive score still loses to the
    parse's own end when that scores higher."""
    text = "The ministry said its forces had destroyed the bridge, which local residents later disputed."
    doc, f = _proposal(nlp, text, "said")
    cands = boundaries.candidates(doc, *f.raw_piece, f.cue, f.rule)
    cut = next(c for c in cands[1:] if text[f.raw_piece[0]:c.end] == "its forces had destroyed the bridge")
    own_only = next(x for x in cands[0].features if x.startswith("full|rule="))
    cut_only = next(x for x in cut.features if x.startswith("cut|dep="))
    monkeypatch.setattr(boundaries, "load_model", lambda: boundaries.EndModel({own_only: 3.0, cut_only: 1.0}))
    assert boundaries.choose_end(doc, *f.raw_piece, f.cue, f.rule) == f.raw_piece[1]
    monkeypatch.setattr(boundaries, "load_model", lambda: boundaries.EndModel({own_only: 0.5, cut_only: 1.0}))
    assert boundaries.choose_end(doc, *f.raw_piece, f.cue, f.rule) == cut.end
