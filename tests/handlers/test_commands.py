"""``/nutgraf`` through the real HTTP server, signed as Slack signs it, answered through the local Slack."""

from __future__ import annotations

import time

import pytest

from bot.nlp.pipeline import Analyzer
from bot.store import RedisStore
from tests.conftest import Bot, running_bot
from tests.fetch_server import PageServer
from tests.handlers.support import (
    CHANNEL,
    REPORTER,
    all_text,
    assert_block_kit_accepted,
    buttons,
    is_finished,
    wait_for_replies,
)
from tests.redis_server import RedisServer
from tests.slack_api import BOT_USER_ID, SlackEmulator

pytestmark = pytest.mark.slow

TEXT = (
    "The council said on Monday that it would spend $4 million on road repairs this year, "
    "up from $2.5 million, according to the budget papers."
)


def channel_results(bot: Bot, count: int = 1) -> list[dict[str, object]]:
    """The bot's top-level messages in the channel, once ``count`` are finished."""

    def done() -> list[dict[str, object]] | None:
        top = [m for m in bot.slack.messages(CHANNEL) if m.get("user") == BOT_USER_ID and "thread_ts" not in m]
        return top if sum(map(is_finished, top)) >= count else None

    return bot.slack.wait_for(done, timeout=60)


def test_link_is_answered_in_the_channel_after_an_empty_ack_sent_before_the_page_is_read(bot: Bot) -> None:
    with bot.site.gate as gate:
        response = bot.server.command(f"<{bot.site.url('/held/article.html')}>", channel=CHANNEL)
        assert response.status_code == 200
        assert response.text == ""
        assert gate.served == 0  # acked while the page could not be read: the ack waits for no work
        assert gate.arrived.wait(60)  # the work goes on after the ack
    (result,) = channel_results(bot)
    assert gate.served == 1
    text = all_text(result)
    assert "flood barrier" in text and "Key claims" in text and "Quotes" in text
    (post,) = bot.slack.calls_to("chat.postMessage")
    assert "thread_ts" not in post.params
    assert post.params["channel"] == CHANNEL
    assert bot.slack.calls_to("chat.update")
    # Already in the channel: nothing to share, but the lists were cut and it can be re-analysed.
    assert set(buttons(result)) == {"nutgraf_show_all", "nutgraf_reanalyse", "nutgraf_story_menu"}
    assert assert_block_kit_accepted(bot) >= 2


def test_pasted_text_is_analysed(bot: Bot) -> None:
    response = bot.server.command(TEXT, channel=CHANNEL)
    assert response.status_code == 200
    (result,) = channel_results(bot)
    assert "pasted text" in all_text(result)
    assert "$4 million" in all_text(result)
    assert_block_kit_accepted(bot)


@pytest.mark.parametrize("text", ["help", "", "what can you do", "auto sometimes"])
def test_help_and_unknown_input_get_ephemeral_help_in_the_ack(bot: Bot, text: str) -> None:
    response = bot.server.command(text, channel=CHANNEL)
    assert response.status_code == 200
    body = response.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    help_text = all_text(body)
    assert "/nutgraf auto on" in help_text and ":mag:" in help_text
    assert body["blocks"] and isinstance(body["text"], str)
    time.sleep(0.3)
    assert not bot.slack.calls_to("chat.postMessage")
    assert not bot.slack.calls_to("chat.postEphemeral")


def test_help_names_the_configured_reaction(bot: Bot) -> None:
    bot.runtime.settings.trigger_reaction = "eyes"
    body = bot.server.command("help", channel=CHANNEL).json()
    assert ":eyes:" in all_text(body)


def test_auto_on_and_off_persist_in_redis_and_reply(bot: Bot, redis_url: str) -> None:
    elsewhere = RedisStore.from_url(redis_url)
    try:
        response = bot.server.command("auto on", channel=CHANNEL)
        assert response.status_code == 200
        # A plain-text ack is shown to the user alone, as an ephemeral message.
        assert response.text.startswith("Auto-watch is on")
        assert elsewhere.get_auto(CHANNEL) is True
        assert elsewhere.get_auto("C0GENERAL") is False

        response = bot.server.command("AUTO OFF", channel=CHANNEL)
        assert response.text.startswith("Auto-watch is off")
        assert elsewhere.get_auto(CHANNEL) is False
    finally:
        elsewhere.close()
    assert not bot.slack.calls_to("chat.postMessage")


def test_auto_on_then_a_pasted_link_is_answered_in_its_thread(bot: Bot) -> None:
    bot.server.command("auto on", channel=CHANNEL)
    url = bot.site.url("/article.html")
    ts = bot.slack.add_message(CHANNEL, f"Story: <{url}>", REPORTER)
    event = {"type": "message", "channel": CHANNEL, "user": REPORTER, "text": f"Story: <{url}>", "ts": ts}
    assert bot.server.event(event).status_code == 200
    (reply,) = wait_for_replies(bot, ts)
    assert "flood barrier" in all_text(reply)
    assert_block_kit_accepted(bot)


def test_rate_limited_post_is_sent_once_after_retry_after(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    bot.server.command(TEXT, channel=CHANNEL)
    (result,) = channel_results(bot)
    assert "$4 million" in all_text(result)
    limited, sent = bot.slack.calls_to("chat.postMessage")
    assert limited.status == 429 and sent.status == 200
    assert sent.time - limited.time >= 1.0
    time.sleep(0.5)
    bot_messages = [m for m in bot.slack.messages(CHANNEL) if m.get("user") == BOT_USER_ID]
    assert len(bot_messages) == 1
    assert_block_kit_accepted(bot)


def test_the_same_command_delivered_twice_is_answered_once(bot: Bot) -> None:
    """Two deliveries with one trigger_id (a proxy or client retrying the POST) post one answer."""
    from urllib.parse import urlencode

    form = {
        "command": "/nutgraf",
        "text": TEXT,
        "channel_id": CHANNEL,
        "user_id": REPORTER,
        "team_id": "T0NUTGRAF",
        "trigger_id": "123.abc",
        "response_url": "http://127.0.0.1:9/unused",
    }
    for _ in range(2):
        assert bot.server.post(urlencode(form), "application/x-www-form-urlencoded").status_code == 200
    channel_results(bot)
    time.sleep(1)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_auto_on_while_redis_is_down_says_nothing_was_saved(
    slack_api: SlackEmulator, private_redis: RedisServer, analyzer: Analyzer, page_server: PageServer
) -> None:
    with running_bot(slack_api, private_redis.url, analyzer, page_server) as bot:
        private_redis.stop()
        response = bot.server.command("auto on", channel=CHANNEL)
        assert response.status_code == 200
        assert "couldn't save" in response.text and "Redis" in response.text
        private_redis.start()
        assert bot.server.command("auto on", channel=CHANNEL).text.startswith("Auto-watch is on")
        assert bot.runtime.store.get_auto(CHANNEL) is True


def test_channel_nutgraf_is_not_in_answers_through_the_response_url(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    response_url = bot.slack.response_url()
    assert bot.server.command(f"<{url}>", channel="C0OUTSIDE", response_url=response_url).status_code == 200
    (answer,) = bot.slack.wait_for(bot.slack.responses, timeout=30)
    assert answer.params["response_type"] == "ephemeral"
    assert "/invite @nutgraf" in answer.params["text"]
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if c.response and c.response.get("ok")]
