"""Modals: *Wrong speaker…* and *A quote is missing…* (opened from the *All quotes & claims* list)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.app import runtime
from bot.blocks import VIEW_ADD_QUOTE, VIEW_FIX_SPEAKER
from bot.corrections import missing_quote_request, speaker_request


def on_fix_speaker(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """The right speaker typed in: close the modal (or say what is wrong) and file the correction."""
    request, errors = speaker_request(body, view)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    runtime(context).submit_once(request, context.team_id)


def on_add_quote(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """A missed quote typed in: close the modal (or say what is wrong) and file the correction."""
    request, errors = missing_quote_request(body, view)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    runtime(context).submit_once(request, context.team_id)


def register(app: App) -> None:
    app.view(VIEW_FIX_SPEAKER)(on_fix_speaker)
    app.view(VIEW_ADD_QUOTE)(on_add_quote)
