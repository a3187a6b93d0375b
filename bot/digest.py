"""Channel digests: what a channel analysed over a window, on demand or on a daily schedule.

A digest is read by an editor, so each story is in it once, however it was analysed: records with the
same canonical URL, or whose texts share a fingerprint (bot.nlp.fingerprint; the story read from its link
and pasted), are one story, merged when recorded and again when the digest is built. It lists those
stories, the most check-worthy claims of different stories (each with its story's link), who was quoted
(named people and organisations with their stories and quotes; unnamed officials grouped; documents,
reports and pronouns left out) and the names found *across stories* (people, organisations and places in
at least two different stories). Other capabilities add sections through :func:`build_digest`'s
``sections`` hook.

Schedules are a local time of day in an IANA zone; :func:`run_clock_once` fires each due slot exactly
once across any number of clock processes (a lease picks the active clock, a per-slot claim guards every
post) and, after downtime, catches up with one digest rather than one per missed slot. A scheduled digest
with nothing new is not posted unless asked (``NUTGRAF_DIGEST_POST_EMPTY``).

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

from bot import blocks, desk, metrics
from bot.errors import InputError, NutgrafError
from bot.links import canonicalize_url
from bot.models import (
    AcrossStoriesItem,
    Claim,
    Digest,
    DigestClaim,
    DigestSchedule,
    DigestSection,
    DigestStory,
    Entity,
    Quote,
    QuotedSpeaker,
    UnnamedSpeakers,
)
from bot.names import display_name, merge_names, name_words
from bot.nlp.entities import ALIASES as ENTITY_ALIASES
from bot.nlp.fingerprint import same_text
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

_CLAIM_WORD = re.compile(r"\w+(?:[.,']\w+)*%?")
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
    billion trillion dozen dozens hundreds thousands millions billions half quarter third""".split()
)
#: Token overlap (Jaccard) above which two claims with the same figures are the same claim.
_NEAR_DUPLICATE = 0.8

AcrossKind = Literal["person", "organisation", "place"]
_PERSON_LABELS = frozenset({"PERSON", "PER"})
#: Entities that can be a quote's speaker: people, organisations, and countries speaking as governments.
_SPEAKER_LABELS = _PERSON_LABELS | {"ORG", "GPE"}
_ENTITY_KINDS: dict[str, AcrossKind] = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}

# -- what a speaker phrase is: a small lexicon of newsroom English -----------------------------------
#: Words before the head of a speaker phrase that say nothing of who spoke.
_DETERMINERS = frozenset(
    """the a an this that these those some several many most few two three four five six seven eight nine ten
    other another its their his her our one both all any each senior top local federal state national""".split()
)
#: Words after which a phrase's head has ended ("officials at the ministry", "a report by the trust").
_HEAD_ENDS = frozenset("at of in for from with by on to who which that close familiar within".split())
#: Speakers that are pronouns: left unresolved by the extractor, they name no one a digest can count.
_PRONOUNS = frozenset(
    """he she they it we i you him her them us me who whom which this that these those one someone somebody
    anyone anybody everyone everybody nobody others another both each all some many most few several
    either neither such""".split()
)
#: Documents, reports and abstractions a story attributes words to: not speakers.
_DOCUMENT_NOUNS = frozenset(
    """report reports statement statements study studies survey surveys poll polls document documents filing
    filings memo memos letter letters analysis analyses data figures figure records record estimate
    estimates research findings finding paper papers article articles story stories release releases notice
    notices website site post posts tweet tweets email emails transcript transcripts minutes agenda plan plans
    proposal proposals budget bill law laws order orders ruling rulings judgment judgement verdict complaint
    complaints lawsuit lawsuits indictment audit audits review reviews assessment assessments forecast
    forecasts projection projections development developments evidence guidance guideline guidelines policy
    policies rule rules regulation regulations contract contracts agreement agreements deal deals
    announcement announcements briefing briefings footage video videos photo photos image images map maps
    chart charts table tables graph graphs model models index indexes indices count counts tally census
    results result documentation dossier dossiers manifesto manifestos warning warnings alert alerts
    message messages note notes presentation presentations slide slides spreadsheet spreadsheets draft drafts
    text texts version versions headline headlines news reporting coverage
    investigation investigations inquiry inquiries probe probes hearing hearings testimony""".split()
)
#: People a story describes without naming them; quotes from them are grouped under the plural.
_PEOPLE_NOUNS = frozenset(
    """official officials spokesperson spokespeople spokesman spokesmen spokeswoman spokeswomen source sources
    aide aides adviser advisers advisor advisors insider insiders expert experts analyst analysts economist
    economists critic critics resident residents witness witnesses observer observers person people man men
    woman women officer officers investigator investigators prosecutor prosecutors lawyer lawyers attorney
    attorneys diplomat diplomats negotiator negotiators representative representatives executive executives
    leader leaders member members staff employee employees worker workers researcher researchers scientist
    scientists doctor doctors nurse nurses teacher teachers student students parent parents campaigner
    campaigners activist activists protester protesters protestor protestors organiser organisers organizer
    organizers volunteer volunteers victim victims survivor survivors relative relatives neighbour neighbours
    neighbor neighbors owner owners manager managers director directors minister ministers mayor governor
    president chairman chairwoman chair councillor councillors councilor councilors lawmaker lawmakers
    legislator legislators senator senators commander commanders soldier soldiers troops police authorities
    users customers passengers fans voters traders investors farmers fishermen fishers skippers opponents
    supporters proponents backers engineers planners councillors landlords tenants shoppers commuters
    islanders locals villagers citizens taxpayers families pupils unions""".split()
)
#: Bodies a story names only by what they are ("the ministry said"); grouped under "the ministry".
_BODY_NOUNS = frozenset(
    """ministry department council authority government agency company firm union court committee board army
    military office administration cabinet commission regulator trust association federation bank
    hospital school university party campaign group coalition""".split()
)
#: One office a story names only by its title ("the mayor said"): grouped under "the mayor".
_OFFICE_NOUNS = frozenset(
    """mayor governor president minister chairman chairwoman chair director manager commander principal
    headteacher chancellor treasurer secretary""".split()
)
_PLURALS = {
    "spokesperson": "spokespeople",
    "spokesman": "spokespeople",
    "spokeswoman": "spokespeople",
    "man": "men",
    "woman": "women",
    "person": "people",
    "fisherman": "fishermen",
    "chairman": "chairs",
    "chairwoman": "chairs",
}
#: Last words of a body's name: a named speaker ending so is an organisation, not a person.
_BODY_WORDS = frozenset(
    """council authority union service board ministry department agency company corporation corp inc ltd llc
    group bank trust association federation water shipping engineers party court police university school
    hospital news times post press commission committee office institute foundation club society network""".split()
)
_UNCOUNTED_PLURALS = frozenset({"police", "staff", "people", "troops", "authorities", "men", "women"})


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


# -- one story, one entry --------------------------------------------------------------------------


def _squash(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _url_identity(url: str) -> str:
    """How a URL names a story: the cache's canonical form, less "www." and a final "/"."""
    parts = urlsplit(canonicalize_url(url))
    return urlunsplit((parts.scheme, parts.netloc.removeprefix("www."), parts.path.rstrip("/"), parts.query, ""))


def _url_identities(story: DigestStory) -> set[str]:
    """The canonical URLs a record names its story by: its key (for a link) and the page it was read from."""
    return {_url_identity(u) for u in (story.key, story.url) if u and u.startswith(("http://", "https://"))}


def same_story(a: DigestStory, b: DigestStory) -> bool:
    """Whether two records are of one story: the same canonical URL, else the same text (small edits aside)."""
    if _url_identities(a) & _url_identities(b):
        return True
    return same_text(a.fingerprint, b.fingerprint)


def merge_records(records: Sequence[DigestStory]) -> DigestStory:
    """One record for a story recorded several times: the latest analysis, under the page's name when known.

    The content (claims, quotes, names) and the thread are the latest record's, so a story counts once
    and a re-analysis refreshes it; a record read from a link lends its key, URL, site and page title to
    a later one made from pasted text.
    """
    ordered = sorted(records, key=lambda s: _aware(s.recorded_at))
    latest = ordered[-1]
    if latest.url:
        return latest
    linked = next((s for s in reversed(ordered) if s.url), None)
    if linked is None:
        return latest
    return latest.model_copy(update={"key": linked.key, "url": linked.url, "site": linked.site, "title": linked.title})


def _clusters(stories: Sequence[DigestStory]) -> list[list[int]]:
    """Indexes of ``stories`` grouped by story (same canonical URL or same text), in order of first record."""
    parent = list(range(len(stories)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[root(j)] = root(i)

    by_url: dict[str, int] = {}
    by_hash: dict[int, list[int]] = defaultdict(list)
    for index, story in enumerate(stories):
        for identity in _url_identities(story):
            if identity in by_url:
                join(by_url[identity], index)
            else:
                by_url[identity] = index
        # Only records sharing a sampled word run can hold the same text: compare those, not every pair.
        candidates = {other for h in story.fingerprint for other in by_hash.get(h, ())}
        for other in sorted(candidates):
            if root(other) != root(index) and same_text(stories[other].fingerprint, story.fingerprint):
                join(other, index)
        for h in story.fingerprint:
            by_hash[h].append(index)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(stories)):
        groups[root(index)].append(index)
    return sorted(groups.values(), key=lambda g: g[0])


def unique_stories(stories: Iterable[DigestStory]) -> list[DigestStory]:
    """One record per story, oldest first: a link pasted twice, or read from its link and pasted, counts once."""
    records = list(stories)
    merged = [merge_records([records[i] for i in group]) for group in _clusters(records)]
    return sorted(merged, key=lambda s: _aware(s.recorded_at))


#: How far back a new record looks for an earlier record of the same story in its channel.
RECORD_LOOKBACK = timedelta(days=7)


def record_story(store: Store, story: DigestStory, retention_days: int) -> DigestStory:
    """Record an analysed story for its channel's digests, merged with earlier records of the same story.

    A story read from its link and then pasted (or re-analysed, or reached through another link to the
    same page) replaces its earlier records instead of adding one. Returns what was recorded.
    """
    since = max(_aware(story.recorded_at) - RECORD_LOOKBACK, _aware(story.recorded_at) - timedelta(days=retention_days))
    earlier = [s for s in store.stories(story.channel, since, _aware(story.recorded_at)) if same_story(s, story)]
    merged = merge_records([*earlier, story]) if earlier else story
    store.record_story(merged, retention_days, replaces=[s.key for s in earlier])
    return merged


# -- top claims --------------------------------------------------------------------------------


def claim_tokens(text: str) -> tuple[str, ...]:
    """A claim's words, case-folded and without punctuation: how duplicates are recognised."""
    return tuple(_CLAIM_WORD.findall(_squash(text).casefold().replace("’", "'")))


def _claim_figures(tokens: Iterable[str]) -> frozenset[str]:
    """The figures a claim states, in digits or words: claims that differ in them are different claims."""
    return frozenset(t for t in tokens if t in _NUMBER_WORDS or any(c.isdigit() for c in t))


def story_link(story: DigestStory) -> str | None:
    """Where a reader finds the whole story: the thread of its analysis, else its page."""
    for candidate in (story.permalink, story.url):
        if candidate and candidate.startswith(("http://", "https://")):
            return candidate
    return None


def top_claims(stories: Sequence[DigestStory], *, distinct_first: int = 3) -> list[DigestClaim]:
    """The window's check-worthy claims, best first, each near-duplicate once (its best), with its story.

    The first ``distinct_first`` come from different stories (while there are stories left), so one long
    story cannot fill the top of the list. Near-duplicates state the same figures and share most words.
    """
    candidates = [(claim, story) for story in stories for claim in story.claims if claim.checkworthy]
    order = {id(claim): index for index, (claim, _) in enumerate(candidates)}
    ranked = sorted(candidates, key=lambda pair: (-pair[0].score, order[id(pair[0])]))
    kept: list[tuple[Claim, DigestStory]] = []
    by_figures: dict[frozenset[str], list[frozenset[str]]] = defaultdict(list)
    for claim, story in ranked:
        tokens = claim_tokens(claim.text)
        if not tokens:
            continue
        words = frozenset(tokens)
        similar = by_figures[_claim_figures(tokens)]
        if any(len(words & seen) / len(words | seen) >= _NEAR_DUPLICATE for seen in similar):
            continue
        similar.append(words)
        kept.append((claim, story))
    first: list[tuple[Claim, DigestStory]] = []
    used: set[int] = set()
    for pair in kept:
        if len(first) < distinct_first and id(pair[1]) not in used:
            first.append(pair)
            used.add(id(pair[1]))
    rest = [pair for pair in kept if all(pair is not chosen for chosen in first)]
    return [
        DigestClaim(claim=claim, story_title=story.title, link=story_link(story)) for claim, story in [*first, *rest]
    ]


# -- most quoted -------------------------------------------------------------------------------


def _head(phrase: str) -> tuple[list[str], str]:
    """A speaker phrase's words (leading determiners dropped) and its head noun, case-folded.

    The head of "the city's two largest unions" is "unions", of "officials at the ministry" "officials".
    """
    words = phrase.strip(" ,;:\"“”‘’'()[]").split()
    while words and words[0].casefold() in _DETERMINERS:
        words = words[1:]
    for index, word in enumerate(words[1:], 1):
        # "officials at the ministry": the head comes before "at"; "Ministry of Defence" is one name.
        proper_of = word == "of" and index + 1 < len(words) and words[index + 1][:1].isupper()
        if word.casefold() in _HEAD_ENDS and not proper_of:
            words = words[:index]
            break
    head = words[-1].casefold().strip(".,;:'’\"“”()") if words else ""
    return words, head.removesuffix("'s").removesuffix("’s")


def _plural(noun: str) -> str:
    if noun in _PLURALS:
        return _PLURALS[noun]
    if noun.endswith(("s", "ff")) or noun in _UNCOUNTED_PLURALS:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


SpeakerKind = Literal["named", "unnamed", "uncounted"]


def classify_speaker(speaker: str | None, entities: Sequence[Entity] = ()) -> tuple[SpeakerKind, str]:
    """Whether a quote's speaker is named, and the name (or, for unnamed people, the group) to count it under.

    Named: a person or organisation among the story's entities (a surname alone names the one person of
    the story who has it), or a phrase ending in a proper name ("Reuters", "the Port Authority"). Unnamed:
    people and bodies the story describes without naming them, grouped by the noun it uses ("officials",
    "the ministry"). Uncounted: documents and reports ("a report", "recent developments"), pronouns the
    extractor left unresolved, and quotes with no speaker.
    """
    phrase = _squash(speaker)
    words, head = _head(phrase)
    if not words or head in _PRONOUNS:
        return "uncounted", ""
    matched = _entity_name(" ".join(words), entities)
    if matched is not None:
        return "named", matched
    if head in _DOCUMENT_NOUNS:
        return "uncounted", ""
    # A lone capitalised plural no entity names ("Opponents", "Harris") may be a common noun opening a
    # sentence or a surname the model missed: never listed as a name, grouped only if the lexicon knows it.
    plural = len(words) == 1 and head.endswith("s") and not head.endswith(("ss", "'s", "’s"))
    generic = head in _PEOPLE_NOUNS or head in _BODY_NOUNS or _singular(head) in _BODY_NOUNS or plural
    capitalised = [w[:1].isupper() for w in words]
    # "Officials" opening a sentence is still generic; "Port Authority" and "Reuters" (an entity) are names.
    if capitalised[-1] and (not generic or (len(words) > 1 and capitalised[-2])):
        return "named", " ".join(words)
    if head in _OFFICE_NOUNS:
        return "unnamed", "the " + head
    if head in _PEOPLE_NOUNS:
        return "unnamed", _plural(head)
    if head in _BODY_NOUNS:
        return "unnamed", "the " + head
    if _singular(head) in _BODY_NOUNS:
        return "unnamed", head
    return "uncounted", ""


def _singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun.removesuffix("s")


def _entity_name(phrase: str, entities: Sequence[Entity]) -> str | None:
    """The name of the story's person or organisation that ``phrase`` names, if any."""
    wanted = name_words(phrase)
    if not wanted:
        return None
    surnames: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        if entity.label not in _SPEAKER_LABELS:
            continue
        if any(name_words(form) == wanted for form in (entity.text, *entity.variants)):
            return entity.text
        if entity.label in _PERSON_LABELS and (words := name_words(entity.text)):
            surnames[words[-1]].add(entity.text)
    if len(wanted) == 1 and len(surnames.get(wanted[0], ())) == 1:
        return next(iter(surnames[wanted[0]]))
    # "the authority", "the weather service": the one body of the story whose name ends with those words.
    if phrase[:1].islower() or (phrase.split()[0].casefold() in _DETERMINERS):
        described = [
            e.text
            for e in entities
            if e.label not in _PERSON_LABELS
            and len(words := name_words(e.text)) > len(wanted)
            and words[-len(wanted) :] == wanted
        ]
        if len(set(described)) == 1:
            return described[0]
    return None


@dataclass
class _Tally:
    forms: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    stories: set[int] = field(default_factory=set)
    quotes: int = 0
    first: int = 0


def quoted_speakers(stories: Sequence[DigestStory]) -> tuple[list[QuotedSpeaker], list[UnnamedSpeakers], int]:
    """Who was quoted in ``stories``: named speakers (most quoted first), unnamed groups, and uncounted quotes.

    A named speaker's surname and titles merge into the full name across stories; each story counts
    once toward "stories". Stance attributions (beliefs, intentions) are not quotes and are skipped.
    """
    named: list[tuple[int, str, Quote]] = []
    unnamed: dict[str, _Tally] = {}
    uncounted = 0
    for index, story in enumerate(stories):
        for quote in story.quotes:
            if not quote.is_statement:  # a belief or intention ascribed to someone, not words they said
                continue
            kind, name = classify_speaker(quote.speaker, story.entities)
            if kind == "named":
                named.append((index, name, quote))
            elif kind == "unnamed":
                tally = unnamed.setdefault(name, _Tally(first=len(unnamed)))
                tally.stories.add(index)
                tally.quotes += 1
            else:
                uncounted += 1
    root_of = merge_names(name for _, name, _ in named)
    tallies: dict[tuple[str, ...], _Tally] = {}
    for index, name, quote in named:
        tally = tallies.setdefault(root_of[name], _Tally(first=len(tallies)))
        tally.forms[name] += 1
        tally.stories.add(index)
        tally.quotes += 1
        if role := _squash(quote.speaker_role):
            tally.roles[role] += 1
    speakers = [
        QuotedSpeaker(
            name=display_name(t.forms),
            role=t.roles.most_common(1)[0][0] if t.roles else None,
            stories=len(t.stories),
            quotes=t.quotes,
        )
        for t in sorted(tallies.values(), key=lambda t: (-t.quotes, -len(t.stories), t.first))
    ]
    groups = [
        UnnamedSpeakers(label=label, stories=len(t.stories), quotes=t.quotes)
        for label, t in sorted(unnamed.items(), key=lambda kv: (-kv[1].quotes, kv[1].first))
    ]
    return speakers, groups, uncounted


# -- across stories ----------------------------------------------------------------------------


def _entity_key(text: str) -> str:
    """How a non-person name is compared across stories: case, dots and spacing aside, spellings of one
    country or body as one ("U.S." is "United States")."""
    key = " ".join(_squash(text).replace(".", "").casefold().split())
    alias = ENTITY_ALIASES.get(key)
    return " ".join(alias.casefold().split()) if alias else key


def across_stories(stories: Sequence[DigestStory], min_stories: int = 2) -> list[AcrossStoriesItem]:
    """Named people, organisations and places found in at least ``min_stories`` different stories.

    Names come from each story's entities and its named speakers. Each appears once, under its fullest
    name: a surname joins the one full name it ends, and spellings of a place or body join ("U.S." and
    "United States", an acronym listed as a variant of its name). Figures are not names: they belong to
    desk memory. Ranked by the number of stories, then by first appearance.
    """
    mentions: list[tuple[int, str, str | None, list[str]]] = []  # story, name, entity label, variants
    for index, story in enumerate(stories):
        for entity in story.entities:
            if entity.label in _ENTITY_KINDS and _squash(entity.text):
                mentions.append((index, _squash(entity.text), entity.label, [_squash(v) for v in entity.variants]))
        for quote in story.quotes:
            if quote.is_statement:
                status, name = classify_speaker(quote.speaker, story.entities)
                if status == "named":
                    mentions.append((index, name, None, []))
    people = {
        form
        for _, name, label, variants in mentions
        if label in _PERSON_LABELS or label is None
        for form in (name, *variants)
        if form
    }
    root_of = merge_names(people)

    def key(name: str, person_like: bool) -> str:
        if person_like and name in root_of:
            return " ".join(root_of[name])
        return _entity_key(name)

    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    keyed = []
    for index, name, label, variants in mentions:
        person_like = label is None or label in _PERSON_LABELS
        node = root(key(name, person_like))
        for variant in variants:
            other = key(variant, person_like)
            # A surname alone could be anyone's: it joins a full name only through merge_names.
            if variant and (not person_like or len(other.split()) > 1):
                parent[root(other)] = node
        keyed.append((index, name, label, node, variants))
    inside_bodies = _names_inside_bodies(mentions)
    found: dict[str, set[int]] = defaultdict(set)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, Counter[AcrossKind]] = defaultdict(Counter)
    first: dict[str, int] = {}
    spellings: dict[str, set[str]] = defaultdict(set)
    for index, name, label, node, variants in keyed:
        top = root(node)
        found[top].add(index)
        forms[top][name] += 1
        spellings[top].update(v for v in variants if v)
        kinds[top][_kind_of(name, label, inside_bodies)] += 1
        first.setdefault(top, len(first))
    items = []
    for top, indexes in found.items():
        if len(indexes) < min_stories:
            continue
        name = display_name(forms[top])
        kind = kinds[top].most_common(1)[0][0]
        variants = sorted((set(forms[top]) | spellings[top]) - {name})
        items.append((first[top], AcrossStoriesItem(name=name, kind=kind, stories=len(indexes), variants=variants)))
    items.sort(key=lambda pair: (-pair[1].stories, pair[0]))
    return [item for _, item in items]


def _names_inside_bodies(mentions: Iterable[tuple[int, str, str | None, list[str]]]) -> set[str]:
    """Folded names that open a longer organisation or place name of the window ("Brennan Bay" in
    "Brennan Bay Transit Authority"): the small model often takes such a place for a person."""
    bodies = [_entity_key(name) for _, name, label, _ in mentions if label is not None and label not in _PERSON_LABELS]
    return {
        words for body in bodies for size in range(1, len(body.split())) if (words := " ".join(body.split()[:size]))
    }


def _kind_of(name: str, label: str | None, inside_bodies: set[str]) -> AcrossKind:
    """What a name is, from its entity label; a named speaker with no entity is a person unless it reads
    like a body ("Northgate Water", "Harbour Workers Union")."""
    if label is not None and label not in _PERSON_LABELS:
        return _ENTITY_KINDS[label]
    if _entity_key(name) in inside_bodies:
        return "place"
    last = name_words(name)[-1:]
    if label is None and (len(name.split()) == 1 or (last and last[0] in _BODY_WORDS)):
        return "organisation"
    return "person"


#: What builds a digest section from the window's stories (a hook for capabilities such as desk memory).
SectionBuilder = Callable[[Sequence[DigestStory]], DigestSection | None]


def build_digest(
    store: Store,
    channel: str,
    since: datetime,
    until: datetime,
    *,
    sections: Sequence[SectionBuilder] = (),
) -> Digest:
    """The digest of what ``channel`` analysed from ``since`` to ``until`` (Slack-agnostic).

    Each builder in ``sections`` adds a section after the digest's own, from the same unique stories.
    """
    since, until = _aware(since), _aware(until)
    stories = unique_stories(store.stories(channel, since, until))
    speakers, unnamed, uncounted = quoted_speakers(stories)
    extra = [section for build in sections if (section := build(stories)) is not None and section.items]
    return Digest(
        channel=channel,
        since=since,
        until=until,
        stories=stories,
        top_claims=top_claims(stories),
        speakers=speakers,
        unnamed=unnamed,
        uncounted_quotes=uncounted,
        across_stories=across_stories(stories),
        sections=extra,
    )


def post_digest(
    client: WebClient,
    store: Store,
    channel: str,
    since: datetime,
    until: datetime,
    *,
    channel_name: str | None = None,
    scheduled: bool = False,
    post_empty: bool = True,
) -> str | None:
    """Post ``channel``'s digest of the window to the channel and return the message's ts.

    An empty window is said in one line, or, with ``post_empty=False`` (a scheduled digest with nothing
    new), not posted at all: then None is returned. Posts are spaced per channel across processes (Slack
    allows about one message a second). Raises :class:`DigestUnavailableError` instead of posting when
    Redis could not be read.
    """
    built = build_digest(store, channel, since, until, sections=desk.digest_sections(store, since, until))
    if not store.available:
        raise DigestUnavailableError("Redis is unreachable, so there is no digest to post. Try again in a minute.")
    if not built.stories and not post_empty:
        logger.info("Nothing new analysed in %s since %s: no digest posted.", channel, since.isoformat())
        return None
    message = blocks.digest_message(built, channel_name, scheduled=scheduled)
    ts = Poster(client, store).post(channel, message)
    metrics.digest_posted()
    return ts


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


def run_clock_once(
    client: WebClient,
    store: Store,
    *,
    now: datetime,
    lease_ttl: float | None = 90.0,
    post_empty: bool = False,
) -> list[str]:
    """Post every digest due at ``now``, each slot exactly once across clocks; returns the posts' ts.

    With ``lease_ttl``, only the clock holding the lease works (the others return []); every slot is
    also claimed in Redis before posting, so even clocks without the lease never post it twice. A
    failed post is retried on the next tick when Slack asked to slow down or could not be reached.
    A slot with nothing new analysed since the last one passes without a post unless ``post_empty``.
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
            ts = post_digest(client, store, channel, since, now, scheduled=True, post_empty=post_empty)
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
        else:
            if ts is not None:
                posted.append(ts)
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
    post_empty: bool = False,
) -> None:
    """Fire due digests every ``interval`` s until ``stop`` is set (``nutgraf clock``)."""
    lease_ttl = max(3 * interval, 10.0)
    logger.info("Digest clock started (checking every %g s).", interval)
    try:
        while not stop.is_set():
            posted = run_clock_once(client, store, now=now_fn(), lease_ttl=lease_ttl, post_empty=post_empty)
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
        run_clock(client, store, stop=stop, post_empty=settings.digest_post_empty)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()
    return 0
