"""The data model: everything nutgraf produces is one of these, validated and JSON-serialisable."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

QuoteKind = Literal["direct", "mixed", "indirect"]


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
    """An attributed statement: direct (in quotation marks), mixed (partly quoted) or indirect (reported).

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
    start: int
    end: int


class Entity(_Model):
    """A person, organisation or place, counted across its name variants."""

    text: str
    label: str
    count: int = Field(ge=1)
    variants: list[str] = Field(default_factory=list)


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
    notes: list[str] = Field(default_factory=list)
    analysed_at: datetime | None = None

    @property
    def headline(self) -> str:
        """The best title available: the page's, else the first summary sentence, shortened."""
        if self.source.title:
            return self.source.title
        if self.summary:
            first = self.summary[0]
            return first if len(first) <= 120 else first[:119].rstrip() + "…"
        return "Untitled text"


class DigestStory(_Model):
    """One analysed story as recorded for a channel's digest."""

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


class Digest(_Model):
    """A channel's digest over a window of time."""

    channel: str
    since: datetime
    until: datetime
    stories: list[DigestStory] = Field(default_factory=list)
    top_claims: list[Claim] = Field(default_factory=list)
    speakers: list[tuple[str, str | None, int]] = Field(default_factory=list)
    recurring: list[tuple[str, int]] = Field(default_factory=list)


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
