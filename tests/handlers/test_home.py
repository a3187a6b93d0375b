"""App Home: opening the tab publishes a view with what nutgraf analysed recently."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import Bot
from tests.handlers.support import (
    CHANNEL,
    REPORTER,
    all_text,
    assert_block_kit_accepted,
    mention,
    wait_for_replies,
)
from tests.slack_api import BOT_USER_ID

pytestmark = pytest.mark.slow


def open_home(bot: Bot, user: str = REPORTER, tab: str = "home") -> dict[str, Any]:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0REPORTER",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    assert bot.server.event(event).status_code == 200
    return event


def published(bot: Bot, user: str = REPORTER) -> dict[str, Any]:
    return bot.slack.wait_for(lambda: bot.slack.views.get(user), timeout=10)


def test_home_before_any_analysis_says_so(bot: Bot) -> None:
    open_home(bot)
    view = published(bot)
    assert view["type"] == "home"
    assert "Nothing analysed yet" in all_text(view)
    assert "/nutgraf help" in all_text(view)
    assert_block_kit_accepted(bot)


def test_home_lists_recent_stories_with_links_to_their_threads(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    event = mention(bot, f"<@{BOT_USER_ID}> <{url}>")
    ts = event["ts"]
    bot.server.event(event)
    wait_for_replies(bot, ts)
    # filed in the channel's memory with who asked, after the reply is posted
    bot.slack.wait_for(lambda: bot.runtime.service.desk.recent_stories(REPORTER), timeout=10)

    open_home(bot)
    text = all_text(published(bot))
    assert "Recent analyses" in text
    assert "flood barrier" in text
    assert f"/archives/{CHANNEL}/p{ts.replace('.', '')}" in text
    assert f"<#{CHANNEL}>" in text
    assert_block_kit_accepted(bot)

    # Someone who never asked nutgraf in that channel does not see what it analysed there: it may be a
    # private Slack channel.
    open_home(bot, user="U0EDITOR")
    outsider = all_text(published(bot, "U0EDITOR"))
    assert "Nothing analysed yet" in outsider and "flood barrier" not in outsider


def test_home_is_published_for_whoever_opens_it_and_not_for_the_messages_tab(bot: Bot) -> None:
    open_home(bot, tab="messages")
    time.sleep(0.5)
    assert not bot.slack.calls_to("views.publish")
    open_home(bot, user="U0EDITOR")
    published(bot, "U0EDITOR")
    (call,) = bot.slack.calls_to("views.publish")
    assert call.params["user_id"] == "U0EDITOR"
