"""Malformed and hostile HTTP requests: each gets a 4xx, nothing is posted, and no log line carries a body."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.app import MAX_LOG_CHARS, QuietBoltLog, build_app
from bot.nlp.pipeline import Analyzer
from tests.conftest import Bot, bot_settings, running_bot
from tests.fetch_server import PageServer
from tests.slack_api import SlackEmulator

MARKER = "Zanzibar-quokka-marker"  # a word that must never reach a log line


@pytest.fixture
def quiet_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert MARKER not in text


def raw_post(bot: Bot, headers: dict[str, str], body: bytes = b"") -> str:
    """Send a POST /slack/events by hand (what httpx would not send) and return the status line."""
    host, port = bot.server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        sock.sendall(f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode() + body)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def nothing_posted(bot: Bot) -> bool:
    time.sleep(0.2)
    return not bot.slack.calls_to("chat.postMessage") and not bot.slack.calls_to("chat.update")


def test_a_body_over_the_limit_is_refused_from_its_length_unread(bot: Bot, quiet_logs: Any) -> None:
    # 2 MB announced, nothing sent: the answer comes without waiting for the body.
    headers = {"Content-Type": "application/json", "Content-Length": str(2 * 1024 * 1024)}
    status = raw_post(bot, headers)
    assert status == "HTTP/1.0 413 Payload Too Large"
    assert nothing_posted(bot)


def test_a_body_without_a_length_is_refused(bot: Bot, quiet_logs: Any) -> None:
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    assert raw_post(bot, headers).endswith("411 Length Required")


def test_the_limit_is_a_setting(
    slack_api: SlackEmulator, redis_url: str, redis_client: Any, analyzer: Analyzer, page_server: PageServer
) -> None:
    with running_bot(slack_api, redis_url, analyzer, page_server, max_request_bytes=2000) as bot:
        challenge = {"type": "url_verification", "challenge": "c" * 100, "token": "x"}
        body = json.dumps(challenge)
        body += " " * (2000 - len(body))
        assert bot.server.post(body, "application/json").status_code == 200
        assert bot.server.post(body + " ", "application/json").status_code == 413


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [("abc", "v0=" + "0" * 64), ("", ""), ("-1", "v0=" + "0" * 64), ("99999999999999999999", "")],
)
def test_an_unreadable_timestamp_is_refused_as_unsigned(
    bot: Bot, quiet_logs: Any, timestamp: str, signature: str
) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "app_mention", "text": MARKER}})
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
    response = bot.server.http.post(
        "/slack/events", content=body.encode(), headers={"Content-Type": "application/json", **headers}
    )
    assert response.status_code == 401
    assert nothing_posted(bot)


def test_unsigned_deeply_nested_json_is_refused_before_it_is_parsed(bot: Bot, quiet_logs: Any) -> None:
    body = "[" * 200_000 + json.dumps(MARKER) + "]" * 200_000
    response = bot.server.post(body, "application/json", signature="v0=" + "0" * 64)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[" * 200_000 + "]" * 200_000, "application/json"),
        ('{"type": "event_callback", "event": ' + "[" * 100_000 + "]" * 100_000 + "}", "application/json"),
        ("payload=" + "%5B" * 100_000 + "%5D" * 100_000, "application/x-www-form-urlencoded"),
    ],
)
def test_signed_deeply_nested_json_is_a_bad_request(bot: Bot, quiet_logs: Any, body: str, content_type: str) -> None:
    assert bot.server.post(body, content_type).status_code == 400
    assert nothing_posted(bot)


@pytest.mark.parametrize(
    "event", [MARKER, ["app_mention"], 7, None, {"text": MARKER}, {"type": 7, "text": MARKER}, {"type": None}]
)
def test_a_signed_event_callback_whose_event_is_not_an_event_is_a_bad_request(
    bot: Bot, quiet_logs: Any, event: Any
) -> None:
    body = json.dumps({"type": "event_callback", "event_id": "EvBAD", "team_id": "T0", "event": event})
    assert bot.server.post(body, "application/json").status_code == 400
    assert nothing_posted(bot)


def test_bolt_log_lines_lose_the_body_and_stay_short() -> None:
    quiet = QuietBoltLog()
    record = logging.LogRecord(
        "bot.bolt", logging.INFO, __file__, 1, "Invalid request signature detected (signature: v0=0, timestamp: 1, "
        "body: %s)", (MARKER * 10_000,), None
    )  # fmt: skip
    assert quiet.filter(record)
    assert record.getMessage() == "Invalid request signature detected (signature: v0=0, timestamp: 1, body withheld)"
    long = logging.LogRecord("bot.bolt", logging.WARNING, __file__, 1, "x" * 5000, None, None)
    assert quiet.filter(long)
    assert len(long.getMessage()) <= MAX_LOG_CHARS + 2


def test_serving_with_the_token_in_the_environment_logs_no_token_warning(
    slack_api: SlackEmulator,
    redis_url: str,
    caplog: pytest.LogCaptureFixture,
    analyzer: Analyzer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.app import build_runtime
    from bot.service import Service
    from bot.slack import web_client
    from bot.store import RedisStore

    settings = bot_settings(slack_api, redis_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", settings.secret("slack_bot_token"))
    caplog.set_level(logging.DEBUG)
    store = RedisStore.from_url(redis_url)
    try:
        build_app(settings, build_runtime(settings, Service(settings, store, web_client(settings), analyzer)))
    finally:
        store.close()
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]


def test_slacks_ssl_check_is_answered_without_a_signature(bot: Bot, quiet_logs: Any) -> None:
    response = bot.server.post("ssl_check=1&token=unused", "application/x-www-form-urlencoded", signature="v0=00")
    assert (response.status_code, response.text) == (200, "")
    refused = bot.server.post(
        f"ssl_check=1&text={MARKER}" + "x" * 1000, "application/x-www-form-urlencoded", signature="v0=00"
    )
    assert refused.status_code == 401
