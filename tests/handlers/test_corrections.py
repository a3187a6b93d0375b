"""Corrections from the desk end to end: menus and modals in Slack, the corrected reply from the cache, the export,
and ``nutgraf eval`` on the export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Bot
from tests.handlers.support import (
    CHANNEL,
    all_text,
    assert_block_kit_accepted,
    bot_replies,
    choose,
    mention,
    overflows,
    press,
    submit_view,
    wait_for_replies,
)
from tests.slack_api import BOT_USER_ID, iter_blocks_text

pytestmark = [pytest.mark.slow, pytest.mark.redis]

ROOT = Path(__file__).parents[2]

#: An invented story with three quotes.
STORY = (
    "Harrowgate council voted on Tuesday to close the Eastmere ferry for six months while its pier is rebuilt.\n\n"
    '"We will reopen the crossing by the first week of June," said Mayor Lena Hartwell after the vote.\n\n'
    "Shopkeepers on the island say the closure will cost them a season of trade. "
    '"The money is simply not there for a replacement bus," said Tobias Renn, the council treasurer.\n\n'
    "The council estimates the repairs at 4.2 million pounds, twice the figure it gave last spring."
)


def ask(bot: Bot, text: str) -> tuple[str, dict[str, Any]]:
    event = mention(bot, f"<@{BOT_USER_ID}> {text}")
    assert bot.server.event(event).status_code == 200
    (reply,) = wait_for_replies(bot, event["ts"])
    return event["ts"], reply


def quote_block(message: dict[str, Any], words: str) -> str:
    """The block id of the quote holding ``words`` in the full lists."""
    for block_id, _ in overflows(message):
        block = next(b for b in message["blocks"] if b.get("block_id") == block_id)
        if words in block_text(block):
            return block_id
    raise AssertionError(f"no quote with {words!r}")


def block_text(block: dict[str, Any]) -> str:
    return " ".join(iter_blocks_text(block))


def full_lists(bot: Bot, thread: str, reply: dict[str, Any]) -> dict[str, Any]:
    assert choose(bot, reply, "Correct a quote…").status_code == 200
    return wait_for_replies(bot, thread, count=2)[-1]


def last_modal(bot: Bot, count: int) -> dict[str, Any]:
    return bot.slack.wait_for(lambda: len(bot.slack.modals) >= count and bot.slack.modals[count - 1], 10)["view"]


def thanks(bot: Bot, count: int) -> str:
    bot.slack.wait_for(lambda: len(bot.slack.ephemerals) >= count, timeout=30)
    return all_text(bot.slack.ephemerals[count - 1])


def nutgraf(*args: str, redis_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NUTGRAF_", "REDIS_"))}
    env["REDIS_URL"] = redis_url
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def test_corrections_round_trip_from_slack_to_nutgraf_eval(bot: Bot, redis_url: str, tmp_path: Path) -> None:
    thread, reply = ask(bot, STORY)
    assert "Lena Hartwell" in all_text(reply)
    lists = full_lists(bot, thread, reply)
    assert {b for b, _ in overflows(lists)} >= {quote_block(lists, "reopen the crossing")}

    # Wrong speaker…: the modal shows the quote; the editor types the right name
    assert choose(bot, lists, "Wrong speaker…", block_id=quote_block(lists, "reopen the crossing")).status_code == 200
    modal = last_modal(bot, 1)
    assert "reopen the crossing" in all_text(modal)
    assert submit_view(bot, modal, {"speaker": "Edda Marsh"}).status_code == 200
    assert "nutgraf now shows *Edda Marsh* as the speaker" in thanks(bot, 1)

    # Not a quote
    assert choose(bot, lists, "Not a quote", block_id=quote_block(lists, "replacement bus")).status_code == 200
    assert "no longer lists" in thanks(bot, 2)

    # A quote is missing…
    assert press(bot, lists, "nutgraf_add_quote").status_code == 200
    modal = last_modal(bot, 2)
    missing = {"words": "close the Eastmere ferry for six months", "speaker": "Harrowgate council", "kind": "indirect"}
    assert submit_view(bot, modal, missing).status_code == 200
    assert "as a quote by *Harrowgate council*" in thanks(bot, 3)

    # the same story asked again is answered from the cache, corrected
    again_thread, again = ask(bot, STORY)
    assert "cached" in all_text(again)
    quotes = " ".join(block_text(b) for b in again["blocks"] if str(b.get("block_id", "")).startswith("quotes"))
    assert "— *Lena Hartwell*" not in quotes and "replacement bus" not in quotes
    # the summary may say the corrected quote already, so the reply's full lists show who said it
    corrected = all_text(full_lists(bot, again_thread, again))
    assert "by the first week of June” — *Edda Marsh*" in corrected and "— *Lena Hartwell*" not in corrected
    assert "close the Eastmere ferry for six months — *Harrowgate council* _(paraphrase)_" in corrected
    assert_block_kit_accepted(bot)

    exported = tmp_path / "desk.jsonl"
    proc = nutgraf("corrections", "export", "-o", str(exported), redis_url=redis_url)
    assert proc.returncode == 0, proc.stderr
    (line,) = [json.loads(x) for x in exported.read_text(encoding="utf-8").splitlines()]
    assert line["text"] == STORY
    speakers = {q["content"]: q["speaker"] for q in line["quotes"]}
    assert speakers["We will reopen the crossing by the first week of June"] == "Edda Marsh"
    assert not any("replacement bus" in content for content in speakers)
    assert speakers["close the Eastmere ferry for six months"] == "Harrowgate council"

    # the pipeline on its own still names the mayor: that quote's speaker is wrong, and the added one missed
    fresh = nutgraf("eval", str(exported), "--json", str(tmp_path / "fresh.json"), redis_url=redis_url)
    assert fresh.returncode == 0, fresh.stderr
    figures = json.loads((tmp_path / "fresh.json").read_text())["all"]
    assert figures["speaker_correct"] < figures["speaker_n"] and figures["n_matched"] < figures["n_gold"]
    # what nutgraf shows from its cache has the desk's corrections: every quote right
    cached = nutgraf("eval", str(exported), "--cached", "--json", str(tmp_path / "cached.json"), redis_url=redis_url)
    assert cached.returncode == 0, cached.stderr
    assert "1 from the cache, 0 analysed afresh" in cached.stderr
    figures = json.loads((tmp_path / "cached.json").read_text())["all"]
    assert (figures["precision"], figures["recall"], figures["speaker_acc"]) == (1.0, 1.0, 1.0)
    assert "speaker accuracy: 1.000" in cached.stdout


def test_speaker_modal_refuses_an_empty_name(bot: Bot) -> None:
    thread, reply = ask(bot, STORY)
    lists = full_lists(bot, thread, reply)
    assert choose(bot, lists, "Wrong speaker…", block_id=quote_block(lists, "replacement bus")).status_code == 200
    response = submit_view(bot, last_modal(bot, 1), {"speaker": "  "})
    assert response.json() == {
        "response_action": "errors",
        "errors": {"speaker": "Type the name of the person who said it."},
    }
    assert not bot.runtime.store.corrected_stories()


def test_no_corrections_are_kept_in_a_private_channel(bot: Bot) -> None:
    thread, reply = ask(bot, STORY)
    lists = full_lists(bot, thread, reply)
    assert bot.server.command("private on", channel=CHANNEL).text.startswith("Private mode is on")
    assert choose(bot, lists, "Not a quote", block_id=quote_block(lists, "replacement bus")).status_code == 200
    assert "private to nutgraf" in thanks(bot, 1)
    assert not bot.runtime.store.corrected_stories()
    assert len(bot_replies(bot, thread)) == 2
