"""Desk memory end to end: notes under *Worth checking* with working links, channels that never leak into
each other, a changed page re-analysed, ``/nutgraf memory`` and App Home, through the local Slack."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from tests.conftest import Bot
from tests.handlers.support import (
    CHANNEL,
    REPORTER,
    all_text,
    assert_block_kit_accepted,
    bot_replies,
    click,
    wait_for_replies,
)
from tests.slack_api import BOT_USER_ID

pytestmark = pytest.mark.slow

EDITOR = "U0EDITOR"
PRIVATE = "G0INVESTIG"

FERRY = """Lindqvist Ferries to cut winter sailings

Lindqvist Ferries will cut 340 sailings on the Tarrow Sound route this winter, the operator said on Monday.
"We cannot run empty boats through January," said Mikkel Brandt, the company's operations director.
The operator said the timetable change would save about $6 million a year."""

FERRY_LATER = """Ferry cuts deeper than announced

Lindqvist Ferries will scrap 410 sailings on the Tarrow Sound route this winter, according to a schedule filed
with the harbour office on Wednesday. The timetable change would save about $6 million a year, the operator
said. Islanders said the company had not consulted them."""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Kessock council to close libraries | The Fernhill Gazette</title>
<meta property="og:site_name" content="The Fernhill Gazette">
<meta property="article:published_time" content="2026-11-03T08:00:00+00:00">
<link rel="canonical" href="{{base}}/news/libraries">
</head><body><article>
<h1>Kessock council to close libraries</h1>
<p>Kessock District Council will close 14 libraries by next summer, the council said on Tuesday.</p>
<p>"Nobody wanted this outcome," said Ailsa Moray, the council's finance chief.</p>
<p>The closures would save about $3 million a year, officials said.</p>
<p>Residents' groups said they would fight the plan in the courts.</p>
<p>The council has run the branches since the district was formed, and several of them share buildings with
community halls, post offices and a youth club. Councillors will debate the list of branches at a meeting
next month, when members of the public may ask questions from the gallery.</p>
<p>Opposition members said the council had not looked at other savings, such as shorter opening hours or
volunteer-run branches, and asked for the plan to be paused until a consultation had been held across the
district's towns and villages.</p>
</article></body></html>"""


def ask(bot: Bot, text: str, *, channel: str = CHANNEL, user: str = REPORTER) -> dict[str, Any]:
    """Mention nutgraf with ``text`` in ``channel``; the finished reply once desk memory has filed it."""
    ts = bot.slack.add_message(channel, f"<@{BOT_USER_ID}> {text}", user)
    event = {"type": "app_mention", "channel": channel, "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts}
    assert bot.server.event(event).status_code == 200
    (reply,) = wait_for_replies(bot, ts, channel=channel)
    bot.slack.wait_for(lambda: filed(bot, channel, ts), timeout=10)
    return reply


def filed(bot: Bot, channel: str, thread_ts: str) -> bool:
    """Whether desk memory has filed the story answered in ``thread_ts`` (its ref names the thread)."""
    memory = bot.runtime.service.desk.memory
    assert memory is not None
    for sid in memory.client.zrange(f"nutgraf:m:{channel}:stories", 0, -1):
        if f'"thread_ts":"{thread_ts}"' in (memory.client.hget(f"nutgraf:m:{channel}:s:{sid}", "ref") or ""):
            return True
    return False


def worth_checking(message: dict[str, Any]) -> str:
    return "\n".join(
        b["text"]["text"] for b in message.get("blocks") or [] if str(b.get("block_id", "")).startswith("notes-")
    )


def links(text: str) -> list[str]:
    return re.findall(r"<(https?://[^|>]+)\|", text)


def open_link(bot: Bot, url: str) -> dict[str, Any]:
    """Follow a link the way a reader's client would: it must lead to a message of the workspace."""
    response = httpx.get(url.replace("&amp;", "&"), timeout=5)
    assert response.status_code == 200, url
    message: dict[str, Any] = response.json()["message"]
    return message


def test_a_figure_that_differs_links_to_the_earlier_thread(bot: Bot) -> None:
    first = ask(bot, FERRY)
    assert "Figure differs" not in all_text(first)
    second = ask(bot, FERRY_LATER)
    notes = worth_checking(second)
    assert (
        ":bar_chart: *Figure differs* — Lindqvist Ferries, sailings cut (this winter): *410* here, *340* in _<" in notes
    )
    assert "|Lindqvist Ferries to cut winter sailings>_" in notes
    assert ":repeat: *Seen before* — “The timetable change would save about $6 million a year, the operator said.”" in (
        notes
    )
    (link, *others) = links(notes)
    assert set(others) <= {link}
    parent = open_link(bot, link)
    assert parent["ts"] == first["thread_ts"] and "Lindqvist Ferries will cut 340 sailings" in parent["text"]
    assert [m["ts"] for m in bot_replies(bot, parent["ts"])] == [first["ts"]]
    assert_block_kit_accepted(bot)


def test_the_same_stories_in_two_channels_never_leak_across(bot: Bot) -> None:
    bot.slack.add_channel("investigations", channel_id=PRIVATE, is_private=True, members=[EDITOR])
    quiet = ask(bot, FERRY, channel=PRIVATE, user=EDITOR)
    public = ask(bot, FERRY_LATER, channel=CHANNEL, user=REPORTER)
    assert worth_checking(quiet) == "" and worth_checking(public) == ""  # nothing remembered in either yet
    in_public = ask(bot, FERRY, channel=CHANNEL, user=REPORTER)
    in_private = ask(bot, FERRY_LATER, channel=PRIVATE, user=EDITOR)
    for message, channel in ((in_public, CHANNEL), (in_private, PRIVATE)):
        notes = worth_checking(message)
        assert "*Figure differs*" in notes
        assert links(notes) and all(f"/archives/{channel}/" in link for link in links(notes))
        for link in links(notes):
            assert open_link(bot, link)["ts"] in {m["ts"] for m in bot.slack.messages(channel)}
    assert "*410* here, *340* in" in worth_checking(in_private)
    assert "*340* here, *410* in" in worth_checking(in_public)
    for message in bot.slack.messages(CHANNEL):
        assert PRIVATE not in all_text(message)

    found = {}
    for channel, user in ((CHANNEL, REPORTER), (PRIVATE, EDITOR)):
        response = bot.server.command("memory lindqvist sailings", channel=channel, user=user)
        found[channel] = all_text(response.json())
    assert "/archives/" in found[CHANNEL] and PRIVATE not in found[CHANNEL]
    assert "/archives/" in found[PRIVATE] and CHANNEL not in found[PRIVATE]

    outsider = bot.slack.add_user("Nora Outsider", user_id="U0OUTSIDER", join=False)
    home = {user: home_conflicts(bot, user) for user in (REPORTER, EDITOR, outsider)}
    assert home[REPORTER].startswith(f"*Figures that differ in your channels*\n• <#{CHANNEL}> · Lindqvist Ferries")
    assert PRIVATE not in home[REPORTER] and home[REPORTER].count("\n• ") == 1
    assert home[EDITOR].startswith(f"*Figures that differ in your channels*\n• <#{PRIVATE}> · Lindqvist Ferries")
    assert CHANNEL not in home[EDITOR] and home[EDITOR].count("\n• ") == 1
    assert home[outsider] == ""
    assert_block_kit_accepted(bot)


def home_conflicts(bot: Bot, user: str) -> str:
    """The conflicts section of ``user``'s App Home ("" when it has none)."""
    bot.slack.views.pop(user, None)
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home", "event_ts": f"{time.time()}"}
    assert bot.server.event(event).status_code == 200
    view = bot.slack.wait_for(lambda: bot.slack.views.get(user), timeout=10)
    return "\n".join(b["text"]["text"] for b in view["blocks"] if str(b.get("block_id")).startswith("conflicts-"))


def test_reanalysing_a_changed_page_says_what_changed(bot: Bot) -> None:
    url = bot.site.publish("/news/libraries", PAGE)
    reply = ask(bot, f"<{url}>")
    assert "Changed since" not in all_text(reply)
    edited = (
        PAGE.replace("close 14 libraries", "close 17 libraries")
        .replace("said Ailsa Moray", "said Tom Kettridge")
        .replace(
            "<p>Residents'",
            '<p>"We will keep the mobile library running," said Ruth Anand, the deputy leader.</p>\n<p>Residents\'',
        )
    )
    bot.site.publish("/news/libraries", edited)
    assert click(bot, reply, "nutgraf_reanalyse").status_code == 200

    def changed() -> dict[str, Any] | None:
        (again,) = bot_replies(bot, reply["thread_ts"])
        return again if "Changed since" in all_text(again) else None

    again = bot.slack.wait_for(changed, timeout=60)
    assert again["ts"] == reply["ts"]
    (line,) = [n for n in worth_checking(again).split("\n") if "Changed since" in n]
    assert re.fullmatch(
        r":pencil2: \*Changed since first analysed\* \(<!date\^\d+\^\{date_short\}\|[^>]+>\): "
        r"libraries closed \*14\* → \*17\*; 1 quote added \(Ruth Anand\); 1 quote reworded \(council\); "
        r"“Nobody wanted this outcome” now \*Tom Kettridge\* \(was Ailsa Moray\)",
        line,
    ), line
    assert_block_kit_accepted(bot)


def test_memory_command_lists_the_channels_figures_and_claims_newest_first(bot: Bot) -> None:
    ask(bot, FERRY)
    ask(bot, FERRY_LATER)
    started = time.monotonic()
    response = bot.server.command("memory Lindqvist sailings", channel=CHANNEL)
    assert time.monotonic() - started < 3
    body = response.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    text = all_text(body)
    assert "*Desk memory for “Lindqvist sailings”* in <#C0NEWSROOM>: 4 matches, newest first" in text
    figures = [line for line in text.split("\n") if line.startswith("• *")]
    assert [line.split(" — ")[0] for line in figures] == ["• *410*", "• *340*"]
    assert "Lindqvist Ferries will scrap 410 sailings" in text and "Lindqvist Ferries will cut 340 sailings" in text
    assert text.index("will scrap 410") < text.index("will cut 340")
    for link in links(text):
        assert open_link(bot, link)["ts"] in {m["ts"] for m in bot.slack.messages(CHANNEL)}
    assert "Nothing in this channel's desk memory has all of *lindqvist buses*" in all_text(
        bot.server.command("memory lindqvist buses", channel=CHANNEL).json()
    )
    assert "/nutgraf memory calloway jobs" in all_text(bot.server.command("memory", channel=CHANNEL).json())
    assert len(bot.slack.calls_to("chat.postMessage")) == 2  # the two analyses' progress messages, nothing more
