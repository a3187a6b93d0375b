"""The data model: everything nutgraf produces is one of these, validated and JSON-serialisable."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.shorten import shorten

#: What kind of attribution a :class:`Quote` is. The first three are quotes as a newsroom counts them, what
#: someone said or wrote: ``direct`` (in quotation marks), ``mixed`` (partly quoted) and ``indirect``
#: (reported speech whose content is a proposition: "said that …", "according to X, …", "X's claim
#: that …"). ``stance`` is an attribution that is not a statement: a belief, wish or intention ("believes
#: the plan will fail", "plans to run", "declined to comment"), or a position taken towards something
#: named by a noun phrase ("criticized the appointment", "his support for the bill"). Stances are kept
#: for completeness and for claims, but replies and digests list them apart from quotes, never as quotes.
QuoteKind = Literal["direct", "mixed", "indirect", "stance"]
LeftOutKind = Literal["clutter", "footer", "length"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    """Where the analysed text came from."""

    kind: Literal["url", "text"] = "text"
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None


class Article(_Model):
    """Text ready for analysis, with what is known of its source."""

    text: str
    source: Source = Field(default_factory=Source)


class Quote(_Model):
    """An attribution: a statement, direct (in quotation marks), mixed (partly quoted) or indirect (reported),
    or a stance (see :data:`QuoteKind`).

    ``start``/``end`` are the character offsets of the content in the analysed text; ``cue_start``/
    ``cue_end`` those of the cue ("said", "according to"). ``spans`` lists the content's parts when an
    attribution splits it (``"X," she said. "Y."``); it is empty when the content is one stretch of text.
    """

    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_role: str | None = None
    cue: str | None = None
    content: str
    kind: QuoteKind
    start: int
    end: int
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    spans: list[tuple[int, int]] = Field(default_factory=list)
    #: False when a direct or mixed quote could not be checked to be the source's words with its marks paired;
    #: such a quote stays in the full lists but is not shown in a reply (see :mod:`bot.nlp.context`).
    verified: bool = True

    @property
    def is_statement(self) -> bool:
        """Whether this is a quote in the newsroom's sense (something said or written), not a stance."""
        return self.kind != "stance"


#: Reasons that lower a claim's check-worthiness; every other reason raises it (see :mod:`bot.nlp.claims`).
LOWERING_REASONS = frozenset(
    {
        "prediction",
        "promise",
        "hypothetical",
        "proposal",
        "question",
        "opinion",
        "personal",
        "what someone said",
        "addresses someone",
        "small talk",
        "instruction",
        "fragment",
        "vague",
    }
)


class Claim(_Model):
    """A verifiable statement, scored for check-worthiness, with the reasons that moved its score.

    ``reasons`` are short labels of what fact-checkers weigh ("figure", "comparison", "law or policy"; and,
    lowering it, "prediction", "opinion", ...): those that raised the score first, then those that lowered it.
    """

    text: str
    score: float = Field(ge=0.0, le=1.0)
    checkworthy: bool
    reasons: list[str] = Field(default_factory=list)
    attribution: str | None = None
    hedged: bool = False
    hedges: list[str] = Field(default_factory=list)
    numbers: list[str] = Field(default_factory=list)
    #: The figures to set in bold, as whole phrases of ``text`` ("$4.50 to $5.05", "two councillors", "March 9"),
    #: in text order, none inside another. Analyses cached before there was emphasis have none.
    emphasis: list[str] = Field(default_factory=list)
    start: int
    end: int
    #: The claim as it reads alone, when that differs from ``text``: a leading joining word dropped, a pronoun
    #: subject resolved in square brackets ("[Graham Pike] warned …"). See :mod:`bot.nlp.context`.
    shown: str | None = None
    #: Whether the claim opens with a pronoun nutgraf could not resolve ("It will be paid for …").
    needs_context: bool = False


FigureUnit = Literal["count", "percent", "points", "money"]


class Period(_Model):
    """The stretch of time a figure is about, as calendar days (both inclusive), and the words it was read from."""

    text: str
    start: date
    end: date


class FigureRecord(_Model):
    """A figure a story asserts, filed so that desk memory can compare it with other stories' (see nlp/figures.py).

    - ``text`` is the figure as written ("about $85 million"); ``value`` its value normalised (85000000.0),
      percentages and proportions in percent ("a third" is 33.3, "four in ten" 40.0); ``low``/``high`` the
      range it allows once its rounding and its ``approximation`` ("about", "more than", "nearly") are read.
    - ``unit`` says what the value is: a ``count`` of things, a ``percent``, percentage ``points``, or ``money``
      in ``currency`` (an ISO 4217 code); ``per`` is the time a rate is given for ("year" in "$85m a year").
    - ``subject`` is who or what the figure is about ("Port of Calloway"), ``subject_key`` its normalised form;
      ``measure`` is what it measures, as shown ("jobs cut"): the ``family`` of what is counted (``counted``
      "positions" and "jobs" are both "jobs") and the ``event`` ("cut"), or None for a level or a total.
    - ``change``: a rise or fall ("fell 18 percent"), not a level; ``subset``: a part of a total the story
      also gives ("the first 300 of the 1,200"); ``forecast``: a forecast or expectation, not an outcome;
      ``future``: said in the future tense (a plan: "will cut").
    - ``period`` is the time the figure is about, resolved against ``reference`` (the story's date): "last
      year", "in October", "the first half of 2026". ``asserted_by`` is the speaker who asserts it.
    - ``sentence``/``sentence_start`` give its sentence and where that starts in the analysed text;
      ``start``/``end`` are the figure's own offsets. ``story`` is the id of the story it was filed under.
    """

    text: str
    value: float
    low: float
    high: float
    unit: FigureUnit
    currency: str | None = None
    per: str | None = None
    approximation: str | None = None
    change: bool = False
    subset: bool = False
    forecast: bool = False
    future: bool = False
    subject: str | None = None
    subject_key: str = ""
    measure: str
    family: str
    event: str | None = None
    counted: str | None = None
    period: Period | None = None
    reference: date
    asserted_by: str | None = None
    sentence: str
    sentence_start: int
    start: int
    end: int
    story: str | None = None


class Entity(_Model):
    """A person, organisation or place, counted across its name variants.

    ``count`` is every mention found: the names (the fullest under ``text``, shorter forms in ``variants``)
    and, for a person, the pronouns that resolve to them. ``count_known`` is False when a pronoun might refer
    to this person or another: the count may then be short, and surfaces show none.
    """

    text: str
    label: str
    count: int = Field(ge=1)
    count_known: bool = True
    variants: list[str] = Field(default_factory=list)


class LeftOut(_Model):
    """Words of the input that were not analysed, and why; the reply says so (never drop text silently).

    ``kind`` is ``clutter`` for page furniture inside the story, removed line by line (promos and teasers,
    advertising markers, newsletter boxes, photo captions and credits, social-embed residue, share prompts),
    ``footer`` for the page's tail after the story (lists of links, tags, copyright lines) and ``length``
    for text past the analysis limit (``NUTGRAF_MAX_TEXT_CHARS``). ``lines`` counts the lines (paragraphs)
    removed, ``words`` the whitespace-separated words in them.
    """

    kind: LeftOutKind
    words: int = Field(ge=0)
    lines: int = Field(ge=0)


class Analysis(_Model):
    """The result of analysing one article: what every surface (Slack, CLI, digest) shows."""

    id: str | None = None
    source: Source = Field(default_factory=Source)
    language: str = "en"
    word_count: int = 0
    pipeline_version: str
    summary: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    figures: list[FigureRecord] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    #: What of the input was left out of the analysis (also described in ``notes``).
    left_out: list[LeftOut] = Field(default_factory=list)
    analysed_at: datetime | None = None
    #: The analysed text's fingerprint (bot.nlp.fingerprint): how digests know one story read twice.
    fingerprint: list[int] = Field(default_factory=list)

    @property
    def headline(self) -> str:
        """The best title available: the page's, else the first summary sentence, shortened."""
        if self.source.title:
            return self.source.title
        if self.summary:
            return shorten(" ".join(self.summary[0].split()), 120)
        return "Untitled text"


class DigestStory(_Model):
    """One analysed story as recorded for a channel's digest.

    ``key`` is the canonical URL of a story read from a link, else the cache key of its text;
    ``fingerprint`` is its text's (bot.nlp.fingerprint), so the same story pasted later is known.
    """

    key: str
    title: str
    site: str | None = None
    url: str | None = None
    permalink: str | None = None
    channel: str
    thread_ts: str | None = None
    recorded_at: datetime
    claims: list[Claim] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    fingerprint: list[int] = Field(default_factory=list)


class DigestClaim(_Model):
    """One of a digest's top claims, with the story it comes from."""

    claim: Claim
    story_title: str
    #: Where the whole story is: the thread of its analysis, else its page.
    link: str | None = None


class QuotedSpeaker(_Model):
    """A named person or organisation quoted in a digest's window."""

    name: str
    role: str | None = None
    stories: int = Field(ge=1)
    quotes: int = Field(ge=1)


class UnnamedSpeakers(_Model):
    """Quotes from people a story does not name, grouped by what it calls them ("officials", "residents")."""

    label: str
    stories: int = Field(ge=1)
    quotes: int = Field(ge=1)


class AcrossStoriesItem(_Model):
    """A named person, organisation or place that appears in several different stories of a window."""

    name: str
    kind: Literal["person", "organisation", "place"]
    stories: int = Field(ge=2)
    #: Other forms the name took across those stories ("Whitcombe", "U.S.").
    variants: list[str] = Field(default_factory=list)


class DigestItem(_Model):
    """One line of a :class:`DigestSection`."""

    text: str
    detail: str | None = None
    link: str | None = None


class DigestSection(_Model):
    """A digest section built by another capability from plain models (e.g. desk memory's figures)."""

    title: str
    items: list[DigestItem] = Field(default_factory=list)


class Digest(_Model):
    """A channel's digest over a window of time: each story once, however often it was analysed."""

    channel: str
    since: datetime
    until: datetime
    stories: list[DigestStory] = Field(default_factory=list)
    top_claims: list[DigestClaim] = Field(default_factory=list)
    speakers: list[QuotedSpeaker] = Field(default_factory=list)
    unnamed: list[UnnamedSpeakers] = Field(default_factory=list)
    #: Quotes not counted in *Most quoted*: attributed to a document, a pronoun left unresolved, or no one.
    uncounted_quotes: int = 0
    across_stories: list[AcrossStoriesItem] = Field(default_factory=list)
    sections: list[DigestSection] = Field(default_factory=list)


class DigestSchedule(_Model):
    """When a channel's digest is posted: a local time of day in an IANA zone, optionally on weekdays only."""

    time: str
    tz: str
    weekdays_only: bool = False
    last_fired: datetime | None = None

    @field_validator("time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        """Accept "7:30" as well as "07:30"; store the zero-padded 24-hour form."""
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip(), flags=re.ASCII)
        if match is None:
            raise ValueError(f"expected a 24-hour time such as 17:30, got {value!r}")
        hours, minutes = int(match[1]), int(match[2])
        if hours > 23 or minutes > 59:
            raise ValueError(f"no such time of day: {value!r}")
        return f"{hours:02d}:{minutes:02d}"

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/London)") from None
        return value


class StoryRecord(_Model):
    """Where a story was answered and who asked, so that it can be forgotten: ids and links, never its text.

    ``keys`` are the story's cache keys without the pipeline version (``u:{sha256}``, ``t:{sha256}``), so
    the analyses of every version are found; ``messages`` are the bot's messages that show it.
    """

    id: str
    team: str | None = None
    keys: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    requesters: list[str] = Field(default_factory=list)
    messages: list[tuple[str, str]] = Field(default_factory=list)
    replies: list[str] = Field(default_factory=list)

    @property
    def channels(self) -> list[str]:
        """The channels the story was answered in."""
        return list(dict.fromkeys(channel for channel, _ in self.messages))


class ThreadAnswer(_Model):
    """nutgraf's answer to one story in one thread: a later request there for the same story is pointed to it.

    ``story`` is the story's id, ``ts`` the reply's, ``fingerprint`` the analysis's (ids and hashes, never text).
    """

    story: str
    ts: str
    fingerprint: list[int] = Field(default_factory=list)


CorrectionKind = Literal["speaker", "not_quote", "missing"]


class Correction(_Model):
    """One correction from the desk: a quote's speaker, a quote that is not one, or a quote that was missed.

    ``start``/``end`` name the quote corrected (its offsets in the analysed text); a missed quote has its
    ``content``, ``speaker`` and ``quote_kind``.
    """

    kind: CorrectionKind
    start: int | None = None
    end: int | None = None
    content: str | None = None
    speaker: str | None = None
    quote_kind: QuoteKind | None = None
    user: str | None = None
    at: datetime


class CorrectedStory(_Model):
    """A story the desk corrected: its text and quotes as extracted, and the corrections, oldest first."""

    story: str
    team: str
    text: str | None = None
    title: str | None = None
    keys: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    corrections: list[Correction] = Field(default_factory=list)
