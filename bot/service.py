"""From a Slack request to a threaded answer: progress message, cached or fresh analysis, result in place.

Every surface (mention, command, shortcut, reaction, auto-watch, buttons) becomes an
:class:`AnalysisRequest`, a JSON-serialisable job argument, handled here by :class:`Service` in the web
process (``NUTGRAF_JOBS=inline``) or in an RQ worker (``rq``). Posting is idempotent: the progress
message of each item is remembered in Redis, so a job re-run after a crash updates it instead of
posting a second one.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import audit, blocks, corrections, forget, metrics, privacy
from bot.analysis import InProcessRunner, PooledRunner, Runner
from bot.corrections import CorrectionRequest
from bot.desk import Desk
from bot.errors import NutgrafError
from bot.fetch import FetchError, canonicalize_url, fetch_page
from bot.forget import ForgetRequest
from bot.links import Item, items_in
from bot.models import Analysis, Article, DigestStory, Source, StoryRecord, ThreadAnswer
from bot.nlp.pipeline import Analyzer
from bot.settings import Settings
from bot.slack import UNDELIVERABLE, Poster, permalink
from bot.store import Store, cache_keys, versionless

logger = logging.getLogger(__name__)

Surface = Literal["mention", "command", "shortcut", "reaction", "auto", "button"]

#: Surfaces whose request for a story already answered in the same thread is pointed to that answer. The
#: message shortcut, an explicit request about one message, is answered again (from the cache).
POINTED_SURFACES: frozenset[str] = frozenset({"mention", "reaction", "auto"})


class UnreadableMessageError(Exception):
    """Slack did not give nutgraf the message a request is about; ``error`` is Slack's error code, or
    ``message_deleted`` / ``message_not_found``."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class AnalysisRequest(BaseModel):
    """One request for analysis, as handlers build it and jobs receive it."""

    key: str
    surface: Surface
    channel: str
    user: str | None = None
    thread_ts: str | None = None
    text: str | None = None
    message_ts: str | None = None
    refresh: bool = False
    update_ts: str | None = None
    #: Reply in the thread of the message read (``message_ts``) when ``thread_ts`` is not given.
    in_thread: bool = True
    #: Where Slack lets a command or shortcut answer its user even where nutgraf cannot post.
    response_url: str | None = None
    #: The request key under which another surface may already have answered the same message (a 🔍 on a
    #: message that mentioned nutgraf): if it did, the user is pointed to that answer instead.
    answered_key: str | None = None
    team: str | None = None
    #: When the request reached nutgraf (unix seconds), for the audit line's milliseconds.
    received_at: float | None = None


class ButtonRequest(BaseModel):
    """A click on one of the reply's buttons."""

    key: str
    action: Literal["show_all", "share", "reanalyse"]
    cache_key: str
    channel: str
    user: str | None = None
    message_ts: str
    thread_ts: str | None = None
    team: str | None = None
    #: The story (its id) when the click named no cache key: the reply's "Correct a quote…".
    story: str | None = None


class DigestRequest(BaseModel):
    """``/nutgraf digest [window]``: post the channel's digest of a window now."""

    key: str
    channel: str
    user: str | None = None
    since: datetime
    until: datetime
    channel_name: str | None = None


Request = AnalysisRequest | ButtonRequest | DigestRequest | ForgetRequest | CorrectionRequest


def _done(
    request: AnalysisRequest | ButtonRequest,
    trigger: str,
    outcome: str,
    began: float,
    *,
    story: str | None = None,
    cached: bool | None = None,
) -> None:
    """Count a request and log its audit line."""
    metrics.request_done(trigger, outcome)
    audit.audit(
        trigger,
        team=request.team,
        channel=request.channel,
        user=request.user,
        story=story,
        cached=cached,
        outcome=outcome,
        ms=(time.time() - began) * 1000,
    )


class Service:
    """What the bot does, independent of how the request arrived (HTTP, Socket Mode, a worker)."""

    def __init__(
        self, settings: Settings, store: Store, client: WebClient, analyzer: Analyzer | Runner | None = None
    ) -> None:
        """``analyzer``: where analyses run; by default worker processes (:class:`~bot.analysis.PooledRunner`),
        an :class:`Analyzer` already loaded here runs them in the calling thread."""
        self.settings = settings
        self.store = store
        self.client = client
        self.poster = Poster(client, store)
        if analyzer is None:
            analyzer = PooledRunner(settings)
        self.analyzer: Runner = InProcessRunner(analyzer) if isinstance(analyzer, Analyzer) else analyzer
        self.forgetting = forget.forgetting_for(store)
        self.desk = Desk(store, client, settings.digest_retention_days)

    def run(self, request: Request) -> None:
        """Do what a request asks (in the web process or a worker)."""
        if isinstance(request, AnalysisRequest):
            self.handle(request)
        elif isinstance(request, ButtonRequest):
            self.button(request)
        elif isinstance(request, ForgetRequest):
            forget.run(self, request)
        elif isinstance(request, CorrectionRequest):
            corrections.run(self, request)
        else:
            self.digest(request)

    # -- analysis -------------------------------------------------------------------------------------------

    def analysis_for(self, item: Item, *, refresh: bool = False, keep: bool = True) -> tuple[Analysis, str, bool]:
        """The analysis of a link or text, from the cache unless ``refresh``; returns (analysis, cache key, cached).

        With ``keep=False`` (a private channel) nothing is written to the cache.
        """
        version = self.analyzer.version
        asked = self.asked_keys(item)
        if not refresh and (cached := self.store.find_analysis(asked)) is not None:
            metrics.cache_lookup(hit=True)
            return cached, asked[0], True
        metrics.cache_lookup(hit=False)
        if item.url:
            try:
                with metrics.timed(metrics.FETCH_SECONDS):
                    page = fetch_page(item.url, self.settings)
                article = self.analyzer.read(page)
            except FetchError as exc:
                metrics.fetch_failed(exc.code)
                raise
        else:
            article = Article(text=item.text or "", source=Source(kind="text"))
        found = []
        if article.source.canonical_url:
            found = cache_keys(version, canonical_url=article.source.canonical_url, text=None)
        keys = list(dict.fromkeys([*asked, *found]))
        same_page = None if refresh or not found or found == asked else self.store.get_analysis(found[0])
        if same_page is not None:  # another link to a page analysed before (an AMP or mobile URL, say)
            if keep:
                self.store.put_analysis(keys, same_page, self.settings.cache_ttl)
            return same_page, keys[0], True
        with metrics.timed(metrics.ANALYSIS_SECONDS):
            analysis = self.analyzer.analyze(article)
        if keep:
            self.store.put_analysis(keys, analysis, self.settings.cache_ttl, text=article.text)
        return analysis, keys[0], False

    def asked_keys(self, item: Item) -> list[str]:
        """The cache keys a link or text is looked up under, before its page is read."""
        if item.url:
            return cache_keys(self.analyzer.version, canonical_url=canonicalize_url(item.url), text=None)
        return cache_keys(self.analyzer.version, canonical_url=None, text=item.text or "")

    def keeps_records(self, channel: str, item: Item) -> bool:
        """Whether anything of this answer may be kept: the one check of private mode (see :mod:`bot.privacy`)."""
        return not privacy.is_private(self.store, self.settings, channel, pasted_text=item.url is None)

    # -- requests -------------------------------------------------------------------------------------------

    def handle(self, request: AnalysisRequest) -> None:
        """Answer a request: one reply per item (at most ``NUTGRAF_MAX_LINKS`` links), in its thread."""
        if request.answered_key and self._point_to_answer(request, request.answered_key):
            return
        text = request.text
        if text is None:
            try:
                text, thread = self._read_message(request.channel, request.message_ts or request.thread_ts)
            except UnreadableMessageError as exc:
                self._explain_unreadable(request, exc.error)
                return
            if request.thread_ts is None and request.in_thread:
                request = request.model_copy(update={"thread_ts": thread})
        items, skipped = items_in(text or "", max_links=self.settings.max_links_per_message)
        if not items:
            self._once_post(f"{request.key}:help", request, blocks.help_message(self.settings.trigger_reaction))
            return
        for number, item in enumerate(items):
            reply_key = f"{request.key}:{number}"
            if not self._point_to_thread_answer(request, item, reply_key):
                self._answer(request, item, reply_key)
        if skipped:
            message = blocks.skipped_links_message(skipped, self.settings.max_links_per_message)
            self._once_post(f"{request.key}:skipped", request, message)

    def _point_to_answer(self, request: AnalysisRequest, answered_key: str) -> bool:
        """When the message was answered already, show the user where (only to them); whether it was."""
        where = self.store.get_reply(f"{answered_key}:0")
        if where is None:
            return False
        if request.user:
            link = permalink(self.client, *where)
            where_to = f"<{link}|see my answer>." if link else "see its thread."
            text = f"I have already analysed this message: {where_to}"
            self.poster.ephemeral(request.channel, request.user, {"text": text})
        return True

    def _explain_unreadable(self, request: AnalysisRequest, error: str) -> None:
        """Say in one line why the message to analyse could not be read (in its thread, else to the asker alone)."""
        began = request.received_at or time.time()
        thread = request.thread_ts or request.message_ts
        message = blocks.unreadable_message(error, thread=request.thread_ts is not None)
        key = f"{request.key}:unreadable"
        if self.store.get_reply(key) is None:
            try:
                ts = self.poster.post(request.channel, message, thread_ts=thread)
            except SlackApiError as exc:
                # where the thread cannot be read, it often cannot be written either: tell the asker alone
                logger.warning("cannot explain in %s: %s", request.channel, exc.response.get("error"))
                if request.user and self.store.claim(key, ttl=86400):
                    self.poster.ephemeral(request.channel, request.user, message)
            else:
                self.store.set_reply(key, request.channel, ts)
        _done(request, request.surface, "unreadable", began)

    def _thread_answer(self, request: AnalysisRequest, item: Item, reply_key: str) -> ThreadAnswer | None:
        """nutgraf's earlier answer to the same story in the request's thread: the same cache key (so the same
        story record) or a cached analysis with the same fingerprint. None for a request to analyse afresh."""
        if (
            request.refresh
            or request.update_ts
            or request.thread_ts is None
            or request.surface not in POINTED_SURFACES
            or self.store.get_reply(reply_key) is not None  # this request's own earlier attempt: finish it
        ):
            return None
        answers = self.store.thread_answers(request.channel, request.thread_ts)
        if not answers:
            return None
        asked = self.asked_keys(item)
        record = self.store.find_story(asked)
        if record is not None and (found := next((a for a in answers if a.story == record.id), None)):
            return found
        cached = self.store.find_analysis(asked)
        if cached is None or not cached.fingerprint:
            return None
        return next((a for a in answers if a.fingerprint == cached.fingerprint), None)

    def _point_to_thread_answer(self, request: AnalysisRequest, item: Item, reply_key: str) -> bool:
        """When the story was answered in this thread already, point the asker to that answer (only them);
        whether it was. An answer since deleted is answered again."""
        answer = self._thread_answer(request, item, reply_key)
        if answer is None:
            return False
        began = request.received_at or time.time()
        try:
            link: str | None = str(
                self.client.chat_getPermalink(channel=request.channel, message_ts=answer.ts)["permalink"]
            )
        except SlackApiError as exc:
            if exc.response.get("error") == "message_not_found":
                return False
            link = None
        if request.user and self.store.claim(f"pointer:{reply_key}", ttl=86400):
            message = blocks.already_answered_message(link)
            self.poster.ephemeral(request.channel, request.user, message, thread_ts=request.thread_ts)
        _done(request, request.surface, "pointed", began, story=answer.story, cached=True)
        return True

    def _answer(self, request: AnalysisRequest, item: Item, reply_key: str) -> None:
        began = request.received_at or time.time()
        keep = self.keeps_records(request.channel, item)
        outcome, story, cached = "undeliverable", None, None
        with audit.private_scope(not keep):
            try:
                where = self._progress(request, item, reply_key)
                if where is None:
                    return
                channel, ts = where
                try:
                    analysis, cache_key, cached = self.analysis_for(item, refresh=request.refresh, keep=keep)
                except NutgrafError as exc:
                    outcome = exc.code
                    if keep:
                        logger.info("request %s: %s (%s)", reply_key, exc.code, exc)
                    self._update(channel, ts, blocks.error_message(str(exc)))
                    return
                if keep:
                    story = self._register(request, analysis, [cache_key], (channel, ts), reply_key)
                    analysis = self._corrected(analysis, request.team, story)
                memory = self.desk.recall(
                    analysis, channel=request.channel, key=analysis.source.canonical_url or versionless(cache_key)
                )
                message = blocks.analysis_message(
                    analysis,
                    cached=cached,
                    key=cache_key if keep else None,
                    shareable=request.thread_ts is not None,
                    story=story,
                    memory=memory.found,
                )
                if self._update(channel, ts, message):
                    outcome = "ok"
                    if keep:
                        self._remember_in_thread(request, story, analysis, ts)
                        self._record(request, analysis, cache_key, ts)
                        self.desk.remember(memory, thread_ts=request.thread_ts or ts, user=request.user)
                        self._unless_forgotten(story, analysis, cache_key, (channel, ts))
            finally:
                _done(request, request.surface, outcome, began, story=story, cached=cached)

    def _unless_forgotten(self, story: str | None, analysis: Analysis, cache_key: str, where: tuple[str, str]) -> None:
        """If the story was forgotten while this answer was being given (its record is gone), forget what the answer
        wrote since, and say so in the reply."""
        if story is None or self.store.story(story) is not None or not self.store.available:
            return
        keys = [cache_key, *cache_keys(self.analyzer.version, canonical_url=analysis.source.canonical_url, text=None)]
        urls = [u for u in (analysis.source.url, analysis.source.canonical_url) if u]
        plain = list(dict.fromkeys(versionless(key) for key in keys))
        self.forgetting.forget(StoryRecord(id=story, keys=plain, urls=urls, messages=[where]))
        self._update(*where, blocks.forgotten_message(None))

    def _remember_in_thread(self, request: AnalysisRequest, story: str | None, analysis: Analysis, ts: str) -> None:
        """Note which reply answered the story in its thread, so a later request there is pointed to it."""
        if story is not None:
            answer = ThreadAnswer(story=story, ts=ts, fingerprint=analysis.fingerprint)
            self.store.set_thread_answer(request.channel, request.thread_ts or ts, answer, self._story_ttl())

    def _story_ttl(self) -> int:
        """How long the records of a story's answers are kept: as long as its analysis or its digest records."""
        return max(self.settings.cache_ttl, self.settings.digest_retention_days * 86400)

    def _register(
        self,
        request: AnalysisRequest | ButtonRequest,
        analysis: Analysis,
        keys: list[str],
        message: tuple[str, str],
        reply_key: str | None = None,
    ) -> str | None:
        """File where the story was shown and who asked (ids and links only), for forgetting it; its story id."""
        urls = [u for u in (analysis.source.url, analysis.source.canonical_url) if u]
        if analysis.source.canonical_url:
            keys = [*keys, *cache_keys(self.analyzer.version, canonical_url=analysis.source.canonical_url, text=None)]
        asker = request.user if isinstance(request, AnalysisRequest) else None
        return self.store.register_story(
            keys, self._story_ttl(), team=request.team, user=asker, message=message, reply=reply_key, urls=urls
        )

    def _corrected(self, analysis: Analysis, team: str | None, story: str | None) -> Analysis:
        """The analysis with the desk's corrections of the story applied."""
        if story is None:
            return analysis
        return corrections.corrected(analysis, self.store.corrected_story(team or corrections.DEFAULT_TEAM, story))

    def _progress(self, request: AnalysisRequest, item: Item, reply_key: str) -> tuple[str, str] | None:
        """The message the result goes into: an earlier attempt's, the one being re-analysed, or a new one."""
        if request.update_ts:
            self._update(request.channel, request.update_ts, blocks.progress_message(item.label))
            return request.channel, request.update_ts
        return self._once_post(reply_key, request, blocks.progress_message(item.label))

    def _once_post(self, reply_key: str, request: AnalysisRequest, message: dict[str, Any]) -> tuple[str, str] | None:
        """Post in the request's thread unless an earlier attempt did under ``reply_key``; (channel, ts) or None."""
        earlier = self.store.get_reply(reply_key)
        if earlier is not None:
            return earlier
        try:
            ts = self.poster.post(request.channel, message, thread_ts=request.thread_ts)
        except SlackApiError as exc:
            self._undeliverable(request, exc)
            return None
        self.store.set_reply(reply_key, request.channel, ts)
        return request.channel, ts

    def _update(self, channel: str, ts: str, message: dict[str, Any]) -> bool:
        try:
            self.poster.update(channel, ts, message)
        except SlackApiError as exc:
            if exc.response.get("error") not in UNDELIVERABLE:
                raise
            logger.warning("could not update %s in %s: %s", ts, channel, exc.response.get("error"))
            return False
        return True

    def _undeliverable(self, request: AnalysisRequest, exc: SlackApiError) -> None:
        error = exc.response.get("error")
        if error not in UNDELIVERABLE:
            raise exc
        logger.warning("cannot post in %s: %s", request.channel, error)
        if error not in ("not_in_channel", "channel_not_found"):
            return
        message = blocks.error_message(
            "I can't post in this channel: invite me with `/invite @nutgraf`, or ask me in a channel I'm in."
        )
        if request.response_url:
            self.poster.respond(request.response_url, message)
        elif request.user:
            self.poster.ephemeral(request.channel, request.user, message)

    def _read_message(self, channel: str, ts: str | None) -> tuple[str, str]:
        """The text of one message and the thread it belongs to (reactions, bare mentions in a thread).

        Raises :class:`UnreadableMessageError` when Slack will not give it (nutgraf is not in the channel, lacks a
        scope, the thread is gone) or it was deleted (a thread's deleted first message is a tombstone).
        """
        if not ts:
            raise UnreadableMessageError("message_not_found")
        try:
            response = self.client.conversations_replies(channel=channel, ts=ts, limit=1, inclusive=True)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown_error")
            logger.warning("could not read message %s in %s: %s", ts, channel, error)
            raise UnreadableMessageError(error) from exc
        for message in response.get("messages") or []:
            if message.get("ts") == ts:
                if message.get("subtype") == "tombstone":
                    raise UnreadableMessageError("message_deleted")
                return str(message.get("text") or ""), str(message.get("thread_ts") or ts)
        raise UnreadableMessageError("message_not_found")

    def _record(self, request: AnalysisRequest, analysis: Analysis, cache_key: str, ts: str) -> None:
        """Record the story for the channel's digests, merged with an earlier record of the same story."""
        from bot.digest import record_story

        story = DigestStory(
            key=analysis.source.canonical_url or cache_key,
            title=analysis.headline,
            site=analysis.source.site,
            url=analysis.source.url,
            permalink=permalink(self.client, request.channel, request.thread_ts or ts),
            channel=request.channel,
            thread_ts=request.thread_ts or ts,
            recorded_at=datetime.now(timezone.utc),
            claims=analysis.claims[:10],
            quotes=analysis.quotes[:20],
            entities=analysis.entities[:20],
            fingerprint=analysis.fingerprint,
        )
        record_story(self.store, story, self.settings.digest_retention_days)

    # -- buttons --------------------------------------------------------------------------------------------

    def button(self, request: ButtonRequest) -> None:
        """All quotes & claims, Share in channel, Re-analyse (whose answer has an audit line of its own)."""
        if request.action == "reanalyse":
            self._reanalyse(request)
            return
        began, outcome = time.time(), "not_found"
        try:
            outcome = self._lists_or_share(request)
        finally:
            _done(request, request.action, outcome, began, story=request.story)

    def _lists_or_share(self, request: ButtonRequest) -> str:
        analysis = self.store.get_analysis(request.cache_key) if request.cache_key else None
        if analysis is None and request.story:
            shown = corrections.shown_analysis(self.store, self.analyzer.version, request.story, request.team)
            if shown is not None:
                analysis, cache_key = shown
                request = request.model_copy(update={"cache_key": cache_key})
        thread = request.thread_ts or request.message_ts
        if analysis is None:
            if request.user:
                gone = "That analysis is no longer cached: use Re-analyse to run it again."
                self.poster.ephemeral(request.channel, request.user, blocks.error_message(gone), thread_ts=thread)
            return "not_found"
        record = self.store.find_story([request.cache_key])
        story = record.id if record is not None else None
        analysis = self._corrected(analysis, request.team, story)
        if request.action == "show_all":
            ts = self.poster.post(request.channel, blocks.full_lists_message(analysis, story=story), thread_ts=thread)
            if story is not None:
                self._register(request, analysis, [request.cache_key], (request.channel, ts))
        elif self.store.claim(f"share:{request.channel}:{thread}:{request.cache_key}", ttl=86400):
            message = blocks.analysis_message(
                analysis, cached=True, key=request.cache_key, shareable=False, story=story
            )
            ts = self.poster.post(request.channel, message, thread_ts=thread, reply_broadcast=True)
            if story is not None:
                self._register(request, analysis, [request.cache_key], (request.channel, ts))
        else:
            return "duplicate"
        return "ok"

    def _reanalyse(self, request: ButtonRequest) -> None:
        analysis = self.store.get_analysis(request.cache_key)
        if analysis is not None and analysis.source.url:
            # the stored URL as it is: read back as message text, "…/Foo_(bar)" or "…?q=\"x\"" would be cut short
            item = Item(url=analysis.source.url)
        else:
            try:
                text = self._read_message(request.channel, request.thread_ts)[0] if request.thread_ts else ""
            except UnreadableMessageError:
                text = ""
            if not text:
                # Keep the result on screen: only the person who clicked needs to know.
                if request.user:
                    gone = "I no longer have that text: paste it again to analyse it afresh."
                    message = blocks.error_message(gone)
                    self.poster.ephemeral(request.channel, request.user, message, thread_ts=request.thread_ts)
                return
            items, _ = items_in(text, max_links=1)
            if not items:
                return
            item = items[0]
        again = AnalysisRequest(
            key=request.key,
            surface="button",
            channel=request.channel,
            user=request.user,
            thread_ts=request.thread_ts,
            refresh=True,
            update_ts=request.message_ts,
        )
        self._answer(again, item, request.key)

    # -- digests --------------------------------------------------------------------------------------------

    def digest(self, request: DigestRequest) -> None:
        """Post a digest now; when it cannot be built, tell the person who asked."""
        from bot.digest import post_digest

        try:
            post_digest(
                self.client,
                self.store,
                request.channel,
                request.since,
                request.until,
                channel_name=request.channel_name,
            )
        except NutgrafError as exc:
            if request.user:
                self.poster.ephemeral(request.channel, request.user, blocks.error_message(str(exc)))

    # -- failures -------------------------------------------------------------------------------------------

    def report_failure(self, request: Request) -> None:
        """Put a final failure where the answer was to go: every progress message of the request, else a reply
        in the thread of the message it was about."""
        request_key, channel = request.key, request.channel
        if isinstance(request, DigestRequest | CorrectionRequest):
            thread_ts = request.thread_ts if isinstance(request, CorrectionRequest) else None
        else:
            thread_ts = request.thread_ts or request.message_ts
        message = blocks.error_message(
            "Sorry, something went wrong on nutgraf's side and the analysis could not finish. "
            "The error was logged; try again in a minute."
        )
        updated = False
        for number in range(self.settings.max_links_per_message):
            where = self.store.get_reply(f"{request_key}:{number}")
            if where is None:
                continue
            try:
                updated = self._update(*where, message) or updated
            except SlackApiError as exc:
                logger.warning("could not put a failure in %s: %s", where[1], exc.response.get("error"))
        if not updated and self.store.claim(f"failed:{request_key}", ttl=86400):
            try:
                self.poster.post(channel, message, thread_ts=thread_ts)
            except SlackApiError as exc:
                logger.warning("could not report a failure in %s: %s", channel, exc.response.get("error"))
