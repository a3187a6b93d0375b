"""The Slack Web API client nutgraf uses everywhere: retries on rate limits and server errors, paced posts."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookClient

from bot import metrics
from bot.settings import Settings
from bot.store import Store

logger = logging.getLogger(__name__)

#: Errors after which a message cannot be posted or updated where it was meant to go.
UNDELIVERABLE = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "message_not_found", "cant_update_message"}
)


class CountingWebClient(WebClient):
    """A WebClient that counts failed calls in ``nutgraf_slack_api_errors_total`` (and 429s as rate limits)."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            status = getattr(exc.response, "status_code", 200)
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            metrics.slack_api_error(api_method, str(error or f"http_{status}"))
            if status == 429:
                metrics.slack_rate_limited(api_method)
            raise


class CountingRateLimitHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 like slack_sdk's handler, counting it in ``nutgraf_slack_rate_limited_total``."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        limited = super()._can_retry(state=state, request=request, response=response, error=error)
        if limited:
            metrics.slack_rate_limited(request.url.rsplit("/", 1)[-1])
        return limited


def web_client(settings: Settings) -> WebClient:
    """A WebClient for ``SLACK_API_URL`` that waits out 429s (Retry-After) and retries 5xx and dropped connections
    (slack_sdk only retries connections by default), counting failures and rate limits."""
    client = CountingWebClient(token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        CountingRateLimitHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    return client


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    """A link to a message, or None when Slack gives none (the message is gone, nutgraf cannot see it)."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        logger.info("no permalink for %s in %s: %s", ts, channel, exc.response.get("error"))
        return None


class Poster:
    """Posts and updates messages, spacing posts to one channel at Slack's ~1 per second across processes."""

    def __init__(self, client: WebClient, store: Store, *, spacing: float = 1.0) -> None:
        self.client = client
        self.store = store
        self.spacing = spacing

    def post(self, channel: str, message: dict[str, Any], *, thread_ts: str | None = None, **extra: Any) -> str:
        """chat.postMessage; returns the new message's ts."""
        wait = self.store.reserve_post_slot(channel, self.spacing) if self.spacing else 0.0
        if wait > 0:
            time.sleep(wait)
        response = self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=message["text"],
            blocks=message.get("blocks"),
            unfurl_links=False,
            unfurl_media=False,
            **extra,
        )
        return str(response["ts"])

    def update(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        """chat.update of a message nutgraf posted."""
        self.client.chat_update(channel=channel, ts=ts, text=message["text"], blocks=message.get("blocks", []))

    def respond(self, response_url: str, message: dict[str, Any]) -> None:
        """Answer only the person who asked, through the ``response_url`` of their command or shortcut."""
        response = WebhookClient(response_url, timeout=10).send(
            text=message["text"], blocks=message.get("blocks"), response_type="ephemeral"
        )
        if response.status_code != 200:
            logger.warning("response_url answered %s: %s", response.status_code, response.body[:200])

    def ephemeral(self, channel: str, user: str, message: dict[str, Any], *, thread_ts: str | None = None) -> None:
        """chat.postEphemeral; a user who left the channel is not an error worth raising."""
        try:
            self.client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, text=message["text"], blocks=message.get("blocks")
            )
        except SlackApiError as exc:
            logger.warning("could not show %s a message in %s: %s", user, channel, exc.response.get("error"))
