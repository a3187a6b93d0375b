"""nutgraf's WSGI app on a real HTTP server on loopback, and a client that signs requests as Slack does."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
from slack_sdk.signature import SignatureVerifier

from tests.slack_api import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "nutgraf-test-signing-secret"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class BotServer:
    """Serves a WSGI application on 127.0.0.1 (free port) in a background thread."""

    def __init__(self, application: Callable[..., Any], secret: str = SIGNING_SECRET) -> None:
        self._httpd = make_server("127.0.0.1", 0, application, server_class=_Server, handler_class=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        self.signer = SignatureVerifier(secret)
        self.http = httpx.Client(base_url=self.url, timeout=10)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> BotServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- signed requests ------------------------------------------------------------------------------------

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST /slack/events with Slack's signature headers (override them to test refusal)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = signature or self.signer.generate_signature(timestamp=ts, body=body)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
            **(headers or {}),
        }
        return self.http.post("/slack/events", content=body.encode(), headers=all_headers)

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **kwargs: Any) -> httpx.Response:
        """An Events API ``event_callback`` delivery."""
        body = {
            "token": "unused",
            "team_id": TEAM_ID,
            "api_app_id": "A0NUTGRAF",
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": event,
        }
        return self.post(json.dumps(body), "application/json", **kwargs)

    def command(
        self,
        text: str,
        *,
        channel: str,
        user: str = "U0REPORTER",
        response_url: str = "http://127.0.0.1:9/unused",
        **kwargs: Any,
    ) -> httpx.Response:
        """A ``/nutgraf`` slash command."""
        form = {
            "token": "unused",
            "team_id": TEAM_ID,
            "channel_id": channel,
            "user_id": user,
            "command": "/nutgraf",
            "text": text,
            "response_url": response_url,
            "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:8]}",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """A shortcut or block action: form field ``payload`` holding JSON."""
        payload = {"team": {"id": TEAM_ID}, "token": "unused", **payload}
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kwargs)
