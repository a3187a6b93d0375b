"""Channel digests against a real Redis and the local Slack emulator, with the clock injected."""

from __future__ import annotations

import functools
import os
import signal
import textwrap
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from redis_server import RedisServer, free_port, run_together

from bot import digest
from bot.digest import (
    DigestCommand,
    DigestUnavailableError,
    build_digest,
    classify_speaker,
    command_window,
    due_slot,
    handle_digest_command,
    main_clock,
    next_fire,
    parse_digest_command,
    post_digest,
    previous_slot,
    quoted_speakers,
    record_story,
    run_clock,
    run_clock_once,
    window_bounds,
)
from bot.errors import InputError
from bot.models import (
    AcrossStoriesItem,
    Claim,
    DigestItem,
    DigestSchedule,
    DigestSection,
    DigestStory,
    Entity,
    Quote,
    QuotedSpeaker,
    UnnamedSpeakers,
)
from bot.nlp.fingerprint import fingerprint
from bot.settings import Settings
from bot.store import RedisStore
from tests.slack_api import SlackEmulator, iter_blocks_text

CHANNEL = "C0NEWSROOM"
OTHER = "C0GENERAL"
UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
RETENTION = 30


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def claim(text: str, score: float = 0.5, numbers: tuple[str, ...] = (), checkworthy: bool = True) -> Claim:
    return Claim(text=text, score=score, checkworthy=checkworthy, numbers=list(numbers), start=0, end=len(text))


def quote(content: str, speaker: str | None, role: str | None = None) -> Quote:
    return Quote(content=content, speaker=speaker, speaker_role=role, kind="direct", start=0, end=len(content))


def story(
    key: str,
    title: str,
    at: datetime,
    *,
    channel: str = CHANNEL,
    url: str | None = None,
    claims: list[Claim] | None = None,
    quotes: list[Quote] | None = None,
    entities: list[Entity] | None = None,
    fingerprint: list[int] | None = None,
) -> DigestStory:
    return DigestStory(
        key=key,
        title=title,
        site="example.org",
        url=url,
        permalink=f"https://nutgraf-test.slack.com/archives/{channel}/p{int(at.timestamp())}000100",
        channel=channel,
        thread_ts=f"{int(at.timestamp())}.000100",
        recorded_at=at,
        claims=claims or [],
        quotes=quotes or [],
        entities=entities or [],
        fingerprint=fingerprint or [],
    )


def record(store: RedisStore, *stories: DigestStory) -> None:
    for item in stories:
        store.record_story(item, RETENTION)


def posted_texts(slack: SlackEmulator, channel: str = CHANNEL) -> list[str]:
    """Every posted message's text, blocks included, for asserting on what a reader sees."""
    texts = []
    for message in slack.messages(channel):
        parts = [message.get("text", "")]
        parts += [str(block) for block in message.get("blocks", [])]
        texts.append("\n".join(parts))
    return texts


# -- parse_digest_command ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "window"),
    [("", "24h"), ("  ", "24h"), ("now", "24h"), ("today", "today"), ("TODAY", "today"), ("24h", "24h"),
     ("7d", "7d"), ("7 days", "7d"), ("48 hours", "48h"), ("1w", "1w"), ("30d", "30d")],
)  # fmt: skip
def test_parse_post_now_windows(text: str, window: str) -> None:
    assert parse_digest_command(text) == DigestCommand("now", window=window)


@pytest.mark.parametrize(
    ("text", "time", "tz", "weekdays"),
    [
        ("daily 17:30 Europe/London", "17:30", "Europe/London", False),
        ("daily 17:30 Europe/London weekdays", "17:30", "Europe/London", True),
        ("daily 7:05 america/new_york", "07:05", "America/New_York", False),
        ("DAILY 09:00 UTC weekday", "09:00", "UTC", True),
        ("daily weekdays 18:00 Asia/Kolkata", "18:00", "Asia/Kolkata", True),
        ("every weekday at 8:15 Europe/Berlin", "08:15", "Europe/Berlin", True),
        ("17:30 Europe/London", "17:30", "Europe/London", False),
    ],
)
def test_parse_schedules(text: str, time: str, tz: str, weekdays: bool) -> None:
    cmd = parse_digest_command(text)
    assert cmd.action == "schedule"
    assert cmd.schedule == DigestSchedule(time=time, tz=tz, weekdays_only=weekdays)


@pytest.mark.parametrize(("text", "action"), [("off", "off"), ("OFF", "off"), ("stop", "off"), ("status", "status")])
def test_parse_off_and_status(text: str, action: str) -> None:
    assert parse_digest_command(text).action == action
    assert parse_digest_command(text).schedule is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("yesterday", "I don't understand 'yesterday'"),
        ("daily", "Give one 24-hour time"),
        ("daily 17:30", "Give the time zone"),
        ("daily Europe/London", "Give one 24-hour time"),
        ("daily 17:30 18:30 Europe/London", "Give one 24-hour time"),
        ("daily 25:00 Europe/London", "No such time of day: '25:00'"),
        ("daily 17:75 Europe/London", "No such time of day"),
        ("daily 17:30 Mars/Olympus_Mons", "I don't know the time zone 'Mars/Olympus_Mons'"),
        ("daily 17:30 Europe/London Europe/Paris", "Give the time zone"),
        ("0h", "from 1 hour up to 30 days"),
        ("31d", "from 1 hour up to 30 days"),
        ("off now", "I don't understand 'off now'"),
        ("2 4h", "I don't understand '2 4h'"),
    ],
)
def test_parse_bad_input_says_why_and_how(text: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_digest_command(text)
    assert reason in caught.value.message
    assert "Usage: `/nutgraf digest [today|24h|7d]`" in caught.value.message
    assert caught.value.code == "bad_input"


# -- windows ------------------------------------------------------------------------------------


def test_rolling_windows_end_now() -> None:
    now = utc(2026, 11, 27, 18, 0)
    assert window_bounds("24h", now) == (utc(2026, 11, 26, 18, 0), now)
    assert window_bounds("7d", now) == (utc(2026, 11, 20, 18, 0), now)


@pytest.mark.parametrize(
    ("now", "tz", "since"),
    [
        (utc(2026, 11, 27, 18, 0), None, utc(2026, 11, 27, 0, 0)),
        # Still the 26th in New York (EST, UTC-5).
        (utc(2026, 11, 27, 3, 0), "America/New_York", utc(2026, 11, 26, 5, 0)),
        # The day the clocks go forward: midnight was still GMT.
        (utc(2026, 3, 29, 12, 0), "Europe/London", utc(2026, 3, 29, 0, 0)),
        # The day the clocks go back: midnight was still BST.
        (utc(2026, 10, 25, 12, 0), "Europe/London", utc(2026, 10, 24, 23, 0)),
        (utc(2026, 11, 1, 12, 0), "America/New_York", utc(2026, 11, 1, 4, 0)),
    ],
)
def test_today_starts_at_local_midnight(now: datetime, tz: str | None, since: datetime) -> None:
    assert window_bounds("today", now, tz) == (since, now)


def test_today_follows_the_channel_schedule_zone(redis_store: RedisStore) -> None:
    now = utc(2026, 11, 27, 3, 0)
    cmd = parse_digest_command("today")
    assert command_window(cmd, store=redis_store, channel=CHANNEL, now=now) == (utc(2026, 11, 27, 0, 0), now)
    redis_store.set_schedule(CHANNEL, DigestSchedule(time="17:30", tz="America/New_York"))
    assert command_window(cmd, store=redis_store, channel=CHANNEL, now=now) == (utc(2026, 11, 26, 5, 0), now)
    assert command_window(parse_digest_command("7d"), store=redis_store, channel=CHANNEL, now=now)[0] == utc(
        2026, 11, 20, 3, 0
    )


# -- building a digest --------------------------------------------------------------------------

BUDGET = "The ministry will spend $4.2bn on the harbour over five years"


def newsroom_day(store: RedisStore) -> None:
    """Four stories in the window (one pasted twice), one before it, one in another channel."""
    at = utc(2026, 11, 27, 9, 0)
    record(
        store,
        story(
            "https://example.org/harbour",
            "Harbour plan approved",
            at,
            url="https://example.org/harbour",
            claims=[
                claim(BUDGET, 0.9, ("$4.2bn", "five years", "2024")),
                claim("The plan was first floated on Monday", 0.2, ("Monday",), checkworthy=False),
            ],
            quotes=[
                quote("We will build it", "Valery Gerasimov", "chief of the general staff"),
                quote("It is on time", "Anna Ivanova", "harbour master"),
            ],
            entities=[
                Entity(text="Valery Gerasimov", label="PERSON", count=2),
                Entity(text="NATO", label="ORG", count=1),
            ],
        ),
        story(
            "https://example.org/harbour-costs",
            "Harbour costs questioned",
            at + timedelta(hours=2),
            url="https://example.org/harbour-costs",
            claims=[
                # The same claim in other words and case: merged, the better-scored one kept.
                claim("The ministry will spend $4.2bn on the harbour over five years.", 0.7, ("$4.2bn",)),
                claim("Costs have risen by 12% since 2024", 0.8, ("12%", "2024")),
            ],
            quotes=[quote("Nobody asked us", "Gerasimov"), quote("Unsigned", None)],
            entities=[Entity(text="Gerasimov", label="PERSON", count=1), Entity(text="NATO", label="ORG", count=2)],
        ),
        story(
            "https://example.org/ferry",
            "Ferry strike called off",
            at + timedelta(hours=4),
            url="https://example.org/ferry",
            claims=[claim("The ministry will spend $4.3bn on the harbour over five years", 0.6, ("$4.3bn",))],
            quotes=[quote("Back to work tomorrow", "Gen. Gerasimov"), quote("Good news", "Anna Ivanova")],
            entities=[Entity(text="U.S.", label="GPE", count=1)],
        ),
        # The harbour story pasted again later, filed under another key but with the same canonical URL.
        story(
            "text:5f2c",
            "Harbour plan approved (again)",
            at + timedelta(hours=5),
            url="https://www.example.org/harbour/#comments",
            claims=[claim(BUDGET, 0.9, ("$4.2bn",))],
            quotes=[quote("We will build it", "Valery Gerasimov", "chief of the general staff")],
            entities=[
                Entity(text="Valery Gerasimov", label="PERSON", count=1),
                Entity(text="United States", label="GPE", count=1, variants=["US"]),
            ],
        ),
        story("https://example.org/old", "Yesterday's news", at - timedelta(days=2), url="https://example.org/old"),
        story("https://example.org/elsewhere", "Elsewhere", at, channel=OTHER, url="https://example.org/elsewhere"),
    )


def test_digest_over_stored_analyses(redis_store: RedisStore) -> None:
    newsroom_day(redis_store)
    since, until = utc(2026, 11, 27, 0, 0), utc(2026, 11, 27, 18, 0)
    result = build_digest(redis_store, CHANNEL, since, until)

    assert (result.channel, result.since, result.until) == (CHANNEL, since, until)
    # Oldest first; the repeat replaces the first record of the harbour story instead of adding one.
    assert [s.title for s in result.stories] == [
        "Harbour costs questioned",
        "Ferry strike called off",
        "Harbour plan approved (again)",
    ]
    # Check-worthy claims only, near-duplicates once, each with the thread of its story.
    assert [(c.claim.text, c.claim.score, c.story_title) for c in result.top_claims] == [
        (BUDGET, 0.9, "Harbour plan approved (again)"),
        ("Costs have risen by 12% since 2024", 0.8, "Harbour costs questioned"),
        ("The ministry will spend $4.3bn on the harbour over five years", 0.6, "Ferry strike called off"),
    ]
    assert result.top_claims[0].link == result.stories[2].permalink
    assert result.speakers == [
        QuotedSpeaker(name="Valery Gerasimov", role="chief of the general staff", stories=3, quotes=3),
        QuotedSpeaker(name="Anna Ivanova", stories=1, quotes=1),
    ]
    assert (result.unnamed, result.uncounted_quotes) == ([], 1)
    # NATO and Anna Ivanova appear in one story each now that the first harbour record is replaced;
    # "U.S." and "United States" are one country.
    assert result.across_stories == [
        # Named as a speaker in the ferry story, without an entity there.
        AcrossStoriesItem(name="Valery Gerasimov", kind="person", stories=3, variants=["Gen. Gerasimov", "Gerasimov"]),
        AcrossStoriesItem(name="United States", kind="place", stories=2, variants=["U.S.", "US"]),
    ]


def test_a_story_recorded_twice_counts_once(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    first = story("k1", "One", at, url="https://example.org/a", quotes=[quote("x", "Anna Ivanova", "mayor")])
    record(redis_store, first, first.model_copy(update={"key": "k2", "recorded_at": at + timedelta(minutes=5)}))
    result = build_digest(redis_store, CHANNEL, at - timedelta(hours=1), at + timedelta(hours=1))
    assert len(result.stories) == 1
    assert result.speakers == [QuotedSpeaker(name="Anna Ivanova", role="mayor", stories=1, quotes=1)]
    assert result.across_stories == []


def test_a_surname_shared_by_two_people_is_not_merged(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    record(
        redis_store,
        story("a", "A", at, quotes=[quote("a", "Donald Trump"), quote("b", "Trump"), quote("c", "Melania Trump")]),
        story("b", "B", at, quotes=[quote("d", "Melania Trump"), quote("e", "Mr Trump")]),
    )
    result = build_digest(redis_store, CHANNEL, at, at)
    assert sorted((s.name, s.stories, s.quotes) for s in result.speakers) == [
        ("Donald Trump", 1, 1),
        ("Melania Trump", 2, 2),
        ("Trump", 2, 2),
    ]


def test_claims_with_different_figures_are_never_merged(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    record(
        redis_store,
        story("a", "A", at, claims=[claim("Twelve people died, police said on Tuesday", 0.9, ("12",))]),
        story("b", "B", at, claims=[claim("Thirteen people died, police said on Tuesday", 0.8, ("13",))]),
        story("c", "C", at, claims=[claim("twelve people DIED, police said on Tuesday!", 0.5, ("12",))]),
    )
    result = build_digest(redis_store, CHANNEL, at, at)
    assert [c.claim.score for c in result.top_claims] == [0.9, 0.8]


def test_the_top_three_claims_come_from_three_stories(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    long_story = [
        claim(f"The port will hire {n}00 workers", round(0.95 - n / 100, 2), (f"{n}00",)) for n in range(1, 6)
    ]
    record(
        redis_store,
        story("https://example.org/port", "Port", at, url="https://example.org/port", claims=long_story),
        story("https://example.org/ferry", "Ferry", at, claims=[claim("Fares rise 12%", 0.5, ("12%",))]),
        story("https://example.org/rail", "Rail", at, claims=[claim("Trains cut by a third", 0.4, ("a third",))]),
    )
    result = build_digest(redis_store, CHANNEL, at, at)
    assert [(c.story_title, c.claim.score) for c in result.top_claims] == [
        ("Port", 0.94),
        ("Ferry", 0.5),
        ("Rail", 0.4),
        ("Port", 0.93),
        ("Port", 0.92),
        ("Port", 0.91),
        ("Port", 0.9),
    ]
    assert [c.link for c in result.top_claims[:3]] == [s.permalink for s in result.stories[:3]]


def test_figures_are_not_names_across_stories(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    figures = ("2024", "March 3", "some 3,000", "350 jobs")
    record(redis_store, *(story(k, k, at, claims=[claim(f"Claim {k}", 0.5, figures)]) for k in "ab"))
    assert build_digest(redis_store, CHANNEL, at, at).across_stories == []


def test_window_edges_are_inclusive(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    record(redis_store, story("a", "At the start", at), story("b", "At the end", at + timedelta(hours=1)))
    record(redis_store, story("c", "Just after", at + timedelta(hours=1, seconds=1)))
    titles = [s.title for s in build_digest(redis_store, CHANNEL, at, at + timedelta(hours=1)).stories]
    assert titles == ["At the start", "At the end"]


# -- one story, one entry -----------------------------------------------------------------------

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def fixture_text(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def as_pasted(text: str) -> str:
    """The story as a reporter pastes it: a byline, an advert line, hard wraps and straight quotes."""
    headline, _, body = text.partition("\n\n")
    paragraphs = body.split("\n\n")
    paragraphs.insert(3, "Advertisement")
    wrapped = "\n\n".join(textwrap.fill(p, 68) for p in paragraphs)
    return f"{headline}\nBy Sam Whitaker, Harbour Reporter\n\n{wrapped}".replace("“", '"').replace("”", '"')


def story_of(name: str, at: datetime, *, link: bool, text: str | None = None) -> DigestStory:
    """A record of fixture story ``name`` as the service makes it, read from its link or pasted."""
    body = (text or fixture_text(name)).partition("\n\n")[2]
    url = f"https://news.example/{name.removesuffix('.txt')}" if link else None
    return story(
        url or f"a:test:t:{name}",
        fixture_text(name).partition("\n")[0] if link else f"Pasted {name}",
        at,
        url=url,
        fingerprint=fingerprint(body),
    )


def test_a_story_read_from_its_link_and_then_pasted_is_recorded_once(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    linked = story_of("digest_ferry_fares.txt", at, link=True)
    pasted = story_of(
        "digest_ferry_fares.txt",
        at + timedelta(hours=1),
        link=False,
        text=as_pasted(fixture_text("digest_ferry_fares.txt")),
    )
    other = story_of("digest_port_dredging.txt", at + timedelta(hours=2), link=False)
    for item in (linked, pasted, other):
        record_story(redis_store, item, RETENTION)
    stored = redis_store.stories(CHANNEL, at, at + timedelta(hours=3))
    assert [(s.title, s.url, s.recorded_at) for s in stored] == [
        ("Brennan Bay ferry fares to rise 12 percent as fuel costs bite", linked.url, pasted.recorded_at),
        ("Pasted digest_port_dredging.txt", None, other.recorded_at),
    ]
    # The latest analysis and thread are kept, under the page's key and title.
    assert stored[0].key == linked.key and stored[0].permalink == pasted.permalink
    assert [s.title for s in redis_store.recent_stories(5)] == [s.title for s in reversed(stored)]


def test_a_story_pasted_and_then_linked_is_recorded_once(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    pasted = story_of("digest_water_bills.txt", at, link=False, text=as_pasted(fixture_text("digest_water_bills.txt")))
    linked = story_of("digest_water_bills.txt", at + timedelta(minutes=3), link=True)
    record_story(redis_store, pasted, RETENTION)
    record_story(redis_store, linked, RETENTION)
    [stored] = redis_store.stories(CHANNEL, at, at + timedelta(hours=1))
    assert (stored.key, stored.title) == (linked.key, "Northgate Water to freeze bills for a year after leak inquiry")


def test_stories_about_the_same_people_and_places_stay_apart(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    names = sorted(p.name for p in ARTICLES.glob("digest_*.txt"))
    assert len(names) == 6
    for offset, name in enumerate(names):
        record_story(redis_store, story_of(name, at + timedelta(minutes=offset), link=False), RETENTION)
    assert len(redis_store.stories(CHANNEL, at, at + timedelta(hours=1))) == 6
    assert len(build_digest(redis_store, CHANNEL, at, at + timedelta(hours=1)).stories) == 6


def test_records_that_raced_each_other_are_merged_in_the_digest(redis_store: RedisStore) -> None:
    # Recorded side by side (as two workers would, each before seeing the other): the digest merges them.
    at = utc(2026, 11, 27, 9, 0)
    text = fixture_text("digest_council_budget.txt")
    edited = text.replace("$214 million", "$215 million").replace("7 to 2", "seven to two")
    record(
        redis_store,
        story_of("digest_council_budget.txt", at, link=True),
        story_of("digest_council_budget.txt", at + timedelta(minutes=1), link=False, text=as_pasted(edited)),
    )
    assert len(redis_store.stories(CHANNEL, at, at + timedelta(hours=1))) == 2
    [entry] = build_digest(redis_store, CHANNEL, at, at + timedelta(hours=1)).stories
    assert entry.title == "Brennan Bay council passes $214 million budget after late-night session"


def test_two_links_to_one_page_are_one_story(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    amp = story("https://example.org/harbour", "Harbour", at, url="https://example.org/amp/harbour")
    again = story("https://example.org/harbour", "Harbour", at + timedelta(hours=1), url="https://example.org/harbour")
    record_story(redis_store, amp, RETENTION)
    record_story(redis_store, again, RETENTION)
    assert [s.url for s in redis_store.stories(CHANNEL, at, at + timedelta(hours=2))] == [again.url]


# -- who was quoted -----------------------------------------------------------------------------

WHITCOMBE = Entity(text="Dana Whitcombe", label="PERSON", count=3, variants=["Whitcombe"])
NATO = Entity(text="North Atlantic Treaty Organization", label="ORG", count=2, variants=["NATO"])


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("Whitcombe", ("named", "Dana Whitcombe")),
        ("Ms Whitcombe", ("named", "Dana Whitcombe")),
        ("NATO", ("named", "North Atlantic Treaty Organization")),
        ("Gen. Gerasimov", ("named", "Gen. Gerasimov")),
        ("the Associated Press", ("named", "Associated Press")),
        # A lone capitalised plural that is no entity of the story: a common noun or a missed surname.
        ("Reuters", ("uncounted", "")),
        ("the Port Authority", ("named", "Port Authority")),
        ("The Ministry of Defence", ("named", "Ministry of Defence")),
        ("Officials", ("unnamed", "officials")),
        ("Opponents", ("unnamed", "opponents")),
        ("Harris", ("uncounted", "")),
        ("officials at the ministry", ("unnamed", "officials")),
        ("Pentagon officials", ("unnamed", "officials")),
        ("a spokesperson", ("unnamed", "spokespeople")),
        ("the mayor", ("unnamed", "the mayor")),
        ("the council", ("unnamed", "the council")),
        ("the city's two largest unions", ("unnamed", "unions")),
        ("recent developments", ("uncounted", "")),
        ("Reports", ("uncounted", "")),
        ("a report by the Harbour Trust", ("uncounted", "")),
        ("The figures", ("uncounted", "")),
        ("He", ("uncounted", "")),
        ("they", ("uncounted", "")),
        ("", ("uncounted", "")),
        (None, ("uncounted", "")),
    ],
)
def test_which_speakers_are_named(speaker: str | None, expected: tuple[str, str]) -> None:
    assert classify_speaker(speaker, [WHITCOMBE, NATO]) == expected


def test_most_quoted_counts_named_speakers_and_groups_the_rest(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    record(
        redis_store,
        story(
            "a",
            "A",
            at,
            quotes=[
                quote("We are on time", "Dana Whitcombe", "chief executive"),
                quote("The costs are fine", "Whitcombe"),
                quote("Cuts are coming", "officials"),
                quote("Trade fell", "recent developments"),
                quote("It works", "he"),
            ],
            entities=[WHITCOMBE],
        ),
        story(
            "b",
            "B",
            at + timedelta(minutes=1),
            quotes=[
                quote("No comment", "Ms Whitcombe"),
                quote("Nothing to add", "Officials"),
                quote("Late again", "a spokesperson"),
                quote("Budget holds", "NATO"),
            ],
            entities=[NATO],
        ),
    )
    result = build_digest(redis_store, CHANNEL, at, at + timedelta(minutes=1))
    assert result.speakers == [
        QuotedSpeaker(name="Dana Whitcombe", role="chief executive", stories=2, quotes=3),
        QuotedSpeaker(name="North Atlantic Treaty Organization", stories=1, quotes=1),
    ]
    assert result.unnamed == [
        UnnamedSpeakers(label="officials", stories=2, quotes=2),
        UnnamedSpeakers(label="spokespeople", stories=1, quotes=1),
    ]
    assert result.uncounted_quotes == 2


def test_a_stance_is_not_a_quote() -> None:
    said = quote("We are on time", "Dana Whitcombe", "chief executive")
    # A belief or intention ascribed to someone, which the quote extractor marks with its own kind.
    believes = said.model_copy(update={"content": "the plan will work", "kind": "stance"})
    at = utc(2026, 11, 27, 9, 0)
    speakers, unnamed, uncounted = quoted_speakers([story("a", "A", at, quotes=[said, believes, believes])])
    assert speakers == [QuotedSpeaker(name="Dana Whitcombe", role="chief executive", stories=1, quotes=1)]
    assert (unnamed, uncounted) == ([], 0)


def test_across_stories_merges_name_variants_and_counts_stories_once(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)

    def entities(*items: tuple[str, str] | Entity) -> list[Entity]:
        return [i if isinstance(i, Entity) else Entity(text=i[0], label=i[1], count=1) for i in items]

    record(
        redis_store,
        story(
            "a",
            "A",
            at + timedelta(minutes=0),
            entities=entities(WHITCOMBE, NATO, ("United States", "GPE"), ("Kestrel Island", "LOC")),
        ),
        story(
            "b",
            "B",
            at + timedelta(minutes=1),
            entities=entities(("Whitcombe", "PERSON"), ("NATO", "ORG"), ("U.S.", "GPE")),
        ),
        story(
            "c",
            "C",
            at + timedelta(minutes=2),
            entities=entities(("Dana Whitcombe", "PERSON"), ("Tomas Reyes", "PERSON")),
        ),
        story("d", "D", at + timedelta(minutes=3), entities=entities(("Kestrel Island", "GPE"), ("Reyes", "PERSON"))),
        story("e", "E", at + timedelta(minutes=4), entities=entities(("Marta Lindqvist", "PERSON"), ("Harlow", "GPE"))),
    )
    result = build_digest(redis_store, CHANNEL, at, at + timedelta(hours=1))
    assert [(i.name, i.kind, i.stories) for i in result.across_stories] == [
        ("Dana Whitcombe", "person", 3),
        ("North Atlantic Treaty Organization", "organisation", 2),
        ("United States", "place", 2),
        ("Kestrel Island", "place", 2),
        ("Tomas Reyes", "person", 2),
    ]


def test_a_section_hook_adds_sections_built_from_plain_models(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    record(redis_store, story("a", "A", at), story("b", "B", at))

    def figures(stories: Sequence[DigestStory]) -> DigestSection | None:
        return DigestSection(
            title="Figures that changed",
            items=[DigestItem(text="Ferry fare", detail=f"in {len(stories)} stories")],
        )

    result = build_digest(redis_store, CHANNEL, at, at, sections=[figures, lambda stories: None])
    assert result.sections == [
        DigestSection(title="Figures that changed", items=[DigestItem(text="Ferry fare", detail="in 2 stories")])
    ]


# -- posting ------------------------------------------------------------------------------------


def test_post_digest_to_the_channel(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    newsroom_day(redis_store)
    ts = post_digest(
        slack_api.client(),
        redis_store,
        CHANNEL,
        utc(2026, 11, 27, 0, 0),
        utc(2026, 11, 27, 18, 0),
        channel_name="newsroom",
    )
    [message] = slack_api.messages(CHANNEL)
    assert message["ts"] == ts
    [call] = slack_api.calls_to("chat.postMessage")
    assert call.params["unfurl_links"] is False
    text = posted_texts(slack_api)[0]
    for expected in ("Digest for #newsroom", "Harbour costs questioned", "Ferry strike called off", "Valery Gerasimov"):
        assert expected in text
    assert "Yesterday's news" not in text
    assert "Elsewhere" not in text
    stories = " ".join(
        t for b in message["blocks"] if b["block_id"].startswith("stories-") for t in iter_blocks_text([b])
    )
    assert stories.count("Harbour plan approved") == 1


def test_empty_digest_says_nothing_was_analysed(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    record(redis_store, story("a", "Old", utc(2026, 11, 20, 9, 0)))
    since = utc(2026, 11, 26, 18, 0)
    post_digest(slack_api.client(), redis_store, CHANNEL, since, utc(2026, 11, 27, 18, 0), channel_name="newsroom")
    [message] = slack_api.messages(CHANNEL)
    [line] = message["blocks"]  # one line, no header
    assert line["text"]["text"] == (
        f"Nothing analysed in #newsroom since <!date^{int(since.timestamp())}^{{date_short_pretty}} {{time}}"
        "|2026-11-26 18:00 UTC>."
    )


def test_a_scheduled_digest_with_nothing_new_is_not_posted(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 17, 30))
    record(redis_store, story("a", "Before the last digest", utc(2026, 11, 26, 12, 0)))
    assert run_clock_once(slack_api.client(), redis_store, now=utc(2026, 11, 27, 17, 30)) == []
    assert slack_api.calls_to("chat.postMessage") == []
    saved = redis_store.get_schedule(CHANNEL)
    assert saved is not None and saved.last_fired == utc(2026, 11, 27, 17, 30)  # the slot passed, quietly
    record(redis_store, story("b", "Something new", utc(2026, 11, 28, 9, 0)))
    assert len(run_clock_once(slack_api.client(), redis_store, now=utc(2026, 11, 28, 17, 30))) == 1
    [text] = posted_texts(slack_api)
    assert "Something new" in text and "Before the last digest" not in text


def test_a_setting_posts_nothing_new(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 17, 30))
    assert len(run_clock_once(slack_api.client(), redis_store, now=utc(2026, 11, 27, 17, 30), post_empty=True)) == 1
    [message] = slack_api.messages(CHANNEL)
    [line] = message["blocks"]
    assert line["text"]["text"].startswith("Nothing new analysed in <#C0NEWSROOM> since <!date^")
    assert message["text"] == "Nothing new analysed in this channel in this window."


@pytest.mark.slow
def test_a_digest_too_big_for_one_message_is_cut_within_slack_limits(
    redis_store: RedisStore, slack_api: SlackEmulator
) -> None:
    at = utc(2026, 11, 27, 6, 0)
    long = "A very long headline about the harbour that keeps going and going " * 3
    for i in range(150):
        record(
            redis_store,
            story(
                f"https://example.org/story-{i}",
                f"<&> {i}: {long}",
                at + timedelta(minutes=i),
                url=f"https://example.org/story-{i}",
                claims=[
                    claim(f"Claim {i}.{j} about {100 + i * 10 + j} boats in the harbour", 0.5, (f"{i}.{j}",))
                    for j in range(10)
                ],
                quotes=[quote(f"Quote {i}.{j}", f"Speaker{i} Person{j}", "official") for j in range(10)],
                entities=[Entity(text=f"Org {i % 40}", label="ORG", count=1)],
            ),
        )
    result = build_digest(redis_store, CHANNEL, at, at + timedelta(days=1))
    assert len(result.stories) == 150 and len(result.top_claims) == 1500 and len(result.speakers) == 1500

    ts = post_digest(slack_api.client(), redis_store, CHANNEL, at, at + timedelta(days=1), channel_name="newsroom")

    [call] = slack_api.calls_to("chat.postMessage")
    assert call.response is not None and call.response["ok"] is True
    [message] = slack_api.messages(CHANNEL)
    assert message["ts"] == ts
    assert len(message["blocks"]) <= 50
    text = posted_texts(slack_api)[0]
    assert "more stories" in text and "more claims" in text and "more speakers" in text
    assert "&lt;&amp;&gt;" in text and "<&>" not in text


def test_no_digest_claims_an_empty_window_while_redis_is_down(
    private_redis: RedisServer, slack_api: SlackEmulator
) -> None:
    store = RedisStore.from_url(private_redis.url, timeout=0.2)
    try:
        record(store, story("a", "Stored before the outage", utc(2026, 11, 27, 9, 0)))
        private_redis.stop()
        with pytest.raises(DigestUnavailableError, match="Redis is unreachable"):
            post_digest(slack_api.client(), store, CHANNEL, utc(2026, 11, 27, 0, 0), utc(2026, 11, 27, 18, 0))
    finally:
        store.close()
    assert slack_api.calls_to("chat.postMessage") == []


def test_the_clock_skips_a_digest_when_redis_fails_mid_tick(
    private_redis: RedisServer, slack_api: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = RedisStore.from_url(private_redis.url, timeout=0.2)
    try:
        store.set_schedule(CHANNEL, DigestSchedule(time="17:30", tz="Europe/London", last_fired=utc(2026, 11, 26)))
        record(store, story("a", "Stored before the outage", utc(2026, 11, 27, 9, 0)))
        read_stories = store.stories

        def outage_then_read(*args: Any) -> list[DigestStory]:
            private_redis.stop()
            return read_stories(*args)

        monkeypatch.setattr(store, "stories", outage_then_read)
        assert run_clock_once(slack_api.client(), store, now=utc(2026, 11, 27, 17, 30)) == []
    finally:
        store.close()
    assert slack_api.calls_to("chat.postMessage") == []


# -- schedules ----------------------------------------------------------------------------------


def test_next_fire_on_ordinary_days() -> None:
    schedule = DigestSchedule(time="17:30", tz="Europe/London")
    assert next_fire(schedule, utc(2026, 11, 27, 12, 0)) == utc(2026, 11, 27, 17, 30)
    assert next_fire(schedule, utc(2026, 11, 27, 17, 30)) == utc(2026, 11, 28, 17, 30)
    assert next_fire(schedule, utc(2026, 7, 1, 12, 0)) == utc(2026, 7, 1, 16, 30)  # BST
    # A naive "after" is UTC, and the answer is always aware UTC.
    naive = next_fire(schedule, datetime(2026, 11, 27, 12, 0))
    assert naive == utc(2026, 11, 27, 17, 30) and naive.tzinfo == UTC


def test_weekdays_only_skips_the_weekend() -> None:
    schedule = DigestSchedule(time="17:30", tz="Europe/London", weekdays_only=True)
    friday_evening = utc(2026, 11, 27, 18, 0)
    assert next_fire(schedule, friday_evening) == utc(2026, 11, 30, 17, 30)
    assert previous_slot(schedule, utc(2026, 11, 30, 17, 30)) == utc(2026, 11, 27, 17, 30)
    # In Auckland it is already Saturday when it is Friday evening in London.
    kiwi = DigestSchedule(time="09:00", tz="Pacific/Auckland", weekdays_only=True)
    assert next_fire(kiwi, friday_evening).astimezone(ZoneInfo("Pacific/Auckland")).weekday() == 0


def fires(schedule: DigestSchedule, start: datetime, count: int) -> list[datetime]:
    out, moment = [], start
    for _ in range(count):
        moment = next_fire(schedule, moment)
        out.append(moment)
    return out


@pytest.mark.parametrize(
    ("tz", "start"),
    [
        ("Europe/London", utc(2026, 3, 26, 0, 0)),  # clocks go forward Sunday 29 March
        ("Europe/London", utc(2026, 10, 22, 0, 0)),  # and back Sunday 25 October
        ("America/New_York", utc(2026, 3, 5, 0, 0)),  # forward Sunday 8 March
        ("America/New_York", utc(2026, 10, 29, 0, 0)),  # back Sunday 1 November
    ],
)
def test_local_time_holds_across_dst_changes(tz: str, start: datetime) -> None:
    schedule = DigestSchedule(time="17:30", tz=tz)
    slots = fires(schedule, start, 7)
    local = [s.astimezone(ZoneInfo(tz)) for s in slots]
    assert [(t.hour, t.minute) for t in local] == [(17, 30)] * 7
    assert [t.date() for t in local] == [local[0].date() + timedelta(days=i) for i in range(7)]
    offsets = {s.astimezone(ZoneInfo(tz)).utcoffset() for s in slots}
    assert len(offsets) == 2  # the window really spans the change


def test_london_spring_and_autumn_examples() -> None:
    schedule = DigestSchedule(time="17:30", tz="Europe/London")
    assert fires(schedule, utc(2026, 3, 28, 12, 0), 2) == [utc(2026, 3, 28, 17, 30), utc(2026, 3, 29, 16, 30)]
    assert fires(schedule, utc(2026, 10, 24, 12, 0), 2) == [utc(2026, 10, 24, 16, 30), utc(2026, 10, 25, 17, 30)]


@pytest.mark.parametrize(
    ("time", "tz", "after", "expected", "local"),
    [
        # 01:30 never happens in London on 29 March 2026: clocks jump 01:00 GMT -> 02:00 BST.
        # So the first valid instant is 02:00 BST (01:00 UTC); the next day 01:30 BST is 00:30 UTC.
        ("01:30", "Europe/London", utc(2026, 3, 28, 12, 0), [utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)], "02:00"),
        ("01:00", "Europe/London", utc(2026, 3, 28, 12, 0), [utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 0)], "02:00"),
        # 02:30 never happens in New York on 8 March 2026: 02:00 EST -> 03:00 EDT (07:00 UTC).
        ("02:30", "America/New_York", utc(2026, 3, 7, 12, 0), [utc(2026, 3, 8, 7, 0), utc(2026, 3, 9, 6, 30)], "03:00"),
    ],
)  # fmt: skip
def test_a_time_in_the_spring_gap_fires_at_the_first_valid_instant(
    time: str, tz: str, after: datetime, expected: list[datetime], local: str
) -> None:
    schedule = DigestSchedule(time=time, tz=tz)
    slots = fires(schedule, after, 2)
    assert slots == expected
    assert slots[0].astimezone(ZoneInfo(tz)).strftime("%H:%M") == local
    assert slots[1].astimezone(ZoneInfo(tz)).strftime("%H:%M") == time
    # Once fired, the gap day is not due again later that morning.
    assert due_slot(schedule.model_copy(update={"last_fired": slots[0]}), slots[0] + timedelta(hours=1)) is None


@pytest.mark.parametrize(
    ("tz", "day", "first"),
    [
        # 01:30 happens twice in London on 25 October 2026 (BST, then GMT): fire at the first only.
        ("Europe/London", utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 0, 30)),
        # And twice in New York on 1 November 2026 (EDT, then EST).
        ("America/New_York", utc(2026, 10, 31, 12, 0), utc(2026, 11, 1, 5, 30)),
    ],
)
def test_an_ambiguous_autumn_time_fires_once(tz: str, day: datetime, first: datetime) -> None:
    schedule = DigestSchedule(time="01:30", tz=tz)
    slots = fires(schedule, day, 2)
    assert slots[0] == first
    assert slots[1] - slots[0] == timedelta(hours=25)  # the second 01:30 of that night is skipped
    assert slots[1].astimezone(ZoneInfo(tz)).strftime("%H:%M") == "01:30"
    assert due_slot(schedule.model_copy(update={"last_fired": first}), first + timedelta(hours=1)) is None


def test_due_slot_and_catch_up_after_downtime() -> None:
    schedule = DigestSchedule(time="17:30", tz="Europe/London", last_fired=utc(2026, 11, 26, 17, 30, 5))
    assert due_slot(schedule, utc(2026, 11, 27, 17, 29, 59)) is None
    assert due_slot(schedule, utc(2026, 11, 27, 17, 30)) == utc(2026, 11, 27, 17, 30)
    # Down from Thursday evening to Monday morning: only Sunday's slot is due, not four of them.
    assert due_slot(schedule, utc(2026, 11, 30, 9, 0)) == utc(2026, 11, 29, 17, 30)
    fired = schedule.model_copy(update={"last_fired": utc(2026, 11, 30, 9, 0)})
    assert due_slot(fired, utc(2026, 11, 30, 17, 0)) is None
    assert due_slot(fired, utc(2026, 11, 30, 17, 30)) == utc(2026, 11, 30, 17, 30)
    never = DigestSchedule(time="17:30", tz="Europe/London")
    assert due_slot(never, utc(2026, 11, 30, 9, 0)) == utc(2026, 11, 29, 17, 30)


# -- commands -----------------------------------------------------------------------------------


def test_schedule_status_and_off(redis_store: RedisStore) -> None:
    now = utc(2026, 11, 27, 18, 0)  # Friday, after today's 17:30
    cmd = parse_digest_command("daily 17:30 Europe/London weekdays")
    reply = handle_digest_command(cmd, store=redis_store, channel=CHANNEL, now=now)
    assert reply == "Daily digest at 17:30 Europe/London on weekdays. Next: Mon 30 Nov 17:30."
    saved = redis_store.get_schedule(CHANNEL)
    assert saved is not None and (saved.time, saved.tz, saved.weekdays_only) == ("17:30", "Europe/London", True)
    # Saved after today's slot: it waits for the next one rather than posting at once.
    assert due_slot(saved, now) is None

    status = handle_digest_command(parse_digest_command("status"), store=redis_store, channel=CHANNEL, now=now)
    assert status == reply
    later = utc(2026, 11, 30, 17, 31)
    status = handle_digest_command(parse_digest_command("status"), store=redis_store, channel=CHANNEL, now=later)
    assert status.endswith("Next: Mon 30 Nov 17:30 (due now).")

    off = handle_digest_command(parse_digest_command("off"), store=redis_store, channel=CHANNEL, now=now)
    assert off == "Daily digest turned off (it was at 17:30 Europe/London)."
    assert redis_store.get_schedule(CHANNEL) is None
    again = handle_digest_command(parse_digest_command("off"), store=redis_store, channel=CHANNEL, now=now)
    assert again == "There was no daily digest in this channel."
    status = handle_digest_command(parse_digest_command("status"), store=redis_store, channel=CHANNEL, now=now)
    assert status.startswith("No daily digest in this channel.")


def test_new_york_schedule_reply_uses_local_time(redis_store: RedisStore) -> None:
    cmd = parse_digest_command("daily 08:00 America/New_York")
    reply = handle_digest_command(cmd, store=redis_store, channel=CHANNEL, now=utc(2026, 11, 27, 12, 0))
    # 07:00 in New York: today's 08:00 is still to come.
    assert reply == "Daily digest at 08:00 America/New_York. Next: Fri 27 Nov 08:00."


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("daily 17:30 Europe/London", "Redis is unreachable, so the digest schedule could not be saved."),
        ("off", "Redis is unreachable, so the daily digest could not be turned off."),
        ("status", "Redis is unreachable, so the digest schedule could not be read."),
    ],
)
def test_commands_say_when_redis_is_unreachable(text: str, reply: str) -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2)
    try:
        answer = handle_digest_command(
            parse_digest_command(text), store=store, channel=CHANNEL, now=utc(2026, 11, 27, 18, 0)
        )
    finally:
        store.close()
    assert answer == reply + " Try again in a minute."
    assert store.available is False


def test_now_commands_are_posted_not_handled(redis_store: RedisStore) -> None:
    with pytest.raises(ValueError, match="post_digest"):
        handle_digest_command(DigestCommand("now"), store=redis_store, channel=CHANNEL, now=utc(2026, 11, 27))


# -- the clock ----------------------------------------------------------------------------------


def schedule_at(store: RedisStore, channel: str, last_fired: datetime | None, **kwargs: Any) -> None:
    kwargs.setdefault("time", "17:30")
    kwargs.setdefault("tz", "Europe/London")
    store.set_schedule(channel, DigestSchedule(last_fired=last_fired, **kwargs))


def test_clock_fires_each_slot_once(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    client = slack_api.client()
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 18, 0))
    assert run_clock_once(client, redis_store, now=utc(2026, 11, 27, 17, 29), post_empty=True) == []
    first = run_clock_once(client, redis_store, now=utc(2026, 11, 27, 17, 30, 10), post_empty=True)
    assert len(first) == 1
    assert run_clock_once(client, redis_store, now=utc(2026, 11, 27, 17, 30, 40), post_empty=True) == []
    assert run_clock_once(client, redis_store, now=utc(2026, 11, 27, 23, 0), post_empty=True) == []
    saved = redis_store.get_schedule(CHANNEL)
    assert saved is not None and saved.last_fired == utc(2026, 11, 27, 17, 30, 10)
    second = run_clock_once(client, redis_store, now=utc(2026, 11, 28, 17, 30), post_empty=True)
    assert len(second) == 1
    assert [m["ts"] for m in slack_api.messages(CHANNEL)] == first + second


def test_scheduled_window_runs_from_the_previous_slot(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 27, 17, 30), weekdays_only=True)  # fired on Friday
    record(
        redis_store,
        story("a", "Before Friday's digest", utc(2026, 11, 27, 17, 0)),
        story("b", "Saturday story", utc(2026, 11, 28, 10, 0)),
        story("c", "Monday story", utc(2026, 11, 30, 17, 29)),
    )
    assert len(run_clock_once(slack_api.client(), redis_store, now=utc(2026, 11, 30, 17, 30, 5))) == 1
    [text] = posted_texts(slack_api)
    assert "Saturday story" in text and "Monday story" in text
    assert "Before Friday" not in text


def test_clock_catches_up_once_after_downtime(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    client = slack_api.client()
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 20, 17, 30))
    record(redis_store, story("a", "Sunday story", utc(2026, 11, 29, 12, 0)))
    now = utc(2026, 11, 30, 9, 0)  # a week of missed slots
    assert len(run_clock_once(client, redis_store, now=now, post_empty=True)) == 1
    for minutes in (1, 2, 30, 60 * 8):
        assert run_clock_once(client, redis_store, now=now + timedelta(minutes=minutes), post_empty=True) == []
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    [text] = posted_texts(slack_api)
    assert "Sunday story" in text  # the window starts at the slot before the one caught up


def test_clock_fires_every_due_channel(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 18, 0))
    schedule_at(redis_store, OTHER, utc(2026, 11, 26, 18, 0), time="12:30", tz="America/New_York")
    schedule_at(redis_store, "C0LATER", utc(2026, 11, 27, 0, 0), time="23:00", tz="Europe/London")
    assert len(run_clock_once(slack_api.client(), redis_store, now=utc(2026, 11, 27, 17, 45), post_empty=True)) == 2
    assert len(slack_api.messages(CHANNEL)) == 1
    assert len(slack_api.messages(OTHER)) == 1


@pytest.mark.parametrize("lease_ttl", [None, 90.0], ids=["claims-only", "with-lease"])
def test_two_clocks_post_each_slot_once(
    redis_store: RedisStore, second_store: RedisStore, slack_api: SlackEmulator, lease_ttl: float | None
) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 20, 18, 0))
    stores = [redis_store, second_store]
    clients = [slack_api.client(), slack_api.client()]

    def tick(i: int, now: datetime) -> list[str]:
        return run_clock_once(clients[i], stores[i], now=now, lease_ttl=lease_ttl, post_empty=True)

    for day in range(3):
        results = run_together(2, functools.partial(tick, now=utc(2026, 11, 21 + day, 17, 30, 2)))
        assert sum(len(r) for r in results) == 1, results
    assert len(slack_api.calls_to("chat.postMessage")) == 3
    if lease_ttl is not None:  # one clock held the lease throughout; the other never worked
        assert [len(r) for r in results].count(0) == 1


def test_a_clock_without_the_lease_stands_by(
    redis_store: RedisStore, second_store: RedisStore, slack_api: SlackEmulator
) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 18, 0))
    assert (
        run_clock_once(slack_api.client(), redis_store, now=utc(2026, 11, 27, 17, 0), post_empty=True) == []
    )  # takes the lease
    assert run_clock_once(slack_api.client(), second_store, now=utc(2026, 11, 27, 17, 31), post_empty=True) == []
    redis_store.release_lease(digest.CLOCK_LEASE)
    assert len(run_clock_once(slack_api.client(), second_store, now=utc(2026, 11, 27, 17, 31), post_empty=True)) == 1


def test_rate_limited_post_is_retried_next_tick(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 18, 0))
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1)
    client = slack_api.client()
    assert run_clock_once(client, redis_store, now=utc(2026, 11, 27, 17, 30), post_empty=True) == []
    assert len(run_clock_once(client, redis_store, now=utc(2026, 11, 27, 17, 30, 30), post_empty=True)) == 1
    assert len(slack_api.messages(CHANNEL)) == 1


def test_a_channel_slack_refuses_is_skipped_not_retried(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    schedule_at(redis_store, "C0OUTSIDE", utc(2026, 11, 26, 18, 0))
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 18, 0))
    client = slack_api.client()
    assert len(run_clock_once(client, redis_store, now=utc(2026, 11, 27, 17, 30), post_empty=True)) == 1
    refused = [c for c in slack_api.calls_to("chat.postMessage") if c.params["channel"] == "C0OUTSIDE"]
    assert len(refused) == 1 and refused[0].response is not None
    assert refused[0].response["error"] == "not_in_channel"
    saved = redis_store.get_schedule("C0OUTSIDE")
    assert saved is not None and saved.last_fired == utc(2026, 11, 27, 17, 30)
    redis_store.client.delete(*redis_store.client.keys("nutgraf:once:*"))
    assert run_clock_once(client, redis_store, now=utc(2026, 11, 27, 17, 31), post_empty=True) == []
    assert len(slack_api.calls_to("chat.postMessage")) == 2


def test_a_schedule_changed_while_posting_is_kept(redis_store: RedisStore, slack_api: SlackEmulator) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 18, 0))
    original = digest.post_digest

    def post_and_reschedule(*args: Any, **kwargs: Any) -> str:
        schedule_at(redis_store, CHANNEL, utc(2026, 11, 27, 17, 30), time="09:00")
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(digest, "post_digest", post_and_reschedule)
        assert len(run_clock_once(slack_api.client(), redis_store, now=utc(2026, 11, 27, 17, 31), post_empty=True)) == 1
    saved = redis_store.get_schedule(CHANNEL)
    assert saved == DigestSchedule(time="09:00", tz="Europe/London", last_fired=utc(2026, 11, 27, 17, 30))


def test_run_clock_loops_until_stopped(
    redis_store: RedisStore, second_store: RedisStore, slack_api: SlackEmulator
) -> None:
    schedule_at(redis_store, CHANNEL, utc(2026, 11, 26, 18, 0))
    ticks: list[datetime] = []
    stop = threading.Event()

    def now_fn() -> datetime:
        ticks.append(utc(2026, 11, 27, 17, 29, 50) + timedelta(seconds=10 * len(ticks)))
        if len(ticks) >= 6:
            stop.set()
        return ticks[-1]

    thread = threading.Thread(
        target=run_clock,
        args=(slack_api.client(), redis_store),
        kwargs={"interval": 0.01, "now_fn": now_fn, "stop": stop, "post_empty": True},
    )
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(ticks) == 6
    assert len(slack_api.messages(CHANNEL)) == 1
    assert second_store.lease(digest.CLOCK_LEASE, 5.0)  # released on the way out


def test_main_clock_stops_on_sigterm(
    redis_url: str, redis_store: RedisStore, slack_api: SlackEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(
        slack_bot_token=SecretStr(slack_api.bot_token),
        slack_api_url=slack_api.base_url,
        redis_url=redis_url,
        digest_post_empty=True,
    )
    schedule_at(redis_store, CHANNEL, None)  # never fired: its latest slot is due now
    before = signal.getsignal(signal.SIGTERM)

    def terminate_after_post() -> None:
        slack_api.wait_for(lambda: slack_api.messages(CHANNEL), timeout=20)
        os.kill(os.getpid(), signal.SIGTERM)

    timer = threading.Thread(target=terminate_after_post)
    timer.start()
    assert main_clock(settings) == 0
    timer.join(timeout=5)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_body_named_by_what_it_is_is_the_body_the_story_names() -> None:
    service = Entity(text="National Weather Service", label="ORG", count=2)
    authority = Entity(text="Brennan Bay Transit Authority", label="LOC", count=1)
    assert classify_speaker("The weather service", [service, authority]) == ("named", "National Weather Service")
    assert classify_speaker("the authority", [service, authority]) == ("named", "Brennan Bay Transit Authority")
    assert classify_speaker("the authority", [service]) == ("unnamed", "the authority")


def test_across_stories_reads_names_as_an_editor_would(redis_store: RedisStore) -> None:
    at = utc(2026, 11, 27, 9, 0)
    bay = Entity(text="Brennan Bay", label="PERSON", count=1)  # the small model's reading of a place
    record(
        redis_store,
        story(
            "a",
            "A",
            at,
            quotes=[quote("We sail at dawn", "Mayor Ines Calder")],
            entities=[bay, Entity(text="Brennan Bay Transit Authority", label="ORG", count=1)],
        ),
        story("b", "B", at + timedelta(minutes=1), quotes=[quote("Not yet", "Calder")], entities=[bay]),
    )
    result = build_digest(redis_store, CHANNEL, at, at + timedelta(hours=1))
    assert result.across_stories == [
        AcrossStoriesItem(name="Brennan Bay", kind="place", stories=2),
        AcrossStoriesItem(name="Ines Calder", kind="person", stories=2, variants=["Calder", "Mayor Ines Calder"]),
    ]
    assert result.speakers == [QuotedSpeaker(name="Ines Calder", stories=2, quotes=2)]
