"""The desk: desk memory wired to Slack (permalinks, who asked where), the privacy switch, and the digest's
*Figures that changed*, against the real Redis and the local Slack."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.command import Command, route
from bot.desk import Desk, digest_sections
from bot.digest import build_digest, post_digest
from bot.models import Analysis, Article, DigestStory, Source
from bot.nlp.pipeline import Analyzer
from bot.store import RedisStore
from tests.slack_api import SlackEmulator, iter_blocks_text
from tests.test_memory import FIRST, SECOND, UNRELATED

CHANNEL = "C0NEWSROOM"


@pytest.fixture(scope="module")
def stories(analyzer: Analyzer) -> dict[str, Analysis]:
    def analyse(text: str, published: str) -> Analysis:
        return analyzer.analyze(Article(text=text, source=Source(kind="text", published=published)))

    return {
        "first": analyse(FIRST, "2026-11-10"),
        "second": analyse(SECOND, "2026-11-12"),
        "unrelated": analyse(UNRELATED, "2026-11-12"),
    }


@pytest.fixture
def the_desk(redis_store: RedisStore, slack_api: SlackEmulator) -> Desk:
    return Desk(redis_store, slack_api.client(), retention_days=30)


def answer(the_desk: Desk, slack_api: SlackEmulator, analysis: Analysis, key: str, channel: str = CHANNEL) -> str:
    """Recall, "post" the reply in a thread of ``channel``, remember: as the service does. Returns the thread."""
    consultation = the_desk.recall(analysis, channel=channel, key=key)
    thread = slack_api.add_message(channel, "a story", "U0REPORTER")
    the_desk.remember(consultation, thread_ts=thread, user="U0REPORTER")
    return thread


def test_a_remembered_story_links_to_its_thread(
    the_desk: Desk, slack_api: SlackEmulator, stories: dict[str, Analysis]
) -> None:
    thread = answer(the_desk, slack_api, stories["first"], "first")
    found = the_desk.recall(stories["second"], channel=CHANNEL, key="second").found
    (note,) = [n for n in found.notes if n.kind == "figure_differs"]
    assert note.story is not None and note.story.thread_ts == thread
    assert note.story.permalink is not None
    message = slack_api.open_permalink(note.story.permalink)
    assert message is not None and message["ts"] == thread
    assert the_desk.memory is not None and the_desk.memory.asked_channels("U0REPORTER") == [CHANNEL]


def test_a_thread_without_a_permalink_is_remembered_without_one(
    the_desk: Desk, slack_api: SlackEmulator, stories: dict[str, Analysis]
) -> None:
    consultation = the_desk.recall(stories["first"], channel=CHANNEL, key="first")
    the_desk.remember(consultation, thread_ts="1.000001")  # no such message: chat.getPermalink fails
    found = the_desk.recall(stories["second"], channel=CHANNEL, key="second").found
    refs = [n.story for n in found.notes if n.story is not None]
    assert refs and all(r.permalink is None and r.thread_ts == "1.000001" for r in refs)


def test_a_channel_that_may_not_be_remembered_keeps_nothing(
    the_desk: Desk,
    slack_api: SlackEmulator,
    redis_store: RedisStore,
    stories: dict[str, Analysis],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer(the_desk, slack_api, stories["first"], "first")
    answer(the_desk, slack_api, stories["second"], "second")
    assert the_desk.home_conflicts("U0REPORTER")
    redis_store.set_private(CHANNEL, True)
    assert the_desk.home_conflicts("U0REPORTER") == []
    before = sorted(redis_store.client.keys("*"))
    answer(the_desk, slack_api, stories["unrelated"], "unrelated")
    assert the_desk.search(CHANNEL, "westbrook", user="U0EDITOR").hits == []
    assert sorted(redis_store.client.keys("*")) == before  # nothing written, not even who asked
    story = DigestStory(key="second", title="t", channel=CHANNEL, recorded_at=datetime.now(timezone.utc))
    now = datetime.now(timezone.utc)
    assert [build([story]) for build in digest_sections(redis_store, now - timedelta(hours=1), now)] == [None]


def test_home_shows_each_conflict_once_newest_first(
    the_desk: Desk, slack_api: SlackEmulator, stories: dict[str, Analysis]
) -> None:
    for channel in ("C0GENERAL", CHANNEL):
        answer(the_desk, slack_api, stories["first"], "first", channel)
        answer(the_desk, slack_api, stories["second"], "second", channel)
    answer(the_desk, slack_api, stories["first"], "first", CHANNEL)  # asked again: the same conflict, both ways
    notes = the_desk.home_conflicts("U0REPORTER")
    assert [n.found_in.channel for n in notes if n.found_in is not None] == [CHANNEL, "C0GENERAL"]
    assert the_desk.home_conflicts("U0EDITOR") == []


def test_the_digest_lists_the_figures_that_changed_in_its_window(
    the_desk: Desk, slack_api: SlackEmulator, redis_store: RedisStore, stories: dict[str, Analysis]
) -> None:
    start = datetime.now(timezone.utc) - timedelta(minutes=1)
    for name in ("first", "second", "unrelated"):
        thread = answer(the_desk, slack_api, stories[name], name)
        record = DigestStory(
            key=name,
            title=stories[name].headline,
            channel=CHANNEL,
            thread_ts=thread,
            recorded_at=datetime.now(timezone.utc),
        )
        redis_store.record_story(record, 30)
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    built = build_digest(redis_store, CHANNEL, start, end, sections=digest_sections(redis_store, start, end))
    (section,) = built.sections
    (item,) = section.items
    assert section.title == "Figures that changed"
    assert item.text == "Calloway Port Authority: jobs cut, 1,200 → 1,450"
    assert item.detail == "1,200 in “Port of Calloway to cut jobs” (10 Nov), 1,450 in “Calloway port job losses grow”"
    assert item.link is not None and item.link.startswith(f"{slack_api.root_url}/archives/{CHANNEL}/p")
    later = build_digest(
        redis_store,
        CHANNEL,
        end,
        end + timedelta(hours=1),
        sections=digest_sections(redis_store, end, end + timedelta(hours=1)),
    )
    assert later.sections == []

    post_digest(slack_api.client(), redis_store, CHANNEL, start, end)
    (call,) = slack_api.calls_to("chat.postMessage")
    text = "\n".join(iter_blocks_text(call.params["blocks"]))
    assert "*Figures that changed*\n• *<" in text and "|Calloway Port Authority: jobs cut, 1,200 → 1,450>*" in text


def test_the_command_routes_memory() -> None:
    assert route("memory calloway jobs") == Command("memory", "calloway jobs")
    assert route("Memory") == Command("memory", "")
