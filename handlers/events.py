"""Events API listeners: mentions, auto-watched channel messages, the trigger reaction."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.app import runtime
from bot.triggers import auto_request, mention_request, reaction_request


def on_mention(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    """``@nutgraf <link or text>``, or a bare mention in a thread."""
    ack()
    runtime(context).submit_once(mention_request(event), context.team_id)


def on_message(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    """Every message in channels: answered only where auto-watch is on, for people's messages with links."""
    ack()
    request = auto_request(event, context.bot_user_id)
    if request is not None and runtime(context).store.get_auto(request.channel):
        runtime(context).submit_once(request, context.team_id)


def on_reaction(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    """The trigger reaction (🔍 by default) added to a message."""
    ack()
    rt = runtime(context)
    rt.submit_once(reaction_request(event, rt.settings.trigger_reaction), context.team_id)


def register(app: App) -> None:
    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.event("reaction_added")(on_reaction)
