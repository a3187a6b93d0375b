"""The ``/nutgraf`` slash command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.app import runtime
from bot.audit import audit
from bot.blocks import help_message, memory_message
from bot.command import FORGET_USAGE, auto_reply, route
from bot.metrics import request_done
from bot.privacy import private_command
from bot.triggers import command_request, forget_command_request

COMMAND = "/nutgraf"


def on_command(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Help, settings and desk memory look-ups are answered in the ack; analyses and digests are queued after it."""
    rt = runtime(context)
    command = route(str(body.get("text") or ""))
    if command.kind == "auto":
        on = command.arg == "on"
        rt.store.set_auto(body["channel_id"], on)
        ack(text=auto_reply(on, saved=rt.store.available))
        _audit(body, context, "auto", command.arg)
    elif command.kind == "digest":
        ack(**rt.digest_command(body, command.arg))
    elif command.kind == "private":
        ack(text=private_command(rt.store, rt.settings, body["channel_id"], command.arg))
        _audit(body, context, "private", command.arg or "status")
    elif command.kind == "forget":
        if not command.arg:
            ack(text=FORGET_USAGE)
            return
        ack(text="Forgetting that story…")
        rt.submit_once(forget_command_request(body, command.arg), context.team_id)
    elif command.kind == "memory":
        ack(**memory_message(rt.service.desk.search(body["channel_id"], command.arg, user=body.get("user_id"))))
    elif command.kind == "analyse":
        ack()
        rt.submit_once(command_request(body), context.team_id)
    else:
        ack(**help_message(rt.settings.trigger_reaction))


def _audit(body: dict[str, Any], context: BoltContext, trigger: str, outcome: str) -> None:
    """The audit line of a setting changed (or read) in the ack: who turned private mode off matters."""
    request_done(trigger, outcome)
    audit(
        trigger, team=context.team_id, channel=body.get("channel_id"), user=body.get("user_id"), outcome=outcome, ms=0
    )


def register(app: App) -> None:
    app.command(COMMAND)(on_command)
