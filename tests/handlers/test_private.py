"""Private mode and the audit line end to end: answers still come, nothing is kept, and logs hold ids only."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
import redis

from bot.audit import JsonFormatter
from tests.conftest import Bot, running_bot
from tests.handlers.support import CHANNEL, REPORTER, all_text, buttons, choose, mention, wait_for_replies
from tests.handlers.test_forget import keys_holding, word_windows
from tests.slack_api import BOT_USER_ID, TEAM_ID

pytestmark = [pytest.mark.slow, pytest.mark.redis]

#: An invented unpublished draft; its words must reach no key and no log record.
DRAFT = (
    "Quillon Ferries will cut its winter timetable to two sailings a day from November, the operator told "
    'staff in a memo on Monday. "We cannot keep running empty boats across the Sound," wrote Perpetua '
    "Vandermeer, the company's operations chief, adding that 47 crew posts would go by the spring."
)


def ask(bot: Bot, text: str) -> dict[str, Any]:
    event = mention(bot, f"<@{BOT_USER_ID}> {text}")
    assert bot.server.event(event).status_code == 200
    (reply,) = wait_for_replies(bot, event["ts"])
    return reply


def test_private_channel_is_answered_but_nothing_is_kept(bot: Bot, redis_client: redis.Redis, redis_url: str) -> None:
    assert bot.server.command("private status", channel=CHANNEL).text.startswith("Private mode is off")
    assert bot.server.command("private on", channel=CHANNEL).text.startswith("Private mode is on")
    assert bot.server.command("private", channel=CHANNEL).text.startswith("Private mode is on")
    reply = ask(bot, DRAFT)
    assert "Perpetua Vandermeer" in all_text(reply)
    assert buttons(reply) == {}  # nothing is cached, so nothing to list, share, re-analyse, correct or forget
    assert keys_holding(redis_url, DRAFT) == {}
    assert not list(redis_client.scan_iter(match="nutgraf:st:*"))
    assert not list(redis_client.scan_iter(match="nutgraf:d:*"))

    # a link in the private channel: answered, not cached
    link_reply = ask(bot, f"<{bot.site.url('/article.html')}>")
    assert "flood barrier" in all_text(link_reply)
    assert not list(redis_client.scan_iter(match="nutgraf:a:*"))

    assert bot.server.command("private off", channel=CHANNEL).text.startswith("Private mode is off")
    reply = ask(bot, DRAFT)
    assert "nutgraf_story_menu" in buttons(reply)
    assert keys_holding(redis_url, DRAFT)


def test_private_text_setting_keeps_no_pasted_text_anywhere(
    slack_api: Any, redis_url: str, redis_client: redis.Redis, analyzer: Any, page_server: Any
) -> None:
    with running_bot(slack_api, redis_url, analyzer, page_server, private_text=True) as bot:
        reply = ask(bot, DRAFT)
        assert "Perpetua Vandermeer" in all_text(reply)
        assert keys_holding(redis_url, DRAFT) == {}
        # links are still cached: a published page is not the desk's secret
        ask(bot, f"<{bot.site.url('/article.html')}>")
        assert list(redis_client.scan_iter(match="nutgraf:a:*"))
        assert "Pasted text is private in every channel" in bot.server.command("private", channel=CHANNEL).text


def test_audit_lines_hold_ids_and_no_text_in_any_log(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="handlers")
    caplog.set_level(logging.DEBUG, logger="nutgraf")
    caplog.set_level(logging.INFO)
    reply = ask(bot, DRAFT)
    response = bot.server.command(DRAFT, channel=CHANNEL)
    assert response.status_code == 200
    # An answer's audit line is written once everything after the reply is done (records, desk memory).
    bot.slack.wait_for(lambda: sum(r.name == "nutgraf.audit" for r in caplog.records) >= 2, timeout=60)
    bot.server.command("private on", channel=CHANNEL)
    ask(bot, DRAFT)
    assert choose(bot, reply, "Forget this story").status_code == 200
    bot.slack.wait_for(lambda: any(r.getMessage().startswith("audit trigger=forget") for r in caplog.records), 30)

    audits = [r for r in caplog.records if r.name == "nutgraf.audit"]
    lines = [r.audit for r in audits]  # type: ignore[attr-defined]
    assert [(a["trigger"], a["outcome"], a["cached"]) for a in lines] == [
        ("mention", "ok", False),
        ("command", "ok", True),
        ("private", "on", None),
        ("mention", "ok", True),
        ("forget", "ok", None),
    ]
    assert all(a["team"] == TEAM_ID and a["channel"] == CHANNEL and a["user"] == REPORTER for a in lines)
    assert len({a["story"] for a in lines[:2]}) == 1 and lines[0]["story"] and lines[3]["story"] is None
    assert all(isinstance(a["ms"], int) and a["ms"] >= 0 for a in lines)
    assert audits[0].getMessage().startswith(f"audit trigger=mention team={TEAM_ID} channel={CHANNEL} user={REPORTER}")

    windows = word_windows(DRAFT, 4)
    for record in caplog.records:
        text = " ".join(re.findall(r"\w+", JsonFormatter().format(record).lower()))
        leaked = {w for w in windows if w in text}
        assert not leaked, (record.name, record.getMessage()[:200])


def test_json_log_lines_carry_the_audit_fields() -> None:
    record = logging.LogRecord("nutgraf.audit", logging.INFO, __file__, 1, "audit %s", ("x",), None)
    record.audit = {"trigger": "mention", "story": "abc", "cached": True, "ms": 12}
    data = json.loads(JsonFormatter().format(record))
    assert data["logger"] == "nutgraf.audit" and data["level"] == "INFO" and data["message"] == "audit x"
    assert (data["trigger"], data["story"], data["cached"], data["ms"]) == ("mention", "abc", True, 12)


def test_log_records_made_for_a_private_channel_keep_ids_only() -> None:
    from bot.audit import PrivateFilter, audit, private_scope

    private = logging.LogRecord("bot.fetch", logging.INFO, __file__, 1, "ignored canonical link %s", ("x",), None)
    public = logging.LogRecord("bot.fetch", logging.INFO, __file__, 1, "ignored canonical link %s", ("x",), None)
    with private_scope():
        assert PrivateFilter().filter(private)
    assert PrivateFilter().filter(public)
    assert private.getMessage() == "details withheld (private channel)"
    assert public.getMessage() == "ignored canonical link x"
    with private_scope():
        line = logging.LogRecord("nutgraf.audit", logging.INFO, __file__, 1, "audit %s", ("trigger=mention",), None)
        PrivateFilter().filter(line)
    assert line.getMessage() == "audit trigger=mention"  # audit lines are ids only already
    assert audit("mention", outcome="ok", ms=1.6)["ms"] == 2
