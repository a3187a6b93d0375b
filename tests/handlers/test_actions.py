"""The reply's buttons end to end (Share in channel, All quotes & claims, Re-analyse) and malformed payloads."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.blocks import parse_action_value
from tests.conftest import Bot
from tests.handlers.support import (
    CHANNEL,
    REPORTER,
    all_text,
    assert_block_kit_accepted,
    bot_replies,
    buttons,
    click,
    mention,
    shortcut_payload,
    wait_for_replies,
)
from tests.slack_api import BOT_USER_ID

pytestmark = pytest.mark.slow

NAMES = ["Ann Hale", "Brian Okafor", "Carla Mendes", "David Lin", "Erin Walsh", "Farid Haddad", "Grace Kim"]
NAMES += ["Hugo Brandt", "Ines Varga", "Jonah Pryce"]
TOPICS = ["the barrier", "the budget", "the ferry", "the library", "the roads", "the schools", "the buses"]
TOPICS += ["the harbour", "the pool", "the market"]
#: Ten attributed quotes: more than a reply shows (the summary may hold some), so "All quotes & claims" appears.
MANY_QUOTES = "\n\n".join(
    ["Harbourside council met on Tuesday to debate its spending plans for the coming year."]
    + [
        f'"We will not give up on {topic}, whatever it costs," said {name}, a councillor.'
        for name, topic in zip(NAMES, TOPICS, strict=True)
    ]
)
SHORT = "The council said on Monday that it would spend $4 million on roads."


def ask(bot: Bot, text: str) -> tuple[str, dict[str, Any]]:
    """Mention the bot with ``text``; returns the thread and the finished reply."""
    event = mention(bot, f"<@{BOT_USER_ID}> {text}")
    ts = event["ts"]
    assert bot.server.event(event).status_code == 200
    (reply,) = wait_for_replies(bot, ts)
    return ts, reply


def test_share_in_channel_broadcasts_once_even_if_clicked_twice(bot: Bot) -> None:
    thread, reply = ask(bot, f"<{bot.site.url('/article.html')}>")
    assert click(bot, reply, "nutgraf_share").status_code == 200
    assert click(bot, reply, "nutgraf_share").status_code == 200

    def broadcasts() -> list[Any]:
        return [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("reply_broadcast")]

    (share,) = bot.slack.wait_for(broadcasts, timeout=30)
    assert share.params["thread_ts"] == thread
    time.sleep(1.5)
    assert len(broadcasts()) == 1
    shared = bot.slack.message(CHANNEL, share.response["ts"])  # type: ignore[index]
    assert shared["subtype"] == "thread_broadcast"
    assert "flood barrier" in all_text(shared)
    assert "nutgraf_share" not in buttons(shared)
    assert_block_kit_accepted(bot)


def test_all_quotes_and_claims_lists_every_quote_in_the_thread(bot: Bot) -> None:
    thread, reply = ask(bot, MANY_QUOTES)
    assert "nutgraf_show_all" in buttons(reply)
    quotes = " ".join(all_text(b) for b in reply["blocks"] if str(b.get("block_id", "")).startswith("quotes"))
    assert 0 < sum(f"— *{name}*" in quotes for name in NAMES) < len(NAMES)
    assert click(bot, reply, "nutgraf_show_all").status_code == 200
    replies = wait_for_replies(bot, thread, count=2)
    full = all_text(replies[-1])
    assert "All quotes (10)" in full
    assert all(f"— *{name}*" in full for name in NAMES)
    assert_block_kit_accepted(bot)


def test_short_lists_have_no_all_quotes_button(bot: Bot) -> None:
    _, reply = ask(bot, SHORT)
    assert set(buttons(reply)) == {"nutgraf_share", "nutgraf_reanalyse", "nutgraf_story_menu"}


def test_reanalyse_updates_the_same_message_and_bypasses_the_cache(bot: Bot) -> None:
    thread, reply = ask(bot, f"<{bot.site.url('/article.html')}>")
    assert bot.site.hits["/article.html"] == 1
    updates_before = len(bot.slack.calls_to("chat.update"))
    assert click(bot, reply, "nutgraf_reanalyse").status_code == 200
    bot.slack.wait_for(lambda: bot.site.hits["/article.html"] == 2, timeout=30)

    def updated_twice() -> list[Any] | None:
        updates = [c for c in bot.slack.calls_to("chat.update") if c.params["ts"] == reply["ts"]]
        return updates if len(updates) - updates_before >= 2 else None

    updates = bot.slack.wait_for(updated_twice, timeout=30)
    assert "Reading" in str(updates[-2].params["text"])
    (again,) = bot_replies(bot, thread)
    assert again["ts"] == reply["ts"]
    assert "flood barrier" in all_text(again)
    assert "cached" not in all_text(again)
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert_block_kit_accepted(bot)


def test_reanalyse_fetches_the_stored_url_whole(bot: Bot) -> None:
    # A URL read back as message text would lose its closing parenthesis: "…/wiki/Harbour_(Calloway)".
    path = "/wiki/Harbour_(Calloway)"
    _, reply = ask(bot, f"<{bot.site.url(path)}>")
    assert bot.site.hits[path] == 1
    assert click(bot, reply, "nutgraf_reanalyse").status_code == 200
    bot.slack.wait_for(lambda: bot.site.hits[path] == 2, timeout=30)


def test_reanalyse_of_pasted_text_reads_the_thread_again(bot: Bot) -> None:
    thread, reply = ask(bot, SHORT)
    assert click(bot, reply, "nutgraf_reanalyse").status_code == 200
    bot.slack.wait_for(lambda: len(bot.slack.calls_to("conversations.replies")) >= 1, timeout=30)
    bot.slack.wait_for(
        lambda: len([c for c in bot.slack.calls_to("chat.update") if c.params["ts"] == reply["ts"]]) >= 3, timeout=30
    )
    (again,) = bot_replies(bot, thread)
    assert "$4 million" in all_text(again) and "cached" not in all_text(again)
    assert_block_kit_accepted(bot)


def test_button_of_an_analysis_no_longer_cached_says_so_privately(bot: Bot) -> None:
    _, reply = ask(bot, f"<{bot.site.url('/article.html')}>")
    key = parse_action_value(buttons(reply)["nutgraf_share"]["value"])
    assert key is not None and bot.runtime.store.get_analysis(key) is not None
    bot.runtime.store.forget_analysis([key])  # type: ignore[attr-defined]  # RedisStore, not the Protocol
    assert click(bot, reply, "nutgraf_share").status_code == 200
    bot.slack.wait_for(lambda: bot.slack.ephemerals, timeout=30)
    (note,) = bot.slack.ephemerals
    assert note["to_user"] == REPORTER and "no longer cached" in note["text"]
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("reply_broadcast")]


# -- malformed payloads: refused or ignored, never a crash, never a post ----------------------------------------


def post_form(bot: Bot, form: dict[str, str]) -> Any:
    return bot.server.post(urlencode(form), "application/x-www-form-urlencoded")


MALFORMED_FORMS: list[dict[str, str]] = [
    {"payload": "{not json"},
    {"payload": ""},
    {"payload": "[]"},
    {"payload": "42"},
    {"payload": json.dumps({"type": "block_actions"})},
    {"payload": json.dumps({"type": "block_actions", "actions": []})},
    {"payload": json.dumps({"type": "block_actions", "actions": [7]})},
    {"payload": json.dumps({"type": "block_actions", "actions": "nutgraf_share"})},
    {"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": 7}]})},
    {"payload": json.dumps({"type": "message_action", "callback_id": ["nutgraf_extract"]})},
    {"payload": json.dumps({"type": 7})},
    {"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": "nutgraf_share"}]})},
    {"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": "nutgraf_share", "value": "{}"}]})},
    {"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": "nutgraf_share", "value": 7}]})},
    {"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": "someone_else", "value": "x"}]})},
    {"payload": json.dumps({"type": "message_action", "callback_id": "nutgraf_extract"})},
    {"payload": json.dumps({"type": "message_action", "callback_id": "nutgraf_extract", "message": "text"})},
    {"payload": json.dumps({"type": "view_submission", "view": {}})},
    {"command": "/nutgraf", "text": "auto on"},
    {"command": "/nutgraf", "text": "<http://127.0.0.1:1/x>"},
    {"command": "/other", "text": "help", "channel_id": CHANNEL},
    {"nothing": "here"},
]


@pytest.mark.parametrize("form", MALFORMED_FORMS, ids=lambda f: json.dumps(f)[:60])
def test_malformed_forms_are_refused_or_ignored(bot: Bot, form: dict[str, str]) -> None:
    response = post_form(bot, form)
    assert response.status_code in (200, 400, 404)
    time.sleep(0.5)
    assert not bot.slack.calls_to("chat.postMessage")
    assert not bot.slack.calls_to("chat.update")
    # Still serving: a good request right after is answered.
    ts = bot.slack.add_message(CHANNEL, SHORT, "U0EDITOR")
    assert bot.server.interaction(shortcut_payload(bot.slack.message(CHANNEL, ts))).status_code == 200
    wait_for_replies(bot, ts)


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "actions": [7]},
        {"type": "block_actions", "actions": "nutgraf_share"},
        {"type": "block_actions", "actions": [{"action_id": 7}]},
        {"type": "message_action", "callback_id": ["nutgraf_extract"], "message": {}},
        {"type": 7},
    ],
    ids=lambda p: json.dumps(p)[:60],
)
def test_payloads_of_the_wrong_shape_get_a_400_before_any_listener(bot: Bot, payload: dict[str, Any]) -> None:
    assert post_form(bot, {"payload": json.dumps(payload)}).status_code == 400
    assert [c.method for c in bot.slack.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        json.dumps({"type": "event_callback"}),
        json.dumps({"type": "event_callback", "event": {"type": "app_mention"}}),
        json.dumps({"type": "event_callback", "event": {"type": "reaction_added", "reaction": "mag"}}),
        json.dumps(
            {"type": "event_callback", "event": {"type": "message", "user": "U1", "text": "<http://127.0.0.1:1/x>"}}
        ),
    ],
    ids=lambda b: b[:60],
)
def test_malformed_events_are_refused_or_ignored(bot: Bot, body: str) -> None:
    bot.runtime.store.set_auto(CHANNEL, True)
    response = bot.server.post(body, "application/json")
    assert response.status_code in (200, 400, 404)
    time.sleep(0.5)
    assert not bot.slack.calls_to("chat.postMessage")
    assert bot.server.http.get("/healthz").status_code == 200


def test_reanalyse_of_text_given_to_the_command_keeps_the_result_and_tells_the_user(bot: Bot) -> None:
    bot.server.command(SHORT, channel=CHANNEL)

    def result() -> dict[str, Any] | None:
        top = [m for m in bot.slack.messages(CHANNEL) if m.get("user") == BOT_USER_ID]
        return top[0] if top and "$4 million" in all_text(top[0]) else None

    reply = bot.slack.wait_for(result, timeout=60)
    assert click(bot, reply, "nutgraf_reanalyse").status_code == 200
    bot.slack.wait_for(lambda: bot.slack.ephemerals, timeout=30)
    (note,) = bot.slack.ephemerals
    assert note["to_user"] == REPORTER and "paste it again" in note["text"]
    assert "$4 million" in all_text(bot.slack.message(CHANNEL, reply["ts"]))
