"""The data model: typed records passed between stages.

Every field that came from text carries character offsets into ``Article.text`` (the stored, cleaned
text) as a :class:`Span`. This module imports nothing of the project.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any


class ClaimKind(str, Enum):
    """How the content is reported."""

    DIRECT = "direct"  #: fully inside quotation marks
    INDIRECT = "indirect"  #: paraphrased ("X said that ...")
    MIXED = "mixed"  #: partly quoted
    OUTLET = "outlet"  #: the outlet's own voice, no cue


class Status(str, Enum):
    """Epistemic status of a claim, as the article presents it."""

    ASSERTED = "asserted"  #: stated by the outlet in its own voice
    CLAIMED = "claimed"  #: a party's statement, reported
    HEDGED = "hedged"  #: "reportedly", "allegedly", "according to unverified reports"
    UNCONFIRMED = "unconfirmed"  #: the article says it has not been confirmed
    DENIED = "denied"  #: somebody denies it
    CONFIRMED = "confirmed"  #: confirmed by an independent or official source
    RETRACTED = "retracted"  #: withdrawn by its own source


class Polarity(str, Enum):
    """Whether a claim affirms its content or denies it."""

    POSITIVE = "positive"
    NEGATIVE = "negative"  #: a denial ("Kyiv denied that ...")


class Precision(str, Enum):
    """How precisely a place mention is located. Declared most specific first: :attr:`rank` is that order."""

    SETTLEMENT = "settlement"  #: a town or village
    DISTRICT = "district"  #: admin level 2 and below
    REGION = "region"  #: admin level 1 (oblast, state), or a named region
    COUNTRY = "country"
    CONTINENT = "continent"
    OTHER = "other"  #: placed only approximately (at a nearby town), or a feature of no admin level

    @property
    def rank(self) -> int:
        """0 for a settlement up to 5 for ``other``: sort by it to put the most specific place first."""
        return list(Precision).index(self)


class Role(str, Enum):
    """What a place mention stands for."""

    LOCATION = "location"  #: where something is or happens
    ACTOR = "actor"  #: metonymy: the place stands for its government ("Kyiv announced")


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of ``Article.text``: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span offsets ({self.start}, {self.end})")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """The span ``text[start:end]``."""
        return cls(start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of ``Article.text`` copied unchanged from ``Article.raw_text``."""

    start: int  #: offset in the clean text
    raw_start: int  #: offset in the raw (decoded, pre-cleaning) text
    length: int


def normalise_for_hash(text: str) -> str:
    """NFC, collapsed whitespace, case kept: what the content hash is computed over."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str, url: str | None = None) -> str:
    """Identity of an article: SHA-256 of its normalised text, plus its URL when known. Defined for any
    ``str`` (lone surrogates are hashed as their code points; valid text hashes as its UTF-8)."""
    h = hashlib.sha256(normalise_for_hash(text).encode("utf-8", "surrogatepass"))
    if url:
        h.update(b"\x00" + url.strip().encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink of the input (a Telegram text link, a URL in the text): ``span`` is its text in ``Article.text``."""

    span: Span
    url: str


@dataclass(slots=True)
class TelegramPost:
    """What a Telegram export says of a post besides its text: where it is, edits, forwards, replies, media.

    Stored in ``articles.meta``; ``Article.url`` is the post's identity (``https://t.me/<username>/<id>`` when the
    channel's public username is known, else ``tg://<chat id>/<message id>``).
    """

    message_id: int
    chat_id: int | None = None  #: the channel's id without the ``-100`` prefix of the Bot API
    channel: str | None = None  #: the channel's title
    username: str | None = None  #: the channel's public username, when known
    edited: datetime | None = None  #: UTC instant of the last edit
    forwarded_from: str | None = None  #: name of the channel (or person) the post was forwarded from
    forwarded_from_id: str | None = None  #: its id as the export writes it ("channel1234567890")
    reply_to: int | None = None  #: id of the message this post replies to
    author: str | None = None  #: the post's signature, when the channel signs posts
    media: tuple[str, ...] = ()  #: attachments noted by the export: photo, video_file, poll, ...
    links: tuple[Link, ...] = ()  #: text links and URLs that are in ``Article.text``

    @property
    def forward(self) -> bool:
        return bool(self.forwarded_from or self.forwarded_from_id)


@dataclass(frozen=True, slots=True)
class LanguageSpan:
    """A stretch ``[start, end)`` of ``Article.text`` in one language (a paragraph, or a run of them)."""

    start: int
    end: int
    language: str  #: ISO 639-1 code
    confidence: float = 1.0  #: lingua's confidence for the run (1.0 when declared; inherited runs: the article's)


@dataclass(frozen=True, slots=True)
class Languages:
    """What language identification said of an article: its language, how sure, how it was decided, and the
    language of every stretch of its text (the spans cover the text, in order, without gaps)."""

    language: str  #: ISO 639-1 code of the article as a whole
    confidence: float  #: 1.0 when declared; lingua's confidence value; lower for script hints and defaults
    #: declared | lingua | script | only (one configured language) | default (no letters) | paragraph (a run
    #: of other-language paragraphs extracted on its own)
    method: str
    spans: tuple[LanguageSpan, ...] = ()

    def at(self, offset: int) -> str:
        """The language of the text at ``offset`` (the article's language outside every span)."""
        for span in self.spans:
            if span.start <= offset < span.end:
                return span.language
        return self.language

    @property
    def mixed(self) -> bool:
        """Whether some stretch of the text is in another language than the article."""
        return any(s.language != self.language for s in self.spans)


@dataclass(slots=True)
class Article:
    """One news item as analysed. ``text`` is what every span points into."""

    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None  #: UTC instant (timezone-aware) when known
    published_raw: str | None = None  #: the publication date string as found
    published_offset: int | None = None  #: where ``published_raw`` starts in ``raw_text`` (None: metadata)
    language: str | None = None  #: ISO 639-1 code
    raw_text: str | None = None  #: decoded input before cleaning (for HTML: the extracted main text)
    raw: bytes | None = None  #: the input bytes exactly as received
    raw_sha256: str | None = None
    origin: str | None = None  #: file path (and line number for JSONL) it came from
    segments: tuple[Segment, ...] = ()  #: how ``text`` maps onto ``raw_text``
    removed: tuple[tuple[int, int, str], ...] = ()  #: furniture cut from ``raw_text``: (start, end, why)
    telegram: TelegramPost | None = None  #: a Telegram post: its channel, edits, forward and reply, links
    languages: Languages | None = None  #: language identification (article and paragraphs), once the pipeline ran
    id: int | None = None  #: database id once stored

    @property
    def content_hash(self) -> str:
        return content_hash(self.text, self.url)

    @property
    def identified_by_url(self) -> bool:
        """Whether ``url`` alone says which item this is, whatever its text (a Telegram post: an edit changes the
        text, not the post); such an article is found again by its URL when its text has changed."""
        return self.telegram is not None and bool(self.url)

    def span(self, start: int, end: int) -> Span:
        return Span.of(self.text, start, end)

    def to_raw_offset(self, offset: int) -> int | None:
        """Map an offset in ``text`` to ``raw_text`` (None when it falls in inserted text)."""
        if not self.segments:
            return offset
        for seg in self.segments:
            if seg.start <= offset <= seg.start + seg.length:
                return seg.raw_start + (offset - seg.start)
        return None


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet. ``Article.outlet`` holds its ``name``; the store keeps one row per outlet."""

    name: str
    domains: tuple[str, ...] = ()  #: web hosts it publishes on ("rt.com")
    country: str | None = None  #: ISO 3166-1 alpha-2 of where it is based
    language: str | None = None  #: ISO 639-1 code of its main language
    #: party-official | party-state | party-aligned | independent | wire | international | research
    affiliation: str | None = None
    notes: str | None = None  #: the public reason for its affiliation
    key: str | None = None  #: outlets registry id
    side: str | None = None  #: the party to the war it belongs to or is aligned with
    actor: str | None = None  #: actor registry id of the party body a party's own channel speaks for
    telegram: tuple[str, ...] = ()  #: public channel usernames
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class Source:
    """Who makes a claim. ``span`` is the mention at the cue; ``entity`` what it refers to."""

    span: Span
    entity: Span | None = None  #: antecedent for pronouns and "the group"-style mentions
    actor: str | None = None  #: canonical actor id from the registry, when resolved

    @property
    def name(self) -> str:
        return (self.entity or self.span).text


@dataclass(slots=True)
class Quantity:
    value: float | None  #: best single value (None: present but unquantified, "a huge amount")
    lower: float | None
    upper: float | None
    unit: str | None  #: "km2", "people", "tank", "drone", "settlement"...
    kind: str  #: area | killed | wounded | captured | casualties | people | equipment | settlements | munitions | other
    span: Span


@dataclass(slots=True)
class DateRange:
    """Normalised date. ``start``/``end`` are ISO strings; "--MM-DD" when the year is unknown."""

    start: str | None
    end: str | None
    precision: str  #: day | week | month | year | unknown
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """An entry of the actor registry (:mod:`claimwatch.actors`): a canonical party, force, body or person."""

    id: str
    name: str
    kind: str  #: state force | non-state armed group | government | person | organisation | company
    side: str | None = None
    country: str | None = None
    inter: int = 0  #: ACLED's actor type code
    acled_name: str | None = None
    parent: str | None = None
    forces: str | None = None  #: the armed forces a ministry or staff speaks for
    represents: str | None = None  #: the body a person speaks for
    aliases: tuple[str, ...] = field(default=())


@dataclass(slots=True)
class ActorRef:
    name: str  #: canonical name (or the text itself when unknown to the registry)
    span: Span | None = None
    actor_id: str | None = None
    side: str | None = None
    kind: str | None = None


@dataclass(slots=True)
class Place:
    """A GeoNames entry (or a region/country built from it)."""

    geonameid: int | None
    name: str
    feature_class: str | None
    feature_code: str | None
    country: str | None  #: ISO 3166-1 alpha-2
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int | None = None


@dataclass(slots=True)
class PlaceMention:
    span: Span
    place: Place | None
    precision: Precision | None = None  #: None: unresolved
    role: Role = Role.LOCATION
    confidence: float = 0.0


@dataclass(slots=True)
class Event:
    type: str  #: ACLED event type or claimwatch extension ("Casualties", "Statement"...)
    sub_type: str | None
    trigger: Span
    actor1: ActorRef | None = None
    actor2: ActorRef | None = None
    place: PlaceMention | None = None
    date: DateRange | None = None
    quantities: list[Quantity] = field(default_factory=list)
    negated: bool = False
    hypothetical: bool = False


@dataclass(slots=True)
class Claim:
    """Somebody's (or the outlet's) statement in an article, with evidence spans."""

    content: Span  #: overall extent of the content
    kind: ClaimKind
    status: Status
    source: Source | None = None  #: None: the outlet itself
    cue: Span | None = None
    content_parts: tuple[Span, ...] = ()  #: pieces when the content is discontinuous
    status_evidence: list[Span] = field(default_factory=list)
    polarity: Polarity = Polarity.POSITIVE
    confidence: float = 1.0
    events: list[Event] = field(default_factory=list)
    story: str | None = None  #: the story the linking put it in (filled by the store, never by extraction)
    verdict: str | None = None  #: that story's verdict

    @property
    def parts(self) -> tuple[Span, ...]:
        return self.content_parts or (self.content,)


@dataclass(frozen=True, slots=True)
class Review:
    """An analyst's correction of one field of a stored claim, reapplied whenever the article is re-extracted."""

    id: int
    article_id: int
    claim_key: str  #: the claim's identity: its content span, "start:end"
    field: str  #: dotted path into the serialized claim: "status", "source.actor", "events.0.type"
    value: Any  #: the corrected JSON value
    who: str
    at: datetime  #: when (UTC)
    why: str | None = None


@dataclass(slots=True)
class ItemError:
    """A per-item failure during ingest or extraction; the batch goes on."""

    origin: str
    message: str
    stage: str = "ingest"


@dataclass(slots=True)
class Skipped:
    """Input items passed over on purpose, not errors (a channel's service messages, media-only posts)."""

    origin: str
    reason: str  #: what they are: "service messages", "media only", ...
    count: int = 1


@dataclass(slots=True)
class Extraction:
    """What ``extract(article)`` returns: a pure function of the article and the loaded resources."""

    article: Article
    claims: list[Claim] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    pipeline_version: str = ""

    @property
    def events(self) -> list[Event]:
        return [e for c in self.claims for e in c.events]


@dataclass(slots=True)
class StoryClaim:
    """One claim of a story: where it is, who made it, and how it stands toward the story's event."""

    article_id: int
    claim_index: int  #: position of the claim in its article (as ``claimwatch show`` numbers them)
    stance: str  #: corroborates | contradicts | reports
    unit: str  #: the independent unit it counts through ("side:russia", "outlet:reuters", "source:…")
    content: Span  #: the claim's content, with offsets into its article's text
    status: str
    source: str | None = None
    outlet: str | None = None
    affiliation: str | None = None
    published: datetime | None = None
    copy_of: int | None = None  #: the article whose copy its article is


@dataclass(slots=True)
class StoryRecord:
    """Claims of different articles about one event, with the verdict they add up to."""

    id: str
    family: str
    event_type: str | None
    sub_type: str | None
    place: Place | None
    precision: str | None  #: of the place: settlement | district | region | country
    date_start: str | None
    date_end: str | None
    verdict: str
    why: str
    independent: int
    claims: list[StoryClaim] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  #: (ISO day, verdict) where it changed
    first_seen: datetime | None = None
    last_seen: datetime | None = None
