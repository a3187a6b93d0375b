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
from slack_sdk.webhook import WebhookClient

from bot.settings import Settings
from bot.store import Store

logger = logging.getLogger(__name__)

#: Errors after which a message cannot be posted or updated where it was meant to go.
UNDELIVERABLE = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "message_not_found", "cant_update_message"}
)


def web_client(settings: Settings) -> WebClient:
    """A WebClient for ``SLACK_API_URL`` that waits out 429s (Retry-After) and retries 5xx and dropped connections
    (slack_sdk only retries connections by default)."""
    client = WebClient(token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    return client


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
