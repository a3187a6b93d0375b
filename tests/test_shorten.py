"""Shortening never cuts a word: any text shortened to any limit is a prefix of whole words plus "…"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import blocks
from bot.blocks import escape_mrkdwn
from bot.models import Analysis, Claim
from bot.shorten import ELLIPSIS, shorten

HANGING = ",;:–—-/([{“‘«"

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=14)
separators = st.sampled_from([" ", "  ", "\n", " \t ", " — ", ", ", ". ", '." ', "!” "])


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Prose-like text: words of any characters, with spaces, punctuation and line breaks between them."""
    parts = draw(st.lists(words, min_size=0, max_size=60))
    out = ""
    for index, part in enumerate(parts):
        out += (draw(separators) if index else "") + part
    return out


def assert_whole_words(text: str, short: str) -> None:
    """``short`` is ``text``, or whole words of it (the last without hanging punctuation) and "…"."""
    if short == text:
        return
    assert short.endswith(ELLIPSIS)
    head = short.removesuffix(ELLIPSIS).removesuffix(" ")
    assert text.startswith(head)
    assert not head or not head[-1].isspace()
    if not head:
        return
    taken, left = head.split(), text.split()
    assert taken[:-1] == left[: len(taken) - 1]
    whole = left[len(taken) - 1]
    # The last word is whole, or only hanging punctuation was dropped from its end.
    assert whole.startswith(taken[-1]) and all(c in HANGING for c in whole[len(taken[-1]) :])


@settings(max_examples=500, deadline=None, database=None)
@given(text=texts(), limit=st.integers(1, 500))
def test_any_text_shortened_to_any_limit_is_whole_words_and_an_ellipsis(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    if len(text) <= limit:
        assert short == text
    assert_whole_words(text, short)


@settings(max_examples=300, deadline=None, database=None)
@given(text=texts(), limit=st.integers(1, 400))
def test_escaped_text_is_shortened_the_same_way_and_fits_escaped(text: str, limit: int) -> None:
    raw = text.replace("o", "&").replace("e", "<")
    fitted = blocks._fit(raw, limit)
    assert len(fitted) <= limit
    squashed = " ".join(raw.split())
    short = blocks._shorten(squashed, limit)
    assert escape_mrkdwn(short) == fitted
    assert_whole_words(squashed, short)


def test_the_cut_the_issue_reported_ends_at_a_word() -> None:
    claim = "Furthermore, recent developments have indicated that the port will close within the year."
    assert shorten(claim, 44) == "Furthermore, recent developments have…"
    assert shorten(claim, 48) == "Furthermore, recent developments have indicated…"


@pytest.mark.parametrize(
    ("limit", "short"),
    [
        # A sentence end that keeps most of what fits is preferred to the last word that fits.
        (62, "The port will close. The union said it would fight the…"),
        (40, "The port will close. The union said it…"),
        (30, "The port will close. …"),
        (21, "The port will close.…"),
        (19, "The port will…"),
        (8, "The…"),
        (3, "…"),
        (0, ""),
    ],
)
def test_a_sentence_end_is_preferred_when_it_keeps_most_of_the_text(limit: int, short: str) -> None:
    text = "The port will close. The union said it would fight the closure in court."
    assert shorten(text, limit) == short


def test_hanging_punctuation_is_dropped_before_the_ellipsis() -> None:
    assert shorten("The council, which met on Tuesday, voted", 16) == "The council…"
    assert shorten("Costs rose — by about a third — last year", 13) == "Costs rose…"
    assert shorten("A word too long: Llanfairpwllgwyngyll", 10) == "A word…"
    assert shorten("Llanfairpwllgwyngyllgogerychwyrndrobwll", 20) == ELLIPSIS


def test_a_headline_made_from_the_summary_ends_at_a_word() -> None:
    first = (
        "The Port of Calloway will cut 1,200 jobs by the end of next year, the port authority announced on "
        "Tuesday, after container traffic fell 18 percent."
    )
    analysis = Analysis(pipeline_version="test", summary=[first])
    assert analysis.headline == (
        "The Port of Calloway will cut 1,200 jobs by the end of next year, the port authority announced on "
        "Tuesday, after…"
    )
    assert len(analysis.headline) <= 120


def test_a_claim_the_reply_shortens_is_whole_one_tap_away() -> None:
    text = " ".join(f"Clause {n} of the harbour budget adds another condition to the loan." for n in range(12))
    analysis = Analysis(
        pipeline_version="test",
        summary=["The harbour budget."],
        claims=[Claim(text=text, score=0.9, checkworthy=True, start=0, end=len(text))],
    )
    reply = blocks.analysis_message(analysis, key="k")
    [claims] = [b["text"]["text"] for b in reply["blocks"] if b.get("block_id") == "claims-0"]
    assert claims.endswith("…") and "Clause 11" not in claims
    assert_whole_words(text, claims.removeprefix("*Key claims*\n1. "))
    buttons = [e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert blocks.ACTION_SHOW_ALL in buttons  # the list was not cut, but the claim was
    full = blocks.full_lists_message(analysis)
    assert any(text in b["text"]["text"] for b in full["blocks"] if b["type"] == "section")


@settings(max_examples=300, deadline=None, database=None)
@given(
    items=st.lists(
        st.lists(words.filter(lambda w: "·" not in w and "+" not in w), min_size=1, max_size=6).map(" ".join),
        max_size=30,
    ),
    limit=st.integers(12, 600),
)
def test_a_joined_list_is_cut_between_whole_items(items: list[str], limit: int) -> None:
    joined = blocks._join_cut(items, " · ", limit)
    assert len(joined) <= limit
    shown, more = joined, 0
    if joined.endswith(" more") and (tail := joined.rsplit("+", 1))[-1].removesuffix(" more").isdigit():
        shown, more = tail[0].rstrip(), int(tail[1].removesuffix(" more"))
    parts = shown.split(" · ") if shown else []
    assert " · ".join(parts) == " · ".join(items[: len(items) - more])
