"""The parse guard: defused text keeps every offset, pathological runs parse in bounded time, long texts parse
in bounded pieces that join back exactly."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimwatch.nlp import guard
from claimwatch.text.sentences import doc_text

PROSE = ("The ministry said its forces repelled seven attacks near Kupiansk on Tuesday.\n\n"
         "\"Units improved their positions,\" the commander said. Kyiv denied it.\n\n")


def _runs(text: str) -> list[str]:
    return text.split()


@given(st.text(alphabet=st.sampled_from(list("ab!?. \n\t😀") + ["\u200b", "\xa0"]), max_size=2_000))
@settings(max_examples=300, deadline=None)
def test_defuse_keeps_length_and_only_blanks_characters(text: str) -> None:
    out = guard.defuse(text)
    assert len(out) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, out, strict=True))
    assert all(len(run) <= guard.MAX_RUN for run in _runs(out))


@pytest.mark.parametrize(("text", "kept"), [
    ("Wow" + "!" * 50_000, "Wow" + "!" * guard.MAX_REPEAT),
    ("\U0001F600" * 100_000, "\U0001F600" * guard.MAX_REPEAT),
    ("!?" * 25_000, "!?" * (guard.MAX_RUN // 2)),
])
def test_pathological_runs_are_cut_short(text: str, kept: str) -> None:
    out = guard.defuse(text)
    assert out.startswith(kept) and out[len(kept)] == " "
    assert max(len(run) for run in _runs(out)) <= guard.MAX_RUN


def test_ordinary_prose_is_left_alone(examples_dir: Path) -> None:
    for path in sorted(examples_dir.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert guard.defuse(text) == text, path.name


@given(st.text(alphabet=st.sampled_from(list("ab. !\n")), max_size=3_000), st.integers(1, 400))
@settings(max_examples=200, deadline=None)
def test_chunks_cover_the_text_in_order_within_the_limit(text: str, max_chunk: int) -> None:
    bounds = guard.chunk_bounds(text, max_chunk)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(0 < e - s <= max_chunk for s, e in bounds) or text == ""


def test_chunks_end_at_paragraph_breaks_when_there_are_some() -> None:
    text = PROSE * 40
    for s, e in guard.chunk_bounds(text, 1_000)[:-1]:
        assert text[s:e].endswith("\n\n") and e - s > 500


@pytest.mark.model
def test_a_text_that_fits_in_one_piece_parses_as_spacy_parses_it(nlp: Any) -> None:
    text = PROSE * 5
    plain, guarded = nlp(text), guard.parse(nlp, text)
    assert [(t.text, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in guarded] == \
           [(t.text, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in plain]


@pytest.mark.model
def test_long_texts_are_parsed_in_pieces_that_join_exactly(nlp: Any) -> None:
    text = PROSE * 30
    doc = guard.parse(nlp, text, max_chunk=900, max_tokens=150)
    assert doc.text == text
    assert len(list(doc.sents)) >= 60
    assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in nlp(PROSE).ents] * 30
    assert all(t.idx == text.index(t.text, t.idx) for t in doc)  # offsets are offsets into the text


@pytest.mark.model
def test_spacy_never_sees_more_than_max_tokens_at_once(nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real_pipe = type(nlp).pipe

    def counting(self: Any, docs: Any, **kwargs: Any) -> Any:
        docs = list(docs)
        seen.append(sum(len(d) for d in docs))
        return real_pipe(self, docs, **kwargs)

    monkeypatch.setattr(type(nlp), "pipe", counting)
    texts = [PROSE * 20, "!?" * 3_000, "", PROSE, "x"]
    docs = list(guard.pipe(nlp, (guard.defuse(t) for t in texts), batch_size=4, max_chunk=2_000, max_tokens=300))
    assert [d.text for d in docs] == [guard.defuse(t) for t in texts]
    assert seen and max(seen) <= 300


@pytest.mark.model
@pytest.mark.parametrize("text", ["The ministry said " + "!" * 50_000, "\U0001F600" * 100_000, "!?" * 5_000,
                                  "x" * 400_000])
def test_pathological_texts_parse_in_bounded_time(nlp: Any, text: str) -> None:
    # unguarded, spaCy's tokenizer is quadratic here: 50 KB of '!' took 4 minutes, 400 KB of emoji never ended
    start = time.perf_counter()
    doc = guard.safe_parse(nlp, text)
    assert time.perf_counter() - start < 30
    assert len(doc.text) == len(text) and doc_text(doc) == text


@pytest.mark.model
def test_safe_pipe_gives_the_stages_the_original_text(nlp: Any) -> None:
    texts = ["Wow" + "!" * 300 + " the ministry said.", PROSE]
    docs = list(guard.safe_pipe(nlp, texts, batch_size=2))
    assert [doc_text(d) for d in docs] == texts
    assert docs[0].text != texts[0] and len(docs[0].text) == len(texts[0])


def test_invisible_characters_at_word_edges_do_not_hide_a_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    """Pasted web and Telegram text carries zero-width spaces, joiners and direction marks; the parser gets spaces
    in their place (same offsets), the stored spans keep the original characters."""
    from claimwatch.extract import attribution

    text = "The\u200b ministry\u200d said\u2060 that \u202eits forces\u202c had taken the village of Oran."
    out = guard.defuse(text)
    assert len(out) == len(text) and "said " in out and "\u2060" not in out
    assert guard.defuse("Rivno\u200dpil") == "Rivno\u200dpil"  # a joiner inside a word stays
    assert guard.defuse("Rivno\u200bpil") == "Rivno pil"  # a zero-width space is a word break
    claims = attribution.find_claims(guard.safe_parse(nlp, text))
    said = [c for c in claims if c.cue is not None and c.cue.text == "said"]
    assert len(said) == 1
    assert said[0].source is not None and said[0].source.span.text == "The\u200b ministry"
    assert text[said[0].content.start:said[0].content.end] == said[0].content.text
    assert said[0].content.text.startswith("that \u202eits forces")
