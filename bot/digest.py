"""Channel digests: what a channel analysed over a window, on demand or on a daily schedule.

A digest lists the stories recorded for a channel (a story recorded twice counts once), the top claims
across them with near-duplicates merged, who was quoted most, and the figures and names that recur
across stories. Schedules are a local time of day in an IANA zone; :func:`run_clock_once` fires each due
slot exactly once across any number of clock processes (a lease picks the active clock, a per-slot claim
guards every post) and, after downtime, catches up with one digest rather than one per missed slot.

Only :func:`post_digest`, the clock and :func:`main_clock` talk to Slack, through a WebClient passed in.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time
from functools import cache
from types import FrameType
from typing import Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, available_timezones

from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.errors import InputError, NutgrafError
from bot.links import canonicalize_url
from bot.models import Claim, Digest, DigestSchedule, DigestStory, Quote
from bot.nlp.lexicon import NAME_TITLES
from bot.settings import Settings
from bot.slack import Poster, web_client
from bot.store import RedisStore, Store

logger = logging.getLogger(__name__)

DigestAction = Literal["now", "schedule", "off", "status"]

USAGE = (
    "Usage: `/nutgraf digest [today|24h|7d]`, `/nutgraf digest daily HH:MM Area/City [weekdays]` "
    "(e.g. `/nutgraf digest daily 17:30 Europe/London weekdays`), `/nutgraf digest off` or "
    "`/nutgraf digest status`."
)

#: The window of ``/nutgraf digest`` with no argument.
DEFAULT_WINDOW = "24h"
#: The longest window one can ask for: stories are not kept longer by default.
MAX_WINDOW = timedelta(days=30)
#: How long a slot's claim is kept: long enough that no clock could still see the slot as due.
SLOT_CLAIM_TTL = 2 * 86400
#: The lease that picks the one active clock among several processes.
CLOCK_LEASE = "digest-clock"
#: How many other slots :func:`due_slot` and :func:`next_fire` look through (a week and a spare day).
_SEARCH_DAYS = 8

_WINDOW_RE = re.compile(r"(\d{1,3})\s*(h|hr|hrs|hours?|d|days?|w|wk|weeks?)", re.ASCII)
_TIME_RE = re.compile(r"\d{1,2}:\d{2}", re.ASCII)
_WEEKDAYS_WORDS = frozenset({"weekdays", "weekday", "workdays", "mon-fri", "monday-friday"})
_DAILY_WORDS = frozenset({"daily", "every", "day", "schedule", "at", "on"})

#: Words before a speaker's name that are not part of it ("Gen. Gerasimov" is "Gerasimov").
_TITLES = NAME_TITLES
_MONTHS_DAYS = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b(mon|tues?|wed|thu|thurs|fri|sat|sun)[a-z]*day\b",
)
_CLAIM_WORD = re.compile(r"\w+(?:[.,']\w+)*%?")
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
    billion trillion dozen dozens hundreds thousands millions billions half quarter third""".split()
)
#: Token overlap (Jaccard) above which two claims with the same figures are the same claim.
_NEAR_DUPLICATE = 0.8


class DigestUnavailableError(NutgrafError):
    """Redis could not be read, so a digest would wrongly say that nothing was analysed."""

    code = "digest_unavailable"


# -- commands ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestCommand:
    """What ``/nutgraf digest …`` asked for.

    ``window`` ("today", "24h", "7d"…) is set for ``now``; ``schedule`` for ``schedule``.
    """

    action: DigestAction
    window: str = DEFAULT_WINDOW
    schedule: DigestSchedule | None = field(default=None)


def _bad(reason: str) -> InputError:
    return InputError(f"{reason} {USAGE}")


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def resolve_zone(name: str) -> str:
    """The IANA zone called ``name``, ignoring case ("europe/london" is "Europe/London"); InputError if none."""
    cleaned = name.strip()
    found = _zones_by_folded_name().get(cleaned.casefold())
    if found is None and cleaned.upper() in ("UTC", "GMT", "Z"):
        found = "UTC"
    if found is None:
        raise _bad(f"I don't know the time zone {cleaned!r}: give an IANA name such as Europe/London.")
    return found


def _window_length(window: str) -> timedelta | None:
    """The length of a rolling window such as "24h" or "7d" (None for "today")."""
    if window == "today":
        return None
    match = _WINDOW_RE.fullmatch(window)
    if match is None:
        raise ValueError(f"not a digest window: {window!r}")
    amount, unit = int(match[1]), match[2][0]
    return timedelta(hours=amount) if unit == "h" else timedelta(days=amount * (7 if unit == "w" else 1))


def parse_digest_command(args: str) -> DigestCommand:
    """Read the text after ``/nutgraf digest``; InputError with the usage line when it makes no sense."""
    words = args.strip().split()
    if not words or (len(words) == 1 and words[0].lower() == "now"):
        return DigestCommand("now")
    first = words[0].lower()
    if len(words) == 1 and first in ("off", "stop", "cancel"):
        return DigestCommand("off")
    if len(words) == 1 and first in ("status", "show"):
        return DigestCommand("status")
    if len(words) == 1 and first in ("today", "day"):
        return DigestCommand("now", window="today")
    rolling = _WINDOW_RE.fullmatch(" ".join(words).lower())
    if rolling is not None and len(words) <= 2:
        window = f"{int(rolling[1])}{rolling[2][0]}"
        length = _window_length(window)
        if length is None or length <= timedelta(0) or length > MAX_WINDOW:
            raise _bad(f"A digest covers from 1 hour up to {MAX_WINDOW.days} days, not {' '.join(words)!r}.")
        return DigestCommand("now", window=window)
    if first in _DAILY_WORDS or _TIME_RE.fullmatch(first):
        return DigestCommand("schedule", schedule=_parse_schedule(words[1:] if first in _DAILY_WORDS else words))
    raise _bad(f"I don't understand {args.strip()!r}.")


def _parse_schedule(words: Sequence[str]) -> DigestSchedule:
    weekdays = [w for w in words if w.lower() in _WEEKDAYS_WORDS]
    rest = [w for w in words if w.lower() not in _WEEKDAYS_WORDS and w.lower() not in _DAILY_WORDS]
    times = [w for w in rest if _TIME_RE.fullmatch(w)]
    zones = [w for w in rest if not _TIME_RE.fullmatch(w)]
    if len(times) != 1:
        raise _bad("Give one 24-hour time for the daily digest, such as 17:30.")
    if len(zones) != 1:
        raise _bad("Give the time zone of the daily digest as an IANA name, such as Europe/London.")
    zone = resolve_zone(zones[0])
    try:
        return DigestSchedule(time=times[0], tz=zone, weekdays_only=bool(weekdays))
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise _bad(reason[:1].upper() + reason[1:] + ".") from None


def window_bounds(window: str, now: datetime, tz: str | None = None) -> tuple[datetime, datetime]:
    """The (since, until) of a digest window ending ``now``; "today" starts at local midnight in ``tz`` (else UTC)."""
    now = _aware(now)
    length = _window_length(window)
    if length is not None:
        return now - length, now
    zone = ZoneInfo(tz) if tz else timezone.utc
    local = now.astimezone(zone)
    midnight = _local_instant(local.date(), clock_time(0), zone)
    return midnight.astimezone(timezone.utc), now


def command_window(cmd: DigestCommand, *, store: Store, channel: str, now: datetime) -> tuple[datetime, datetime]:
    """The window a ``now`` command covers; "today" follows the channel's schedule zone when it has one."""
    tz = None
    if cmd.window == "today":
        schedule = store.get_schedule(channel)
        tz = schedule.tz if schedule else None
    return window_bounds(cmd.window, now, tz)


# -- building ----------------------------------------------------------------------------------


def _squash(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _story_identity(story: DigestStory) -> str:
    """What makes two records the same story: the canonical URL when known, else the key."""
    for candidate in (story.url, story.key):
        if candidate and candidate.startswith(("http://", "https://")):
            # the cache's canonical form, and beyond it "www." and a final "/" make no other story
            parts = urlsplit(canonicalize_url(candidate))
            path = parts.path.rstrip("/")
            return urlunsplit((parts.scheme, parts.netloc.removeprefix("www."), path, parts.query, ""))
    return story.key


def unique_stories(stories: Iterable[DigestStory]) -> list[DigestStory]:
    """One record per story (the latest), oldest first: a link pasted twice counts once."""
    latest: dict[str, DigestStory] = {}
    for story in stories:
        identity = _story_identity(story)
        if identity not in latest or story.recorded_at >= latest[identity].recorded_at:
            latest[identity] = story
    return sorted(latest.values(), key=lambda s: _aware(s.recorded_at))


def claim_tokens(text: str) -> tuple[str, ...]:
    """A claim's words, case-folded and without punctuation: how duplicates are recognised."""
    return tuple(_CLAIM_WORD.findall(_squash(text).casefold().replace("’", "'")))


def _claim_figures(tokens: Iterable[str]) -> frozenset[str]:
    """The figures a claim states, in digits or words: claims that differ in them are different claims."""
    return frozenset(t for t in tokens if t in _NUMBER_WORDS or any(c.isdigit() for c in t))


def top_claims(claims: Iterable[Claim]) -> list[Claim]:
    """Claims across stories, check-worthy first then by score, each near-duplicate kept once (its best).

    Near-duplicates state the same figures and share most of their words (case and punctuation aside).
    """
    ranked = blocks.ranked_claims(list(claims))
    kept: list[Claim] = []
    by_figures: dict[frozenset[str], list[frozenset[str]]] = defaultdict(list)
    for claim in ranked:
        tokens = claim_tokens(claim.text)
        if not tokens:
            continue
        words = frozenset(tokens)
        similar = by_figures[_claim_figures(tokens)]
        if any(len(words & seen) / len(words | seen) >= _NEAR_DUPLICATE for seen in similar):
            continue
        similar.append(words)
        kept.append(claim)
    return kept


def _name_words(name: str) -> tuple[str, ...]:
    """A person's name as comparable words: case- and accent-folded, without titles or stray dots."""
    folded = unicodedata.normalize("NFKD", _squash(name).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    words = [w.strip(".,'’\"") for w in plain.split()]
    words = [w for w in words if w]
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return tuple(words)


def merge_names(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Map each name to the key of the person it names: a name whose words end a single fuller name joins it.

    "Gerasimov" and "Gen. Gerasimov" join "Valery Gerasimov"; "Trump" stays alone beside "Donald Trump"
    and "Melania Trump", because it could be either.
    """
    keys = {name: _name_words(name) for name in names}
    endings: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for words in set(keys.values()):
        for size in range(1, len(words)):
            endings[words[-size:]].add(words)
    roots: dict[tuple[str, ...], tuple[str, ...]] = {}
    for words in set(keys.values()):
        longer = endings.get(words, set())
        # Only the fullest forms count: "Gerasimov" ends "Valery Gerasimov" and "Gen. Valery Gerasimov" alike.
        fullest = {f for f in longer if not endings.get(f)}
        roots[words] = next(iter(fullest)) if len(fullest) == 1 else words
    return {name: roots[key] for name, key in keys.items()}


def _display(forms: Counter[str]) -> str:
    """The name to show for a person: the fullest form, then the most used, then the one without a title."""
    return max(forms.items(), key=lambda kv: (len(_name_words(kv[0])), kv[1], -len(kv[0]), kv[0]))[0]


def quoted_speakers(quotes: Sequence[Quote]) -> list[tuple[str, str | None, int]]:
    """(name, role, number of quotes) per speaker, surnames merged into full names, most quoted first."""
    attributed = [(name, q) for q in quotes if q.is_statement and (name := _squash(q.speaker))]
    root_of = merge_names(name for name, _ in attributed)
    forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    roles: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    counts: Counter[tuple[str, ...]] = Counter()
    first: dict[tuple[str, ...], int] = {}
    for index, (name, quote) in enumerate(attributed):
        root = root_of[name]
        counts[root] += 1
        forms[root][name] += 1
        first.setdefault(root, index)
        if role := _squash(quote.speaker_role):
            roles[root][role] += 1
    ordered = sorted(counts, key=lambda root: (-counts[root], first[root]))
    return [
        (_display(forms[root]), roles[root].most_common(1)[0][0] if roles[root] else None, counts[root])
        for root in ordered
    ]


def _figure_key(figure: str) -> str | None:
    """How a figure is compared across stories, or None when it is a date or too common to mean anything."""
    text = _squash(figure).casefold()
    if not any(c.isdigit() for c in text) or _MONTHS_DAYS.search(text):
        return None
    if re.fullmatch(r"\d|(1[89]|20)\d\d(s)?", text):
        return None
    return text.replace(" ", "")


def recurring_items(stories: Sequence[DigestStory], min_stories: int = 2) -> list[tuple[str, int]]:
    """Names and figures that appear in at least ``min_stories`` stories, with how many stories, most first."""
    person_names = [e.text for s in stories for e in s.entities if e.label in ("PERSON", "PER")]
    person_names += [name for s in stories for q in s.quotes if (name := _squash(q.speaker))]
    root_of = merge_names(_squash(n) for n in person_names)
    found: dict[str, set[int]] = defaultdict(set)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[str, int] = {}

    def note(key: str, shown: str, index: int) -> None:
        found[key].add(index)
        forms[key][shown] += 1
        first.setdefault(key, len(first))

    for index, story in enumerate(stories):
        for entity in story.entities:
            text = _squash(entity.text)
            if entity.label in ("PERSON", "PER"):
                note("p:" + " ".join(root_of[text]), text, index)
            elif text:
                note(f"e:{text.casefold()}", text, index)
        for quote in story.quotes:
            if speaker := _squash(quote.speaker):
                note("p:" + " ".join(root_of[speaker]), speaker, index)
        for claim in story.claims:
            for figure in claim.numbers:
                if (key := _figure_key(figure)) is not None:
                    note("f:" + key, _squash(figure), index)
    items = [(key, len(indexes)) for key, indexes in found.items() if len(indexes) >= min_stories]
    items.sort(key=lambda kv: (-kv[1], first[kv[0]]))
    return [(_display(forms[key]) if key.startswith("p:") else forms[key].most_common(1)[0][0], n) for key, n in items]


def build_digest(store: Store, channel: str, since: datetime, until: datetime) -> Digest:
    """The digest of what ``channel`` analysed from ``since`` to ``until`` (Slack-agnostic)."""
    since, until = _aware(since), _aware(until)
    stories = unique_stories(store.stories(channel, since, until))
    return Digest(
        channel=channel,
        since=since,
        until=until,
        stories=stories,
        top_claims=top_claims(c for s in stories for c in s.claims),
        speakers=quoted_speakers([q for s in stories for q in s.quotes]),
        recurring=recurring_items(stories),
    )


def post_digest(
    client: WebClient,
    store: Store,
    channel: str,
    since: datetime,
    until: datetime,
    *,
    channel_name: str | None = None,
) -> str:
    """Post ``channel``'s digest of the window to the channel and return the message's ts.

    Posts are spaced per channel across processes (Slack allows about one message a second). Raises
    :class:`DigestUnavailableError` instead of posting when Redis could not be read.
    """
    built = build_digest(store, channel, since, until)
    if not store.available:
        raise DigestUnavailableError("Redis is unreachable, so there is no digest to post. Try again in a minute.")
    return Poster(client, store).post(channel, blocks.digest_message(built, channel_name))


# -- scheduling --------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC (as the store does)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _wall(moment: datetime, zone: ZoneInfo | timezone) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _local_instant(day: date, clock: clock_time, zone: ZoneInfo | timezone) -> datetime:
    """The first instant at which the wall clock in ``zone`` shows ``day`` at ``clock`` or later.

    An ambiguous time (autumn) is its first occurrence; a time skipped by a spring change is the moment
    the clocks jump, the first valid instant after it.
    """
    wanted = datetime.combine(day, clock)
    first = wanted.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    if _wall(first, zone) == wanted:
        return first
    # Skipped: the two readings of the wall time straddle the jump; find it to the second.
    low = int(wanted.replace(tzinfo=zone, fold=1).astimezone(timezone.utc).timestamp())
    high = int(first.timestamp())
    low, high = min(low, high), max(low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, timezone.utc), zone) >= wanted:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, timezone.utc)


def slot_on(schedule: DigestSchedule, day: date) -> datetime | None:
    """The UTC instant of ``schedule``'s digest on local date ``day``, or None (a weekend on weekdays only)."""
    if schedule.weekdays_only and day.weekday() >= 5:
        return None
    clock = datetime.strptime(schedule.time, "%H:%M").time()
    return _local_instant(day, clock, ZoneInfo(schedule.tz))


def _slots_around(schedule: DigestSchedule, moment: datetime, days: range) -> Iterable[datetime]:
    today = moment.astimezone(ZoneInfo(schedule.tz)).date()
    for offset in days:
        slot = slot_on(schedule, today + timedelta(days=offset))
        if slot is not None:
            yield slot


def next_fire(schedule: DigestSchedule, after: datetime) -> datetime:
    """The first slot of ``schedule`` strictly after ``after``, in UTC."""
    after = _aware(after)
    for slot in _slots_around(schedule, after, range(-1, _SEARCH_DAYS + 1)):
        if slot > after:
            return slot
    raise AssertionError("a daily schedule always fires within a week")


def previous_slot(schedule: DigestSchedule, before: datetime) -> datetime | None:
    """The last slot of ``schedule`` strictly before ``before`` (within about a week), in UTC."""
    before = _aware(before)
    for slot in _slots_around(schedule, before, range(1, -_SEARCH_DAYS - 1, -1)):
        if slot < before:
            return slot
    return None


def due_slot(schedule: DigestSchedule, now: datetime) -> datetime | None:
    """The latest slot at or before ``now`` that has not fired yet, or None.

    Only the latest slot counts, so a clock back from downtime posts one digest, not one per missed day.
    A schedule that never fired is due at its latest slot.
    """
    now = _aware(now)
    latest = previous_slot(schedule, now + timedelta(microseconds=1))
    if latest is None:
        return None
    if schedule.last_fired is not None and _aware(schedule.last_fired) >= latest:
        return None
    return latest


def _local_label(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def describe_schedule(schedule: DigestSchedule, now: datetime) -> str:
    """A sentence such as "Daily digest at 17:30 Europe/London on weekdays. Next: Mon 30 Nov 17:30." """
    days = " on weekdays" if schedule.weekdays_only else ""
    due = due_slot(schedule, now)
    upcoming = _local_label(due or next_fire(schedule, now), schedule.tz) + (" (due now)" if due else "")
    return f"Daily digest at {schedule.time} {schedule.tz}{days}. Next: {upcoming}."


_UNSAVED = "Redis is unreachable, so {what}. Try again in a minute."


def handle_digest_command(cmd: DigestCommand, *, store: Store, channel: str, now: datetime) -> str:
    """Carry out a ``schedule``, ``off`` or ``status`` command for ``channel`` and return the reply text.

    ``now`` commands post a digest instead: use :func:`command_window` and :func:`post_digest`.
    """
    now = _aware(now)
    if cmd.action == "schedule":
        if cmd.schedule is None:
            raise ValueError("a schedule command carries its schedule")
        # Fired "now", so a time earlier today waits for tomorrow instead of posting at once.
        schedule = cmd.schedule.model_copy(update={"last_fired": now})
        store.set_schedule(channel, schedule)
        if not store.available:
            return _UNSAVED.format(what="the digest schedule could not be saved")
        return describe_schedule(schedule, now)
    if cmd.action == "off":
        before = store.get_schedule(channel)
        store.delete_schedule(channel)
        if not store.available:
            return _UNSAVED.format(what="the daily digest could not be turned off")
        if before is None:
            return "There was no daily digest in this channel."
        return f"Daily digest turned off (it was at {before.time} {before.tz})."
    if cmd.action == "status":
        current = store.get_schedule(channel)
        if not store.available:
            return _UNSAVED.format(what="the digest schedule could not be read")
        if current is None:
            return (
                "No daily digest in this channel. Set one with "
                "`/nutgraf digest daily 17:30 Europe/London` (add `weekdays` for Monday to Friday)."
            )
        return describe_schedule(current, now)
    raise ValueError("post a 'now' digest with command_window() and post_digest()")


# -- the clock ---------------------------------------------------------------------------------


def _same_settings(a: DigestSchedule, b: DigestSchedule) -> bool:
    return (a.time, a.tz, a.weekdays_only) == (b.time, b.tz, b.weekdays_only)


def _mark_fired(store: Store, channel: str, fired: DigestSchedule, now: datetime) -> None:
    """Record the post in the schedule, unless someone changed or removed the schedule meanwhile."""
    current = store.get_schedule(channel)
    if current is None or not _same_settings(current, fired):
        return
    if current.last_fired is not None and _aware(current.last_fired) >= now:
        return
    store.set_schedule(channel, current.model_copy(update={"last_fired": now}))


def run_clock_once(client: WebClient, store: Store, *, now: datetime, lease_ttl: float | None = 90.0) -> list[str]:
    """Post every digest due at ``now``, each slot exactly once across clocks; returns the posts' ts.

    With ``lease_ttl``, only the clock holding the lease works (the others return []); every slot is
    also claimed in Redis before posting, so even clocks without the lease never post it twice. A
    failed post is retried on the next tick when Slack asked to slow down or could not be reached.
    """
    now = _aware(now)
    if lease_ttl is not None and not store.lease(CLOCK_LEASE, lease_ttl):
        return []
    posted: list[str] = []
    for channel, schedule in sorted(store.schedules().items()):
        slot = due_slot(schedule, now)
        if slot is None:
            continue
        claim = f"digest:{channel}:{slot.isoformat()}"
        if not store.claim(claim, ttl=SLOT_CLAIM_TTL):
            continue
        since = previous_slot(schedule, slot) or slot - timedelta(hours=24)
        try:
            posted.append(post_digest(client, store, channel, since, now))
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                store.release(claim)
                logger.warning("Slack rate-limited the digest for %s; retrying on the next tick.", channel)
                continue
            logger.warning(
                "Could not post the digest for %s (%s); skipping the %s slot.",
                channel,
                exc.response.get("error"),
                slot.isoformat(),
            )
        except DigestUnavailableError:
            store.release(claim)
            logger.warning("Redis went away while building the digest for %s; retrying on the next tick.", channel)
            continue
        except OSError as exc:
            store.release(claim)
            logger.warning("Could not reach Slack to post the digest for %s (%s); retrying.", channel, exc)
            continue
        _mark_fired(store, channel, schedule, now)
    return posted


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def run_clock(
    client: WebClient,
    store: Store,
    *,
    interval: float = 30.0,
    now_fn: Callable[[], datetime] = _utc_now,
    stop: threading.Event,
) -> None:
    """Fire due digests every ``interval`` s until ``stop`` is set (``nutgraf clock``)."""
    lease_ttl = max(3 * interval, 10.0)
    logger.info("Digest clock started (checking every %g s).", interval)
    try:
        while not stop.is_set():
            posted = run_clock_once(client, store, now=now_fn(), lease_ttl=lease_ttl)
            if posted:
                logger.info("Posted %d scheduled digest(s).", len(posted))
            stop.wait(interval)
    finally:
        if isinstance(store, RedisStore):
            store.release_lease(CLOCK_LEASE)
        logger.info("Digest clock stopped.")


def main_clock(settings: Settings) -> int:
    """Run the digest clock until SIGTERM or SIGINT: the ``nutgraf clock`` command."""
    client = web_client(settings)
    store = RedisStore.from_url(settings.redis_url)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        logger.info("Received %s: stopping the digest clock.", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        run_clock(client, store, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()
    return 0
