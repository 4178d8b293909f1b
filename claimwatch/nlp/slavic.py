"""The Russian and Ukrainian parse: article text to a spaCy ``Doc`` built from razdel / tokenize-uk tokens,
pymorphy3 lemmas and parts of speech, and, for Russian, natasha's (slovnet) dependency parse and entities.

Reads a text; writes a ``Doc`` whose ``text`` is the text exactly (every gap between tokens that is not one
space becomes a whitespace token, as spaCy's own tokenizer does), with ``lemma_``, ``pos_`` (Universal POS),
``morph`` (case, number, gender, tense, aspect), sentence starts (razdel / tokenize-uk sentences, also cut at
every line break: Telegram posts are written in lines) and, for Russian sentences worth it, ``dep_``/``head`` and
``ent_type_`` (PER, ORG, LOC from natasha, as ``PERSON``, ``ORG``, ``GPE``).

Parsing is selective: slovnet's syntax and NER run at about 2-7k words a second, pymorphy3 at 20k+, so only the
sentences with a speech verb or a fronted-source cue of :mod:`claimwatch.text.wordlists` ("заявил", "по
словам", "сообщается") are parsed and tagged for entities, in batches across the articles of a batch; the
other sentences get flat trees (every token attached to the sentence's first, dependency label ``dep``).
Ukrainian has no dependency parser on PyPI: its documents have tokens, sentences, lemmas and tags only.

Models load lazily, once per process (:func:`parser`); nothing is loaded at import.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..stage import Analysis, Stage
from ..text.sentences import set_doc_text
from ..text.wordlists import LANGUAGES, WordLists, fold, wordlists
from .guard import defuse
from .resources import MissingResource

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

log = logging.getLogger(__name__)

#: sentences longer than this (in words) are not given to the syntax parser
MAX_PARSED_WORDS = 120
#: sentences handed to slovnet per call (sorted by length first, so padding stays small)
SYNTAX_BATCH = 32
#: word forms whose analysis each :class:`Morphology` keeps
_CACHE_MAX = 200_000

_POS = {"NOUN": "NOUN", "ADJF": "ADJ", "ADJS": "ADJ", "COMP": "ADJ", "VERB": "VERB", "INFN": "VERB",
        "PRTF": "VERB", "PRTS": "VERB", "GRND": "VERB", "NUMR": "NUM", "ADVB": "ADV", "NPRO": "PRON", "PRED": "ADV",
        "PREP": "ADP", "CONJ": "CCONJ", "PRCL": "PART", "INTJ": "INTJ", "PNCT": "PUNCT", "NUMB": "NUM",
        "ROMN": "NUM", "LATN": "X", "UNKN": "X"}
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
_SUBORDINATORS = frozenset({"что", "чтобы", "если", "когда", "хотя", "пока", "поскольку", "будто", "як", "що",
                            "щоб", "якщо", "коли", "хоча", "поки", "оскільки", "нібито", "ли", "чи"})
_FEATS = (("Case", {"nomn": "Nom", "gent": "Gen", "gen2": "Gen", "datv": "Dat", "accs": "Acc", "acc2": "Acc",
                    "ablt": "Ins", "loct": "Loc", "loc2": "Loc", "voct": "Voc"}),
          ("Number", {"sing": "Sing", "plur": "Plur"}),
          ("Gender", {"masc": "Masc", "femn": "Fem", "neut": "Neut"}),
          ("Tense", {"past": "Past", "pres": "Pres", "futr": "Fut"}),
          ("Aspect", {"perf": "Perf", "impf": "Imp"}),
          ("Voice", {"pssv": "Pass"}))
_VERB_FORMS = {"INFN": "Inf", "PRTF": "Part", "PRTS": "Part", "GRND": "Conv", "VERB": "Fin"}
_ENT_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}


@dataclass(frozen=True, slots=True)
class Reading:
    """One word form's reading: Universal POS, lemma (lower case), UD-style features."""

    pos: str
    lemma: str
    feats: str


class Morphology:
    """pymorphy3 readings of word forms for one language, cached per form (bounded)."""

    def __init__(self, language: str) -> None:
        try:
            import pymorphy3
        except ImportError as exc:
            raise MissingResource(f"pymorphy3 is not installed: {_FIX}") from exc
        try:
            self._analyzer = pymorphy3.MorphAnalyzer(lang=language)
        except (ValueError, ImportError) as exc:  # the language's dictionary package is missing
            raise MissingResource(f"no pymorphy3 dictionary for {language!r}: {_FIX}") from exc
        self.language = language
        self._cache: dict[str, Reading] = {}
        self._lemmas: dict[str, tuple[str, ...]] = {}

    def analyse(self, word: str) -> Reading:
        got = self._cache.get(word)
        if got is None:
            got = self._analyse(word)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[word] = got
        return got

    def _analyse(self, word: str) -> Reading:
        if word.isspace():
            return Reading("SPACE", word, "")
        parses = self._analyzer.parse(word)
        best = parses[0]
        tag = best.tag
        pos = _POS.get(str(tag.POS) if tag.POS else str(tag).split(",")[0].split(" ")[0], "X")
        if pos == "X" and not any(c.isalnum() for c in word):
            pos = "PUNCT" if len(word) < 4 else "SYM"
        grammemes = set(tag.grammemes)
        proper = grammemes & _PROPER or "Abbr" in grammemes and word.isupper()
        if pos == "NOUN" and proper or pos == "X" and word[:1].isupper():
            pos = "PROPN"
        elif pos == "CCONJ" and fold(word) in _SUBORDINATORS:
            pos = "SCONJ"
        feats = "|".join(f"{name}={values[g]}" for name, values in _FEATS for g in grammemes if g in values)
        form = "Part" if "Impe" in grammemes else _VERB_FORMS.get(str(tag.POS))  # "оголошено": impersonal
        if form:
            feats = f"{feats}|VerbForm={form}" if feats else f"VerbForm={form}"
        return Reading(pos, fold(best.normal_form) if pos not in ("PUNCT", "SYM") else word, feats)

    def lemmas(self, word: str) -> tuple[str, ...]:
        """Every normal form pymorphy3 gives ``word``, place-name readings first ("Харкові": "харків" before the
        surname "харко")."""
        got = self._lemmas.get(word)
        if got is None:
            parses = self._analyzer.parse(word)
            ordered = sorted(parses, key=lambda p: ("Geox" not in p.tag.grammemes, -p.score))
            got = tuple(dict.fromkeys(fold(p.normal_form) for p in ordered))
            if len(self._lemmas) >= _CACHE_MAX:
                self._lemmas.clear()
            self._lemmas[word] = got
        return got

    def tags(self, word: str) -> tuple[frozenset[str], ...]:
        """The grammemes of every reading of ``word``, best first."""
        return tuple(frozenset(p.tag.grammemes) for p in self._analyzer.parse(word))

    def has(self, word: str, grammeme: str) -> bool:
        """Whether the best noun reading of ``word`` has ``grammeme`` ("masc", "femn"...)."""
        for p in self._analyzer.parse(word):
            if p.tag.POS == "NOUN":
                return grammeme in p.tag.grammemes
        return False

    def inflect(self, word: str, grammemes: frozenset[str]) -> str | None:
        """``word`` put into the form ``grammemes`` names ({"nomn", "femn", "sing"}), or None."""
        for wanted in (set(grammemes), set(grammemes) - {"sing"}):  # Ukrainian feminines carry no "sing"
            for p in self._analyzer.parse(word):
                got = p.inflect(wanted)
                if got is not None:
                    return str(got.word)
        return None


_FIX = ("pip install 'natasha==1.6.0' 'pymorphy3==2.0.6' 'pymorphy3-dicts-ru==2.4.417150.4580142' "
        "'pymorphy3-dicts-uk==2.4.1.1.1663094765' 'razdel==0.5.0' 'tokenize-uk==2.0.0'")


@lru_cache(maxsize=len(LANGUAGES))
def morphology(language: str) -> Morphology:
    """The pymorphy3 analyser of ``language`` ("ru" or "uk"), loaded once per process."""
    return Morphology(language)


# --------------------------------------------------------------------------------------------- the parser


@dataclass(slots=True)
class _Draft:
    """One text on its way to a ``Doc``: tokens, whitespace, sentence starts, and what the models add."""

    text: str
    words: list[str]
    spaces: list[bool]
    starts: list[int]  #: character offset of each token
    sent_starts: list[bool]
    analyses: list[Reading]
    heads: list[int] = field(default_factory=list)
    deps: list[str] = field(default_factory=list)
    ents: list[str] = field(default_factory=list)

    def sentences(self) -> Iterator[tuple[int, int]]:
        """(first token, end token) of every sentence."""
        begin = 0
        for i in range(1, len(self.words) + 1):
            if i == len(self.words) or self.sent_starts[i]:
                yield begin, i
                begin = i


class SlavicParser:
    """Russian or Ukrainian text to spaCy ``Doc`` objects (see the module docstring). Callable like a spaCy
    pipeline on one text; :meth:`pipe` parses many with the syntax parser batched across them."""

    def __init__(self, language: str, vocab: Vocab, morph: Morphology, lists: WordLists,
                 syntax: Any = None, ner: Any = None) -> None:
        self.language = language
        self.vocab = vocab
        self.morph = morph
        self.lists = lists
        self._syntax = syntax  #: natasha's syntax parser (Russian), or None
        self._ner = ner  #: natasha's NER tagger (Russian), or None
        self._cues: dict[str, tuple[tuple[str, ...], ...]] = {}
        for p in (*lists.according, *lists.impersonal):
            self._cues.setdefault(p[0], ())
            self._cues[p[0]] += (p,)

    def __call__(self, text: str) -> Doc:
        return next(self.pipe([text]))

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
        batch: list[_Draft] = []
        for text in texts:
            batch.append(self._draft(text))
            if len(batch) >= batch_size:
                yield from self._finish(batch)
                batch = []
        if batch:
            yield from self._finish(batch)

    def _finish(self, drafts: list[_Draft]) -> Iterator[Doc]:
        if self._syntax is not None:
            self._parse_selected(drafts)
        for draft in drafts:
            yield self._doc(draft)

    # ----------------------------------------------------------------------------------------- drafting

    def _draft(self, text: str) -> _Draft:
        spans = self._tokens(defuse(text))
        words: list[str] = []
        spaces: list[bool] = []
        starts: list[int] = []
        sent_starts: list[bool] = []
        pos, new_sentence = 0, True
        boundaries = self._sentence_starts(text)
        for s, e in spans:
            if s < pos:
                continue  # a tokenizer that overlaps itself: keep the first reading
            gap = text[pos:s]
            if gap:
                if words and gap.startswith(" "):
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    _append(words, spaces, starts, sent_starts, gap, s - len(gap), False)
                if "\n" in text[pos:s]:
                    new_sentence = True
            if s in boundaries:
                new_sentence = True
            _append(words, spaces, starts, sent_starts, text[s:e], s, new_sentence and not text[s:e].isspace())
            new_sentence = new_sentence and text[s:e].isspace()
            pos = e
        tail = text[pos:]
        if tail:
            if words and tail.startswith(" "):
                spaces[-1] = True
                tail = tail[1:]
            if tail:
                _append(words, spaces, starts, sent_starts, tail, len(text) - len(tail), False)
        if sent_starts:
            sent_starts[0] = True
        analyses = [self.morph.analyse(w) for w in words]
        return _Draft(text, words, spaces, starts, sent_starts, analyses)

    def _tokens(self, text: str) -> list[tuple[int, int]]:
        if self.language == "ru":
            import razdel

            return _symbols_apart(text, [(t.start, t.stop) for t in razdel.tokenize(text)])
        import tokenize_uk

        return _symbols_apart(text, _aligned(text, tokenize_uk.tokenize_words_with_spans(text)))

    def _sentence_starts(self, text: str) -> frozenset[int]:
        if self.language == "ru":
            import razdel

            return frozenset(s.start for s in razdel.sentenize(text))
        import tokenize_uk

        return frozenset(s for _, s, _ in _aligned_sents(text, tokenize_uk.tokenize_sents_with_spans(text)))

    # ----------------------------------------------------------------------------------------- parsing

    def selected(self, draft: _Draft) -> list[tuple[int, int]]:
        """The sentences (token ranges) that get a syntactic parse: a speech verb or a source cue in them."""
        out = []
        for begin, end in draft.sentences():
            words = [fold(w) for w in draft.words[begin:end]]
            if end - begin > MAX_PARSED_WORDS * 2:
                continue
            if any(a.lemma in self.lists.speech_verbs for a in draft.analyses[begin:end]) or any(
                    any(tuple(words[i:i + len(p)]) == p for p in self._cues.get(w, ())) for i, w in enumerate(words)):
                out.append((begin, end))
        return out

    def _parse_selected(self, drafts: list[_Draft]) -> None:
        jobs: list[tuple[_Draft, list[int]]] = []  # a sentence's non-space token indices
        for draft in drafts:
            draft.heads = list(range(len(draft.words)))
            draft.deps = [""] * len(draft.words)
            draft.ents = ["O"] * len(draft.words)
            for begin, end in self.selected(draft):
                idx = [i for i in range(begin, end) if not draft.words[i].isspace()]
                if 0 < len(idx) <= MAX_PARSED_WORDS:
                    jobs.append((draft, idx))
        if not jobs:
            return
        order = sorted(range(len(jobs)), key=lambda k: len(jobs[k][1]))
        sentences = [[jobs[k][0].words[i] for i in jobs[k][1]] for k in order]
        for k, markup in zip(order, self._syntax.map(sentences), strict=True):
            draft, idx = jobs[k]
            for i, tok in zip(idx, markup.tokens, strict=True):
                head = int(tok.head_id)
                draft.heads[i] = idx[head - 1] if 0 < head <= len(idx) else i
                draft.deps[i] = "ROOT" if head == 0 or tok.rel == "root" else tok.rel
        if self._ner is not None:
            self._entities(jobs)

    def _entities(self, jobs: list[tuple[_Draft, list[int]]]) -> None:
        texts = []
        for draft, idx in jobs:
            texts.append(draft.text[draft.starts[idx[0]]:draft.starts[idx[-1]] + len(draft.words[idx[-1]])])
        for (draft, idx), markup in zip(jobs, self._ner.map(texts), strict=True):
            base = draft.starts[idx[0]]
            for span in markup.spans:
                label = _ENT_LABELS.get(span.type)
                inside = [i for i in idx if base + span.start <= draft.starts[i] < base + span.stop]
                if label is None or not inside:
                    continue
                draft.ents[inside[0]] = f"B-{label}"
                for i in range(inside[0] + 1, inside[-1] + 1):
                    draft.ents[i] = f"I-{label}"

    def _doc(self, draft: _Draft) -> Doc:
        from spacy.tokens import Doc

        if not draft.words:
            return Doc(self.vocab, words=[], spaces=[])
        lemmas = [a.lemma for a in draft.analyses]
        pos = [a.pos for a in draft.analyses]
        morphs = [a.feats for a in draft.analyses]
        kwargs: dict[str, Any] = {"lemmas": lemmas, "pos": pos, "morphs": morphs}
        if draft.heads:
            _flatten_unparsed(draft)
            kwargs.update(heads=draft.heads, deps=draft.deps, ents=draft.ents)
        starts: list[bool | int | None] = list(draft.sent_starts)
        doc = Doc(self.vocab, words=draft.words, spaces=draft.spaces, sent_starts=starts, **kwargs)
        set_doc_text(doc, draft.text)
        return doc


def _append(words: list[str], spaces: list[bool], starts: list[int], sent_starts: list[bool], word: str,
            start: int, sent_start: bool) -> None:
    words.append(word)
    spaces.append(False)
    starts.append(start)
    sent_starts.append(sent_start)


def _flatten_unparsed(draft: _Draft) -> None:
    """Sentences the parser did not see become flat trees under their first token, so that every sentence is one
    tree and spaCy's sentence boundaries stay those of the segmenter."""
    for begin, end in draft.sentences():
        if any(draft.deps[i] for i in range(begin, end)) and _is_tree(draft, begin, end):
            roots = [i for i in range(begin, end) if draft.deps[i] == "ROOT"]
            root = roots[0] if roots else begin
            for i in range(begin, end):
                if not draft.deps[i]:  # whitespace tokens inside a parsed sentence
                    draft.heads[i], draft.deps[i] = root, "dep"
                elif draft.deps[i] == "ROOT" and i != root:
                    draft.heads[i], draft.deps[i] = root, "parataxis"
            continue
        for i in range(begin, end):
            draft.heads[i] = begin
            draft.ents[i] = "O" if draft.ents[i].startswith("I-") and (i == begin or draft.ents[i - 1] == "O") \
                else draft.ents[i]
            draft.deps[i] = "ROOT" if i == begin else "dep"


def _is_tree(draft: _Draft, begin: int, end: int) -> bool:
    """Whether every parsed token of the sentence reaches a root inside it without a cycle."""
    for i in range(begin, end):
        j, steps = i, 0
        while draft.deps[j] and draft.deps[j] != "ROOT":
            j, steps = draft.heads[j], steps + 1
            if not begin <= j < end or steps > end - begin:
                return False
    return True


def _aligned(text: str, tokens: Sequence[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Token offsets checked against the text (a tokenizer that normalised a token is realigned by search)."""
    out = []
    pos = 0
    for word, s, e in tokens:
        if text[s:e] != word:
            found = text.find(word, pos)
            if found < 0:
                continue
            s, e = found, found + len(word)
        out.append((s, e))
        pos = e
    return out


def _symbols_apart(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Emoji glued to a word ("⚡️Минобороны", "Харькове🔥") split off as tokens of their own, so that the word
    gets its own lemma and tags."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        a, b = s, e
        while a < b and _is_symbol(text[a]):
            a += 1
        while b > a and _is_symbol(text[b - 1]):
            b -= 1
        if a == b or (a == s and b == e):
            out.append((s, e))
            continue
        if a > s:
            out.append((s, a))
        out.append((a, b))
        if b < e:
            out.append((b, e))
    return out


def _is_symbol(ch: str) -> bool:
    """An emoji, a pictograph or the invisible joiners and variation selectors that go with them."""
    return unicodedata.category(ch) in ("So", "Sk", "Cf") or ch in "\ufe0e\ufe0f\u20e3"


def _aligned_sents(text: str, sents: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    return [(t, s, e) for (t, s, e) in sents if 0 <= s <= len(text)]


@lru_cache(maxsize=len(LANGUAGES))
def parser(language: str) -> SlavicParser:
    """The parser of ``language`` ("ru" or "uk"), its models loaded once per process."""
    import spacy

    if language not in LANGUAGES:
        raise MissingResource(f"no Cyrillic parser for {language!r}")
    vocab = spacy.blank(language).vocab
    morph = morphology(language)
    lists = wordlists(language)
    if language == "uk":
        try:
            import tokenize_uk  # noqa: F401 - checked here so that a missing package says how to fix it
        except ImportError as exc:
            raise MissingResource(f"tokenize-uk is not installed: {_FIX}") from exc
        return SlavicParser(language, vocab, morph, lists)
    try:
        from natasha import NewsEmbedding, NewsNERTagger, NewsSyntaxParser
    except ImportError as exc:
        raise MissingResource(f"natasha is not installed: {_FIX}") from exc
    embedding = NewsEmbedding()
    syntax = NewsSyntaxParser(embedding)
    ner = NewsNERTagger(embedding)
    syntax.infer.encoder.batch_size = SYNTAX_BATCH
    ner.infer.encoder.batch_size = SYNTAX_BATCH
    log.debug("loaded natasha syntax and NER for Russian")
    return SlavicParser(language, vocab, morph, lists, syntax, ner)


class SlavicParseStage(Stage):
    """Tokens, sentences, lemmas and tags of Russian or Ukrainian text; Russian syntax and entities where a
    sentence reports speech (see :mod:`claimwatch.nlp.slavic`)."""

    name = "parse"
    requires = ("article.text",)
    assigns = ("doc",)
    batched = True

    def __init__(self, language: str, batch_size: int = 32) -> None:
        self.language = language
        self.batch_size = batch_size

    @property
    def description(self) -> str:
        return _ABOUT[self.language]

    def __call__(self, analysis: Analysis) -> None:
        analysis.doc = parser(self.language)(analysis.article.text)

    def pipe(self, analyses: Sequence[Analysis]) -> None:
        docs = list(parser(self.language).pipe([a.article.text for a in analyses], self.batch_size))
        for analysis, doc in zip(analyses, docs, strict=True):
            analysis.doc = doc


_ABOUT = {"ru": "razdel tokens and sentences, pymorphy3 lemmas and tags; natasha (slovnet) syntax and entities "
                "for sentences with a speech verb or a source cue",
          "uk": "tokenize-uk tokens and sentences, pymorphy3 lemmas and tags (no dependency parser for Ukrainian)"}
