"""The message shortcut "Analyse with nutgraf"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.app import runtime
from bot.triggers import SHORTCUT_CALLBACK_ID, shortcut_request


def on_shortcut(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Analyse the message the shortcut was used on; the answer goes in its thread."""
    ack()
    request = shortcut_request(body)
    runtime(context).submit_once(request if request.channel else None, context.team_id)


def register(app: App) -> None:
    app.shortcut(SHORTCUT_CALLBACK_ID)(on_shortcut)
