"""Events through the real HTTP server, signed as Slack signs them, answered through the local Slack."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest

from tests.conftest import Bot
from tests.handlers.support import CHANNEL, all_text, bot_replies, is_finished, mention, wait_for_replies
from tests.slack_api import BOT_USER_ID

pytestmark = pytest.mark.slow


def test_url_verification(bot: Bot) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = bot.server.post(body, "application/json")
    assert response.status_code == 200
    assert "abc123" in response.text


def test_mention_with_link_is_acked_before_the_page_is_read_then_answered_in_thread(bot: Bot) -> None:
    url = bot.site.url("/held/article.html")
    event = mention(bot, f"<@{BOT_USER_ID}> what's in <{url}>?")
    with bot.site.gate as gate:
        response = bot.server.event(event)
        assert response.status_code == 200
        assert gate.served == 0  # acked while the page could not be read: the ack waits for no work
        assert gate.arrived.wait(60)  # the work goes on after the ack
        assert not any(map(is_finished, bot_replies(bot, str(event["ts"]))))
    (reply,) = wait_for_replies(bot, str(event["ts"]))
    assert gate.served == 1
    text = all_text(reply)
    assert "flood barrier" in text
    assert "Key claims" in text and "Quotes" in text
    posts = bot.slack.calls_to("chat.postMessage")
    assert len(posts) == 1 and posts[0].params["thread_ts"] == event["ts"]
    assert "Reading" in str(posts[0].params["text"])
    assert bot.slack.calls_to("chat.update")


def test_same_link_twice_comes_from_cache(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    first = mention(bot, f"<@{BOT_USER_ID}> <{url}>")
    bot.server.event(first)
    wait_for_replies(bot, str(first["ts"]))
    second = mention(bot, f"<@{BOT_USER_ID}> again: <{url}>")
    bot.server.event(second)
    (reply,) = wait_for_replies(bot, str(second["ts"]))
    assert "cached" in all_text(reply)
    assert bot.site.hits["/article.html"] == 1


def test_bad_signature_and_stale_timestamp_are_refused(bot: Bot) -> None:
    event = mention(bot, f"<@{BOT_USER_ID}> hello")
    body = json.dumps({"type": "event_callback", "event_id": "Ev1", "event": event})
    assert bot.server.post(body, "application/json", signature="v0=" + "0" * 64).status_code == 401
    assert bot.server.post(body, "application/json", timestamp=int(time.time()) - 600).status_code == 401
    time.sleep(0.5)
    assert not bot.slack.calls_to("chat.postMessage")


def test_concurrent_deliveries_of_one_event_post_once(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    event = mention(bot, f"<@{BOT_USER_ID}> <{url}>")
    headers = [{}, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}, {"X-Slack-Retry-Num": "2"}]
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(bot.server.event, event, event_id="EvSAME", headers=h) for h in headers]
        assert all(f.result().status_code == 200 for f in futures)
    wait_for_replies(bot, str(event["ts"]))
    time.sleep(1)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_retry_whose_first_delivery_never_arrived_is_answered(bot: Bot) -> None:
    event = mention(bot, f"<@{BOT_USER_ID}> The council said on Monday that it would spend $4 million on roads.")
    response = bot.server.event(event, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert response.status_code == 200
    wait_for_replies(bot, str(event["ts"]))


def test_bare_mention_in_thread_analyses_the_parent(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    parent = bot.slack.add_message(CHANNEL, f"Has anyone read <{url}>?", "U0EDITOR")
    event = mention(bot, f"<@{BOT_USER_ID}>", thread_ts=parent)
    bot.server.event(event)
    replies = wait_for_replies(bot, parent)
    assert "flood barrier" in all_text(replies[-1])


def test_three_links_at_most(bot: Bot) -> None:
    site = bot.site
    links = [site.url(p) for p in ("/article.html", "/amp/article.html", "/status/404", "/press-release.txt")]
    event = mention(bot, f"<@{BOT_USER_ID}> " + " ".join(f"<{u}>" for u in links))
    bot.server.event(event)
    replies = wait_for_replies(bot, str(event["ts"]), count=4)
    texts = [all_text(r) for r in replies]
    assert any("404" in t for t in texts)
    assert any("skipped 1 more" in t for t in texts)
    assert site.hits["/press-release.txt"] == 0


def test_dead_link_gets_a_clear_message_in_place(bot: Bot) -> None:
    event = mention(bot, f"<@{BOT_USER_ID}> <{bot.site.url('/status/404')}>")
    bot.server.event(event)
    (reply,) = wait_for_replies(bot, str(event["ts"]))
    assert "404" in all_text(reply)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_private_address_is_refused_politely(bot: Bot) -> None:
    event = mention(bot, f"<@{BOT_USER_ID}> <http://127.0.0.2:1/secret>")
    bot.server.event(event)
    (reply,) = wait_for_replies(bot, str(event["ts"]))
    assert "private network" in all_text(reply)


def test_auto_watch(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    bot.runtime.store.set_auto(CHANNEL, True)
    ts = bot.slack.add_message(CHANNEL, f"New story <{url}>", "U0REPORTER")
    ignored = [
        {
            "type": "message",
            "channel": CHANNEL,
            "user": "U0REPORTER",
            "text": f"<{url}>",
            "ts": "1.1",
            "subtype": "message_changed",
        },
        {
            "type": "message",
            "channel": CHANNEL,
            "text": f"<{url}>",
            "ts": "1.2",
            "bot_id": "B0OTHER",
            "subtype": "bot_message",
        },
        {"type": "message", "channel": CHANNEL, "user": "U0REPORTER", "text": "no links here at all", "ts": "1.3"},
    ]
    for event in ignored:
        bot.server.event(event)
    bot.server.event(
        {
            "type": "message",
            "channel": CHANNEL,
            "user": "U0REPORTER",
            "text": f"New story <{url}>",
            "ts": ts,
            "channel_type": "channel",
        }
    )
    wait_for_replies(bot, ts)
    time.sleep(0.5)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_auto_watch_off_ignores_links(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    ts = bot.slack.add_message(CHANNEL, f"<{url}>", "U0REPORTER")
    bot.server.event({"type": "message", "channel": CHANNEL, "user": "U0REPORTER", "text": f"<{url}>", "ts": ts})
    time.sleep(1)
    assert not bot.slack.calls_to("chat.postMessage")


def test_reaction_trigger(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    ts = bot.slack.add_message(CHANNEL, f"Look at <{url}>", "U0EDITOR")
    event = {
        "type": "reaction_added",
        "user": "U0REPORTER",
        "reaction": "mag",
        "item": {"type": "message", "channel": CHANNEL, "ts": ts},
        "event_ts": "2.0",
    }
    bot.server.event(event)
    bot.server.event({**event, "reaction": "thumbsup"})
    (reply,) = wait_for_replies(bot, ts)
    assert "flood barrier" in all_text(reply)
