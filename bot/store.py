"""Everything nutgraf keeps in Redis, behind the :class:`Store` protocol.

Redis is shared by every web process, worker and clock, so the same code scales from one process to
N web + M workers. When Redis is unreachable the bot keeps answering: each method degrades (no cache,
no de-duplication, no digests), one warning is logged per outage, and the next call after Redis
returns works again.

Key layout (every key starts with the store's prefix, ``nutgraf:`` by default)::

    nutgraf:a:{version}:u:{sha256}    cached Analysis JSON for a canonical URL, or "@" + the key holding it
    nutgraf:a:{version}:t:{sha256}    the same for whitespace-normalised text      (TTL: NUTGRAF_CACHE_TTL)
    nutgraf:once:{name}               exactly-once claim, e.g. msg:{channel}:{ts}      (SET NX EX, 1 h)
    nutgraf:reply:{request}           JSON [channel, ts] of a request's progress message    (SET NX EX, 1 day)
    nutgraf:a:{version}:…:text        the text analysed, beside the analysis's first key    (TTL: NUTGRAF_CACHE_TTL)
    nutgraf:ch:{channel}              hash of channel settings (auto = 1, private = 1)
    nutgraf:st:{story id}             hash: where a story was answered and who asked (ids only), for forgetting
    nutgraf:sx:{u|t}:{sha256}         story id of a version-less cache key       (both: TTL of the longest record)
    nutgraf:th:{channel}:{thread ts}  hash: story id -> ThreadAnswer JSON, the answers given in a thread   (the same)
    nutgraf:cx:{team}:{story id}      hash: the desk's corrections of a story, and its text and quotes
    nutgraf:d:{channel}               sorted set: story id -> recorded_at (unix seconds)
    nutgraf:ds:{channel}:{story id}   DigestStory JSON          (TTL: NUTGRAF_DIGEST_RETENTION_DAYS)
    nutgraf:recent                    sorted set: "{channel}:{story id}" -> recorded_at, newest 200 kept
    nutgraf:sched                     hash: channel -> DigestSchedule JSON
    nutgraf:lease:{name}              lease holder's token                                   (SET NX PX)
    nutgraf:slot:{channel}            next free posting time in that channel, µs on Redis's clock

``{version}`` is the pipeline version, so a new pipeline never serves an old analysis. A story id is
the first 32 hex digits of the SHA-256 of the story's key (its canonical URL or text hash).
"""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Protocol, TypeVar, cast, runtime_checkable

import redis
from pydantic import ValidationError
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.models import Analysis, CorrectedStory, Correction, DigestSchedule, DigestStory, StoryRecord, ThreadAnswer

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Errors that mean "Redis is unreachable" (as opposed to a bug or a bad command).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    builtins.TimeoutError,
)

#: How many stories :meth:`Store.recent_stories` can look back over, across channels.
RECENT_KEPT = 200

_ALIAS = "@"
_TEXT = ":text"

# Extends our own lease, or takes a free one. KEYS: lease key. ARGV: token, ttl in ms.
_LEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
"""

# Deletes the lease only if we hold it. KEYS: lease key. ARGV: token.
_UNLEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# Takes the channel's next posting slot on Redis's clock, so all processes agree.
# KEYS: slot key. ARGV: spacing in µs. Returns µs to wait before posting.
_SLOT_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local spacing = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local free = slot + spacing
redis.call('SET', KEYS[1], string.format('%.0f', free), 'PX', math.ceil((free - now) / 1000) + 1000)
return slot - now
"""

# Records one story for a channel, drops the records it replaces, and trims the channel to `retention`
# seconds before its newest story.
# KEYS: channel zset, story JSON key, recent zset.
# ARGV: story id, score, story JSON, retention s (also the keys' TTL), story key prefix, recent member prefix,
# recent limit, then the ids of the records it replaces.
_RECORD_LUA = """
for i = 8, #ARGV do
  if ARGV[i] ~= ARGV[1] then
    redis.call('DEL', ARGV[5] .. ARGV[i])
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[3], ARGV[6] .. ARGV[i])
  end
end
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local cutoff = '(' .. string.format('%.6f', tonumber(top[2]) - tonumber(ARGV[4]))
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
for _, id in ipairs(old) do
  redis.call('DEL', ARGV[5] .. id)
  redis.call('ZREM', KEYS[3], ARGV[6] .. id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
redis.call('EXPIRE', KEYS[1], ARGV[4])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[6] .. ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[7]) + 1))
end
return #old
"""

# Files a story under the id one of its keys already has (else ARGV[3]) and adds fields to its record.
# ARGV: prefix, ttl, new id, number of version-less keys n, the n keys, then field/value pairs.
_STORY_LUA = """
local prefix, ttl, sid, n = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
for i = 1, n do
  local found = redis.call('GET', prefix .. 'sx:' .. ARGV[4 + i])
  if found then sid = found break end
end
local record = prefix .. 'st:' .. sid
for i = 1, n do
  redis.call('SET', prefix .. 'sx:' .. ARGV[4 + i], sid, 'EX', ttl)
  redis.call('HSET', record, 'k:' .. ARGV[4 + i], '1')
end
for i = 5 + n, #ARGV, 2 do
  redis.call('HSET', record, ARGV[i], ARGV[i + 1])
end
if redis.call('TTL', record) < ttl then redis.call('EXPIRE', record, ttl) end
return sid
"""


def normalise_text(text: str) -> str:
    """Text as the cache sees it: Unicode NFC with every run of whitespace turned into one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def cache_keys(pipeline_version: str, *, canonical_url: str | None, text: str | None) -> list[str]:
    """The cache keys (without prefix) of an analysis: URL key first, then the text-hash key, if known."""
    keys = []
    if canonical_url:
        keys.append(f"a:{pipeline_version}:u:{_sha256(canonical_url)}")
    if text and (normalised := normalise_text(text)):
        keys.append(f"a:{pipeline_version}:t:{_sha256(normalised)}")
    return keys


def versionless(key: str) -> str:
    """A cache key without its pipeline version: ``a:{version}:u:{sha}`` -> ``u:{sha}``."""
    parts = key.split(":")
    return ":".join(parts[-2:]) if len(parts) >= 4 and parts[0] == "a" else key


def story_id(key: str) -> str:
    """The short, fixed-length id a story's key is filed under in Redis."""
    return _sha256(key)[:32]


def _load_schedule(channel: str, value: str) -> DigestSchedule | None:
    try:
        return DigestSchedule.model_validate_json(value)
    except ValidationError:
        logger.warning("Ignoring the digest schedule of %s: it no longer validates.", channel)
        return None


def _story_record(story: str, fields: dict[str, str]) -> StoryRecord:
    """A story record from its hash: ``team``, and ``k:``/``u:``/``m:``/``r:``/``l:`` members."""

    def members(tag: str) -> list[str]:
        return sorted(name[len(tag) :] for name in fields if name.startswith(tag))

    messages = [(channel, ts) for channel, _, ts in (m.partition(":") for m in members("m:"))]
    return StoryRecord(
        id=story,
        team=fields.get("team"),
        keys=members("k:"),
        urls=members("l:"),
        requesters=members("u:"),
        messages=messages,
        replies=members("r:"),
    )


def _timestamp(moment: datetime) -> float:
    """Unix seconds; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


@runtime_checkable
class Store(Protocol):
    """What nutgraf keeps between requests and shares between processes."""

    available: bool

    def ping(self) -> bool: ...
    def get_analysis(self, key: str) -> Analysis | None: ...
    def find_analysis(self, keys: Sequence[str]) -> Analysis | None: ...
    def put_analysis(self, keys: Sequence[str], analysis: Analysis, ttl: int, *, text: str | None = None) -> None: ...
    def claim(self, name: str, ttl: int = 3600) -> bool: ...
    def release(self, name: str) -> None: ...
    def get_reply(self, request_key: str) -> tuple[str, str] | None: ...
    def set_reply(self, request_key: str, channel: str, ts: str, ttl: int = 86400) -> bool: ...
    def get_story_text(self, key: str) -> str | None: ...
    def get_auto(self, channel: str) -> bool: ...
    def set_auto(self, channel: str, on: bool) -> None: ...
    def get_private(self, channel: str) -> bool: ...
    def set_private(self, channel: str, on: bool) -> None: ...
    def register_story(
        self,
        keys: Sequence[str],
        ttl: int,
        *,
        team: str | None = None,
        user: str | None = None,
        message: tuple[str, str] | None = None,
        reply: str | None = None,
        urls: Sequence[str] = (),
    ) -> str | None: ...
    def story(self, story: str) -> StoryRecord | None: ...
    def find_story(self, keys: Sequence[str]) -> StoryRecord | None: ...
    def forget_cache(self, record: StoryRecord) -> int: ...
    def forget_digest_records(self, record: StoryRecord) -> int: ...
    def forget_replies(self, record: StoryRecord) -> int: ...
    def forget_corrections(self, record: StoryRecord) -> int: ...
    def forget_story_record(self, record: StoryRecord) -> int: ...
    def thread_answers(self, channel: str, thread_ts: str) -> list[ThreadAnswer]: ...
    def set_thread_answer(self, channel: str, thread_ts: str, answer: ThreadAnswer, ttl: int) -> None: ...
    def forget_thread_answers(self, record: StoryRecord) -> int: ...
    def add_correction(self, team: str, snapshot: CorrectedStory, correction: Correction) -> bool: ...
    def corrected_story(self, team: str, story: str) -> CorrectedStory | None: ...
    def corrected_stories(self, team: str | None = None) -> list[CorrectedStory]: ...
    def record_story(self, story: DigestStory, retention_days: int, replaces: Sequence[str] = ()) -> None: ...
    def stories(self, channel: str, since: datetime, until: datetime) -> list[DigestStory]: ...
    def recent_stories(self, limit: int = 10) -> list[DigestStory]: ...
    def set_schedule(self, channel: str, schedule: DigestSchedule) -> None: ...
    def get_schedule(self, channel: str) -> DigestSchedule | None: ...
    def delete_schedule(self, channel: str) -> None: ...
    def schedules(self) -> dict[str, DigestSchedule]: ...
    def lease(self, name: str, ttl: float) -> bool: ...
    def reserve_post_slot(self, channel: str, spacing: float = 1.0) -> float: ...


class RedisStore:
    """The :class:`Store` on a Redis server; degrades instead of raising while Redis is unreachable.

    Writes made during an outage (settings, schedules, cache entries) are dropped: callers that
    must tell a user their change was saved check :attr:`available` after the call.
    """

    def __init__(self, client: redis.Redis, prefix: str = "nutgraf:") -> None:
        self.client = client
        self.prefix = prefix
        self.available = True
        self._state_lock = threading.Lock()
        self._token = uuid.uuid4().hex
        self._lease_script = client.register_script(_LEASE_LUA)
        self._unlease_script = client.register_script(_UNLEASE_LUA)
        self._slot_script = client.register_script(_SLOT_LUA)
        self._record_script = client.register_script(_RECORD_LUA)
        self._story_script = client.register_script(_STORY_LUA)
        self._local_slots: dict[str, float] = {}

    @classmethod
    def from_url(cls, url: str, prefix: str = "nutgraf:", *, timeout: float = 1.0) -> RedisStore:
        """A store on ``url`` with short timeouts and one immediate retry (which redials after a restart).

        A refused connection fails at once; a Redis that hangs costs a call about twice ``timeout``.
        """
        client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
            retry=Retry(NoBackoff(), retries=1),
        )
        return cls(client, prefix=prefix)

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()

    # -- outage handling ------------------------------------------------------------------------

    def _call(self, default: T, action: Callable[[], T]) -> T:
        """Run ``action`` against Redis; on an outage note it and return ``default``."""
        try:
            result = action()
        except OUTAGE_ERRORS as exc:
            self._mark_down(exc)
            return default
        self._mark_up()
        return result

    def guarded(self, default: T, action: Callable[[], T]) -> T:
        """Run ``action`` on :attr:`client` as the store runs its own calls: an outage returns ``default``.

        For modules that keep their own keys in the store's Redis (desk memory), so one outage is noted once.
        """
        return self._call(default, action)

    def _mark_down(self, exc: Exception) -> None:
        with self._state_lock:
            was_up, self.available = self.available, False
        if was_up:
            logger.warning(
                "Redis is unreachable (%s): answering without cache, de-duplication, channel settings "
                "or digests until it returns.",
                exc,
            )

    def _mark_up(self) -> None:
        if self.available:
            return
        with self._state_lock:
            was_down, self.available = not self.available, True
        if was_down:
            logger.info("Redis is reachable again: cache, de-duplication, settings and digests resumed.")

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def ping(self) -> bool:
        """Whether Redis answers now (for ``/healthz``); also refreshes :attr:`available`."""
        return self._call(False, lambda: bool(self.client.ping()))

    # -- analysis cache -------------------------------------------------------------------------

    def get_analysis(self, key: str) -> Analysis | None:
        """The cached analysis under ``key`` (from :func:`cache_keys`), following an alias; None on a miss."""
        return self._call(None, lambda: self._get_analysis(key))

    def _get_analysis(self, key: str) -> Analysis | None:
        value = cast("str | None", self.client.get(self.prefix + key))
        for _ in range(3):
            if value is None or not value.startswith(_ALIAS):
                break
            value = cast("str | None", self.client.get(self.prefix + value[len(_ALIAS) :]))
        if value is None or value.startswith(_ALIAS):
            return None
        try:
            return Analysis.model_validate_json(value)
        except ValidationError:
            logger.warning("Ignoring a cached analysis under %s that no longer validates.", key)
            return None

    def find_analysis(self, keys: Sequence[str]) -> Analysis | None:
        """The first cached analysis found under any of ``keys``."""
        for key in keys:
            if (analysis := self.get_analysis(key)) is not None:
                return analysis
        return None

    def put_analysis(self, keys: Sequence[str], analysis: Analysis, ttl: int, *, text: str | None = None) -> None:
        """Cache ``analysis`` once under the first key; the other keys become aliases of it. ``ttl`` in s.

        ``text``, the text analysed, is kept beside it for the desk's corrections (their export needs it).
        """
        unique = list(dict.fromkeys(keys))
        if not unique or ttl <= 0:
            return
        primary, *aliases = unique

        def write() -> None:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.set(self.prefix + primary, analysis.model_dump_json(), ex=ttl)
                if text is not None:
                    pipe.set(self.prefix + primary + _TEXT, text, ex=ttl)
                for alias in aliases:
                    pipe.set(self.prefix + alias, _ALIAS + primary, ex=ttl)
                pipe.execute()

        self._call(None, write)

    def get_story_text(self, key: str) -> str | None:
        """The text analysed for the cached analysis under ``key`` (following an alias), if it was kept."""

        def read() -> str | None:
            primary = key
            value = cast("str | None", self.client.get(self.prefix + key))
            if value is not None and value.startswith(_ALIAS):
                primary = value[len(_ALIAS) :]
            return cast("str | None", self.client.get(self.prefix + primary + _TEXT))

        return self._call(None, read)

    def forget_analysis(self, keys: Sequence[str]) -> None:
        """Drop the cached analysis under ``keys`` (for Re-analyse)."""
        if keys:
            self._call(None, lambda: self.client.delete(*(self.prefix + key for key in keys)))

    def memory_usage(self, keys: Sequence[str]) -> int | None:
        """Bytes Redis uses for these cache keys together (MEMORY USAGE), None if unknown."""

        def measure() -> int | None:
            total = 0
            for key in keys:
                total += self.client.memory_usage(self.prefix + key, samples=0) or 0
            return total

        return self._call(None, measure)

    # -- exactly-once ---------------------------------------------------------------------------

    def claim(self, name: str, ttl: int = 3600) -> bool:
        """True for the first caller to claim ``name`` within ``ttl`` s (and for everyone while Redis is down)."""
        return self._call(True, lambda: bool(self.client.set(self._key("once", name), "1", nx=True, ex=ttl)))

    def release(self, name: str) -> None:
        """Forget a claim, so a failed attempt can be retried."""
        self._call(None, lambda: self.client.delete(self._key("once", name)))

    def get_reply(self, request_key: str) -> tuple[str, str] | None:
        """The (channel, ts) of the progress message already posted for a request, if any."""

        def read() -> tuple[str, str] | None:
            value = cast("str | None", self.client.get(self._key("reply", request_key)))
            if value is None:
                return None
            channel, ts = json.loads(value)
            return str(channel), str(ts)

        return self._call(None, read)

    def set_reply(self, request_key: str, channel: str, ts: str, ttl: int = 86400) -> bool:
        """Remember a request's progress message; False if one is already remembered."""
        value = json.dumps([channel, ts])
        return self._call(True, lambda: bool(self.client.set(self._key("reply", request_key), value, nx=True, ex=ttl)))

    # -- channel settings -----------------------------------------------------------------------

    def get_auto(self, channel: str) -> bool:
        """Whether nutgraf analyses every link posted in ``channel`` (off while Redis is down)."""
        return self._call(False, lambda: self.client.hget(self._key("ch", channel), "auto") == "1")

    def set_auto(self, channel: str, on: bool) -> None:
        """Turn automatic analysis of links in ``channel`` on or off."""
        key = self._key("ch", channel)
        self._call(None, lambda: self.client.hset(key, "auto", "1") if on else self.client.hdel(key, "auto"))

    def get_private(self, channel: str) -> bool:
        """Whether ``channel`` is private to nutgraf (nothing kept); True while Redis cannot say otherwise."""
        return self._call(True, lambda: self.client.hget(self._key("ch", channel), "private") == "1")

    def set_private(self, channel: str, on: bool) -> None:
        """Turn private mode of ``channel`` on or off."""
        key = self._key("ch", channel)
        self._call(None, lambda: self.client.hset(key, "private", "1") if on else self.client.hdel(key, "private"))

    # -- story records (for forgetting) ---------------------------------------------------------

    def register_story(
        self,
        keys: Sequence[str],
        ttl: int,
        *,
        team: str | None = None,
        user: str | None = None,
        message: tuple[str, str] | None = None,
        reply: str | None = None,
        urls: Sequence[str] = (),
    ) -> str | None:
        """Note that a story (by its cache keys) was answered; returns its story id (None while Redis is down).

        A story keeps the id it was first filed under, whichever of its keys (a link, its canonical URL,
        its text) it is reached by later. Only ids and links are kept, for ``ttl`` s from the last answer.
        """
        plain = list(dict.fromkeys(versionless(key) for key in keys))
        if not plain:
            return None
        fields: list[str] = []
        if team:
            fields += ["team", team]
        if user:
            fields += [f"u:{user}", "1"]
        if message is not None:
            fields += [f"m:{message[0]}:{message[1]}", "1"]
        if reply:
            fields += [f"r:{reply}", "1"]
        for url in urls:
            fields += [f"l:{url}", "1"]
        args: list[str | int] = [self.prefix, max(ttl, 1), story_id(plain[0]), len(plain), *plain, *fields]
        return self._call(None, lambda: cast("str", self._story_script(keys=[], args=args)))

    def story(self, story: str) -> StoryRecord | None:
        """The record of a story by its id, if it is still kept."""

        def read() -> StoryRecord | None:
            fields = cast("dict[str, str]", self.client.hgetall(self._key("st", story)))
            return _story_record(story, fields) if fields else None

        return self._call(None, read)

    def find_story(self, keys: Sequence[str]) -> StoryRecord | None:
        """The record of the story filed under any of these cache keys (any pipeline version)."""
        index = [self._key("sx", key) for key in dict.fromkeys(versionless(k) for k in keys)]
        if not index:
            return None
        found: list[str | None] = self._call([], lambda: cast("list[str | None]", self.client.mget(index)))
        for sid in found:
            if sid is not None and (record := self.story(sid)) is not None:
                return record
        return None

    def forget_story_record(self, record: StoryRecord) -> int:
        """Delete a story's record and its index entries; returns the keys deleted."""
        keys = [self._key("st", record.id), *(self._key("sx", key) for key in record.keys)]
        return self._call(0, lambda: int(self.client.delete(*keys)))

    def forget_cache(self, record: StoryRecord) -> int:
        """Delete every cached analysis, alias and kept text of a story, in every pipeline version."""
        wanted = tuple(f":{key}" for key in record.keys)
        if not wanted:
            return 0

        def delete() -> int:
            found = [
                key
                for key in self.client.scan_iter(match=self._key("a", "*"), count=1000)
                if cast("str", key).removesuffix(_TEXT).endswith(wanted)
            ]
            return int(self.client.delete(*found)) if found else 0

        return self._call(0, delete)

    def forget_digest_records(self, record: StoryRecord) -> int:
        """Delete a story's digest records (and App Home entries) in the channels it was answered in.

        A record matches by the story's links or cache keys. With no channel known (a story cached before
        story records existed), every channel's records are searched.
        """
        names = {*record.urls, *record.keys}

        def matches(story: DigestStory) -> bool:
            return story.key in names or versionless(story.key) in names or (story.url or "") in names

        def delete() -> int:
            if record.channels:
                zsets = [self._key("d", channel) for channel in record.channels]
            else:
                zsets = [cast("str", key) for key in self.client.scan_iter(match=self._key("d", "*"), count=1000)]
            removed = 0
            for zset in zsets:
                channel = zset[len(self._key("d", "")) :]
                for sid in cast("list[str]", self.client.zrange(zset, 0, -1)):
                    value = cast("str | None", self.client.get(self._key("ds", channel, sid)))
                    try:
                        story = None if value is None else DigestStory.model_validate_json(value)
                    except ValidationError:
                        story = None
                    if value is not None and (story is None or not matches(story)):
                        continue
                    with self.client.pipeline(transaction=True) as pipe:
                        pipe.delete(self._key("ds", channel, sid))
                        pipe.zrem(zset, sid)
                        pipe.zrem(self._key("recent"), f"{channel}:{sid}")
                        pipe.execute()
                    removed += value is not None
            return removed

        return self._call(0, delete)

    def forget_replies(self, record: StoryRecord) -> int:
        """Delete the pointers to a story's progress messages."""
        keys = [self._key("reply", reply) for reply in record.replies]
        return self._call(0, lambda: int(self.client.delete(*keys))) if keys else 0

    # -- answers given in a thread --------------------------------------------------------------

    def thread_answers(self, channel: str, thread_ts: str) -> list[ThreadAnswer]:
        """The stories nutgraf answered in a thread, with its replies' ts (empty while Redis is down)."""

        def read() -> list[ThreadAnswer]:
            found = []
            for value in cast("dict[str, str]", self.client.hgetall(self._key("th", channel, thread_ts))).values():
                try:
                    found.append(ThreadAnswer.model_validate_json(value))
                except ValidationError:
                    logger.warning("Ignoring an answer in a thread that no longer validates.")
            return found

        return self._call([], read)

    def set_thread_answer(self, channel: str, thread_ts: str, answer: ThreadAnswer, ttl: int) -> None:
        """Note the reply that answered a story in a thread (replacing an earlier one of the same story), kept
        ``ttl`` s from the thread's last answer."""
        key = self._key("th", channel, thread_ts)

        def write() -> None:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hset(key, answer.story, answer.model_dump_json())
                pipe.expire(key, max(ttl, 1))
                pipe.execute()

        self._call(None, write)

    def forget_thread_answers(self, record: StoryRecord) -> int:
        """Delete the notes of a story's answers in every thread; returns how many were deleted."""

        def delete() -> int:
            threads = [cast("str", key) for key in self.client.scan_iter(match=self._key("th", "*"), count=1000)]
            if not threads:
                return 0
            with self.client.pipeline(transaction=False) as pipe:
                for key in threads:
                    pipe.hdel(key, record.id)
                return sum(int(n) for n in pipe.execute())

        return self._call(0, delete)

    # -- corrections from the desk --------------------------------------------------------------

    def add_correction(self, team: str, snapshot: CorrectedStory, correction: Correction) -> bool:
        """File a correction of a story for a workspace; the first correction also files ``snapshot`` (its text
        and quotes as extracted). False while Redis is down."""
        key = self._key("cx", team, snapshot.story)
        story = snapshot.model_copy(update={"corrections": []}).model_dump_json()

        def write() -> bool:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hsetnx(key, "story", story)
                pipe.hset(key, f"c:{uuid.uuid4().hex}", correction.model_dump_json())
                pipe.execute()
            return True

        return self._call(False, write)

    def corrected_story(self, team: str, story: str) -> CorrectedStory | None:
        """A workspace's corrections of a story, oldest first, with the story's text and quotes."""
        return self._call(None, lambda: self._corrected(self._key("cx", team, story)))

    def corrected_stories(self, team: str | None = None) -> list[CorrectedStory]:
        """Every corrected story (of one workspace, or all), in no particular order."""

        def read() -> list[CorrectedStory]:
            match = self._key("cx", team or "*", "*")
            found = (self._corrected(cast("str", key)) for key in self.client.scan_iter(match=match, count=1000))
            return [story for story in found if story is not None]

        return self._call([], read)

    def _corrected(self, key: str) -> CorrectedStory | None:
        fields = cast("dict[str, str]", self.client.hgetall(key))
        if "story" not in fields:
            return None
        try:
            story = CorrectedStory.model_validate_json(fields["story"])
            corrections = [Correction.model_validate_json(v) for k, v in fields.items() if k.startswith("c:")]
        except ValidationError:
            logger.warning("Ignoring corrections under %s that no longer validate.", key)
            return None
        return story.model_copy(update={"corrections": sorted(corrections, key=lambda c: c.at)})

    def forget_corrections(self, record: StoryRecord) -> int:
        """Delete a story's corrections in every workspace (by its id, or by any of its keys)."""
        keys = set(record.keys)

        def delete() -> int:
            doomed = []
            for key in self.client.scan_iter(match=self._key("cx", "*"), count=1000):
                name = cast("str", key)
                if name.endswith(f":{record.id}") or (
                    (story := self._corrected(name)) is not None and keys & set(story.keys)
                ):
                    doomed.append(name)
            return int(self.client.delete(*doomed)) if doomed else 0

        return self._call(0, delete)

    # -- digest records -------------------------------------------------------------------------

    def record_story(self, story: DigestStory, retention_days: int, replaces: Sequence[str] = ()) -> None:
        """Record a story for its channel's digests, replacing an earlier record under the same key.

        The records under the keys in ``replaces`` (earlier records of the same story, merged into this
        one by the caller) are dropped in the same step. Stories recorded more than ``retention_days``
        before the channel's newest one are dropped.
        """
        sid = story_id(story.key)
        retention = retention_days * 86400
        keys = [
            self._key("d", story.channel),
            self._key("ds", story.channel, sid),
            self._key("recent"),
        ]
        args: list[str | int] = [
            sid,
            repr(_timestamp(story.recorded_at)),
            story.model_dump_json(),
            retention,
            self._key("ds", story.channel, ""),
            f"{story.channel}:",
            RECENT_KEPT,
            *(story_id(key) for key in replaces),
        ]
        self._call(None, lambda: self._record_script(keys=keys, args=args))

    def stories(self, channel: str, since: datetime, until: datetime) -> list[DigestStory]:
        """The stories recorded in ``channel`` from ``since`` to ``until`` inclusive, oldest first."""

        def read() -> list[DigestStory]:
            ids = cast(
                "list[str]",
                self.client.zrangebyscore(self._key("d", channel), _timestamp(since), _timestamp(until)),
            )
            return self._load_stories([self._key("ds", channel, sid) for sid in ids])

        return self._call([], read)

    def recent_stories(self, limit: int = 10) -> list[DigestStory]:
        """The most recently recorded stories across all channels, newest first (for App Home)."""
        if limit <= 0:
            return []

        def read() -> list[DigestStory]:
            members = cast("list[str]", self.client.zrevrange(self._key("recent"), 0, limit - 1))
            return self._load_stories([self._key("ds", member) for member in members])

        return self._call([], read)

    def _load_stories(self, keys: list[str]) -> list[DigestStory]:
        if not keys:
            return []
        found = []
        for value in cast("list[str | None]", self.client.mget(keys)):
            if value is None:
                continue
            try:
                found.append(DigestStory.model_validate_json(value))
            except ValidationError:
                logger.warning("Skipping a recorded story that no longer validates.")
        return found

    # -- digest schedules -----------------------------------------------------------------------

    def set_schedule(self, channel: str, schedule: DigestSchedule) -> None:
        """Set (or replace) ``channel``'s digest schedule."""
        self._call(None, lambda: self.client.hset(self._key("sched"), channel, schedule.model_dump_json()))

    def get_schedule(self, channel: str) -> DigestSchedule | None:
        """``channel``'s digest schedule, if it has one."""

        def read() -> DigestSchedule | None:
            value = cast("str | None", self.client.hget(self._key("sched"), channel))
            return None if value is None else _load_schedule(channel, value)

        return self._call(None, read)

    def delete_schedule(self, channel: str) -> None:
        """Stop ``channel``'s scheduled digests."""
        self._call(None, lambda: self.client.hdel(self._key("sched"), channel))

    def schedules(self) -> dict[str, DigestSchedule]:
        """Every channel's digest schedule (empty while Redis is down)."""

        def read() -> dict[str, DigestSchedule]:
            raw = cast("dict[str, str]", self.client.hgetall(self._key("sched")))
            loaded = {channel: _load_schedule(channel, value) for channel, value in raw.items()}
            return {channel: schedule for channel, schedule in loaded.items() if schedule is not None}

        return self._call({}, read)

    def lease(self, name: str, ttl: float) -> bool:
        """Take or extend the lease ``name`` for ``ttl`` s; True while this store holds it.

        Another store (another process) gets False until the lease expires or is released. While
        Redis is down nobody holds it: there are no schedules to act on anyway.
        """
        ms = max(1, round(ttl * 1000))
        return self._call(
            False, lambda: bool(self._lease_script(keys=[self._key("lease", name)], args=[self._token, ms]))
        )

    def release_lease(self, name: str) -> None:
        """Give up the lease ``name`` if this store holds it (on shutdown)."""
        self._call(None, lambda: self._unlease_script(keys=[self._key("lease", name)], args=[self._token]))

    # -- rate spacing ---------------------------------------------------------------------------

    def reserve_post_slot(self, channel: str, spacing: float = 1.0) -> float:
        """Reserve the next posting slot in ``channel``; returns the seconds to wait before posting.

        Slots are ``spacing`` s apart across all processes. While Redis is down, posts from this
        process alone are spaced.
        """
        micros = max(0, round(spacing * 1_000_000))

        def reserve() -> float:
            waited = self._slot_script(keys=[self._key("slot", channel)], args=[micros])
            return max(0.0, int(cast("int", waited)) / 1_000_000)

        result = self._call(None, reserve)
        return self._reserve_locally(channel, spacing) if result is None else result

    def _reserve_locally(self, channel: str, spacing: float) -> float:
        with self._state_lock:
            now = time.monotonic()
            slot = max(now, self._local_slots.get(channel, 0.0))
            self._local_slots[channel] = slot + spacing
            return slot - now
