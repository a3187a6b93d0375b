"""Helpers for end-to-end tests: interaction payloads as Slack builds them, waiting for replies, Block Kit checks."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from tests.conftest import Bot
from tests.slack_api import BOT_USER_ID, MAX_VIEW_BLOCKS, TEAM_ID, SlackEmulator, iter_blocks_text, validate_blocks

CHANNEL = "C0NEWSROOM"
REPORTER = "U0REPORTER"

#: Methods whose messages or views Slack checks against Block Kit's limits.
CHECKED_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.publish")


def all_text(message: dict[str, Any]) -> str:
    """Every text of a message (blocks and fallback), for assertions on content."""
    return " ".join(iter_blocks_text(message.get("blocks") or [])) + " " + str(message.get("text"))


def is_finished(message: dict[str, Any]) -> bool:
    """A bot message that is no longer the "Reading …" placeholder."""
    return message.get("user") == BOT_USER_ID and not str(message.get("text", "")).startswith("Reading")


def _slack(bot: Bot | SlackEmulator) -> SlackEmulator:
    return bot if isinstance(bot, SlackEmulator) else bot.slack


def bot_replies(bot: Bot | SlackEmulator, thread_ts: str, channel: str = CHANNEL) -> list[dict[str, Any]]:
    """The bot's messages in a thread, parent excluded (``bot`` may be a running bot or just the Slack emulator)."""
    slack = _slack(bot)
    return [m for m in slack.thread(channel, thread_ts) if m["ts"] != thread_ts and m.get("user") == BOT_USER_ID]


def wait_for_replies(
    bot: Bot | SlackEmulator, thread_ts: str, count: int = 1, channel: str = CHANNEL
) -> list[dict[str, Any]]:
    """The bot's replies in a thread once ``count`` of them are finished."""

    def done() -> list[dict[str, Any]] | None:
        replies = bot_replies(bot, thread_ts, channel)
        return replies if sum(map(is_finished, replies)) >= count else None

    return _slack(bot).wait_for(done, timeout=60)


def mention(bot: Bot, text: str, *, thread_ts: str | None = None, user: str = REPORTER) -> dict[str, Any]:
    """Post ``text`` as ``user`` (in a thread if ``thread_ts``) and return the ``app_mention`` event Slack sends."""
    ts = bot.slack.add_message(CHANNEL, text, user, thread_ts=thread_ts)
    event: dict[str, Any] = {"type": "app_mention", "channel": CHANNEL, "user": user, "text": text, "ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons of a message by action_id."""
    found: dict[str, dict[str, Any]] = {}
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                found[element["action_id"]] = element
    return found


def click(bot: Bot, message: dict[str, Any], action_id: str, *, channel: str = CHANNEL, user: str = REPORTER) -> Any:
    """Click one of a bot message's buttons, with the ``block_actions`` payload Slack sends."""
    button = buttons(message)[action_id]
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": "actions",
        "text": button["text"],
        "value": button.get("value"),
    }
    return bot.server.interaction(interaction_payload(message, action, channel=channel, user=user))


def shortcut_payload(message: dict[str, Any], *, channel: str = CHANNEL, user: str = REPORTER) -> dict[str, Any]:
    """The ``message_action`` payload of the "Analyse with nutgraf" shortcut on a stored message."""
    return {
        "type": "message_action",
        "callback_id": "nutgraf_extract",
        "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:8]}",
        "action_ts": f"{time.time():.6f}",
        "message_ts": message["ts"],
        "user": {"id": user, "name": "rita"},
        "channel": {"id": channel, "name": "newsroom"},
        "message": message,
        "response_url": "http://127.0.0.1:9/unused",
    }


def assert_block_kit_accepted(bot: Bot) -> int:
    """Every message and view the bot sent passed the emulator's Block Kit checks (unless a fault was injected).

    Returns how many calls were checked, so a test can make sure it checked something.
    """
    checked = 0
    for call in bot.slack.calls:
        if call.method not in CHECKED_METHODS or call.fault is not None:
            continue
        assert call.response is not None and call.response.get("ok"), (call.method, call.response)
        blocks = call.params.get("view") if call.method == "views.publish" else call.params.get("blocks")
        if call.method == "views.publish":
            view = json.loads(blocks) if isinstance(blocks, str) else blocks
            assert validate_blocks(view["blocks"], max_blocks=MAX_VIEW_BLOCKS, message=False) is None
        else:
            assert validate_blocks(blocks, text=call.params.get("text")) is None
        checked += 1
    return checked


def interaction_payload(
    message: dict[str, Any], action: dict[str, Any], *, channel: str = CHANNEL, user: str = REPORTER
) -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when ``user`` uses an element of a bot message."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": channel,
        "is_ephemeral": False,
    }
    if message.get("thread_ts"):
        container["thread_ts"] = message["thread_ts"]
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "rita", "team_id": TEAM_ID},
        "api_app_id": "A0NUTGRAF",
        "container": container,
        "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:8]}",
        "channel": {"id": channel, "name": "newsroom"},
        "message": message,
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }


def overflows(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every overflow menu of a message, with the block it sits in: (block_id, element)."""
    found = []
    for block in message.get("blocks") or []:
        elements = [block.get("accessory")] if block.get("type") == "section" else block.get("elements") or []
        found += [
            (block.get("block_id", ""), e) for e in elements if isinstance(e, dict) and e.get("type") == "overflow"
        ]
    return found


def choose(
    bot: Bot, message: dict[str, Any], option_text: str, *, block_id: str | None = None, user: str = REPORTER
) -> Any:
    """Pick the option called ``option_text`` in an overflow menu of a bot message (the first, or the one in
    ``block_id``)."""
    for found_block, menu in overflows(message):
        if block_id is not None and found_block != block_id:
            continue
        option = next((o for o in menu["options"] if o["text"]["text"] == option_text), None)
        if option is not None:
            action = {
                "type": "overflow",
                "action_id": menu["action_id"],
                "block_id": found_block,
                "selected_option": option,
            }
            return bot.server.interaction(interaction_payload(message, action, user=user))
    raise AssertionError(f"no menu option {option_text!r} in the message")


def press(bot: Bot, message: dict[str, Any], action_id: str, *, user: str = REPORTER) -> Any:
    """Press a button of a bot message (any block), as ``user``."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                action = {**element, "block_id": block.get("block_id", "")}
                return bot.server.interaction(interaction_payload(message, action, user=user))
    raise AssertionError(f"no button {action_id!r} in the message")


def submit_view(bot: Bot, view: dict[str, Any], values: dict[str, str], *, user: str = REPORTER) -> Any:
    """Submit a modal the bot opened, as Slack does: ``values`` by input block id (a select takes its value)."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        value = values.get(block["block_id"])
        if element["type"] == "static_select":
            chosen = next((o for o in element["options"] if o["value"] == value), element.get("initial_option"))
            entry: dict[str, Any] = {"type": "static_select", "selected_option": chosen}
        else:
            entry = {"type": element["type"], "value": value}
        state[block["block_id"]] = {element["action_id"]: entry}
    payload = {
        "type": "view_submission",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0NUTGRAF",
        "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:8]}",
        "view": {**view, "state": {"values": state}},
    }
    return bot.server.interaction(payload)
