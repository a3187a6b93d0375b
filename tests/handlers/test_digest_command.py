"""``/nutgraf digest …`` end to end: settings answered in the ack, a digest posted after it."""

from __future__ import annotations

import pytest

from tests.conftest import Bot
from tests.slack_api import BOT_USER_ID, iter_blocks_text

pytestmark = pytest.mark.slow

CHANNEL = "C0NEWSROOM"


def test_digest_now_lists_what_was_analysed(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    ts = bot.slack.add_message(CHANNEL, f"<@{BOT_USER_ID}> <{url}>", "U0REPORTER")
    bot.server.event({"type": "app_mention", "channel": CHANNEL, "user": "U0REPORTER", "text": f"<{url}>", "ts": ts})
    bot.slack.wait_for(lambda: bot.runtime.store.recent_stories(5), timeout=60)

    response = bot.server.command("digest today", channel=CHANNEL)
    assert response.status_code == 200
    assert "Putting together the digest" in response.text
    digest = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")], timeout=30
    )
    text = " ".join(iter_blocks_text(digest[0].params["blocks"]))
    assert "flood barrier" in text


def test_empty_digest_says_so(bot: Bot) -> None:
    bot.server.command("digest 24h", channel=CHANNEL)
    (call,) = bot.slack.wait_for(lambda: bot.slack.calls_to("chat.postMessage"), timeout=30)
    assert "Nothing analysed" in call.params["text"]


def test_schedule_status_and_off(bot: Bot) -> None:
    reply = bot.server.command("digest daily 17:30 Europe/London weekdays", channel=CHANNEL).text
    assert "17:30" in reply and "Europe/London" in reply
    schedule = bot.runtime.store.get_schedule(CHANNEL)
    assert schedule is not None and schedule.weekdays_only and schedule.tz == "Europe/London"
    assert "17:30" in bot.server.command("digest status", channel=CHANNEL).text
    bot.server.command("digest off", channel=CHANNEL)
    assert bot.runtime.store.get_schedule(CHANNEL) is None


def test_bad_digest_input_explains_usage(bot: Bot) -> None:
    reply = bot.server.command("digest daily 25:99 Mars/Olympus", channel=CHANNEL).text
    assert "/nutgraf digest" in reply
    assert not bot.slack.calls_to("chat.postMessage")
