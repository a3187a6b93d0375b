"""Threads end to end: asking again where nutgraf already answered points to the answer, a changed story is
answered afresh, and a thread whose first message cannot be read is told why in one line."""

from __future__ import annotations

import concurrent.futures
import re
import time
from typing import Any

import pytest
import redis

from bot.links import Item, items_in
from bot.service import AnalysisRequest
from tests.conftest import Bot
from tests.handlers.support import (
    CHANNEL,
    REPORTER,
    all_text,
    assert_block_kit_accepted,
    bot_replies,
    is_finished,
    mention,
    wait_for_replies,
)
from tests.slack_api import BOT_USER_ID

pytestmark = [pytest.mark.slow, pytest.mark.redis]

EDITOR = "U0EDITOR"

#: An invented story, pasted as text.
STORY = (
    "Tessaly county will close two of its five libraries in March, the county board decided on Tuesday. "
    "Board chair Amara Quennell said the closures would save 1.2 million dollars a year. "
    '"We have run out of ways to keep every branch open," Quennell said. Residents of the Holm valley, '
    "where the larger of the two branches stands, said they would petition the board to reverse the decision."
)

HELP_CARD = "Ask for an analysis"


def ephemerals(bot: Bot) -> list[dict[str, Any]]:
    """What the bot showed people one by one (chat.postEphemeral calls that Slack accepted)."""
    return [c.params for c in bot.slack.calls_to("chat.postEphemeral") if c.response and c.response.get("ok")]


def pointer_link(note: dict[str, Any]) -> str:
    """The link to the earlier answer in a pointer note."""
    found = re.search(r"<(http[^|>]+)\|see my answer>", all_text(note))
    assert found, all_text(note)
    return found.group(1).replace("&amp;", "&")


def ask_in_thread(bot: Bot, thread_ts: str, text: str = "", *, user: str = REPORTER) -> dict[str, Any]:
    event = mention(bot, f"<@{BOT_USER_ID}> {text}".strip(), thread_ts=thread_ts, user=user)
    assert bot.server.event(event).status_code == 200
    return event


def finished_replies(bot: Bot, thread_ts: str) -> list[dict[str, Any]]:
    return [r for r in bot_replies(bot, thread_ts) if is_finished(r)]


def answered_thread(bot: Bot) -> tuple[str, dict[str, Any]]:
    """A thread whose first message holds a link, answered after a bare mention: (thread ts, the reply)."""
    parent = bot.slack.add_message(CHANNEL, f"Has anyone read <{bot.site.url('/article.html')}>?", EDITOR)
    ask_in_thread(bot, parent)
    (reply,) = wait_for_replies(bot, parent)
    assert "flood barrier" in all_text(reply)
    # the answer is noted for its thread just after it is shown
    bot.slack.wait_for(lambda: bot.runtime.store.thread_answers(CHANNEL, parent), timeout=10)
    return parent, reply


# -- the already-answered thread -----------------------------------------------------------------------------


def test_a_second_mention_in_an_answered_thread_points_to_the_answer(bot: Bot) -> None:
    parent, reply = answered_thread(bot)

    ask_in_thread(bot, parent, user=EDITOR)
    (note,) = bot.slack.wait_for(lambda: ephemerals(bot), timeout=30)
    assert note["user"] == EDITOR and note["channel"] == CHANNEL and note["thread_ts"] == parent
    assert "already analysed this story in this thread" in all_text(note)
    linked = bot.slack.open_permalink(pointer_link(note))
    assert linked is not None and linked["ts"] == reply["ts"]

    # the same link given in the mention itself is the same story too
    ask_in_thread(bot, parent, f"what about <{bot.site.url('/article.html')}>?")
    bot.slack.wait_for(lambda: len(ephemerals(bot)) == 2, timeout=30)
    assert bot.slack.open_permalink(pointer_link(ephemerals(bot)[1]))["ts"] == reply["ts"]  # type: ignore[index]

    time.sleep(0.5)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1  # one full reply, never a second
    assert [r["ts"] for r in bot_replies(bot, parent)] == [reply["ts"]]
    assert bot.site.hits["/article.html"] == 1
    assert assert_block_kit_accepted(bot) >= 3


def test_the_same_text_pasted_again_in_its_thread_points_to_the_answer(bot: Bot) -> None:
    first = mention(bot, f"<@{BOT_USER_ID}> {STORY}")
    bot.server.event(first)
    (reply,) = wait_for_replies(bot, first["ts"])
    assert "Quennell" in all_text(reply)
    bot.slack.wait_for(lambda: bot.runtime.store.thread_answers(CHANNEL, first["ts"]), timeout=10)

    ask_in_thread(bot, first["ts"], STORY)
    (note,) = bot.slack.wait_for(lambda: ephemerals(bot), timeout=30)
    assert bot.slack.open_permalink(pointer_link(note))["ts"] == reply["ts"]  # type: ignore[index]
    time.sleep(0.5)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_the_same_story_by_another_key_with_the_same_analysis_points_to_the_answer(bot: Bot) -> None:
    """A thread answered for a link; the page's text, analysed elsewhere, is pasted there: another cache key and
    story record, but the same analysis (its fingerprint), so the same story."""
    parent, reply = answered_thread(bot)
    store, service = bot.runtime.store, bot.runtime.service
    (thread_answer,) = store.thread_answers(CHANNEL, parent)
    assert thread_answer.ts == reply["ts"] and thread_answer.fingerprint
    text = store.get_story_text(service.asked_keys(Item(url=bot.site.url("/article.html")))[0])
    assert text

    elsewhere = mention(bot, f"<@{BOT_USER_ID}> {text}")
    bot.server.event(elsewhere)
    (other,) = wait_for_replies(bot, elsewhere["ts"])
    (pasted,), _ = items_in(elsewhere["text"], max_links=1)
    record = store.find_story(service.asked_keys(pasted))
    analysis = store.find_analysis(service.asked_keys(pasted))
    assert record is not None and record.id != thread_answer.story
    assert analysis is not None and analysis.fingerprint == thread_answer.fingerprint

    ask_in_thread(bot, parent, text)
    (note,) = bot.slack.wait_for(lambda: ephemerals(bot), timeout=30)
    assert bot.slack.open_permalink(pointer_link(note))["ts"] == reply["ts"]  # type: ignore[index]
    time.sleep(0.5)
    assert [r["ts"] for r in bot_replies(bot, parent)] == [reply["ts"]]
    assert len(bot.slack.calls_to("chat.postMessage")) == 2 and other["ts"] != reply["ts"]


def test_a_changed_story_in_the_same_thread_gets_a_new_full_reply(bot: Bot) -> None:
    parent, reply = answered_thread(bot)

    ask_in_thread(bot, parent, f"and this one <{bot.site.url('/press-release.txt')}>")
    bot.slack.wait_for(lambda: len(finished_replies(bot, parent)) == 2, timeout=60)
    second = finished_replies(bot, parent)[1]
    assert "resurfac" in all_text(second).lower() and "flood barrier" not in all_text(second)
    bot.slack.wait_for(lambda: len(bot.runtime.store.thread_answers(CHANNEL, parent)) == 2, timeout=10)

    # the new story is remembered beside the first: asking for it again is pointed to its own reply
    ask_in_thread(bot, parent, f"<{bot.site.url('/press-release.txt')}>")
    (note,) = bot.slack.wait_for(lambda: ephemerals(bot), timeout=30)
    assert bot.slack.open_permalink(pointer_link(note))["ts"] == second["ts"]  # type: ignore[index]
    time.sleep(0.5)
    assert len(bot.slack.calls_to("chat.postMessage")) == 2
    assert reply["ts"] != second["ts"]


@pytest.mark.parametrize("words", ["re-analyse", "please analyse this again"])
def test_asking_afresh_in_an_answered_thread_gets_a_new_full_reply(bot: Bot, words: str) -> None:
    parent, reply = answered_thread(bot)
    ask_in_thread(bot, parent, words)
    bot.slack.wait_for(lambda: len(finished_replies(bot, parent)) == 2, timeout=60)
    again = finished_replies(bot, parent)[1]
    assert "flood barrier" in all_text(again) and again["ts"] != reply["ts"]
    assert bot.site.hits["/article.html"] == 2  # read afresh, not from the cache
    assert not ephemerals(bot)


def test_an_answer_deleted_since_is_given_again(bot: Bot) -> None:
    parent, reply = answered_thread(bot)
    bot.slack.delete_message(CHANNEL, reply["ts"])
    ask_in_thread(bot, parent)
    (again,) = wait_for_replies(bot, parent)
    assert "flood barrier" in all_text(again) and again["ts"] != reply["ts"]
    assert not ephemerals(bot)
    (thread_answer,) = bot.runtime.store.thread_answers(CHANNEL, parent)
    assert thread_answer.ts == again["ts"]


def test_pointing_is_sent_once_through_slack_retries_and_job_reruns(bot: Bot) -> None:
    parent, _ = answered_thread(bot)
    event = mention(bot, f"<@{BOT_USER_ID}>", thread_ts=parent, user=EDITOR)
    headers = [{}, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}, {"X-Slack-Retry-Num": "2"}]
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(bot.server.event, event, event_id="EvPOINT", headers=h) for h in headers]
        assert all(f.result().status_code == 200 for f in futures)
    bot.slack.wait_for(lambda: ephemerals(bot), timeout=30)

    # the same job run again (a worker that died after posting) does not point twice either
    request = AnalysisRequest(
        key=f"msg:{CHANNEL}:{event['ts']}",
        surface="mention",
        channel=CHANNEL,
        user=EDITOR,
        thread_ts=parent,
        message_ts=parent,
    )
    bot.runtime.service.run(request)
    time.sleep(1)
    assert len(ephemerals(bot)) == 1
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


# -- what is kept, and forgotten ------------------------------------------------------------------------------


def test_forgetting_the_story_forgets_where_it_was_answered(bot: Bot, redis_client: redis.Redis) -> None:
    parent, _ = answered_thread(bot)
    assert list(redis_client.scan_iter(match="nutgraf:th:*"))
    link = bot.site.url("/article.html")
    bot.server.command(f"forget <{link}>", channel=CHANNEL, user=REPORTER, response_url=bot.slack.response_url())
    (said,) = bot.slack.wait_for(bot.slack.responses, timeout=30)
    assert "Forgotten" in all_text(said.params) and "1 thread record" in all_text(said.params)
    assert not [k for k in redis_client.scan_iter(match="nutgraf:th:*") if redis_client.hlen(k)]

    ask_in_thread(bot, parent)  # nothing to point to any more: answered afresh
    bot.slack.wait_for(lambda: [r for r in finished_replies(bot, parent) if "flood barrier" in all_text(r)], timeout=60)
    assert not ephemerals(bot)
    assert len(bot.slack.calls_to("chat.postMessage")) == 2


def test_a_private_channel_keeps_no_thread_answers_so_asking_again_is_answered_again(
    bot: Bot, redis_client: redis.Redis
) -> None:
    assert bot.server.command("private on", channel=CHANNEL).text.startswith("Private mode is on")
    parent = bot.slack.add_message(CHANNEL, STORY, EDITOR)
    ask_in_thread(bot, parent)
    wait_for_replies(bot, parent)
    ask_in_thread(bot, parent)
    bot.slack.wait_for(lambda: len(finished_replies(bot, parent)) == 2, timeout=60)
    assert not list(redis_client.scan_iter(match="nutgraf:th:*"))
    assert not list(redis_client.scan_iter(match="nutgraf:st:*"))
    assert not ephemerals(bot)


# -- the unreadable thread ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("not_in_channel", "Invite me with `/invite @nutgraf`"),
        ("channel_not_found", "Add me with `/invite @nutgraf`"),
        ("missing_scope", "reinstall it with its history scopes"),
        ("thread_not_found", "Mention me with the link or text itself"),
        ("fatal_error", "Slack answered `fatal_error`"),
    ],
)
def test_a_thread_whose_first_message_cannot_be_read_is_told_why_in_one_line(bot: Bot, error: str, advice: str) -> None:
    parent = bot.slack.add_message(CHANNEL, f"Has anyone read <{bot.site.url('/article.html')}>?", EDITOR)
    bot.slack.fail_next("conversations.replies", error=error)
    ask_in_thread(bot, parent)
    (reply,) = wait_for_replies(bot, parent)
    text = all_text(reply)
    assert "I can't read the first message of this thread" in text and advice in text
    assert HELP_CARD not in text
    assert "\n" not in str(reply["text"])
    time.sleep(0.5)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1 and not bot.slack.calls_to("chat.update")
    assert bot.site.hits["/article.html"] == 0
    assert_block_kit_accepted(bot)


def test_a_thread_whose_first_message_was_deleted_is_told_so(bot: Bot) -> None:
    parent = bot.slack.add_message(CHANNEL, f"Has anyone read <{bot.site.url('/article.html')}>?", EDITOR)
    bot.slack.add_message(CHANNEL, "I have, it's long", REPORTER, thread_ts=parent)
    bot.slack.delete_message(CHANNEL, parent)
    assert bot.slack.message(CHANNEL, parent)["subtype"] == "tombstone"
    ask_in_thread(bot, parent)
    (reply,) = wait_for_replies(bot, parent)
    assert "I can't read the first message of this thread: it was deleted." in all_text(reply)
    assert HELP_CARD not in all_text(reply)


def test_a_thread_that_is_gone_is_explained_to_the_asker_alone(bot: Bot) -> None:
    parent = bot.slack.add_message(CHANNEL, "A story worth a look, link to follow", EDITOR)
    asked = mention(bot, f"<@{BOT_USER_ID}>", thread_ts=parent)
    for ts in (asked["ts"], parent):  # the whole thread is gone by the time nutgraf reads it
        bot.slack.delete_message(CHANNEL, ts)
    assert bot.server.event(asked).status_code == 200
    (note,) = bot.slack.wait_for(lambda: ephemerals(bot), timeout=30)
    assert note["user"] == REPORTER and not note.get("thread_ts")
    expected = "I can't read the first message of this thread: it was deleted or is no longer available"
    assert expected in all_text(note)
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if c.response and c.response.get("ok")]


def test_the_explanation_is_posted_once_through_slack_retries(bot: Bot) -> None:
    parent = bot.slack.add_message(CHANNEL, f"<{bot.site.url('/article.html')}>", EDITOR)
    bot.slack.fail_next("conversations.replies", error="missing_scope", times=3)
    event = mention(bot, f"<@{BOT_USER_ID}>", thread_ts=parent)
    for number in range(3):
        headers = {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": "http_timeout"} if number else {}
        assert bot.server.event(event, event_id="EvUNREAD", headers=headers).status_code == 200
    wait_for_replies(bot, parent)
    time.sleep(1)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert len(bot_replies(bot, parent)) == 1


def test_a_reaction_on_a_message_that_cannot_be_read_is_told_why(bot: Bot) -> None:
    ts = bot.slack.add_message(CHANNEL, f"<{bot.site.url('/article.html')}>", EDITOR)
    bot.slack.fail_next("conversations.replies", error="missing_scope")
    item = {"type": "message", "channel": CHANNEL, "ts": ts}
    bot.server.event({"type": "reaction_added", "user": REPORTER, "reaction": "mag", "item": item, "event_ts": "3.0"})
    (reply,) = wait_for_replies(bot, ts)
    assert "I can't read that message" in all_text(reply) and HELP_CARD not in all_text(reply)
