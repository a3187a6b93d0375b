"""Forgetting a story: ``/nutgraf forget <link>`` and *Forget this story* on a reply's menu.

Every kind of record a story leaves in Redis is removed by one :class:`Forgetting`, a registry of forgetters
built in :func:`forgetting_for`: the cached analyses of every pipeline version with their aliases and kept
text, the digest records and App Home entries, the pointers to its progress messages, the desk's
corrections, the notes of the threads it was answered in, and last the story record itself (which the others
read). A new kind of record plugs in with one ``forgetting.add(...)`` line there. What a story left is found
through its :class:`~bot.models.StoryRecord`, written at analysis time with ids and links only.

Only someone who asked for the analysis, or a workspace admin or owner (Slack's ``users.info``), may
forget it. The bot's messages that showed the story are then edited to say it was removed, and by whom.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import audit, blocks, metrics
from bot.errors import NutgrafError
from bot.links import canonicalize_url
from bot.memory import RedisMemory
from bot.models import StoryRecord
from bot.store import RedisStore, Store, cache_keys, story_id, versionless

if TYPE_CHECKING:
    from bot.service import Service

logger = logging.getLogger(__name__)

NOTHING_KEPT = "nutgraf keeps nothing of that story any more: there is nothing to forget."

#: Removes one kind of record of a story; returns how many it removed (None counts as none).
Forgetter = Callable[[StoryRecord], "int | None"]


@dataclass
class Forgetting:
    """The registry of forgetters, run in the order they were added."""

    forgetters: dict[str, Forgetter] = field(default_factory=dict)

    def add(self, name: str, forgetter: Forgetter) -> None:
        """Register a kind of record (a later one of the same name replaces it)."""
        self.forgetters[name] = forgetter

    def forget(self, record: StoryRecord) -> dict[str, int]:
        """Run every forgetter on the story; returns how many records of each kind were removed."""
        return {name: int(forgetter(record) or 0) for name, forgetter in self.forgetters.items()}


def forgetting_for(store: Store) -> Forgetting:
    """Every kind of record a story leaves, with the story record itself last."""
    forgetting = Forgetting()
    forgetting.add("cache", store.forget_cache)
    forgetting.add("digests", store.forget_digest_records)
    forgetting.add("replies", store.forget_replies)
    forgetting.add("corrections", store.forget_corrections)
    forgetting.add("thread", store.forget_thread_answers)
    if isinstance(store, RedisStore):
        memory = RedisMemory(store)
        # Desk memory files a story under its canonical URL, else its version-free cache key (bot.service).
        forgetting.add(
            "memory", lambda story: sum(memory.forget_story(story_id(k)) for k in {*story.urls, *story.keys})
        )
    forgetting.add("record", store.forget_story_record)
    return forgetting


class ForgetRequest(BaseModel):
    """Forget one story: by its id (a reply's menu) or by a link (``/nutgraf forget <link>``)."""

    key: str
    channel: str
    user: str
    team: str | None = None
    story: str | None = None
    url: str | None = None
    #: The reply whose menu was used, edited even if the story record no longer lists it.
    message_ts: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    received_at: float | None = None


def find_story(store: Store, version: str, request: ForgetRequest) -> StoryRecord | None:
    """The story a request names. A link cached without a record (before records were kept) gets a record of
    its keys and links, so its cached analyses in every version and its digest records still go."""
    if request.story:
        return store.story(request.story)
    if not request.url:
        return None
    keys = cache_keys(version, canonical_url=canonicalize_url(request.url), text=None)
    record = store.find_story(keys)
    if record is not None:
        return record
    analysis = store.find_analysis(keys)
    if analysis is None:
        return None
    urls = [canonicalize_url(request.url), request.url]
    urls += [u for u in (analysis.source.canonical_url, analysis.source.url) if u]
    keys += cache_keys(version, canonical_url=analysis.source.canonical_url, text=None)
    plain = list(dict.fromkeys(versionless(key) for key in keys))
    return StoryRecord(id=story_id(plain[0]), keys=plain, urls=list(dict.fromkeys(urls)))


def may_forget(client: WebClient, record: StoryRecord, user: str) -> bool:
    """Whether ``user`` asked for the story, or is a workspace admin or owner."""
    if user in record.requesters:
        return True
    try:
        info: Any = client.users_info(user=user)["user"]
    except SlackApiError as exc:
        logger.warning("could not look up %s: %s", user, exc.response.get("error"))
        return False
    return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))


def run(service: Service, request: ForgetRequest) -> None:
    """Forget the story a request names, if the person asking may, and tell them what happened."""
    began = request.received_at or time.time()
    record = find_story(service.store, service.analyzer.version, request)
    outcome, reply = "not_found", NOTHING_KEPT
    if record is None:
        pass
    elif not may_forget(service.client, record, request.user):
        outcome = "not_allowed"
        who = ", ".join(f"<@{user}>" for user in record.requesters) or "the person who asked for it"
        reply = f"Only {who} or a workspace admin can forget this story."
    else:
        removed = service.forgetting.forget(record)
        messages = list(dict.fromkeys([*record.messages, *_clicked(request)]))
        edited = _edit_messages(service, messages, request.user)
        logger.info("forgot story %s: %s; %d messages edited", record.id, removed, edited)
        if sum(removed.values()) or edited:
            outcome, reply = "ok", blocks.forgotten_summary(removed, edited)
    _tell(service, request, reply)
    metrics.request_done("forget", outcome)
    audit.audit(
        "forget",
        team=request.team,
        channel=request.channel,
        user=request.user,
        story=record.id if record else None,
        outcome=outcome,
        ms=(time.time() - began) * 1000,
    )


def _clicked(request: ForgetRequest) -> list[tuple[str, str]]:
    return [(request.channel, request.message_ts)] if request.message_ts else []


def _edit_messages(service: Service, messages: list[tuple[str, str]], user: str) -> int:
    """Replace every message that showed the story with a note of its removal; returns how many were edited."""
    note = blocks.forgotten_message(user)
    edited = 0
    for channel, ts in messages:
        try:
            service.poster.update(channel, ts, note)
            edited += 1
        except SlackApiError as exc:
            logger.warning("could not edit %s in %s: %s", ts, channel, exc.response.get("error"))
    return edited


def _tell(service: Service, request: ForgetRequest, text: str) -> None:
    message = blocks.notice_message(text)
    try:
        if request.response_url:
            service.poster.respond(request.response_url, message)
        else:
            service.poster.ephemeral(request.channel, request.user, message, thread_ts=request.thread_ts)
    except (SlackApiError, NutgrafError, OSError) as exc:
        logger.warning("could not tell %s about forgetting: %s", request.user, exc)
