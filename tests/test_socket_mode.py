"""Socket Mode end to end: a local WebSocket server plays Slack's side, delivering envelopes and reading acks."""

from __future__ import annotations

import json
import queue
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.app import build_app, build_runtime
from bot.nlp.pipeline import Analyzer
from bot.service import Service
from bot.slack import web_client
from bot.store import RedisStore
from tests.conftest import bot_settings
from tests.fetch_server import PageServer
from tests.handlers.support import CHANNEL, wait_for_replies
from tests.slack_api import APP_TOKEN, BOT_USER_ID, TEAM_ID, SlackEmulator

pytestmark = pytest.mark.slow


class SocketServer:
    """Slack's end of a Socket Mode connection: says hello, sends envelopes, records what the app sends back."""

    def __init__(self) -> None:
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self.paths: list[str] = []
        self._connection: ServerConnection | None = None
        self._server: Server = serve(self._handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SocketServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _handle(self, connection: ServerConnection) -> None:
        self.paths.append(connection.request.path if connection.request else "")
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0NUTGRAF"}}))
        self._connection = connection
        self.connected.set()
        try:
            for message in connection:
                self.received.put(json.loads(message))
        except ConnectionClosed:
            pass

    def deliver(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False) -> str:
        """Send one envelope; returns its id."""
        assert self._connection is not None
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": payload,
        }
        self._connection.send(json.dumps(envelope))
        return envelope_id

    def ack_for(self, envelope_id: str, timeout: float = 10) -> dict[str, Any]:
        """The app's acknowledgement of one envelope."""
        while True:
            message = self.received.get(timeout=timeout)
            if message.get("envelope_id") == envelope_id:
                return message


@pytest.fixture
def socket_app(
    slack_api: SlackEmulator, redis_url: str, redis_client: Any, analyzer: Analyzer, page_server: PageServer
) -> Iterator[SocketServer]:
    """nutgraf in Socket Mode, connected to a local WebSocket server that apps.connections.open hands out."""
    settings = bot_settings(slack_api, redis_url, fetch_allowed_private_hosts=[page_server.host])
    store = RedisStore.from_url(redis_url)
    rt = build_runtime(settings, Service(settings, store, web_client(settings), analyzer))
    with SocketServer() as server:
        slack_api.socket_url = server.url
        handler = SocketModeHandler(build_app(settings, rt, socket_mode=True), settings.secret("slack_app_token"))
        handler.connect()  # type: ignore[no-untyped-call]
        try:
            assert server.connected.wait(10), "the app never opened the WebSocket"
            yield server
        finally:
            handler.close()  # type: ignore[no-untyped-call]
            rt.dispatcher.shutdown()
            store.close()


def test_connection_is_opened_with_the_app_token(slack_api: SlackEmulator, socket_app: SocketServer) -> None:
    (call,) = slack_api.calls_to("apps.connections.open")
    assert call.headers.get("Authorization") == f"Bearer {APP_TOKEN}"
    assert call.response == {"ok": True, "url": socket_app.url}


def test_mention_is_acked_and_answered_in_its_thread(
    slack_api: SlackEmulator, socket_app: SocketServer, page_server: PageServer
) -> None:
    text = f"<@{BOT_USER_ID}> <{page_server.url('/article.html')}>"
    ts = slack_api.add_message(CHANNEL, text, "U0REPORTER")
    body = {
        "token": "unused",
        "team_id": TEAM_ID,
        "api_app_id": "A0NUTGRAF",
        "type": "event_callback",
        "event_id": "Ev0SOCKET01",
        "event_time": 1,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        "event": {"type": "app_mention", "channel": CHANNEL, "user": "U0REPORTER", "text": text, "ts": ts},
    }
    envelope_id = socket_app.deliver("events_api", body)
    assert socket_app.ack_for(envelope_id) == {"envelope_id": envelope_id}
    (reply,) = wait_for_replies(slack_api, ts)
    assert "flood barrier" in json.dumps(reply["blocks"])
    (post,) = slack_api.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == ts


def test_slash_command_help_comes_back_in_the_ack(slack_api: SlackEmulator, socket_app: SocketServer) -> None:
    body = {
        "token": "unused",
        "team_id": TEAM_ID,
        "channel_id": CHANNEL,
        "user_id": "U0REPORTER",
        "command": "/nutgraf",
        "text": "help",
        "response_url": "http://127.0.0.1:9/unused",
        "trigger_id": "1.2",
    }
    envelope_id = socket_app.deliver("slash_commands", body, accepts_response_payload=True)
    ack = socket_app.ack_for(envelope_id)
    assert ack["envelope_id"] == envelope_id
    assert "/nutgraf auto on" in json.dumps(ack["payload"])
    assert not slack_api.calls_to("chat.postMessage")
