"""Buttons and menus under replies: All quotes & claims, Share in channel, Re-analyse, the reply's menu
(correct a quote, forget the story), and the correction menus of the full lists."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import corrections
from bot.app import runtime
from bot.blocks import (
    ACTION_ADD_QUOTE,
    ACTION_QUOTE_MENU,
    ACTION_REANALYSE,
    ACTION_SHARE,
    ACTION_SHOW_ALL,
    ACTION_STORY_MENU,
    error_message,
    missing_quote_modal,
    parse_action_value,
    parse_menu_value,
    parse_story_menu,
)
from bot.triggers import button_request, forget_request

KINDS = {ACTION_SHOW_ALL: "show_all", ACTION_SHARE: "share", ACTION_REANALYSE: "reanalyse"}


def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Queue the button's work; a value that is not ours is ignored."""
    ack()
    cache_key = parse_action_value(action.get("value"))
    if cache_key is None:
        return
    runtime(context).submit_once(button_request(body, action, KINDS[action["action_id"]], cache_key), context.team_id)


def on_story_menu(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """The reply's menu: *Correct a quote…* posts the lists with correction menus; *Forget this story*."""
    ack()
    chosen = parse_story_menu((action.get("selected_option") or {}).get("value"))
    if chosen is None:
        return
    what, story = chosen
    if what == "fix":
        request = button_request(body, action, "show_all", "").model_copy(update={"story": story})
        runtime(context).submit_once(request, context.team_id)
    else:
        runtime(context).submit_once(forget_request(body, action, story), context.team_id)


def on_quote_menu(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """A quote's menu: *Not a quote* is filed at once; *Wrong speaker…* opens a modal."""
    ack()
    chosen = parse_menu_value((action.get("selected_option") or {}).get("value"))
    if chosen is None:
        return
    what, story, start, end = chosen
    rt = runtime(context)
    if what == "not_quote":
        rt.submit_once(corrections.not_quote_request(body, action, story, start, end), context.team_id)
        return
    version = rt.service.analyzer.version
    view = corrections.speaker_modal_for(rt.store, version, context.team_id, story, start, end, body)
    if view is None:
        _gone(rt, body)
        return
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_add_quote(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """*A quote is missing…*: a modal for the words and the speaker."""
    ack()
    story = str(action.get("value") or "")
    if not story:
        return
    channel, thread = corrections.message_place(body)
    view = missing_quote_modal(corrections.modal_metadata(story, channel, thread))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _gone(rt: Any, body: dict[str, Any]) -> None:
    channel, thread = corrections.message_place(body)
    user = (body.get("user") or {}).get("id")
    if user and channel:
        text = "That analysis or quote is no longer kept, so it cannot be corrected: analyse the story again."
        rt.service.poster.ephemeral(channel, user, error_message(text), thread_ts=thread)


def register(app: App) -> None:
    for action_id in KINDS:
        app.action(action_id)(on_button)
    app.action(ACTION_STORY_MENU)(on_story_menu)
    app.action(ACTION_QUOTE_MENU)(on_quote_menu)
    app.action(ACTION_ADD_QUOTE)(on_add_quote)
