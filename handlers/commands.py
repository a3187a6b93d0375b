"""The ``/nutgraf`` slash command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.app import runtime
from bot.blocks import help_message, memory_message
from bot.command import auto_reply, route
from bot.triggers import command_request

COMMAND = "/nutgraf"


def on_command(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Help, settings and desk memory look-ups are answered in the ack; analyses and digests are queued after it."""
    rt = runtime(context)
    command = route(str(body.get("text") or ""))
    if command.kind == "auto":
        on = command.arg == "on"
        rt.store.set_auto(body["channel_id"], on)
        ack(text=auto_reply(on, saved=rt.store.available))
    elif command.kind == "digest":
        ack(**rt.digest_command(body, command.arg))
    elif command.kind == "memory":
        ack(**memory_message(rt.service.desk.search(body["channel_id"], command.arg, user=body.get("user_id"))))
    elif command.kind == "analyse":
        ack()
        rt.submit_once(command_request(body))
    else:
        ack(**help_message(rt.settings.trigger_reaction))


def register(app: App) -> None:
    app.command(COMMAND)(on_command)
