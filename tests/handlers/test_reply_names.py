"""The posted reply end to end: no place among People, counts with short forms, whole figures in bold."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Bot
from tests.handlers.support import mention, wait_for_replies
from tests.slack_api import BOT_USER_ID, iter_blocks_text

pytestmark = [pytest.mark.slow, pytest.mark.redis]

#: An invented story in US wire style.
STORY = (
    "RIVERTON — Single fares on the Riverton harbor ferry will rise from $4.50 to $5.05 on March 9, the "
    "Riverton Ferry Authority (RFA) said on Monday, the second increase in a year.\n\n"
    "Mayor Grace Okafor said the increase would cost a daily commuter about $250 a year. Ms. Okafor said "
    "she had asked the RFA to delay it.\n\n"
    "Ridership in Riverton has fallen 12% since 2021, according to figures published by the RFA.\n\n"
    "Two councillors voted against the plan. Okafor said commuters from Riverton deserved better."
)


def fields(reply: dict[str, Any], title: str) -> str:
    block = next(b for b in reply["blocks"] if b.get("block_id") == "entities")
    texts = [f["text"] for f in block["fields"]]
    return next((t for t in texts if t.startswith(f"*{title}*")), "")


def test_reply_names_people_not_places_counts_short_forms_and_bolds_whole_figures(bot: Bot) -> None:
    event = mention(bot, f"<@{BOT_USER_ID}> {STORY}")
    assert bot.server.event(event).status_code == 200
    (reply,) = wait_for_replies(bot, str(event["ts"]))
    people = fields(reply, "People")
    assert "Grace Okafor (4)" in people  # "Mayor Grace Okafor", "Ms. Okafor", "she", "Okafor"
    assert "Riverton" not in people and "RIVERTON" not in people
    assert "Okafor (" not in people.replace("Grace Okafor (", "")
    organisations = fields(reply, "Organisations")
    assert "Riverton Ferry Authority (4)" in organisations  # the name and "RFA" three times
    text = " ".join(iter_blocks_text(reply["blocks"]))
    assert "*$4.50 to $5.05*" in text
    assert "*4.50*" not in text
