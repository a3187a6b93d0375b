"""``/nutgraf digest …`` end to end: settings answered in the ack, a digest posted after it."""

from __future__ import annotations

import html
import re
import textwrap

import pytest

from bot.blocks import escape_mrkdwn
from tests.conftest import Bot
from tests.fetch_server import page
from tests.handlers.support import CHANNEL, REPORTER, all_text, assert_block_kit_accepted, mention, wait_for_replies
from tests.slack_api import BOT_USER_ID, iter_blocks_text

pytestmark = pytest.mark.slow


def test_digest_now_lists_what_was_analysed(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    ts = bot.slack.add_message(CHANNEL, f"<@{BOT_USER_ID}> <{url}>", "U0REPORTER")
    bot.server.event({"type": "app_mention", "channel": CHANNEL, "user": "U0REPORTER", "text": f"<{url}>", "ts": ts})
    bot.slack.wait_for(lambda: bot.runtime.store.recent_stories(5), timeout=60)

    response = bot.server.command("digest today", channel=CHANNEL)
    assert response.status_code == 200
    assert "Putting together the digest" in response.text
    digest = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")], timeout=30
    )
    text = " ".join(iter_blocks_text(digest[0].params["blocks"]))
    assert "flood barrier" in text


def test_empty_digest_says_so(bot: Bot) -> None:
    bot.server.command("digest 24h", channel=CHANNEL)
    (call,) = bot.slack.wait_for(lambda: bot.slack.calls_to("chat.postMessage"), timeout=30)
    assert "Nothing analysed" in call.params["text"]


def test_schedule_status_and_off(bot: Bot) -> None:
    reply = bot.server.command("digest daily 17:30 Europe/London weekdays", channel=CHANNEL).text
    assert "17:30" in reply and "Europe/London" in reply
    schedule = bot.runtime.store.get_schedule(CHANNEL)
    assert schedule is not None and schedule.weekdays_only and schedule.tz == "Europe/London"
    assert "17:30" in bot.server.command("digest status", channel=CHANNEL).text
    bot.server.command("digest off", channel=CHANNEL)
    assert bot.runtime.store.get_schedule(CHANNEL) is None


def test_bad_digest_input_explains_usage(bot: Bot) -> None:
    reply = bot.server.command("digest daily 25:99 Mars/Olympus", channel=CHANNEL).text
    assert "/nutgraf digest" in reply
    assert not bot.slack.calls_to("chat.postMessage")


def pasted_copy(page: str) -> str:
    """The article of a fixture page as a reporter pastes it from a browser: headline, byline, an advert
    line between paragraphs, and hard line breaks."""
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    headline = html.unescape(re.search(r"<h1>(.*?)</h1>", article, re.S).group(1))  # type: ignore[union-attr]
    paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", article, re.S)]
    paragraphs.insert(4, "Advertisement")
    body = "\n\n".join(textwrap.fill(p, 70) for p in paragraphs)
    return f"{headline}\nBy Priya Okonkwo-Hale, local democracy reporter\n\n{body}"


def test_a_story_analysed_from_its_link_and_as_pasted_text_is_one_digest_entry(bot: Bot) -> None:
    url = bot.site.url("/article.html")
    link = mention(bot, f"<@{BOT_USER_ID}> <{url}>")
    bot.server.event(link)
    wait_for_replies(bot, link["ts"])
    paste = mention(bot, f"<@{BOT_USER_ID}> {escape_mrkdwn(pasted_copy(page('article.html', bot.site.base)))}")
    bot.server.event(paste)
    [reply] = wait_for_replies(bot, paste["ts"])
    assert "flood barrier" in all_text(reply)
    bot.slack.wait_for(lambda: len(bot.slack.calls_to("chat.getPermalink")) >= 2, timeout=30)
    # Recorded once: the pasted copy replaced the record made from the link, so App Home lists it once.
    assert len(bot.runtime.store.recent_stories(10)) == 1
    bot.server.event({"type": "app_home_opened", "user": REPORTER, "channel": "D0REPORTER", "tab": "home"})
    view = bot.slack.wait_for(lambda: bot.slack.views.get(REPORTER), timeout=10)
    recent = [b["text"]["text"] for b in view["blocks"] if b.get("block_id", "").startswith("recent-")]
    assert len(recent) == 1 and recent[0].count("\n• ") == 1 and "flood barrier" in recent[0]

    bot.server.command("digest today", channel=CHANNEL)
    (call,) = bot.slack.wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")], timeout=30
    )
    blocks = call.params["blocks"]
    stories = [b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("stories-")]
    # One entry, under the page's title, linked to the latest analysis's thread.
    [entry] = stories
    assert re.fullmatch(
        r"\*Stories\*\n• \*<http://127\.0\.0\.1:\d+/archives/C0NEWSROOM/p"
        + paste["ts"].replace(".", "")
        + r"\|Harbourside council approves £48m flood barrier after decade of delays>\* · The Wexmoor Courier",
        entry,
    ), entry
    assert "1 story" in " ".join(iter_blocks_text(blocks))
    speakers = " ".join(b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("speakers-"))
    assert "*Marguerite Ashdown*" in speakers and "2 stories" not in speakers
    assert assert_block_kit_accepted(bot) >= 5
