"""Buttons under a reply: All quotes & claims, Share in channel, Re-analyse."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.app import runtime
from bot.blocks import ACTION_REANALYSE, ACTION_SHARE, ACTION_SHOW_ALL, parse_action_value
from bot.triggers import button_request

KINDS = {ACTION_SHOW_ALL: "show_all", ACTION_SHARE: "share", ACTION_REANALYSE: "reanalyse"}


def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Queue the button's work; a value that is not ours is ignored."""
    ack()
    cache_key = parse_action_value(action.get("value"))
    if cache_key is None:
        return
    runtime(context).submit_once(button_request(body, action, KINDS[action["action_id"]], cache_key))


def register(app: App) -> None:
    for action_id in KINDS:
        app.action(action_id)(on_button)
