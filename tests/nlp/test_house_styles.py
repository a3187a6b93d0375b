"""Stories pasted as newsrooms paste them: fixtures in several house styles, each with the clutter its kind
of page carries. Every line of the story is kept, every clutter line is removed and counted, and the quotes
are the story's; injecting more clutter or re-wrapping the text changes none of that."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.blocks import analysis_message
from bot.models import Analysis, Article, LeftOut, Source
from bot.nlp.normalize import normalize
from bot.nlp.pipeline import Analyzer

FIXTURES = Path(__file__).parents[1] / "fixtures"
ARTICLES = FIXTURES / "articles"
CLUTTER = [json.loads(line)["lines"] for line in (FIXTURES / "clutter.jsonl").read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class Style:
    """A fixture and what reading it must give."""

    name: str
    headline: str
    byline: str | None
    removed: list[tuple[str, str]]
    left_out: list[LeftOut]
    quotes: list[tuple[str, str, str]]


STYLES = [
    Style(
        "style_us_ap.txt",
        "Calloway council approves $48 million budget after late-night debate",
        "JANE OKAFOR",
        [
            ("advert", "ADVERTISEMENT"),
            ("promo", "READ MORE: Calloway voters reject transit levy for the second time"),
            (
                "caption",
                "FILE - The Calloway City Hall is seen on Aug. 14, 2025, in Calloway, Ore. "
                "(AP Photo/Tom Baptiste, File)",
            ),
            (
                "footer",
                "Copyright 2026 The Associated Press. All rights reserved. This material may not be published, "
                "broadcast, rewritten or redistributed without permission.",
            ),
        ],
        [LeftOut(kind="clutter", words=50, lines=4)],
        [
            ("Ana Ruiz", "We will not raise property taxes this year", "direct"),
            ("Priya Natarajan", 'the city was "borrowing from next year to pay for this one."', "mixed"),
            (
                "Mark Olsen",
                "By Monday, residents will be able to read the full budget on the city's website",
                "indirect",
            ),
            (
                "Mark Olsen",
                "The numbers are there for anyone who wants to check them … We have nothing to hide.",
                "direct",
            ),
        ],
    ),
    Style(
        "style_uk.txt",
        "Westbrook to close three libraries as council cuts £12m from budget",
        "Rhys Morgan",
        [
            ("furniture", "Tue 3 Mar 2026 14.32 GMT"),
            ("caption", "Protesters outside Westbrook town hall on Monday. Photograph: Rhys Morgan/The Guardian"),
            ("promo", "Related: Westbrook bus routes axed as operator blames falling passenger numbers"),
            (
                "newsletter",
                "Sign up to Northern Lights, our free weekly newsletter about life in the north of England",
            ),
            ("footer", "Topics"),
            ("footer", "Local government"),
            ("footer", "Libraries"),
            ("footer", "Westbrook"),
            ("footer", "Share on Facebook"),
            ("footer", "Share on Twitter"),
            ("footer", "Share via Email"),
        ],
        [LeftOut(kind="clutter", words=44, lines=4), LeftOut(kind="footer", words=14, lines=7)],
        [
            ("Helen Ashdown", 'the authority had "run out of road"', "mixed"),
            (
                "Tom Beresford",
                "People were told the consultation was about opening hours, not about closing the doors",
                "direct",
            ),
            ("Mary Quinlan", "It’s where I read the paper and see my friends. Where am I supposed to go?", "direct"),
        ],
    ),
    Style(
        "style_ca.txt",
        "Winnipeg-area restaurants brace for higher food costs as supplier raises prices",
        "Colin Mackay",
        [
            ("furniture", "Posted March 3, 2026 4:12 pm"),
            ("advert", "Story continues below advertisement"),
            ("promo", "READ MORE: Manitoba grocery prices rose faster than inflation last year, report says"),
            ("advert", "This advertisement has not loaded yet, but your article continues below."),
            (
                "caption",
                "Restaurant owner Marie Tremblay in her kitchen in Westbrook on Tuesday. "
                "THE CANADIAN PRESS/Colin Mackay",
            ),
            ("footer", "This report by The Canadian Press was first published March 3, 2026."),
        ],
        [LeftOut(kind="clutter", words=61, lines=6)],
        [
            (
                "Marie Tremblay",
                "We can't absorb another increase like this … Something has to give, and it will be the bill.",
                "direct",
            ),
            ("Daniel Okoro", 'the industry was "running on empty."', "mixed"),
            ("Marie Tremblay", "I've been doing this for 22 years … I have never seen margins this thin.", "direct"),
        ],
    ),
    Style(
        "style_au.txt",
        "Council approves $40m pool upgrade despite residents' objections",
        None,
        [
            ("furniture", "Sam Whitlock"),
            ("furniture", "NCA NewsWire"),
            ("furniture", "March 3, 2026 - 3:45PM"),
            ("caption", "The Kingfisher Aquatic Centre will close for 18 months from June. Picture: Supplied"),
            ("promo", "RELATED: Harbourside ratepayers hit with 6 per cent rise"),
            ("caption", "Councillors at Tuesday's meeting. Picture: NCA NewsWire / Sam Whitlock"),
            ("footer", "Originally published as Council approves $40m pool upgrade despite residents' objections"),
        ],
        [LeftOut(kind="clutter", words=50, lines=7)],
        [
            (
                "Lachlan Price",
                "We can patch it for another year, or we can build something that will last fifty",
                "direct",
            ),
            ("Bronwyn Hale", "Six hundred people signed it and not one of their concerns was answered", "direct"),
        ],
    ),
    Style(
        "style_wire.txt",
        "Port of Calloway to cut 1,200 jobs as cargo volumes slump",
        None,
        [
            ("footer", "(Reporting by Lena Vogt in Calloway; Editing by Peter Hale)"),
            ("footer", "Our Standards: The Thomson Reuters Trust Principles."),
        ],
        [LeftOut(kind="footer", words=17, lines=2)],
        [
            (
                "Dana Whitcombe",
                "We have run out of ways to avoid this … Every berth we close is a neighbourhood that loses its "
                "paycheck.",
                "direct",
            ),
            ("Tomas Reyes", "the union would fight the cuts in court", "indirect"),
        ],
    ),
    Style(
        "style_in.txt",
        "Calloway civic body clears Rs 40-crore drainage plan ahead of monsoon",
        None,
        [
            ("furniture", "Express News Service"),
            ("furniture", "Westbrook | Updated: March 3, 2026 18:45 IST"),
            ("promo", "ALSO READ | Westbrook residents protest over water cuts in three wards"),
            ("caption", "Workers clean a drain in Calloway on Tuesday. (Express photo by Priya Menon)"),
            ("footer", "(With inputs from PTI)"),
            ("footer", "Follow us on Google News"),
            ("footer", "Click here to join our WhatsApp channel for the latest updates"),
        ],
        [LeftOut(kind="clutter", words=34, lines=4), LeftOut(kind="footer", words=20, lines=3)],
        [
            ("Rakesh Patil", 'the corporation was "in a hurry to spend before the elections."', "mixed"),
            ("Deshmukh", "The work will be completed by the end of May", "indirect"),
        ],
    ),
    Style(
        "style_liveblog.txt",
        "Calloway election results: live updates",
        None,
        [
            ("furniture", "Live"),
            ("furniture", "Updated 9:58 p.m. ET, March 3, 2026"),
            ("share", "Listen to this article"),
            ("furniture", "9:52 p.m. ET"),
            ("furniture", "From Jane Okafor"),
            ("share", "Share"),
            ("share", "Copy link"),
            ("furniture", "9:31 p.m. ET"),
            ("embed", "— Calloway County (@CallowayCounty) March 3, 2026"),
            ("share", "Share"),
            ("share", "Copy link"),
            ("furniture", "9:10 p.m. ET"),
            ("advert", "Advertisement"),
        ],
        [LeftOut(kind="clutter", words=37, lines=13)],
        [
            ("Ana Ruiz", "Tonight we start fixing the roads", "direct"),
            ("Ruth Adeyemi", "Turnout reached 61 per cent, the highest since 2006", "indirect"),
            ("Jonas Berg", "The voters have spoken, and I wish her well", "direct"),
        ],
    ),
]
BY_NAME = {style.name: style for style in STYLES}


def _text(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def _quotes(analysis: Analysis) -> list[tuple[str | None, str, str]]:
    return [(q.speaker, q.content, q.kind) for q in analysis.quotes]


@pytest.fixture(scope="module")
def analyses(analyzer: Analyzer) -> dict[str, Analysis]:
    return {
        style.name: analyzer.analyze(Article(text=_text(style.name), source=Source(kind="text"))) for style in STYLES
    }


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_clutter_is_removed_line_by_line_and_counted(style: Style) -> None:
    norm = normalize(_text(style.name), slack=False)
    assert norm.headline == style.headline
    assert norm.byline == style.byline
    assert [(r.kind, r.text) for r in norm.removed] == style.removed
    assert list(norm.left_out) == style.left_out


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_no_line_of_the_story_is_lost(style: Style) -> None:
    raw = _text(style.name)
    norm = normalize(raw, slack=False)
    taken = {text for _, text in style.removed} | {style.headline}
    story = [line for line in raw.splitlines() if line.strip() and line not in taken]
    if style.byline:
        story = [line for line in story if style.byline not in line]
    assert norm.text.split("\n\n") == story


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_quotes_and_speakers_are_the_story_s(style: Style, analyses: dict[str, Analysis]) -> None:
    analysis = analyses[style.name]
    found = _quotes(analysis)
    for expected in style.quotes:
        assert expected in found
    clutter_words = {text for _, text in style.removed}
    assert not any(q.content in line for q in analysis.quotes for line in clutter_words)


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_the_reply_says_what_was_left_out(style: Style, analyses: dict[str, Analysis]) -> None:
    analysis = analyses[style.name]
    words = sum(item.words for item in style.left_out)
    assert analysis.left_out == style.left_out
    meta = analysis_message(analysis)["blocks"][1]["elements"][0]["text"]
    assert meta.endswith(f"· {words} words left out")
    assert analysis.notes[0].endswith("left out.")


def test_the_note_names_each_kind_of_text_left_out(analyses: dict[str, Analysis]) -> None:
    assert analyses["style_uk.txt"].notes[0] == (
        "44 words of page clutter (4 lines) and a 14-word page footer were left out."
    )
    assert analyses["style_wire.txt"].notes[0] == "A 17-word page footer was left out."


def test_a_sentence_that_starts_with_by_is_not_a_byline() -> None:
    norm = normalize(_text("style_us_ap.txt"), slack=False)
    assert "By Monday, residents will be able to read the full budget on the city's website, Olsen said." in (
        norm.text.split("\n\n")
    )


# --- the same story pasted other ways --------------------------------------------------------------------

_WORDS = ["Port", "strike", "council", "budget", "Westbrook", "jobs", "harbour", "plan", "vote", "delay", "mayor"]
_headline = st.lists(st.sampled_from(_WORDS), min_size=3, max_size=9).map(lambda w: " ".join(w).capitalize())
_names = st.sampled_from(["Jane Okafor", "Tom Baptiste", "Lena Vogt", "Priya Menon"])
_generated = st.one_of(
    st.tuples(
        st.sampled_from(["READ MORE: ", "RELATED: ", "ALSO READ | ", "WATCH: ", "Related: ", "MORE: "]), _headline
    )
    .map("".join)
    .map(lambda line: [line]),
    st.tuples(_headline, _names).map(lambda p: [f"{p[0]} on Tuesday. (AP Photo/{p[1]})"]),
    st.tuples(_headline, _names).map(lambda p: [f"{p[0]}. Photograph: {p[1]}/Reuters"]),
    st.tuples(_names, _names).map(lambda p: [f"— {p[0]} (@{p[1].split()[0].lower()}) March 3, 2026"]),
    st.sampled_from(CLUTTER),
)


def _paragraph_breaks(text: str) -> list[str]:
    return text.split("\n\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from([s.name for s in STYLES]),
    blocks=st.lists(st.tuples(st.integers(min_value=1, max_value=40), _generated), min_size=1, max_size=4),
)
def test_injected_clutter_changes_nothing(name: str, blocks: list[tuple[int, list[str]]]) -> None:
    raw = _text(name)
    paragraphs = _paragraph_breaks(raw)
    for at, lines in blocks:
        paragraphs.insert(1 + at % len(paragraphs), "\n".join(lines))
    before, after = normalize(raw, slack=False), normalize("\n\n".join(paragraphs), slack=False)
    assert (after.text, after.headline, after.byline) == (before.text, before.headline, before.byline)


def _rewrap(text: str, width: int) -> str:
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False) if line.strip() else line for line in text.split("\n")
    )


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from([s.name for s in STYLES]), width=st.integers(min_value=40, max_value=100))
def test_rewrapping_keeps_the_story_s_paragraphs(name: str, width: int) -> None:
    raw = _text(name)
    body = normalize(raw, slack=False).text
    # the story's paragraphs are set off by blank lines; a hard wrap must not join or split them
    wrapped = normalize(_rewrap(raw, width), slack=False).text.split("\n\n")
    assert wrapped[-len(body.split("\n\n")) :] == body.split("\n\n")


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from([s.name for s in STYLES]),
    width=st.integers(min_value=40, max_value=100),
    blocks=st.lists(st.tuples(st.integers(min_value=1, max_value=40), _generated), min_size=1, max_size=3),
)
def test_quotes_survive_clutter_and_rewrapping(
    analyzer: Analyzer, analyses: dict[str, Analysis], name: str, width: int, blocks: list[tuple[int, list[str]]]
) -> None:
    paragraphs = _paragraph_breaks(_text(name))
    for at, lines in blocks:
        paragraphs.insert(1 + at % len(paragraphs), "\n".join(lines))
    for text in ("\n\n".join(paragraphs), _rewrap(_text(name), width)):
        analysis = analyzer.analyze(Article(text=text, source=Source(kind="text")))
        assert _quotes(analysis) == _quotes(analyses[name])
