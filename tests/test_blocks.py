"""Block Kit builders: Slack's limits, escaping, "+N more" counts and buttons, for any input."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import blocks
from bot.blocks import (
    ACTION_REANALYSE,
    ACTION_SHARE,
    ACTION_SHOW_ALL,
    analysis_message,
    claim_line,
    digest_message,
    error_message,
    escape_mrkdwn,
    full_lists_message,
    help_message,
    home_view,
    parse_action_value,
    progress_message,
    quote_line,
    skipped_links_message,
)
from bot.models import (
    AcrossStoriesItem,
    Analysis,
    Claim,
    Digest,
    DigestClaim,
    DigestItem,
    DigestSection,
    DigestStory,
    Entity,
    Quote,
    QuotedSpeaker,
    Source,
    UnnamedSpeakers,
)
from bot.reply import plan

# Hypothesis warns when a failing example is too big to print; the failure itself must still show.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

# --- one checker, mirroring what Slack refuses -------------------------------------------------

SLACK_MAX_BLOCKS = 50
SLACK_MAX_VIEW_BLOCKS = 100
SLACK_SECTION_TEXT = 3000
SLACK_HEADER_TEXT = 150
SLACK_FIELDS = 10
SLACK_FIELD_TEXT = 2000
SLACK_CONTEXT_ELEMENTS = 10
SLACK_ACTIONS = 25
SLACK_BUTTON_TEXT = 75
SLACK_BUTTON_VALUE = 2000
SLACK_MESSAGE_TEXT = 40_000
TOTAL_TEXT_BUDGET = 11_000

# The only <…> forms nutgraf may emit: links, dates, channel references and (who forgot a story) user
# mentions it builds itself from ids.
ALLOWED_TOKEN = re.compile(
    r"<(?:https?://[^\s<>|]+(?:\|[^<>]*)?|!date\^\d+\^[^|<>]+\|[^<>]*|#[CGD][A-Z0-9]+|@[UW][A-Z0-9]+)>"
)
ENTITY = re.compile(r"&(?:amp|lt|gt);")


def escaped(raw: str) -> int:
    """The length of article text as a reply shows it: whitespace squashed, then escaped."""
    return len(escape_mrkdwn(" ".join(raw.split())))


def assert_safe_mrkdwn(text: str) -> None:
    """No stray < or > (so no mention, <!channel> or foreign link; "> " may open a block quote line)
    and no & outside an entity."""
    rest = re.sub(r"(?m)^> ", "", ALLOWED_TOKEN.sub("", text))
    assert "<" not in rest and ">" not in rest, text[:300]
    assert "&" not in ENTITY.sub("", text), text[:300]


def _text_object(obj: dict[str, Any], limit: int) -> int:
    assert obj["type"] in {"mrkdwn", "plain_text"}
    text = obj["text"]
    assert isinstance(text, str) and 1 <= len(text) <= limit, len(text)
    if obj["type"] == "mrkdwn":
        assert_safe_mrkdwn(text)
    return len(text)


def check_slack_limits(payload: dict[str, Any], *, view: bool = False) -> None:
    """Fail where Slack would answer invalid_blocks, msg_too_long or msg_blocks_too_long."""
    blocks_ = payload["blocks"]
    assert 1 <= len(blocks_) <= (SLACK_MAX_VIEW_BLOCKS if view else SLACK_MAX_BLOCKS)
    if view:
        assert payload["type"] in ("home", "modal")
    else:
        text = payload["text"]
        assert text.strip() and len(text) <= SLACK_MESSAGE_TEXT
        assert_safe_mrkdwn(text)
    total = 0
    block_ids: set[str] = set()
    for block in blocks_:
        block_id = block.get("block_id")
        if block_id is not None:
            assert block_id not in block_ids and len(block_id) <= 255
            block_ids.add(block_id)
        kind = block["type"]
        if kind == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                total += _text_object(block["text"], SLACK_SECTION_TEXT)
            fields = block.get("fields", [])
            assert len(fields) <= SLACK_FIELDS
            total += sum(_text_object(f, SLACK_FIELD_TEXT) for f in fields)
            if "accessory" in block:
                total += _overflow(block["accessory"])
        elif kind == "header":
            assert block["text"]["type"] == "plain_text"
            total += _text_object(block["text"], SLACK_HEADER_TEXT)
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= SLACK_CONTEXT_ELEMENTS
            total += sum(_text_object(e, SLACK_SECTION_TEXT) for e in block["elements"])
        elif kind == "actions":
            elements = block["elements"]
            assert 1 <= len(elements) <= SLACK_ACTIONS
            action_ids = [e["action_id"] for e in elements]
            assert len(set(action_ids)) == len(action_ids)
            for element in elements:
                if element["type"] == "overflow":
                    total += _overflow(element)
                    continue
                assert element["type"] == "button"
                assert element["text"]["type"] == "plain_text"
                total += _text_object(element["text"], SLACK_BUTTON_TEXT)
                assert len(element.get("value", "")) <= SLACK_BUTTON_VALUE
        elif kind == "input":
            assert view and block["label"]["type"] == "plain_text" and block["element"]["action_id"]
        else:
            assert kind == "divider", kind
    assert total <= TOTAL_TEXT_BUDGET, total


def _overflow(element: dict[str, Any]) -> int:
    """Check an overflow menu (1-5 options, 75-character labels, 150-character values); its text size."""
    assert element["type"] == "overflow" and 1 <= len(element["options"]) <= 5
    for option in element["options"]:
        assert option["text"]["type"] == "plain_text" and 1 <= len(option["text"]["text"]) <= 75
        assert 1 <= len(option["value"]) <= 150
    return sum(len(option["text"]["text"]) for option in element["options"])


# --- helpers to read messages back ---------------------------------------------------------------


def texts_of(payload: dict[str, Any], prefix: str) -> list[str]:
    """The mrkdwn texts of blocks whose block_id starts with prefix (lists are built that way)."""
    out = []
    for block in payload["blocks"]:
        if not str(block.get("block_id", "")).startswith(prefix + "-"):
            continue
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e["text"] for e in block.get("elements", []))
    return out


def list_lines(payload: dict[str, Any], prefix: str, pattern: str) -> int:
    lines = "\n".join(t for t in texts_of(payload, prefix)).split("\n")
    return sum(1 for line in lines if re.match(pattern, line))


def more_count(payload: dict[str, Any], prefix: str) -> int:
    for block in payload["blocks"]:
        if block.get("block_id") == f"{prefix}-more":
            match = re.match(r"_\+(\d+) more ", block["elements"][0]["text"])
            assert match is not None
            return int(match.group(1))
    return 0


def buttons(payload: dict[str, Any]) -> dict[str, str]:
    return {
        e["action_id"]: e["value"]
        for block in payload["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
    }


def all_text(payload: dict[str, Any]) -> str:
    return repr(payload)


CLAIM_LINE = r"\d+\. "
QUOTE_LINE = r"> "

# --- strategies ------------------------------------------------------------------------------------

NASTY = [
    "&",
    "<",
    ">",
    "<!channel>",
    "<!here|here>",
    "<@U123ABC>",
    "<https://evil.example|click me>",
    "&amp;",
    "&lt;",
    "*",
    "_",
    "~",
    "`",
    "```",
    "\n",
    "\t ",
    "é",
    "😀",
    "|",
    "4.2%",
    "@here",
    "#general",
    "\u200b",
    "> ",
]


@st.composite
def odd_text(draw: st.DrawFn, repeat: tuple[int, ...] = (1, 1, 1, 3, 40, 600)) -> str:
    pieces = draw(st.lists(st.one_of(st.text(max_size=25), st.sampled_from(NASTY)), max_size=6))
    return "".join(pieces) * draw(st.sampled_from(repeat))


def optional_text() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), odd_text())


URLS = st.sampled_from(
    [
        None,
        "https://news.example/story?a=1&b=<2>|c",
        "http://news.example/a b",
        "javascript:alert(1)",
        "https://news.example/" + "x" * 3000,
        "https://news.example/" + "&" * 400,
        "https://news.example/ok",
    ]
)


def quotes_strategy() -> st.SearchStrategy[Quote]:
    return st.builds(
        Quote,
        speaker=optional_text(),
        speaker_role=optional_text(),
        content=odd_text(),
        kind=st.sampled_from(["direct", "mixed", "indirect", "stance"]),
        start=st.integers(0, 10_000),
        end=st.integers(0, 10_000),
    )


def claims_strategy() -> st.SearchStrategy[Claim]:
    return st.builds(
        Claim,
        text=odd_text(),
        score=st.floats(0, 1),
        checkworthy=st.booleans(),
        attribution=optional_text(),
        hedged=st.booleans(),
        hedges=st.lists(odd_text((1, 1, 30)), max_size=3),
        numbers=st.lists(st.one_of(st.sampled_from(["4.2%", "12", "$5bn", "", " 3 "]), odd_text()), max_size=4),
        start=st.just(0),
        end=st.just(1),
    )


def entities_strategy() -> st.SearchStrategy[Entity]:
    return st.builds(
        Entity,
        text=odd_text(),
        label=st.sampled_from(["PERSON", "ORG", "GPE"]),
        count=st.integers(1, 10_000),
    )


def repeated(strategy: st.SearchStrategy[Any], factors: tuple[int, ...]) -> st.SearchStrategy[list[Any]]:
    """Lists of up to 5 items repeated by a factor: long lists (500 quotes) without slow generation."""
    return st.builds(lambda items, n: items * n, st.lists(strategy, max_size=5), st.sampled_from(factors))


@st.composite
def analyses(draw: st.DrawFn) -> Analysis:
    source = Source(
        kind=draw(st.sampled_from(["url", "text"])),
        url=draw(URLS),
        canonical_url=draw(URLS),
        title=draw(optional_text()),
        site=draw(optional_text()),
        author=draw(optional_text()),
        published=draw(st.sampled_from([None, "2026-11-27", "2026-11-27T10:00:00+01:00", "<b>&yesterday"])),
    )
    return Analysis(
        pipeline_version="test",
        source=source,
        word_count=draw(st.integers(0, 10**7)),
        summary=draw(st.lists(odd_text(), max_size=4)),
        claims=draw(repeated(claims_strategy(), (1, 1, 2, 100))),
        quotes=draw(repeated(quotes_strategy(), (1, 1, 3, 100))),
        entities=draw(repeated(entities_strategy(), (1, 1, 20))),
        notes=draw(st.lists(odd_text(), max_size=12)),
    )


KEYS = st.sampled_from([None, "k", "a:" + "0" * 64, "clé & <key>"])
WHEN = datetime(2026, 11, 27, 17, 30, tzinfo=timezone.utc)


@st.composite
def stories(draw: st.DrawFn) -> DigestStory:
    return DigestStory(
        key="k",
        title=draw(odd_text()),
        site=draw(optional_text()),
        url=draw(URLS),
        permalink=draw(st.sampled_from([None, "https://team.slack.com/archives/C1/p1", "ftp://x"])),
        channel=draw(st.sampled_from(["C0123ABC", "not a channel <!here>"])),
        recorded_at=WHEN - timedelta(hours=draw(st.integers(0, 500))),
    )


@st.composite
def digests(draw: st.DrawFn) -> Digest:
    top = st.builds(DigestClaim, claim=claims_strategy(), story_title=odd_text(), link=URLS)
    speakers = st.builds(
        QuotedSpeaker, name=odd_text(), role=optional_text(), stories=st.integers(1, 50), quotes=st.integers(1, 500)
    )
    unnamed = st.builds(UnnamedSpeakers, label=odd_text(), stories=st.integers(1, 9), quotes=st.integers(1, 99))
    across = st.builds(
        AcrossStoriesItem,
        name=odd_text(),
        kind=st.sampled_from(["person", "organisation", "place"]),
        stories=st.integers(2, 99),
    )
    items = st.builds(DigestItem, text=odd_text(), detail=optional_text(), link=URLS)
    sections = st.builds(DigestSection, title=odd_text(), items=repeated(items, (0, 1, 12)))
    return Digest(
        channel=draw(st.sampled_from(["C0123ABC", "junk&<>"])),
        since=WHEN - timedelta(days=1),
        until=WHEN,
        stories=draw(repeated(stories(), (1, 1, 20, 100))),
        top_claims=draw(repeated(top, (1, 1, 10))),
        speakers=draw(repeated(speakers, (1, 1, 30))),
        unnamed=draw(repeated(unnamed, (0, 1, 12))),
        uncounted_quotes=draw(st.integers(0, 3)),
        across_stories=draw(repeated(across, (1, 1, 60))),
        sections=draw(st.lists(sections, max_size=2)),
    )


PROPERTY = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# --- properties ------------------------------------------------------------------------------------


@PROPERTY
@given(
    analysis=analyses(),
    key=KEYS,
    cached=st.booleans(),
    max_claims=st.sampled_from([0, 1, 5, 50, 500]),
    max_quotes=st.sampled_from([0, 5, 500]),
    shareable=st.booleans(),
)
def test_analysis_message_always_within_limits(
    analysis: Analysis, key: str | None, cached: bool, max_claims: int, max_quotes: int, shareable: bool
) -> None:
    message = analysis_message(
        analysis, cached=cached, max_claims=max_claims, max_quotes=max_quotes, key=key, shareable=shareable
    )
    check_slack_limits(message)

    shown_claims = list_lines(message, "claims", CLAIM_LINE)
    shown_quotes = list_lines(message, "quotes", QUOTE_LINE)
    # what the reply could show: everything but what only restates the summary or a shown item
    chosen = plan(analysis, max_claims=max_claims, max_quotes=max_quotes)
    assert chosen.claims_total <= len(analysis.claims)
    assert shown_claims <= min(max_claims, len(chosen.claims))
    assert shown_quotes <= min(max_quotes, len(chosen.quotes))
    assert shown_claims + more_count(message, "claims") == chosen.claims_total
    assert shown_quotes + more_count(message, "quotes") == chosen.quotes_total

    found = buttons(message)
    if key is None:
        assert found == {}
    else:
        stances = any(not q.is_statement for q in analysis.quotes)
        cut = shown_claims < chosen.claims_total or shown_quotes < chosen.quotes_total or stances
        # A text shortened in the reply is also a reason to offer the full lists.
        claim_room, quote_room = blocks._CLAIM_CHARS - 2 * blocks._MAX_BOLD, blocks._QUOTE_CHARS
        long_claims = [c for c in chosen.claims[:shown_claims] if escaped(c.text) > claim_room]
        long_quotes = [q for q in chosen.quotes[:shown_quotes] if escaped(q.content) > quote_room]
        assert (ACTION_SHOW_ALL in found) == (cut or bool(long_claims or long_quotes))
        assert (ACTION_SHARE in found) == shareable
        assert ACTION_REANALYSE in found
        assert all(parse_action_value(value) == key for value in found.values())


@PROPERTY
@given(analysis=analyses(), key=KEYS)
def test_full_lists_message_always_within_limits(analysis: Analysis, key: str | None) -> None:
    message = full_lists_message(analysis, key)
    check_slack_limits(message)
    shown_claims = list_lines(message, "claims", CLAIM_LINE)
    shown_quotes = list_lines(message, "quotes", QUOTE_LINE)
    shown_stances = list_lines(message, "stances", QUOTE_LINE)
    assert shown_claims + more_count(message, "claims") == len(analysis.claims)
    assert shown_quotes + more_count(message, "quotes") == sum(q.is_statement for q in analysis.quotes)
    assert shown_stances + more_count(message, "stances") == sum(not q.is_statement for q in analysis.quotes)
    assert (ACTION_SHARE in buttons(message)) == (key is not None)


@PROPERTY
@given(digest=digests(), channel_name=st.sampled_from([None, "newsroom", "#desk", "x" * 300]))
def test_digest_message_always_within_limits(digest: Digest, channel_name: str | None) -> None:
    message = digest_message(digest, channel_name)
    check_slack_limits(message)
    if digest.stories:
        shown = list_lines(message, "stories", r"• ")
        assert shown + more_count(message, "stories") == len(digest.stories)
        shown_claims = list_lines(message, "claims", CLAIM_LINE)
        assert shown_claims + more_count(message, "claims") == len(digest.top_claims)
        shown_speakers = list_lines(message, "speakers", r"• ")
        assert shown_speakers + more_count(message, "speakers") == len(digest.speakers)
        for number, section in enumerate(s for s in digest.sections if s.items):
            shown_items = list_lines(message, f"section{number}", r"• ")
            assert shown_items + more_count(message, f"section{number}") == len(section.items)
        if digest.across_stories:
            assert any(b.get("block_id") == "across" for b in message["blocks"])


@PROPERTY
@given(recent=repeated(stories(), (1, 1, 10, 100)), max_stories=st.sampled_from([0, 20, 1000]))
def test_home_view_always_within_limits(recent: list[DigestStory], max_stories: int) -> None:
    view = home_view(recent, max_stories=max_stories)
    check_slack_limits(view, view=True)
    shown = list_lines(view, "recent", r"• ")
    assert shown <= min(max_stories, len(recent))
    assert shown + more_count(view, "recent") == len(recent)


@settings(max_examples=200, deadline=None, database=None)
@given(raw=odd_text(), limit=st.integers(1, 400))
def test_shortened_text_fits_and_never_splits_an_entity(raw: str, limit: int) -> None:
    fitted = blocks._fit(raw, limit)
    assert len(fitted) <= limit
    assert_safe_mrkdwn(fitted)
    squashed = " ".join(raw.split())
    if len(escape_mrkdwn(squashed)) <= limit:
        assert fitted == escape_mrkdwn(squashed)
    else:
        assert fitted.endswith("…")


# --- the reply, case by case ------------------------------------------------------------------------


def make_analysis(**changes: Any) -> Analysis:
    base: dict[str, Any] = {
        "pipeline_version": "test",
        "source": Source(
            kind="url",
            url="https://news.example/rates?id=1&src=rss",
            title="Bank raises rates",
            site="News Example",
            author="Ann Reporter",
            published="2026-11-27T09:00:00+00:00",
        ),
        "word_count": 1234,
        "summary": ["The central bank raised its main rate to 4.5%.", "Markets fell."],
        "claims": [
            Claim(
                text="Unemployment rose to 4.2% in May, up from 3.9% in 2012.",
                score=0.9,
                checkworthy=True,
                attribution="the Office for National Statistics",
                hedged=True,
                hedges=["reportedly"],
                numbers=["4.2%", "3.9%", "12"],
                start=0,
                end=50,
            )
        ],
        "quotes": [
            Quote(
                speaker="Jane Doe",
                speaker_role="finance minister",
                content="We will act fast",
                kind="direct",
                start=10,
                end=30,
            )
        ],
        "entities": [
            Entity(text="Jane Doe", label="PERSON", count=4),
            Entity(text="Office for National Statistics", label="ORG", count=2),
            Entity(text="London", label="GPE", count=3),
        ],
    }
    base.update(changes)
    return Analysis(**base)


def claim(text: str, score: float = 0.5, **changes: Any) -> Claim:
    # far from the quotes' offsets: a claim inside a quotation is shown as the quote
    return Claim(text=text, score=score, checkworthy=True, start=50_000, end=50_000 + len(text), **changes)


def quote(content: str, speaker: str | None = "Jane Doe", **changes: Any) -> Quote:
    fields: dict[str, Any] = {"kind": "direct", "start": 0, "end": len(content)} | changes
    return Quote(content=content, speaker=speaker, **fields)


def test_reply_reads_as_specified() -> None:
    message = analysis_message(make_analysis(), cached=True, key="key-1")
    check_slack_limits(message)
    headline, meta, summary = (b for b in message["blocks"][:3])
    assert headline["text"]["text"] == "*<https://news.example/rates?id=1&amp;src=rss|Bank raises rates>*"
    assert meta["elements"][0]["text"] == "News Example · Ann Reporter · 27 Nov 2026 · 1,234 words · cached"
    assert summary["text"]["text"] == "The central bank raised its main rate to 4.5%. Markets fell."
    claims = texts_of(message, "claims")[0]
    assert claims.startswith("*Key claims*\n1. Unemployment rose to *4.2%* in May, up from *3.9%* in 2012.")
    assert "_— the Office for National Statistics_" in claims
    assert ":warning: _hedged: reportedly_" in claims
    assert texts_of(message, "quotes") == ["*Quotes*\n> “We will act fast” — *Jane Doe*, finance minister"]
    people, orgs = (f["text"] for f in message["blocks"][5]["fields"])
    assert people == "*People*\nJane Doe (4)"
    assert orgs == "*Organisations*\nOffice for National Statistics (2)"
    assert "London" not in all_text(message)
    assert message["text"].startswith("Bank raises rates — The central bank raised")


def test_not_cached_and_pasted_text_context() -> None:
    analysis = make_analysis(source=Source(kind="text"), word_count=1)
    message = analysis_message(analysis)
    assert message["blocks"][1]["elements"][0]["text"] == "pasted text · 1 word"
    assert message["blocks"][0]["text"]["text"] == "*The central bank raised its main rate to 4.5%.*"


def test_figures_are_bold_only_as_whole_words() -> None:
    line = claim_line(claim("In 2012 it was 12, then 12%, now 5bn.", numbers=["12", "5bn"]))
    assert line == "In 2012 it was *12*, then *12*%, now *5bn*."
    # a figure holding markup characters stays plain and escaped
    assert claim_line(claim("Up 3*4 & more", numbers=["3*4"])) == "Up 3*4 &amp; more"
    assert claim_line(claim("a <b> c", numbers=["<b>"])) == "a *&lt;b&gt;* c"


def test_hedge_without_words_and_no_attribution() -> None:
    assert claim_line(claim("It may rise.", hedged=True), 2) == "2. It may rise. :warning: _hedged_"
    assert claim_line(claim("It rose.")) == "It rose."


def test_all_claims_say_what_raised_or_lowered_each_claim() -> None:
    sourced = claim(
        "Passenger numbers fell to 1.1 million.",
        numbers=["1.1 million"],
        reasons=["figure", "sourced statistic", "comparison"],
    )
    forecast = claim("Fares will rise by 8 percent.", score=0.2, reasons=["figure", "prediction"])
    doubtful = claim("We will build homes.", score=0.1, reasons=["promise", "vague"])
    assert claim_line(sourced, 1, reasons=True) == (
        "1. Passenger numbers fell to *1.1 million*. · _figure, sourced statistic, comparison_"
    )
    assert claim_line(forecast, reasons=True).endswith("· _figure; lowered by: prediction_")
    assert claim_line(doubtful, reasons=True).endswith("· _lowered by: promise, vague_")
    assert claim_line(claim("It rose."), reasons=True) == "It rose."
    analysis = make_analysis(claims=[sourced, forecast, doubtful])
    full = full_lists_message(analysis, "k")
    check_slack_limits(full)
    listed = texts_of(full, "claims")[0]
    assert "· _figure, sourced statistic, comparison_" in listed and "lowered by: promise, vague" in listed
    # the main reply keeps its lines short
    assert "sourced statistic" not in json.dumps(analysis_message(analysis, key="k"))


def test_quotes_never_invent_a_speaker() -> None:
    assert quote_line(quote("Fine", speaker=None, speaker_mention="he")) == "> “Fine” — _unattributed_"
    assert quote_line(quote("it was fine", kind="indirect")) == "> it was fine — *Jane Doe* _(paraphrase)_"
    assert quote_line(quote('the plan was "a mess"', kind="mixed")) == '> the plan was "a mess" — *Jane Doe*'


def test_unattributed_quotes_are_left_to_the_full_lists() -> None:
    analysis = make_analysis(quotes=[quote("anon words here", speaker=None, start=0), quote("named", start=50)])
    message = analysis_message(analysis, key="k")
    lines = texts_of(message, "quotes")[0].split("\n")
    assert lines[1:] == ["> “named” — *Jane Doe*"]
    assert texts_of(message, "quotes")[-1].startswith("_+1 more quotes_")
    full = texts_of(full_lists_message(analysis), "quotes")[0].split("\n")
    assert full[1:] == ["> “named” — *Jane Doe*", "> “anon words here” — _unattributed_"]


def test_claims_ranked_checkworthy_then_score() -> None:
    claims = [
        claim("low", 0.1),
        claim("high", 0.9),
        Claim(text="unworthy", score=1.0, checkworthy=False, start=0, end=1),
    ]
    text = texts_of(analysis_message(make_analysis(claims=claims)), "claims")[0]
    assert text.split("\n")[1:] == ["1. high", "2. low", "3. unworthy"]


def test_article_text_cannot_mention_or_link() -> None:
    nasty = "<!channel> Tom & Jerry <@U123> <https://evil.example|x> @here"
    analysis = make_analysis(
        source=Source(kind="url", url="https://news.example/a", title=nasty, site=nasty, author=nasty),
        summary=[nasty],
        claims=[claim(nasty, attribution=nasty, hedges=[nasty])],
        quotes=[quote(nasty, speaker=nasty, speaker_role=nasty)],
        entities=[Entity(text=nasty, label="PERSON", count=1)],
        notes=[nasty],
    )
    message = analysis_message(analysis, key="k")
    check_slack_limits(message)
    text = all_text(message)
    for raw in ("<!channel>", "<@U123>", "<https://evil"):
        assert raw not in text
    assert "&lt;!channel&gt; Tom &amp; Jerry &lt;@U123&gt;" in message["blocks"][2]["text"]["text"]
    # verbatim stops Slack from turning a bare @here or URL in article text into a live one
    assert all(b["text"]["verbatim"] for b in message["blocks"] if b["type"] == "section" and "text" in b)


def test_truncation_keeps_entities_and_links_whole() -> None:
    title = "Tom & Jerry " * 500
    message = analysis_message(make_analysis(source=Source(kind="url", url="https://n.example/?a=1&b=2", title=title)))
    check_slack_limits(message)
    headline = message["blocks"][0]["text"]["text"]
    assert headline.startswith("*<https://n.example/?a=1&amp;b=2|Tom &amp; Jerry")
    assert headline.endswith("…>*")


def test_unsafe_urls_are_not_linked() -> None:
    for url in ("javascript:alert(1)", "https://a.example/x y", "https://a.example/" + "x" * 3000):
        message = analysis_message(make_analysis(source=Source(kind="url", url=url, title="T")))
        assert message["blocks"][0]["text"]["text"] == "*T*"
    odd = analysis_message(make_analysis(source=Source(kind="url", url="https://a.example/?q=a|b>c", title="T")))
    assert odd["blocks"][0]["text"]["text"] == "*<https://a.example/?q=a%7Cb%3Ec|T>*"


def test_cut_lists_say_how_many_more_and_offer_all() -> None:
    analysis = make_analysis(
        claims=[claim(f"claim {i}", score=i / 20) for i in range(12)],
        quotes=[quote(f"quote {i}", start=i) for i in range(500)],
    )
    message = analysis_message(analysis, key="abc")
    check_slack_limits(message)
    assert list_lines(message, "claims", CLAIM_LINE) == 5
    assert more_count(message, "claims") == 7
    assert list_lines(message, "quotes", QUOTE_LINE) == 5
    assert more_count(message, "quotes") == 495
    assert texts_of(message, "quotes")[-1] == "_+495 more quotes_ · tap *All quotes &amp; claims*"
    assert list(buttons(message)) == [ACTION_SHOW_ALL, ACTION_SHARE, ACTION_REANALYSE]

    full = full_lists_message(analysis, "abc")
    check_slack_limits(full)
    assert list_lines(full, "claims", CLAIM_LINE) == 12
    shown = list_lines(full, "quotes", QUOTE_LINE)
    assert 100 < shown < 500
    assert more_count(full, "quotes") == 500 - shown
    assert list(buttons(full)) == [ACTION_SHARE]


def test_full_lists_share_the_room_between_claims_and_quotes() -> None:
    long = "word " * 90
    analysis = make_analysis(
        claims=[claim(f"{long} {i}") for i in range(300)], quotes=[quote(f"{long} {i}") for i in range(300)]
    )
    full = full_lists_message(analysis)
    check_slack_limits(full)
    assert list_lines(full, "claims", CLAIM_LINE) > 5
    assert list_lines(full, "quotes", QUOTE_LINE) > 5


def test_buttons_follow_key_cut_and_shareable() -> None:
    small = make_analysis()
    assert buttons(analysis_message(small)) == {}
    found = buttons(analysis_message(small, key="k"))
    assert list(found) == [ACTION_SHARE, ACTION_REANALYSE]
    assert parse_action_value(found[ACTION_SHARE]) == "k"
    assert list(buttons(analysis_message(small, key="k", shareable=False))) == [ACTION_REANALYSE]
    cut = buttons(analysis_message(small, key="k", max_quotes=0))
    assert ACTION_SHOW_ALL in cut


def test_action_values_round_trip_and_reject_junk() -> None:
    assert parse_action_value(blocks.action_value("a:1 & <2>")) == "a:1 & <2>"
    for junk in (None, "", "not json", "[1]", '{"key": 3}', '{"key": ""}'):
        assert parse_action_value(junk) is None
    with pytest.raises(ValueError):
        blocks.action_value("k" * 3000)


def test_notes_are_listed() -> None:
    message = analysis_message(make_analysis(notes=["Two figures for the same count", " "]))
    assert texts_of(message, "notes") == ["*Worth checking*\n:grey_question: Two figures for the same count"]


def test_empty_analysis_still_has_fallback() -> None:
    message = analysis_message(Analysis(pipeline_version="t"))
    check_slack_limits(message)
    assert message["text"] == "Untitled text"


# --- small messages ---------------------------------------------------------------------------------


def test_progress_error_skipped_and_help() -> None:
    progress = progress_message("https://news.example/a?b=1&c=2")
    check_slack_limits(progress)
    assert "Reading <https://news.example/a?b=1&amp;c=2|https://news.example/a?b=1&amp;c=2>…" in all_text(progress)
    assert progress_message("your text <!here>")["text"] == "Reading your text &lt;!here&gt;…"

    error = error_message("That page <blocked> us & said no.")
    check_slack_limits(error)
    assert error["text"] == "That page &lt;blocked&gt; us &amp; said no."
    assert error_message("")["text"] == "Something went wrong."

    skipped = skipped_links_message(4)
    check_slack_limits(skipped)
    assert "at most 3 links per message, so I skipped 4 more" in skipped["text"]

    message = help_message()
    check_slack_limits(message)
    text = all_text(message)
    for needle in (
        "/nutgraf &lt;link or text&gt;",
        "/nutgraf auto on",
        "/nutgraf auto off",
        "/nutgraf digest [today|24h|7d]",
        "/nutgraf digest daily HH:MM Area/City [weekdays]",
        "/nutgraf digest off",
        "/nutgraf digest status",
        "/nutgraf help",
        ":mag:",
        "Analyse with nutgraf",
        "Mention",
    ):
        assert needle in text
    assert ":eyes:" in all_text(help_message("eyes"))


# --- digests and App Home -------------------------------------------------------------------------


def story(i: int, **changes: Any) -> DigestStory:
    fields: dict[str, Any] = {
        "key": f"k{i}",
        "title": f"Story {i} & co",
        "site": "News Example",
        "url": f"https://news.example/{i}",
        "permalink": f"https://team.slack.com/archives/C0123ABC/p{i}",
        "channel": "C0123ABC",
        "recorded_at": WHEN - timedelta(minutes=i),
    } | changes
    return DigestStory(**fields)


def test_empty_digest_says_so() -> None:
    since = datetime(2026, 11, 26, 17, 30)
    message = digest_message(Digest(channel="C0123ABC", since=since, until=WHEN), "newsroom")
    check_slack_limits(message)
    [empty] = message["blocks"]  # one line
    assert empty["text"]["text"] == (
        f"Nothing analysed in #newsroom since <!date^{int(since.replace(tzinfo=timezone.utc).timestamp())}"
        "^{date_short_pretty} {time}|2026-11-26 17:30 UTC>."
    )
    assert message["text"] == "Nothing analysed in #newsroom in this window."
    unnamed = digest_message(Digest(channel="C0123ABC", since=since, until=WHEN), None)
    assert "Nothing analysed in <#C0123ABC> since" in all_text(unnamed)
    scheduled = digest_message(Digest(channel="C0123ABC", since=since, until=WHEN), "newsroom", scheduled=True)
    assert scheduled["text"] == "Nothing new analysed in #newsroom in this window."


def test_digest_content() -> None:
    long_claim = "The harbour authority said the new cranes would cost " + "a great deal more than planned, " * 12
    digest = Digest(
        channel="C0123ABC",
        since=WHEN - timedelta(days=1),
        until=WHEN,
        stories=[story(1), story(2, permalink=None), story(3, permalink=None, url=None, site=None)],
        top_claims=[
            DigestClaim(
                claim=claim("GDP fell 2%", 0.9, numbers=["2%"]),
                story_title="Story 1 & co",
                link="https://team.slack.com/archives/C0123ABC/p1",
            ),
            DigestClaim(claim=claim(long_claim, 0.8), story_title="Story 3 & co"),
        ],
        speakers=[
            QuotedSpeaker(name="Jane Doe", role="finance minister", stories=2, quotes=4),
            QuotedSpeaker(name="John Roe", stories=1, quotes=1),
        ],
        unnamed=[UnnamedSpeakers(label="officials", stories=2, quotes=3)],
        uncounted_quotes=2,
        across_stories=[
            AcrossStoriesItem(name="Jane Doe", kind="person", stories=3, variants=["Doe"]),
            AcrossStoriesItem(name="ONS", kind="organisation", stories=2),
            AcrossStoriesItem(name="Wales", kind="place", stories=2),
        ],
        sections=[DigestSection(title="Figures that changed", items=[DigestItem(text="Fare", detail="£3 → £4")])],
    )
    message = digest_message(digest, "newsroom")
    check_slack_limits(message)
    assert message["blocks"][0] == {
        "type": "header",
        "block_id": "title",
        "text": {"type": "plain_text", "text": "Digest for #newsroom", "emoji": True},
    }
    assert texts_of(message, "stories") == [
        "*Stories*\n"
        "• *<https://team.slack.com/archives/C0123ABC/p1|Story 1 &amp; co>* · News Example\n"
        "• *<https://news.example/2|Story 2 &amp; co>* · News Example\n"
        "• *Story 3 &amp; co*"
    ]
    [claims] = texts_of(message, "claims")
    first, second = claims.split("\n")[1:]
    assert first == "1. GDP fell *2%* · _<https://team.slack.com/archives/C0123ABC/p1|Story 1 &amp; co>_"
    # Shortened at a word, and the story it comes from is named for the rest.
    head, _, story_ref = second.removeprefix("2. ").partition("… · ")
    assert len(head) > 200 and long_claim.startswith(head) and long_claim[len(head)] in " ,"
    assert story_ref == "_Story 3 &amp; co_"
    assert texts_of(message, "speakers") == [
        "*Most quoted*\n• *Jane Doe*, finance minister — 4 quotes in 2 stories\n• *John Roe* — 1 quote"
    ]
    unnamed = next(b for b in message["blocks"] if b.get("block_id") == "unnamed")
    assert unnamed["elements"][0]["text"] == (
        "_Unnamed: officials (3 quotes) — not counted: 2 quotes from documents, reports or no one named_"
    )
    across = next(b for b in message["blocks"] if b.get("block_id") == "across")
    assert across["text"]["text"] == (
        "*Across stories*\nPeople: *Jane Doe* (3)\nOrganisations: *ONS* (2)\nPlaces: *Wales* (2)"
    )
    assert texts_of(message, "section0") == ["*Figures that changed*\n• *Fare* — £3 → £4"]
    assert "3 stories" in message["blocks"][1]["elements"][0]["text"]


def test_digest_big_enough_to_hit_the_limits() -> None:
    long_title = "A very long headline about the budget " * 4
    digest = Digest(
        channel="C0123ABC",
        since=WHEN - timedelta(days=7),
        until=WHEN,
        stories=[story(i, title=f"{long_title}{i}") for i in range(400)],
        top_claims=[
            DigestClaim(claim=claim(f"claim {i} " + "x " * 200, numbers=[]), story_title=long_title) for i in range(60)
        ],
        speakers=[QuotedSpeaker(name=f"Speaker {i}", role="role " * 30, stories=1, quotes=i + 1) for i in range(200)],
        across_stories=[AcrossStoriesItem(name=f"Place {i}", kind="place", stories=2) for i in range(300)],
    )
    message = digest_message(digest, "newsroom")
    check_slack_limits(message)
    shown = list_lines(message, "stories", r"• ")
    assert 0 < shown < 400 and more_count(message, "stories") == 400 - shown
    assert list_lines(message, "claims", CLAIM_LINE) + more_count(message, "claims") == 60
    assert list_lines(message, "speakers", r"• ") + more_count(message, "speakers") == 200
    across = next(b for b in message["blocks"] if b.get("block_id") == "across")
    match = re.search(r"\+(\d+) more$", across["text"]["text"])
    assert match is not None
    assert across["text"]["text"].count("(2)") + int(match.group(1)) == 300


def test_home_view_lists_recent_analyses() -> None:
    view = home_view([story(1), story(2, channel="weird<>")])
    check_slack_limits(view, view=True)
    lines = texts_of(view, "recent")[0].split("\n")
    assert lines[0] == "*Recent analyses*"
    assert lines[1].startswith(
        "• *<https://team.slack.com/archives/C0123ABC/p1|Story 1 &amp; co>* · News Example · <#C0123ABC> · <!date^"
    )
    assert " · weird&lt;&gt; · " in lines[2]
    assert ":eyes:" in all_text(home_view([], reaction="eyes"))
    empty = home_view([])
    check_slack_limits(empty, view=True)
    assert "_Nothing analysed yet._" in all_text(empty)
    many = home_view([story(i) for i in range(300)], max_stories=20)
    assert list_lines(many, "recent", r"• ") == 20 and more_count(many, "recent") == 280


# --- trust controls: the reply's menu, correction menus, modals, forgotten replies ----------------------------


def test_reply_menu_offers_to_correct_or_forget_the_story() -> None:
    message = analysis_message(make_analysis(), key="key-1", story="s" * 32)
    check_slack_limits(message)
    actions = next(b for b in message["blocks"] if b.get("block_id") == "actions")
    menu = actions["elements"][-1]
    assert menu["type"] == "overflow" and menu["action_id"] == blocks.ACTION_STORY_MENU
    assert [(o["text"]["text"], o["value"]) for o in menu["options"]] == [
        ("Correct a quote…", "fix|" + "s" * 32),
        ("Forget this story", "forget|" + "s" * 32),
    ]
    assert blocks.parse_story_menu("forget|abc") == ("forget", "abc")
    assert blocks.parse_story_menu("delete|abc") is None
    no_menu = analysis_message(make_analysis(), key="key-1")
    assert all(e["type"] == "button" for b in no_menu["blocks"] if b["type"] == "actions" for e in b["elements"])


@pytest.mark.parametrize("count", [1, 8, 45, 120])
def test_full_lists_give_each_quote_a_menu_within_slack_limits(count: int) -> None:
    quotes = [quote(f"Quote number {i} about the harbour budget", f"Speaker {i}", start=i * 100, end=i * 100 + 40)
              for i in range(count)]  # fmt: skip
    message = blocks.full_lists_message(make_analysis(quotes=quotes), key="key-1", story="abc")
    check_slack_limits(message)
    menus = [b for b in message["blocks"] if (b.get("accessory") or {}).get("type") == "overflow"]
    assert 1 <= len(menus) <= count
    first = menus[0]["accessory"]
    assert [o["text"]["text"] for o in first["options"]] == ["Wrong speaker…", "Not a quote"]
    assert first["options"][0]["value"] == "speaker|abc|0|40"
    text = " ".join(texts_of(message, "quote") + texts_of(message, "quotes-rest"))
    shown = sum(f"Quote number {i} " in text for i in range(count))
    more = re.search(r"\+(\d+) more quotes", text)
    assert shown + (int(more.group(1)) if more else 0) == count  # every quote shown or counted
    last = message["blocks"][-1]
    assert [e["action_id"] for e in last["elements"]] == [blocks.ACTION_ADD_QUOTE, blocks.ACTION_SHARE]


def test_modals_fit_slack_views() -> None:
    speaker = blocks.speaker_modal(quote("We will act fast"), '{"s":"abc"}')
    missing = blocks.missing_quote_modal('{"s":"abc"}')
    for view in (speaker, missing):
        check_slack_limits(view, view=True)
        assert view["type"] == "modal" and len(view["title"]["text"]) <= 24 and view["private_metadata"]
    assert speaker["callback_id"] == blocks.VIEW_FIX_SPEAKER
    assert speaker["blocks"][1]["element"]["initial_value"] == "Jane Doe"
    assert [b["block_id"] for b in missing["blocks"]] == ["words", "speaker", "kind"]


def test_forgotten_reply_names_who_removed_it() -> None:
    message = blocks.forgotten_message("U0EDITOR", datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc))
    check_slack_limits(message)
    assert message["blocks"][0]["text"]["text"] == (
        ":wastebasket: This analysis was removed from nutgraf by <@U0EDITOR> on "
        "<!date^1772539200^{date_short_pretty} {time}|2026-03-03 12:00 UTC>."
    )
    assert blocks.forgotten_message("<!channel>")["blocks"][0]["text"]["text"].count("<") == 1  # only the date


def test_emphasis_bolds_whole_phrases_once() -> None:
    fares = claim(
        "Fares rise from $4.50 to $5.05 on March 9; two councillors said $4.50 to $5.05 was too much.",
        numbers=["4.50", "5.05", "March 9", "two"],
        emphasis=["$4.50 to $5.05", "March 9", "two councillors"],
    )
    line = claim_line(fares)
    assert line == (
        "Fares rise from *$4.50 to $5.05* on *March 9*; *two councillors* said $4.50 to $5.05 was too much."
    )


def test_emphasis_is_found_in_an_edited_claim_and_never_inside_a_word() -> None:
    edited = claim("[Pike] said 12% of the 120 staff left", emphasis=["12%", "120 staff"])
    assert claim_line(edited) == "[Pike] said *12%* of the *120 staff* left"
    inside = claim("Route A12 closes in 2024", emphasis=["12", "2024"])
    assert claim_line(inside) == "Route A12 closes in *2024*"


def test_a_claim_cached_before_emphasis_still_bolds_its_numbers() -> None:
    old = Claim.model_validate(
        {
            "text": "Fares rose 12% in 2024.",
            "score": 0.5,
            "checkworthy": True,
            "numbers": ["12%", "2024"],
            "start": 0,
            "end": 23,
        }
    )
    assert old.emphasis == []
    assert claim_line(old) == "Fares rose *12%* in *2024*."


def test_entities_without_a_known_count_show_none() -> None:
    analysis = make_analysis(
        entities=[
            Entity(text="Grace Okafor", label="PERSON", count=4, variants=["Okafor"]),
            Entity(text="Dana Whitcombe", label="PERSON", count=2, count_known=False),
        ]
    )
    text = json.dumps(analysis_message(analysis)["blocks"], ensure_ascii=False)
    assert "Grace Okafor (4)" in text
    assert "Dana Whitcombe" in text and "Dana Whitcombe (" not in text
