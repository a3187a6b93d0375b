"""The main reply as Slack shows it, read as an editor reads it: each fact once, in context, verbatim, one
name per person. The story is pasted in a mention; the blocks are read back from the local Slack."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.nlp.quotes import JOIN
from bot.reply import repeats
from tests.conftest import Bot
from tests.handlers.support import mention, wait_for_replies
from tests.slack_api import BOT_USER_ID

pytestmark = pytest.mark.slow

STORY = (Path(__file__).parents[1] / "fixtures" / "articles" / "reply_waiting_lists.txt").read_text(encoding="utf-8")


def section(message: dict[str, Any], title: str) -> list[str]:
    """The lines of a titled list in a posted message, mrkdwn as posted."""
    for block in message["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        if text.startswith(f"*{title}*"):
            return text.split("\n")[1:]
    return []


def plain(mrkdwn: str) -> str:
    """A mrkdwn line as a reader sees it: no emphasis marks or entities."""
    text = re.sub(r"(?<!\w)[*_]|[*_](?!\w)", "", mrkdwn)
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


@pytest.fixture
def reply(bot: Bot) -> dict[str, Any]:
    event = mention(bot, f"<@{BOT_USER_ID}> {STORY}")
    bot.server.event(event)
    (message,) = wait_for_replies(bot, str(event["ts"]))
    return message


def test_no_fact_is_shown_twice(reply: dict[str, Any]) -> None:
    summary = next(b["text"]["text"] for b in reply["blocks"] if b.get("block_id") == "summary")
    claims = [re.sub(r"^\d+\. ", "", plain(line)).split(" — ")[0] for line in section(reply, "Key claims")]
    quotes = [plain(line)[2:].rsplit(" — ", 1)[0].strip("“”") for line in section(reply, "Quotes")]
    items = claims + quotes
    assert len(claims) >= 2 and len(quotes) >= 2
    for n, item in enumerate(items):
        assert not repeats(item, [plain(summary), *items[:n], *items[n + 1 :]]), item


def test_a_claim_that_opens_with_he_shows_who_in_brackets(reply: dict[str, Any]) -> None:
    claims = [plain(line) for line in section(reply, "Key claims")]
    assert any(line.startswith("1. [Daniel Voss] warned that waits could pass 22 weeks") for line in claims)
    openings = [re.sub(r"^\d+\. ", "", line).split()[0] for line in claims]
    assert not {"He", "She", "It", "But", "And"} & set(openings)


def test_quotes_are_the_story_s_words(reply: dict[str, Any]) -> None:
    direct = [plain(line) for line in section(reply, "Quotes") if "(paraphrase)" not in line]
    assert direct
    for line in direct:
        content = line[2:].rsplit(" — ", 1)[0]
        assert content.startswith("“") and content.endswith("”")
        for piece in content[1:-1].split(JOIN):
            assert piece in STORY


def test_one_name_per_person_with_the_role(reply: dict[str, Any]) -> None:
    quotes = [plain(line) for line in section(reply, "Quotes")]
    voss = [line for line in quotes if "Voss" in line.rsplit(" — ", 1)[1]]
    assert voss
    assert all(line.rsplit(" — ", 1)[1].startswith("Daniel Voss, board's chief executive") for line in voss)
    claims = " ".join(section(reply, "Key claims"))
    assert "— Voss" not in claims and "_— Daniel Voss_" not in claims  # a claim naming him needs no attribution
