"""Desk memory at work in Slack: what a channel's earlier stories say about each new analysis.

:mod:`bot.memory` keeps and compares a channel's figures and claims; this module puts it where a reporter
sees it, with plain models for :mod:`bot.blocks` to word:

- **answering** (:class:`Desk`, called by the service once the analysis is ready): :meth:`Desk.recall` reads
  what the channel remembers (figures that differ, claims seen before, what changed since a story was first
  analysed) for the reply's *Worth checking*; once the reply is in place, :meth:`Desk.remember` files the
  story with a permalink to its thread and the conflicts it brought. Both run in the analysis job, after
  Slack's ack.
- **``/nutgraf memory <words>``** (:meth:`Desk.search`): the channel's figures and claims with those words.
- **App Home** (:meth:`Desk.home_conflicts`, :meth:`Desk.recent_stories`): the latest conflicts and analyses in
  the channels the user asked nutgraf in
  (a mention, a command, the shortcut or the reaction) within the retention. Slack tells nutgraf nothing
  of channel membership without extra scopes; someone who asked in a channel was in it, and App Home is
  seen by that person alone.
- **the digest** (:func:`digest_sections`): *Figures that changed*, the conflicts found in the window.

Scope: every read names the channel it is for, and a channel's records are read back only for that
channel (App Home: for the channels the user asked in). Whether a channel's analyses may be remembered
at all is decided by :func:`remembers`, the one place a channel's privacy setting applies to memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field
from slack_sdk import WebClient

from bot.memory import MemoryHit, MemoryNote, Recall, RedisMemory, StoryRef, recall, story_ref
from bot.models import Analysis, DigestItem, DigestSection, DigestStory
from bot.slack import permalink
from bot.store import RECENT_KEPT, RedisStore, Store

logger = logging.getLogger(__name__)

#: Conflicts App Home shows, and read per channel for it.
HOME_CONFLICTS = 10
#: Analyses App Home lists.
HOME_STORIES = 20
#: Hits ``/nutgraf memory`` lists.
SEARCH_HITS = 15
#: Conflicts a digest lists (the blocks show fewer and say how many more).
DIGEST_CONFLICTS = 50
FIGURES_THAT_CHANGED = "Figures that changed"


def remembers(store: Store, channel: str) -> bool:
    """Whether desk memory may keep what is analysed in ``channel`` (and show its conflicts on App Home): not
    in a channel in private mode (:mod:`bot.privacy`; pasted text made private everywhere is never offered)."""
    return not store.get_private(channel)


class MemorySearch(BaseModel):
    """What ``/nutgraf memory <words>`` found in one channel, newest first."""

    model_config = ConfigDict(extra="forbid")

    query: str
    channel: str
    hits: list[MemoryHit] = Field(default_factory=list)
    #: False when Redis could not be read (nothing found is then not an answer).
    available: bool = True


@dataclass
class Consultation:
    """A new analysis with what the channel's memory said about it, waiting to be remembered in turn."""

    analysis: Analysis
    story: StoryRef
    found: Recall


def _same_conflict(note: MemoryNote) -> tuple[str, frozenset[str], str]:
    refs = [ref for ref in (note.story, note.found_in) if ref is not None]
    channel = refs[0].channel if refs else ""
    return channel, frozenset(ref.id for ref in refs), note.figure.measure if note.figure is not None else ""


def _unique(notes: Sequence[MemoryNote]) -> list[MemoryNote]:
    """One conflict per channel, pair of stories and measure (two stories remembered both ways round)."""
    seen: set[tuple[str, frozenset[str], str]] = set()
    kept = []
    for note in notes:
        if (key := _same_conflict(note)) not in seen:
            seen.add(key)
            kept.append(note)
    return kept


def _newest_first(notes: list[MemoryNote]) -> list[MemoryNote]:
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(notes, key=lambda n: n.found_in.recorded_at if n.found_in is not None else epoch, reverse=True)


class Desk:
    """Desk memory for the Slack service: recall before a reply, remember after it, search, App Home."""

    def __init__(self, store: Store, client: WebClient, retention_days: int) -> None:
        self.client = client
        self.memory = RedisMemory(store, retention_days) if isinstance(store, RedisStore) else None

    def recall(self, analysis: Analysis, *, channel: str, key: str) -> Consultation:
        """What ``channel`` remembers about an analysis; ``key`` is the story's canonical URL or cache key."""
        story = story_ref(analysis, key=key, channel=channel, recorded_at=datetime.now(timezone.utc))
        found = recall(self.memory, analysis, story) if self.memory is not None else Recall()
        return Consultation(analysis=analysis, story=story, found=found)

    def remember(self, consultation: Consultation, *, thread_ts: str, user: str | None = None) -> None:
        """File an answered analysis in its channel's memory, linked to the thread it was answered in."""
        channel = consultation.story.channel
        if self.memory is None or not remembers(self.memory.store, channel):
            return
        story = consultation.story.model_copy(
            update={"thread_ts": thread_ts, "permalink": permalink(self.client, channel, thread_ts)}
        )
        self.memory.remember(consultation.analysis, story, conflicts=consultation.found.notes)
        if user:
            self.memory.note_asker(user, channel)

    def search(self, channel: str, words: str, *, user: str | None = None) -> MemorySearch:
        """``/nutgraf memory <words>``: the channel's figures and claims with all those words, newest first."""
        words = " ".join(words.split())
        if self.memory is None:
            return MemorySearch(query=words, channel=channel, available=False)
        hits = self.memory.search(channel, words, limit=SEARCH_HITS) if words else []
        available = self.memory.store.available
        if user and available and remembers(self.memory.store, channel):
            self.memory.note_asker(user, channel)
        return MemorySearch(query=words, channel=channel, hits=hits, available=available)

    def home_conflicts(self, user: str, *, limit: int = HOME_CONFLICTS) -> list[MemoryNote]:
        """The latest figure conflicts in the channels ``user`` asked nutgraf in, newest first."""
        if self.memory is None:
            return []
        notes: list[MemoryNote] = []
        for channel in self.memory.asked_channels(user):
            if remembers(self.memory.store, channel):
                notes += self.memory.conflicts(channel, limit=limit)
        return _unique(_newest_first(notes))[:limit]

    def recent_stories(self, user: str, *, limit: int = HOME_STORIES) -> list[DigestStory]:
        """The latest analyses in the channels ``user`` asked nutgraf in, newest first (App Home).

        Like the conflicts, never a story of a channel the user gave no sign of being in: App Home must not
        show what a private Slack channel analysed to the rest of the workspace.
        """
        if self.memory is None:
            return []
        store = self.memory.store
        channels = {c for c in self.memory.asked_channels(user) if remembers(store, c)}
        return [s for s in store.recent_stories(RECENT_KEPT) if s.channel in channels][:limit]


# -- the digest -------------------------------------------------------------------------------------------


def _day(ref: StoryRef) -> str:
    day = ref.published or ref.recorded_at.date()
    return f"{day.day} {day:%b}"


def conflict_item(note: MemoryNote) -> DigestItem | None:
    """One digest line for a conflict: the measure, the earlier and the new figure, both stories."""
    if note.figure is None or note.earlier is None or note.story is None or note.found_in is None:
        return None
    figure, earlier, found_in = note.figure, note.earlier, note.found_in
    about = f"{figure.subject}: {figure.measure}" if figure.subject else figure.measure
    return DigestItem(
        text=f"{about}, {earlier.text} → {figure.text}",
        detail=f"{earlier.text} in “{note.story.title}” ({_day(note.story)}), {figure.text} in “{found_in.title}”",
        link=found_in.permalink or found_in.url,
    )


def figures_that_changed(
    memory: RedisMemory, since: datetime, until: datetime
) -> Callable[[Sequence[DigestStory]], DigestSection | None]:
    """A digest section builder: the figure conflicts found in the window's stories, newest first."""

    def build(stories: Sequence[DigestStory]) -> DigestSection | None:
        channel = next((s.channel for s in stories), None)
        if channel is None or not remembers(memory.store, channel):
            return None
        notes = _unique(memory.conflicts(channel, since=since, until=until, limit=DIGEST_CONFLICTS))
        items = [item for note in notes if (item := conflict_item(note)) is not None]
        return DigestSection(title=FIGURES_THAT_CHANGED, items=items) if items else None

    return build


def digest_sections(
    store: Store, since: datetime, until: datetime
) -> list[Callable[[Sequence[DigestStory]], DigestSection | None]]:
    """The sections desk memory adds to a digest of the window (for :func:`bot.digest.build_digest`)."""
    if not isinstance(store, RedisStore):
        return []
    return [figures_that_changed(RedisMemory(store), since, until)]
