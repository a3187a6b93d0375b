"""A 🔍 on a message nutgraf already answered points to that answer; a command never echoes markup back."""

from __future__ import annotations

import time

import pytest

from tests.conftest import Bot
from tests.handlers.support import CHANNEL, REPORTER, all_text, mention, wait_for_replies
from tests.slack_api import BOT_USER_ID

pytestmark = pytest.mark.slow


def reaction(ts: str, user: str = "U0EDITOR") -> dict[str, object]:
    item = {"type": "message", "channel": CHANNEL, "ts": ts}
    return {"type": "reaction_added", "user": user, "reaction": "mag", "item": item, "event_ts": f"{time.time():.6f}"}


def test_a_reaction_on_a_message_answered_by_a_mention_points_to_the_answer(bot: Bot) -> None:
    event = mention(bot, f"<@{BOT_USER_ID}> <{bot.site.url('/article.html')}>")
    assert bot.server.event(event).status_code == 200
    (answer,) = wait_for_replies(bot, event["ts"])
    assert "flood barrier" in all_text(answer)

    assert bot.server.event(reaction(event["ts"])).status_code == 200
    (pointer,) = bot.slack.wait_for(lambda: bot.slack.calls_to("chat.postEphemeral"), timeout=30)
    assert pointer.params["user"] == "U0EDITOR"
    assert pointer.params["text"].startswith("I have already analysed this message: <")
    assert "|see my answer>." in pointer.params["text"]
    time.sleep(0.5)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert bot.site.hits["/article.html"] == 1


def test_a_reaction_on_a_message_nobody_asked_about_is_answered(bot: Bot) -> None:
    ts = bot.slack.add_message(CHANNEL, f"Worth a look: <{bot.site.url('/article.html')}>", REPORTER)
    bot.server.event(reaction(ts))
    (answer,) = wait_for_replies(bot, ts)
    assert "flood barrier" in all_text(answer)
    assert not bot.slack.calls_to("chat.postEphemeral")


@pytest.mark.parametrize("typed", ["<!here>", "<!channel> tomorrow", "<@U0BOSS> daily", "&lt;b&gt; & <b>"])
def test_digest_errors_quote_what_was_typed_escaped(bot: Bot, typed: str) -> None:
    reply = bot.server.command(f"digest {typed}", channel=CHANNEL).text
    assert "/nutgraf digest" in reply
    assert "<!" not in reply and "<@" not in reply and "<b>" not in reply
    assert "&lt;" in reply
    assert not bot.slack.calls_to("chat.postMessage")
