"""The learned source/content tagger: Viterbi decoding, labels to spans and back, and where it replaces the
rules' spans."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from claimwatch.extract import attribution
from claimwatch.extract.attribution import claims as claims_mod
from claimwatch.extract.attribution import tagger
from claimwatch.extract.attribution.quotes import quotes_of

N = len(tagger.LABELS)


def _model(state: dict[str, list[float]], trans: list[list[float]] | None = None,
           margins: dict[str, float | None] | None = None) -> tagger.TaggerModel:
    return tagger.TaggerModel.of(state, trans or [[0.0] * N for _ in range(N)], True,
                                 margins or {"source": 0.0, "content": 0.0})


def test_viterbi_finds_the_best_scoring_labelling() -> None:
    state = {"a": [0.0, 1.0, 0.2, 0.5, 0.1], "b": [0.3, 0.0, 0.9, 0.2, 0.6], "c": [0.4, 0.1, 0.0, 0.3, 0.8]}
    trans = [[((a * 7 + b * 3) % 5 - 2) / 2.0 for b in range(N)] for a in range(N)]
    model = _model(state, trans)
    emit = model.emissions([["a"], ["b", "c"], ["c"], ["a", "b"]])
    best = model.decode(emit)
    brute = max(itertools.product(tagger.LABELS, repeat=4), key=lambda seq: model.score(emit, list(seq)))
    assert model.score(emit, best) == pytest.approx(model.score(emit, list(brute)))


def test_transitions_can_overrule_emissions() -> None:
    # O -> I-C is forbidden by its weight, so a lone content token must open with B-C
    trans = [[0.0] * N for _ in range(N)]
    trans[tagger.LABELS.index("O")][tagger.LABELS.index("I-C")] = -50.0
    model = _model({"x": [0.0, 0.0, 0.0, 1.0, 1.5], "o": [2.0, 0, 0, 0, 0]}, trans)
    assert model.decode(model.emissions([["o"], ["x"]])) == ["O", "B-C"]


def test_unknown_features_weigh_nothing() -> None:
    model = _model({"known": [0.0, 0.0, 0.0, 3.0, 0.0]})
    assert model.emissions([["unknown", "known"], ["unknown"]]).tolist() == [[0.0, 0.0, 0.0, 3.0, 0.0], [0.0] * N]


def _found(nlp, text: str, cue: str):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    found = [f for f, _ in attribution.propose(doc) if text[f.cue_span[0]:f.cue_span[1]] == cue]
    assert found
    f = found[0]
    return doc, tagger.Proposal(f.cue, f.rule, f.source, tuple(sorted(f.content)))


def test_labels_of_the_rules_spans_decode_back_to_them(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The regional governor said on Monday that two bridges near the river had been destroyed."
    doc, prop = _found(nlp, text, "said")
    win = tagger.window(doc, prop)
    labels = tagger.gold_labels(doc, win, (prop.source,) if prop.source else None, prop.content)
    assert labels[0] == "B-S" and "B-C" in labels
    source, content = tagger.decode_spans(doc, win, labels)
    assert source == prop.source and tuple(content) == prop.content


def test_two_content_pieces_around_an_inverted_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The convoy, the spokesman said, was hit twice near the river."
    doc = nlp(text)
    win = tagger.Window(0, len(doc))
    pieces = ((0, text.index(",")), (text.index("was"), text.index(".")))
    labels = tagger.gold_labels(doc, win, None, pieces)
    assert labels.count("B-C") == 2
    assert tagger.decode_spans(doc, win, labels) == (None, list(pieces))


def test_features_cover_every_token_of_the_window(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Officials said the convoy had left Kherson at dawn. Nobody else commented."
    doc, prop = _found(nlp, text, "said")
    win = tagger.window(doc, prop)
    assert (win.start, win.end) == (0, 10)  # the cue's sentence only
    feats = tagger.features(doc, prop, win, quotes_of(doc))
    assert len(feats) == win.end - win.start
    assert all("rc=1" in f for f in feats[2:9]) and all("rc=0" in f for f in feats[:2])
    assert not any(f.startswith("rc") for f in tagger.features(doc, prop, win, quotes_of(doc), False)[3])


def test_a_confident_tagger_replaces_the_rules_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The mayor said the shelter was full."
    doc, prop = _found(nlp, text, "said")
    # a model that marks every token as content with high confidence beats the rules' labelling
    model = _model({f"w={w}": [0.0, 0.0, 0.0, 5.0, 6.0] for w in ("the", "was", ".")}
                   | {f"pos={p}": [0.0, 0.0, 0.0, 5.0, 6.0] for p in ("NOUN", "VERB", "ADJ", "DET", "AUX")})
    got = tagger.retag(doc, prop, quotes_of(doc), model)
    assert got.content is not None and text[got.content[0][0]:got.content[0][1]].startswith("The mayor said")
    strict = dataclasses.replace(model, margins={"source": None, "content": None})
    assert tagger.retag(doc, prop, quotes_of(doc), strict).content is None


def test_without_weights_the_rules_spans_stay(nlp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    text = "The ministry said its forces had destroyed the bridge, which local residents later disputed."
    doc = nlp(text)
    learned = [(c.content, c.source) for c in attribution.find_claims(doc, learned_spans=False)]
    monkeypatch.setattr(claims_mod.tagger, "load_model", lambda: None)
    assert [(c.content, c.source) for c in attribution.find_claims(doc)] == learned


def test_shipped_tagger_cuts_a_relative_clause_off_a_source(nlp) -> None:  # type: ignore[no-untyped-def]
    # the rules keep the whole subject subtree (its relative clause holds a nested report); the tagger trims it
    text = "Petrenko, who said he had served in the region for a decade, told reporters the front was quiet."

    def told(learned: bool) -> tuple[str | None, str]:
        claim = next(c for c in attribution.find_claims(nlp(text), learned_spans=learned)
                     if c.cue and c.cue.text == "told")
        return (claim.source.span.text if claim.source else None), claim.content.text

    assert told(False)[0] == "Petrenko, who said he had served in the region for a decade,"
    assert told(True) == ("Petrenko", "the front was quiet")


def test_shipped_weights_were_fitted_on_train_and_load() -> None:
    import json
    from importlib import resources

    data = json.loads(resources.files("claimwatch").joinpath("data/attribution_tagger.json").read_text("utf-8"))
    assert data["data"] == "train" and data["with_rules"] is True
    model = tagger.load_model()
    assert model is not None and model.trans.shape == (N, N)
    assert set(model.margins) == {"source", "content"} and len(model.index) == len(data["state"])


def test_the_fast_emissions_are_the_feature_sums_exactly(nlp) -> None:  # type: ignore[no-untyped-def]
    """Inference sums the weights per template and per cached key, in the order of the string features that
    training reads; the cue-independent and the cue-dependent parts must each come out bit for bit the same, for
    every cue of an article with quotes, line breaks and several cues (and their sum to rounding)."""
    model = tagger.load_model()
    assert model is not None
    text = ("Kyiv, 3 May\n\nThe governor said two drones had been shot down overnight. \u201cThe air defence worked,\" "
            "he told reporters, adding that a school was damaged.\nAccording to the ministry, the convoy left at dawn, "
            "but the mayor denied that any troops had moved, saying \"nothing changed.\"")
    doc = nlp(text)
    quotes = quotes_of(doc)
    props = [tagger.Proposal(f.cue, f.rule, f.source, tuple(sorted(f.content))) for f, _ in attribution.propose(doc)]
    assert len(props) >= 4
    for prop in props:
        win = tagger.window(doc, prop)
        static = model.static_emissions(doc, win)
        cue = model.cue_emissions(doc, prop, win, quotes)
        table = tagger._table(doc)
        assert static.shape == cue.shape == (win.end - win.start, N)
        assert (static == model.emissions([table.static(i) for i in range(win.start, win.end)])).all()
        assert (cue == model.emissions(tagger.cue_features(doc, prop, win, quotes, model.with_rules))).all()
        whole = model.emissions(tagger.features(doc, prop, win, quotes, model.with_rules))
        assert abs(static + cue - whole).max() < 1e-9
    fresh = dataclasses.replace(model, weights=model.weights * 2)
    assert fresh.columns == {} and fresh.keyed == {}  # a new model never reads another's cached lookups


def test_viterbi_breaks_ties_towards_the_first_label() -> None:
    emit = tagger.np.zeros((3, N))
    assert tagger.viterbi(emit, tagger.np.zeros((N, N))) == ["O", "O", "O"]
    trans = tagger.np.zeros((N, N))
    trans[0, 3] = trans[3, 4] = 1.0
    assert tagger.viterbi(emit, trans) == ["O", "B-C", "I-C"]
    assert tagger.viterbi(emit[:1], trans, start=tagger.np.array([0.0, 0.0, 2.0, 0.0, 0.0])) == ["I-S"]
