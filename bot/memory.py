"""Desk memory: what a channel's earlier stories said, figure by figure.

Every analysis a channel receives is remembered for ``NUTGRAF_DIGEST_RETENTION_DAYS``: its figure records
(:mod:`bot.nlp.figures`), its check-worthy claims and a snapshot of its first version. A new analysis is
then checked against them (:func:`recall`):

- **figure differs**: an earlier story gave the same measure of the same subject for a compatible period,
  and a value that differs beyond rounding;
- **seen before**: an earlier story made the same claim in near-identical words (MinHash over the claim's
  content words, found through locality-sensitive hashing bands: an index read, never a scan);
- **changed story**: the same story (same canonical URL) analysed again with new text: the figures, quotes
  and attributions that changed since the first analysis (:func:`diff`, a pure function).

A surface asks for all of it in one call, before filing the new analysis: ``ref = story_ref(analysis,
key=..., channel=..., thread_ts=..., permalink=...)``, ``found = recall(memory, analysis, ref)``, then
``memory.remember(analysis, ref, conflicts=found.notes)``; ``found`` holds plain models for the reply builder
to word (:mod:`bot.desk` does this for the Slack service). The conflicts a story brought are kept with it, so
that App Home and the digest can list a channel's latest ones, and :meth:`RedisMemory.search` finds a
channel's figures and claims by their words (``/nutgraf memory``).
``RedisMemory(store, settings.digest_retention_days)`` keeps records as long as digests.

Everything is scoped by channel: a channel's records are filed under keys that name it and are only ever
read back for a lookup from that channel, so a private channel's figures never reach another.

Key layout (under the store's prefix, ``nutgraf:`` by default; every key expires with the retention)::

    nutgraf:m:{channel}:stories          sorted set: story id -> recorded_at (unix seconds)
    nutgraf:m:{channel}:s:{story}        hash: ref -> StoryRef JSON, f{n} -> FigureRecord JSON,
                                         c{n} -> RememberedClaim JSON, keys -> JSON list of its index keys
    nutgraf:m:{channel}:v:{story}        a linked story's first analysis (quotes and figures), for changed stories
    nutgraf:m:{channel}:x:{figure key}   sorted set: "{story}:f{n}" -> recorded_at, by subject word and measure
    nutgraf:m:{channel}:h:{band}:{hash}  sorted set: "{story}:c{n}" -> recorded_at, claims by MinHash band
    nutgraf:m:{channel}:w:{word}         sorted set: "{story}:f{n}" / "{story}:c{n}" -> recorded_at, by word
                                         (``/nutgraf memory``: a figure's subject and measure, a claim's words)
    nutgraf:m:{channel}:n                sorted set: "{story}:n{k}" -> recorded_at, the figure conflicts found
                                         when each story was remembered (App Home, the digest)
    nutgraf:m:{channel}:r:{story}        set of the conflicts ("{other}:n{k}") that cite the story
    nutgraf:m:where:{story}              set of the channels that remember the story (for forget_story)
    nutgraf:m:u:{user}                   sorted set: channel -> when the user last asked nutgraf there

MinHash is written here (a few lines over :mod:`hashlib`) rather than taken from datasketch, which pulls in
SciPy and whose Redis storage neither scopes keys by channel nor expires or forgets them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timezone
from typing import Literal, Protocol, TypeVar, cast, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from redis.typing import EncodableT, FieldT

from bot.models import Analysis, Claim, FigureRecord, Quote
from bot.nlp.figures import conflict, conflicts_within, index_keys, story_date
from bot.store import RedisStore, story_id

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Figures and claims kept per story; a story with more is remembered by its first ones.
MAX_FIGURES = 60
MAX_CLAIMS = 20
#: Index entries read per lookup (the newest first).
LOOKUP_LIMIT = 50
#: Notes returned by :func:`recall`, each kind.
MAX_NOTES = 5
#: Words of a ``/nutgraf memory`` query looked up (the rest are ignored), and index entries read for it.
MAX_SEARCH_WORDS = 8
SEARCH_SCAN = 500
#: Jaccard similarity of content words above which two claims are the same claim in other words.
SIMILAR = 0.6
#: Share of content words two versions of a quote keep for it to count as reworded, not replaced.
REWORDED = 0.5
#: MinHash: BANDS bands of ROWS values each; two claims with similarity 0.6 share a band 99.5% of the time.
BANDS = 12
ROWS = 2
_PRIME = (1 << 61) - 1


def _constant(name: str) -> int:
    """A fixed large number: signatures must agree across processes and releases."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") % _PRIME


_PERMUTATIONS = [(_constant(f"a{i}") or 1, _constant(f"b{i}")) for i in range(BANDS * ROWS)]
_STOPWORDS = frozenset(
    """a an the and or but of to in on at by for from with as is are was were be been being has have had do does
    did that this these those it its they their them he she his her we our you your i said says say told
    according will would could should may might can than then there here also not no over into about after
    before more most some such which who whom what when where while""".split()
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoryRef(_Model):
    """An analysed story as memory links back to it: where it was answered and when."""

    id: str
    channel: str
    title: str
    url: str | None = None
    permalink: str | None = None
    thread_ts: str | None = None
    recorded_at: datetime
    published: date | None = None


class RememberedClaim(_Model):
    """A check-worthy claim of a story, kept to find the same claim in later stories."""

    text: str
    attribution: str | None = None


class MemoryNote(_Model):
    """One thing worth checking that memory found, as plain data; the reply builder words it for Slack.

    ``figure``/``claim`` are the new story's, ``earlier``/``earlier_claim`` the earlier story's (``story``).
    """

    kind: Literal["figure_differs", "seen_before", "in_story"]
    figure: FigureRecord | None = None
    earlier: FigureRecord | None = None
    claim: str | None = None
    earlier_claim: str | None = None
    story: StoryRef | None = None
    similarity: float | None = None
    #: The story the note was found for, when it is read back later (App Home, the digest).
    found_in: StoryRef | None = None


class MemoryHit(_Model):
    """A remembered figure or claim that ``/nutgraf memory`` found, with its story."""

    kind: Literal["figure", "claim"]
    story: StoryRef
    figure: FigureRecord | None = None
    claim: RememberedClaim | None = None


class FigureChange(_Model):
    """A figure given for the same measure in both versions of a story, with another value."""

    before: FigureRecord
    after: FigureRecord


class QuoteChange(_Model):
    """A quote given again in other words (a figure in it corrected, say)."""

    before: Quote
    after: Quote


class AttributionChange(_Model):
    """The same quoted words given to another speaker."""

    content: str
    before: str | None
    after: str | None


class StoryChanges(_Model):
    """What changed between two versions of a story (same canonical URL, new text)."""

    figures_changed: list[FigureChange] = Field(default_factory=list)
    figures_added: list[FigureRecord] = Field(default_factory=list)
    figures_removed: list[FigureRecord] = Field(default_factory=list)
    quotes_added: list[Quote] = Field(default_factory=list)
    quotes_removed: list[Quote] = Field(default_factory=list)
    quotes_reworded: list[QuoteChange] = Field(default_factory=list)
    attributions_changed: list[AttributionChange] = Field(default_factory=list)
    #: When the first version was analysed (set by :func:`recall`).
    first_analysed: datetime | None = None

    @property
    def empty(self) -> bool:
        """Whether nothing memory compares changed."""
        return not (
            self.figures_changed
            or self.figures_added
            or self.figures_removed
            or self.quotes_added
            or self.quotes_removed
            or self.quotes_reworded
            or self.attributions_changed
        )


class Recall(_Model):
    """What memory has to say about a new analysis in a channel."""

    notes: list[MemoryNote] = Field(default_factory=list)
    changes: StoryChanges | None = None


# -- claims: shingles and MinHash -------------------------------------------------------------------------


def shingles(text: str) -> frozenset[str]:
    """A claim's content words, lower-cased, plurals folded, numbers without separators ("1,200" = "1200")."""
    words = re.findall(r"[a-z0-9]+(?:[.,][0-9]+)*", text.lower().replace("’", "'"))
    found = set()
    for word in words:
        word = word.replace(",", "")
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two sets of shingles."""
    return len(a & b) / len(a | b) if a and b else 0.0


def signature(words: Iterable[str]) -> list[int]:
    """The MinHash signature of a set of shingles: BANDS * ROWS minima of fixed hash permutations."""
    hashes = [int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "big") for w in words]
    if not hashes:
        return []
    return [min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMUTATIONS]


def bands(sig: Sequence[int]) -> list[str]:
    """The LSH band keys of a signature: claims that share one are candidates for being the same claim."""
    keys = []
    for band in range(len(sig) // ROWS):
        part = ",".join(str(v) for v in sig[band * ROWS : (band + 1) * ROWS])
        keys.append(f"{band}:{hashlib.blake2b(part.encode(), digest_size=8).hexdigest()}")
    return keys


# -- the changed-story diff -------------------------------------------------------------------------------


def _quote_key(quote: Quote) -> str:
    return " ".join(re.findall(r"\w+", quote.content.lower()))


def _figure_key(record: FigureRecord) -> tuple[str, str, str | None, str, str | None, bool, bool]:
    return (
        record.subject_key,
        record.family,
        record.event,
        record.unit,
        record.currency,
        record.change,
        record.subset,
    )


def diff(before: Analysis, after: Analysis) -> StoryChanges:
    """What changed between two analyses of one story: figures, quotes and who is quoted.

    Figures are paired by subject and measure (in order, when a story gives several); quotes by their
    words, so a quote whose speaker changed is an attribution change, not a quote removed and added, and a
    quote whose words mostly stayed (a figure in it corrected) is reworded.
    """
    changes = StoryChanges()
    old_figures: dict[tuple[object, ...], list[FigureRecord]] = defaultdict(list)
    for record in before.figures:
        old_figures[_figure_key(record)].append(record)
    for record in after.figures:
        earlier = old_figures.get(_figure_key(record))
        if not earlier:
            changes.figures_added.append(record)
            continue
        same = next((e for e in earlier if e.value == record.value and e.unit == record.unit), None)
        if same is not None:
            earlier.remove(same)
            continue
        previous = earlier.pop(0)
        changes.figures_changed.append(FigureChange(before=previous, after=record))
    changes.figures_removed = [r for rest in old_figures.values() for r in rest]

    old_quotes = {_quote_key(q): q for q in before.quotes}
    new_quotes = {_quote_key(q): q for q in after.quotes}
    for key, quote in new_quotes.items():
        if key not in old_quotes:
            changes.quotes_added.append(quote)
        elif (old_quotes[key].speaker or "") != (quote.speaker or ""):
            changes.attributions_changed.append(
                AttributionChange(content=quote.content, before=old_quotes[key].speaker, after=quote.speaker)
            )
    removed = [q for key, q in old_quotes.items() if key not in new_quotes]
    for quote in list(changes.quotes_added):
        words = shingles(quote.content)
        match = max(removed, key=lambda q: similarity(words, shingles(q.content)), default=None)
        if match is not None and similarity(words, shingles(match.content)) >= REWORDED:
            removed.remove(match)
            changes.quotes_added.remove(quote)
            changes.quotes_reworded.append(QuoteChange(before=match, after=quote))
    changes.quotes_removed = removed
    return changes


def snapshot(analysis: Analysis) -> Analysis:
    """What memory keeps of a story's first version to say later what changed: its quotes and its figures
    (without their sentences, which the quotes and the earlier records already hold)."""
    figures = [f.model_copy(update={"sentence": ""}) for f in analysis.figures[:MAX_FIGURES]]
    return analysis.model_copy(update={"summary": [], "claims": [], "entities": [], "notes": [], "figures": figures})


# -- storage ----------------------------------------------------------------------------------------------


@runtime_checkable
class Memory(Protocol):
    """What desk memory keeps between analyses, per channel."""

    def remember(self, analysis: Analysis, story: StoryRef, conflicts: Sequence[MemoryNote] = ()) -> None: ...
    def figures_by_key(
        self, channel: str, keys: Sequence[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[FigureRecord, StoryRef]]]: ...
    def similar_claims_many(
        self, channel: str, texts: Sequence[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[RememberedClaim, StoryRef, float]]]: ...
    def first_version(self, channel: str, story_id: str) -> Analysis | None: ...
    def forget_story(self, story_id: str) -> int: ...


def _score(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


class RedisMemory:
    """:class:`Memory` in the Redis of a :class:`~bot.store.RedisStore`, on its connection and prefix.

    Like the store, it degrades instead of raising while Redis is unreachable: nothing is remembered and
    lookups find nothing. Once the store has found Redis unreachable, memory does not try again until one of
    the store's own calls finds it back: a new analysis makes dozens of lookups, and each would wait out the
    timeout of a Redis that hangs.
    """

    def __init__(self, store: RedisStore, retention_days: int = 30) -> None:
        self.store = store
        self.client = store.client
        self.prefix = store.prefix + "m:"
        self.retention = retention_days * 86400

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def _call(self, default: T, action: Callable[[], T]) -> T:
        if not self.store.available:
            return default
        return self.store.guarded(default, action)

    def _cutoff(self) -> float:
        return time.time() - self.retention

    # -- writing ----------------------------------------------------------------------------------------

    def remember(self, analysis: Analysis, story: StoryRef, conflicts: Sequence[MemoryNote] = ()) -> None:
        """File a story's figures, claims and first version under its channel, replacing an earlier filing.

        ``conflicts`` are the "figure differs" notes :func:`recall` found for it in the same channel: they are
        kept with the story (and dropped with it, or with the earlier story they cite) for App Home and the
        digest. Stories of the channel recorded longer ago than the retention are forgotten on the way.
        """
        self._call(None, lambda: self._remember(analysis, story, conflicts))

    def _remember(self, analysis: Analysis, story: StoryRef, conflicts: Sequence[MemoryNote]) -> None:
        channel, sid, ttl = story.channel, story.id, self.retention
        score = _score(story.recorded_at)
        self._forget_in(channel, sid)
        for old in cast("list[str]", self.client.zrangebyscore(self._key(channel, "stories"), "-inf", self._cutoff())):
            self._forget_in(channel, old)
        story_key = self._key(channel, "s", sid)
        fields: dict[FieldT, EncodableT] = {"ref": story.model_dump_json()}
        entries: list[tuple[str, str]] = []  # (index key, member)
        for n, record in enumerate(analysis.figures[:MAX_FIGURES]):
            filed = record.model_copy(update={"story": sid})
            fields[f"f{n}"] = filed.model_dump_json(exclude_defaults=True)
            entries += [(self._key(channel, "x", key), f"{sid}:f{n}") for key in index_keys(record)]
            entries += [(self._key(channel, "w", word), f"{sid}:f{n}") for word in figure_words(record)]
        claims = memorable_claims(analysis)
        for n, claim in enumerate(claims):
            words = shingles(claim.text)
            if len(words) < 3:
                continue
            remembered = RememberedClaim(text=claim.text, attribution=claim.attribution)
            fields[f"c{n}"] = remembered.model_dump_json(exclude_defaults=True)
            entries += [(self._key(channel, "h", band), f"{sid}:c{n}") for band in bands(signature(words))]
            entries += [(self._key(channel, "w", word), f"{sid}:c{n}") for word in sorted(words)]
        cited: list[tuple[str, str]] = []  # (earlier story, member)
        differing = [
            n
            for n in conflicts
            if n.kind == "figure_differs" and n.story is not None and n.story.channel == channel and n.story.id != sid
        ]
        for k, note in enumerate(differing[:MAX_NOTES]):
            assert note.story is not None
            kept = note.model_copy(
                update={"figure": _without_sentence(note.figure), "earlier": _without_sentence(note.earlier)}
            )
            fields[f"n{k}"] = kept.model_dump_json(exclude_defaults=True, exclude={"found_in"})
            entries.append((self._key(channel, "n"), f"{sid}:n{k}"))
            cited.append((note.story.id, f"{sid}:n{k}"))
        fields["keys"] = json.dumps(sorted({key for key, _ in entries}))
        first = snapshot(analysis).model_dump_json(exclude_defaults=True)
        cutoff = f"({self._cutoff()}"
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(story_key, mapping=fields)
            pipe.expire(story_key, ttl)
            for key, member in entries:
                pipe.zadd(key, {member: score})
            for key in {key for key, _ in entries}:
                pipe.zremrangebyscore(key, "-inf", cutoff)
                pipe.expire(key, ttl)
            pipe.zadd(self._key(channel, "stories"), {sid: score})
            pipe.expire(self._key(channel, "stories"), ttl)
            if story.url:  # pasted text that changes is another story (its id is its text's hash)
                pipe.set(self._key(channel, "v", sid), first, nx=True, ex=ttl)
            for earlier, member in cited:
                pipe.sadd(self._key(channel, "r", earlier), member)
                pipe.expire(self._key(channel, "r", earlier), ttl)
            pipe.sadd(self._key("where", sid), channel)
            pipe.expire(self._key("where", sid), ttl)
            pipe.execute()

    # -- forgetting -------------------------------------------------------------------------------------

    def forget_story(self, story_id: str) -> int:
        """Remove every record of a story from every channel that remembers it; returns how many channels."""

        def forget() -> int:
            channels = cast("set[str]", self.client.smembers(self._key("where", story_id)))
            for channel in channels:
                self._forget_in(channel, story_id, first_version=True)
            self.client.delete(self._key("where", story_id))
            return len(channels)

        return self._call(0, forget)

    def _forget_in(self, channel: str, story_id: str, *, first_version: bool = False) -> None:
        """Drop a story's records from a channel's indexes, with the conflicts it brought.

        When ``first_version`` (the story is forgotten, not filed again) its first version goes too, and so
        do the conflicts of later stories that cite it.
        """
        story_key = self._key(channel, "s", story_id)
        raw = cast("str | None", self.client.hget(story_key, "keys"))
        keys: list[str] = json.loads(raw) if raw else []
        fields = cast("list[str]", self.client.hkeys(story_key)) if keys else []
        own = [f"{story_id}:{f}" for f in fields if f[:1] in ("f", "c", "n") and f[1:].isdigit()]
        notes = [f for f in fields if f[:1] == "n" and f[1:].isdigit()]
        cited: list[tuple[str, str]] = []  # (earlier story, member) of the conflicts this story brought
        if notes:
            for field, value in zip(notes, cast("list[str | None]", self.client.hmget(story_key, notes)), strict=True):
                earlier = _cited_story(value)
                if earlier is not None:
                    cited.append((earlier, f"{story_id}:{field}"))
        citing = cast("set[str]", self.client.smembers(self._key(channel, "r", story_id))) if first_version else set()
        with self.client.pipeline(transaction=True) as pipe:
            for key in keys:
                if own:
                    pipe.zrem(key, *own)
            for earlier, member in cited:
                pipe.srem(self._key(channel, "r", earlier), member)
            pipe.delete(story_key)
            pipe.zrem(self._key(channel, "stories"), story_id)
            if first_version:
                for member in citing:
                    later, _, field = member.partition(":")
                    pipe.hdel(self._key(channel, "s", later), field)
                    pipe.zrem(self._key(channel, "n"), member)
                pipe.delete(self._key(channel, "r", story_id))
                pipe.delete(self._key(channel, "v", story_id))
                pipe.srem(self._key("where", story_id), channel)
            pipe.execute()

    # -- reading ----------------------------------------------------------------------------------------

    def figures(
        self, channel: str, keys: Sequence[str], *, exclude: str | None = None
    ) -> list[tuple[FigureRecord, StoryRef]]:
        """The channel's figures filed under any of ``keys`` (:func:`bot.nlp.figures.index_keys`), newest first."""
        found: dict[str, tuple[FigureRecord, StoryRef]] = {}
        for members in self._read_figures(channel, keys, exclude).values():
            for member, value in members:
                found.setdefault(member, value)
        return list(found.values())

    def figures_by_key(
        self, channel: str, keys: Sequence[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[FigureRecord, StoryRef]]]:
        """For each of ``keys``, the channel's figures filed under it, newest first: one round trip for the
        indexes of every figure of a story, one for the records they name."""
        by_key = self._read_figures(channel, keys, exclude)
        return {key: [value for _, value in members] for key, members in by_key.items()}

    def _read_figures(
        self, channel: str, keys: Sequence[str], exclude: str | None
    ) -> dict[str, list[tuple[str, tuple[FigureRecord, StoryRef]]]]:
        empty: dict[str, list[tuple[str, tuple[FigureRecord, StoryRef]]]] = {}
        return self._call(empty, lambda: self._figures_by_key(channel, keys, exclude))

    def _figures_by_key(
        self, channel: str, keys: Sequence[str], exclude: str | None
    ) -> dict[str, list[tuple[str, tuple[FigureRecord, StoryRef]]]]:
        unique = list(dict.fromkeys(keys))
        if not unique:
            return {}
        cutoff = self._cutoff()
        with self.client.pipeline(transaction=False) as pipe:
            for key in unique:
                pipe.zrevrangebyscore(self._key(channel, "x", key), "+inf", cutoff, start=0, num=LOOKUP_LIMIT)
            results = cast("list[list[str]]", pipe.execute())
        members = list(dict.fromkeys(m for found in results for m in found))
        loaded: dict[str, tuple[FigureRecord, StoryRef]] = {}
        for (sid, field), (ref, value) in self._load(channel, members, exclude):
            try:
                loaded[f"{sid}:{field}"] = (FigureRecord.model_validate_json(value), ref)
            except ValidationError:
                logger.warning("Skipping a remembered figure %s:%s that no longer validates.", sid, field)
        return {key: [(m, loaded[m]) for m in found if m in loaded] for key, found in zip(unique, results, strict=True)}

    def similar_claims(
        self, channel: str, text: str, *, exclude: str | None = None
    ) -> list[tuple[RememberedClaim, StoryRef, float]]:
        """The channel's claims that say ``text`` in near-identical words, most similar first."""
        return self.similar_claims_many(channel, [text], exclude=exclude).get(text, [])

    def similar_claims_many(
        self, channel: str, texts: Sequence[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[RememberedClaim, StoryRef, float]]]:
        """For each of ``texts``, the channel's claims that say it in near-identical words, most similar first;
        one round trip for the bands of every claim, one for the claims they name."""
        words = {text: shingles(text) for text in dict.fromkeys(texts)}
        words = {text: found for text, found in words.items() if len(found) >= 3}
        if not words:
            return {}

        def read() -> dict[str, list[tuple[RememberedClaim, StoryRef, float]]]:
            cutoff = self._cutoff()
            band_keys = {
                text: [self._key(channel, "h", band) for band in bands(signature(w))] for text, w in words.items()
            }
            unique = list(dict.fromkeys(k for keys in band_keys.values() for k in keys))
            with self.client.pipeline(transaction=False) as pipe:
                for key in unique:
                    pipe.zrevrangebyscore(key, "+inf", cutoff, start=0, num=LOOKUP_LIMIT)
                in_band = dict(zip(unique, cast("list[list[str]]", pipe.execute()), strict=True))
            members = list(dict.fromkeys(m for found in in_band.values() for m in found))
            loaded: dict[str, tuple[RememberedClaim, StoryRef]] = {}
            for (sid, field), (ref, value) in self._load(channel, members, exclude):
                try:
                    loaded[f"{sid}:{field}"] = (RememberedClaim.model_validate_json(value), ref)
                except ValidationError:
                    continue
            result: dict[str, list[tuple[RememberedClaim, StoryRef, float]]] = {}
            for text, keys in band_keys.items():
                candidates = dict.fromkeys(m for key in keys for m in in_band[key] if m in loaded)
                matches = []
                for member in candidates:
                    claim, ref = loaded[member]
                    score = similarity(words[text], shingles(claim.text))
                    if score >= SIMILAR:
                        matches.append((claim, ref, score))
                result[text] = sorted(matches, key=lambda m: (-m[2], -_score(m[1].recorded_at)))
            return result

        return self._call({}, read)

    def _load(
        self, channel: str, members: list[str], exclude: str | None
    ) -> list[tuple[tuple[str, str], tuple[StoryRef, str]]]:
        """The stored values of index members ("{story}:{field}") and their stories, skipping ``exclude``."""
        wanted = [tuple(m.split(":", 1)) for m in members]
        wanted = [(sid, field) for sid, field in wanted if sid != exclude]
        if not wanted:
            return []
        with self.client.pipeline(transaction=False) as pipe:
            for sid, field in wanted:
                pipe.hmget(self._key(channel, "s", sid), ["ref", field])
            values = cast("list[list[str | None]]", pipe.execute())
        refs: dict[str, StoryRef | None] = {}
        found = []
        for (sid, field), (raw_ref, value) in zip(wanted, values, strict=True):
            if raw_ref is None or value is None:
                continue  # forgotten or expired since it was indexed
            if sid not in refs:
                try:
                    refs[sid] = StoryRef.model_validate_json(raw_ref)
                except ValidationError:
                    refs[sid] = None
            ref = refs[sid]
            if ref is not None:
                found.append(((sid, field), (ref, value)))
        return found

    def first_version(self, channel: str, story_id: str) -> Analysis | None:
        """The first analysis of a story remembered in ``channel`` (quotes and figures only)."""

        def read() -> Analysis | None:
            value = cast("str | None", self.client.get(self._key(channel, "v", story_id)))
            if value is None:
                return None
            try:
                return Analysis.model_validate_json(value)
            except ValidationError:
                return None

        return self._call(None, read)

    def search(self, channel: str, text: str, *, limit: int = 15) -> list[MemoryHit]:
        """The channel's figures and claims filed under every word of ``text``, newest first.

        One index read per word: the rarest word's entries (the newest :data:`SEARCH_SCAN`) are checked
        against the other words' indexes, so a query never scans the channel's records.
        """
        words = sorted(shingles(text))[:MAX_SEARCH_WORDS]
        if not words or limit <= 0:
            return []

        def read() -> list[MemoryHit]:
            cutoff = self._cutoff()
            keys = [self._key(channel, "w", word) for word in words]
            with self.client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.zcount(key, cutoff, "+inf")
                counts = cast("list[int]", pipe.execute())
            if min(counts) == 0:
                return []
            rarest = keys[counts.index(min(counts))]
            members = cast("list[str]", self.client.zrevrangebyscore(rarest, "+inf", cutoff, start=0, num=SEARCH_SCAN))
            others = [key for key in keys if key != rarest]
            if members and others:
                with self.client.pipeline(transaction=False) as pipe:
                    for key in others:
                        pipe.zmscore(key, members)
                    scores = cast("list[list[float | None]]", pipe.execute())
                members = [m for i, m in enumerate(members) if all(found[i] is not None for found in scores)]
            hits: list[MemoryHit] = []
            for (sid, field), (ref, value) in self._load(channel, members[:limit], None):
                try:
                    if field.startswith("f"):
                        figure = FigureRecord.model_validate_json(value)
                        hits.append(MemoryHit(kind="figure", story=ref, figure=figure))
                    else:
                        claim = RememberedClaim.model_validate_json(value)
                        hits.append(MemoryHit(kind="claim", story=ref, claim=claim))
                except ValidationError:
                    logger.warning("Skipping a remembered record %s:%s that no longer validates.", sid, field)
            return hits

        return self._call([], read)

    def conflicts(
        self, channel: str, *, since: datetime | None = None, until: datetime | None = None, limit: int = 20
    ) -> list[MemoryNote]:
        """The figure conflicts found in the channel's stories (recorded from ``since`` to ``until``), newest
        first, each with the story it was found in (``found_in``) and the earlier one it cites (``story``)."""
        if limit <= 0:
            return []

        def read() -> list[MemoryNote]:
            low = max(self._cutoff(), _score(since)) if since is not None else self._cutoff()
            high: float | str = _score(until) if until is not None else "+inf"
            members = cast(
                "list[str]", self.client.zrevrangebyscore(self._key(channel, "n"), high, low, start=0, num=limit)
            )
            found: list[MemoryNote] = []
            for (sid, field), (ref, value) in self._load(channel, members, None):
                try:
                    found.append(MemoryNote.model_validate_json(value).model_copy(update={"found_in": ref}))
                except ValidationError:
                    logger.warning("Skipping a remembered conflict %s:%s that no longer validates.", sid, field)
            return found

        return self._call([], read)

    def note_asker(self, user: str, channel: str, at: datetime | None = None) -> None:
        """Remember that ``user`` asked nutgraf something in ``channel`` (App Home lists those channels)."""
        key = self._key("u", user)
        score = _score(at or datetime.now(timezone.utc))

        def write() -> None:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.zadd(key, {channel: score})
                pipe.zremrangebyscore(key, "-inf", f"({self._cutoff()}")
                pipe.expire(key, self.retention)
                pipe.execute()

        self._call(None, write)

    def asked_channels(self, user: str, *, limit: int = 20) -> list[str]:
        """The channels ``user`` asked nutgraf in within the retention, most recent first."""
        if limit <= 0:
            return []
        key = self._key("u", user)
        return self._call(
            [], lambda: cast("list[str]", self.client.zrevrangebyscore(key, "+inf", self._cutoff(), start=0, num=limit))
        )


def _without_sentence(record: FigureRecord | None) -> FigureRecord | None:
    return None if record is None else record.model_copy(update={"sentence": ""})


def _cited_story(value: str | None) -> str | None:
    """The earlier story a kept conflict cites."""
    if value is None:
        return None
    try:
        note = MemoryNote.model_validate_json(value)
    except ValidationError:
        return None
    return note.story.id if note.story is not None else None


def figure_words(record: FigureRecord) -> list[str]:
    """The words ``/nutgraf memory`` finds a figure by: its subject and what it measures.

    Not the figure itself: its claim is found by its numbers, and a key per number would cost more than the
    figure's record.
    """
    parts = [record.subject or "", record.subject_key, record.measure, record.counted or "", record.family]
    return sorted(shingles(" ".join(parts)))


# -- what memory says about a new analysis ----------------------------------------------------------------


def memorable_claims(analysis: Analysis) -> list[Claim]:
    """The claims memory keeps and looks up: the check-worthy ones and any that state a figure (a forecast
    of savings repeated from story to story is what "seen before" is for, check-worthy or not)."""
    return [c for c in analysis.claims if c.checkworthy or c.numbers][:MAX_CLAIMS]


def story_ref(
    analysis: Analysis,
    *,
    key: str,
    channel: str,
    thread_ts: str | None = None,
    permalink: str | None = None,
    recorded_at: datetime | None = None,
) -> StoryRef:
    """How memory refers to an analysis answered in ``channel``: under the same story id as its digest record
    (``key`` is the story's canonical URL, else its cache key), with the thread it was answered in."""
    moment = recorded_at or analysis.analysed_at or datetime.now(timezone.utc)
    published = story_date(analysis.source.published, moment.date()) if analysis.source.published else None
    return StoryRef(
        id=story_id(key),
        channel=channel,
        title=analysis.headline,
        url=analysis.source.canonical_url or analysis.source.url,
        permalink=permalink,
        thread_ts=thread_ts,
        recorded_at=moment,
        published=published,
    )


def recall(memory: Memory, analysis: Analysis, story: StoryRef) -> Recall:
    """What the channel's earlier stories say about a new analysis: differing figures, claims seen before,
    and, for a story analysed before with other text, what changed. Reads only ``story.channel``."""
    result = Recall()
    differing: dict[tuple[str, str], MemoryNote] = {}
    whole = [record for record in analysis.figures if not record.subset]
    by_key = memory.figures_by_key(story.channel, [k for r in whole for k in index_keys(r)], exclude=story.id)
    for record in whole:
        for earlier, ref in (found for key in index_keys(record) for found in by_key.get(key, [])):
            if not conflict(record, earlier):
                continue
            known = differing.get((record.measure, ref.id))
            if known is None or (known.earlier is not None and earlier.start < known.earlier.start):
                # one note per measure and earlier story: its first figure, usually the lede's
                note = MemoryNote(kind="figure_differs", figure=record, earlier=earlier, story=ref)
                differing[(record.measure, ref.id)] = note
    result.notes.extend(differing.values())
    claims_seen: set[tuple[str, str]] = set()
    texts = [claim.text for claim in memorable_claims(analysis)]
    similar = memory.similar_claims_many(story.channel, texts, exclude=story.id)
    for text in texts:
        for earlier_claim, ref, score in similar.get(text, []):
            if (text, ref.id) in claims_seen:
                continue
            claims_seen.add((text, ref.id))
            result.notes.append(
                MemoryNote(
                    kind="seen_before",
                    claim=text,
                    earlier_claim=earlier_claim.text,
                    story=ref,
                    similarity=round(score, 3),
                )
            )
    first = memory.first_version(story.channel, story.id)
    if first is not None:
        changes = diff(first, analysis)
        if not changes.empty:
            result.changes = changes.model_copy(update={"first_analysed": first.analysed_at})
    figure_notes = [n for n in result.notes if n.kind == "figure_differs"][:MAX_NOTES]
    claim_notes = [n for n in result.notes if n.kind == "seen_before"][:MAX_NOTES]
    result.notes = figure_notes + claim_notes
    return result


def in_story_notes(analysis: Analysis) -> list[MemoryNote]:
    """Figures of one story that conflict with each other, as memory notes (the analysis's own notes say the
    same in words)."""
    return [MemoryNote(kind="in_story", figure=a, earlier=b) for a, b in conflicts_within(analysis.figures)]
