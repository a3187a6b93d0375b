"""The "Analyse with nutgraf" message shortcut, end to end: the answer goes in the message's thread."""

from __future__ import annotations

import pytest

from tests.conftest import Bot
from tests.handlers.support import (
    CHANNEL,
    all_text,
    assert_block_kit_accepted,
    bot_replies,
    buttons,
    shortcut_payload,
    wait_for_replies,
)

pytestmark = pytest.mark.slow


def test_shortcut_on_a_message_is_acked_before_the_page_is_read_then_replies_in_its_thread(bot: Bot) -> None:
    url = bot.site.url("/held/article.html")
    ts = bot.slack.add_message(CHANNEL, f"Worth a look <{url}>", "U0EDITOR")
    with bot.site.gate as gate:
        response = bot.server.interaction(shortcut_payload(bot.slack.message(CHANNEL, ts)))
        assert response.status_code == 200
        assert gate.served == 0  # acked while the page could not be read: the ack waits for no work
        assert gate.arrived.wait(60)  # the work goes on after the ack
    (reply,) = wait_for_replies(bot, ts)
    assert gate.served == 1
    assert "flood barrier" in all_text(reply)
    assert reply["thread_ts"] == ts
    (post,) = bot.slack.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == ts
    assert "nutgraf_share" in buttons(reply)
    assert assert_block_kit_accepted(bot) >= 2


def test_shortcut_on_a_reply_answers_in_the_same_thread(bot: Bot) -> None:
    url = bot.site.url("/amp/article.html")
    parent = bot.slack.add_message(CHANNEL, "Night buses thread", "U0EDITOR")
    reply_ts = bot.slack.add_message(CHANNEL, f"Here it is <{url}>", "U0REPORTER", thread_ts=parent)
    message = bot.slack.message(CHANNEL, reply_ts)
    assert message["thread_ts"] == parent
    assert bot.server.interaction(shortcut_payload(message)).status_code == 200
    replies = wait_for_replies(bot, parent)
    assert "Night bus" in all_text(replies[-1])
    assert bot.slack.calls_to("chat.postMessage")[0].params["thread_ts"] == parent
    assert_block_kit_accepted(bot)


def test_shortcut_on_a_message_with_nothing_to_read_gets_help_in_the_thread(bot: Bot) -> None:
    ts = bot.slack.add_message(CHANNEL, "lunch?", "U0EDITOR")
    assert bot.server.interaction(shortcut_payload(bot.slack.message(CHANNEL, ts))).status_code == 200
    (reply,) = wait_for_replies(bot, ts)
    assert "/nutgraf" in all_text(reply)
    assert_block_kit_accepted(bot)


def test_shortcut_used_twice_on_one_message_answers_twice_from_cache(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    ts = bot.slack.add_message(CHANNEL, f"<{url}>", "U0EDITOR")
    bot.server.interaction(shortcut_payload(bot.slack.message(CHANNEL, ts)))
    wait_for_replies(bot, ts)
    bot.server.interaction(shortcut_payload(bot.slack.message(CHANNEL, ts)))
    replies = wait_for_replies(bot, ts, count=2)
    assert "cached" in all_text(replies[-1])
    assert bot.site.hits["/article.html"] == 1
    assert len(bot_replies(bot, ts)) == 2
