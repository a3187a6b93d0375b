"""Which Slack events and interactions ask for an analysis, and the request each one makes.

Pure functions of the payloads, so every rule (ignore bots, edits and the bot itself; reply in the
thread; one answer per message) is tested without Slack. Keys name the thing answered: a mention
and an auto-watched message share ``msg:{channel}:{ts}``, so one message is never answered twice.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any, TypeVar

from pydantic import BaseModel

from bot.forget import ForgetRequest
from bot.links import find_links, items_in
from bot.nlp.normalize import MIN_TEXT_WORDS
from bot.service import AnalysisRequest, ButtonRequest

R = TypeVar("R", bound=BaseModel)

#: callback_id of the message shortcut.
SHORTCUT_CALLBACK_ID = "nutgraf_extract"

#: Words of a mention that ask for a story to be analysed afresh rather than pointed to its earlier answer.
_AFRESH = re.compile(r"\b(?:re-?analy[sz]e|re-?run|refresh|afresh|again)\b", re.IGNORECASE)
_MARKUP_OR_LINK = re.compile(r"<[^>]*>|https?://\S+", re.IGNORECASE)


def message_key(channel: str, ts: str) -> str:
    """The exactly-once key of answering one message."""
    return f"msg:{channel}:{ts}"


def asks_afresh(text: str) -> bool:
    """Whether a mention's own words (not a pasted story) ask for a fresh analysis: "re-analyse", "again"…"""
    words = _MARKUP_OR_LINK.sub(" ", text)
    return len(words.split()) < MIN_TEXT_WORDS and bool(_AFRESH.search(words))


def mention_request(event: dict[str, Any]) -> AnalysisRequest:
    """An ``app_mention``: analyse its links or text; a bare mention in a thread analyses the thread's parent.

    In a thread, a story nutgraf already answered there is pointed to, unless the mention asks for it afresh.
    """
    channel, ts = event["channel"], event["ts"]
    thread_ts = event.get("thread_ts")
    text = str(event.get("text") or "")
    base = {
        "key": message_key(channel, ts),
        "surface": "mention",
        "channel": channel,
        "user": event.get("user"),
        "refresh": bool(thread_ts and thread_ts != ts and asks_afresh(text)),
    }
    if not items_in(text, max_links=1)[0] and thread_ts and thread_ts != ts:
        return AnalysisRequest(**base, thread_ts=thread_ts, message_ts=thread_ts)
    return AnalysisRequest(**base, thread_ts=thread_ts or ts, text=text)


def is_human_message(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A new message by a person: no subtype (edits, deletes, joins…), no bot, not nutgraf itself."""
    return (
        event.get("type") == "message"
        and not event.get("subtype")
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def auto_request(event: dict[str, Any], bot_user_id: str | None) -> AnalysisRequest | None:
    """A message in an auto-watched channel: answered when a person posted links and did not mention nutgraf."""
    text = str(event.get("text") or "")
    if not is_human_message(event, bot_user_id) or not find_links(text):
        return None
    if bot_user_id and f"<@{bot_user_id}>" in text:
        return None  # the app_mention event answers it
    channel, ts = event["channel"], event["ts"]
    return AnalysisRequest(
        key=message_key(channel, ts),
        surface="auto",
        channel=channel,
        user=event.get("user"),
        thread_ts=event.get("thread_ts") or ts,
        text=text,
    )


def reaction_request(event: dict[str, Any], trigger: str) -> AnalysisRequest | None:
    """A ``reaction_added`` of the trigger reaction on a message: analyse that message, once per message.

    A message nutgraf already answered (it mentioned nutgraf, or auto-watch took it) is not analysed again:
    the person who reacted is shown the existing answer.
    """
    item = event.get("item") or {}
    name = str(event.get("reaction") or "").split("::")[0]
    if name != trigger or item.get("type") != "message" or not item.get("channel") or not item.get("ts"):
        return None
    return AnalysisRequest(
        key=f"react:{item['channel']}:{item['ts']}",
        surface="reaction",
        channel=item["channel"],
        user=event.get("user"),
        message_ts=item["ts"],
        answered_key=message_key(item["channel"], item["ts"]),
    )


def shortcut_request(body: dict[str, Any]) -> AnalysisRequest:
    """The message shortcut: analyse the message, answer in its thread."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id", "")
    ts = str(message.get("ts") or body.get("message_ts") or "")
    return AnalysisRequest(
        key=f"shortcut:{body.get('trigger_id') or ts}",
        surface="shortcut",
        channel=channel,
        user=(body.get("user") or {}).get("id"),
        thread_ts=message.get("thread_ts") or ts,
        text=str(message.get("text") or ""),
        response_url=body.get("response_url"),
    )


def command_request(body: dict[str, Any]) -> AnalysisRequest:
    """``/nutgraf <link or text>``: the answer is posted in the channel."""
    return AnalysisRequest(
        # the text's hash, never the text: the key is kept in Redis and shown in logs
        key=f"command:{body.get('trigger_id') or body.get('channel_id')}:{_digest(str(body.get('text') or ''))}",
        surface="command",
        channel=body["channel_id"],
        user=body.get("user_id"),
        text=str(body.get("text") or ""),
        in_thread=False,
        response_url=body.get("response_url"),
    )


def button_request(body: dict[str, Any], action: dict[str, Any], kind: str, cache_key: str) -> ButtonRequest:
    """A click on Share / All quotes & claims / Re-analyse under a reply."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    return ButtonRequest(
        key=f"button:{action.get('action_ts') or body.get('trigger_id')}",
        action=kind,  # type: ignore[arg-type]
        cache_key=cache_key,
        channel=channel,
        user=(body.get("user") or {}).get("id"),
        message_ts=str(container.get("message_ts") or message.get("ts") or ""),
        thread_ts=container.get("thread_ts") or message.get("thread_ts"),
    )


def forget_request(body: dict[str, Any], action: dict[str, Any], story: str) -> ForgetRequest:
    """*Forget this story* on a reply's menu."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    message_ts = str(container.get("message_ts") or message.get("ts") or "") or None
    return ForgetRequest(
        key=f"forget:{action.get('action_ts') or body.get('trigger_id')}",
        channel=channel,
        user=str((body.get("user") or {}).get("id") or ""),
        story=story,
        message_ts=message_ts,
        thread_ts=container.get("thread_ts") or message.get("thread_ts") or message_ts,
    )


def forget_command_request(body: dict[str, Any], url: str) -> ForgetRequest:
    """``/nutgraf forget <link>``: answered through the command's response URL."""
    return ForgetRequest(
        key=f"forget:{body.get('trigger_id') or body.get('channel_id')}:{_digest(url)}",
        channel=body["channel_id"],
        user=str(body.get("user_id") or ""),
        url=url,
        response_url=body.get("response_url"),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def stamped(request: R | None, team: str | None) -> R | None:
    """The request with its workspace and arrival time, for requests that carry them."""
    if request is None:
        return None
    update: dict[str, Any] = {}
    fields = type(request).model_fields
    if "team" in fields and team:
        update["team"] = team
    if "received_at" in fields and getattr(request, "received_at", None) is None:
        update["received_at"] = time.time()
    return request.model_copy(update=update) if update else request


def request_kind(body: dict[str, Any]) -> str:
    """What a verified request from Slack is, for counting: the event type, ``command``, or the payload type."""
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        return str(event.get("type")) if isinstance(event, dict) else "event_callback"
    if isinstance(kind, str):
        return kind
    if body.get("command"):
        return "command"
    return "unknown"
