"""Emphasis: the figures a claim sets in bold, as whole phrases of its text."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.models import Article, Source
from bot.nlp.emphasis import phrases
from bot.nlp.pipeline import Analyzer


def bold(nlp: Language, text: str) -> list[str]:
    return phrases(nlp(text), 0, len(text), text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # US wire style: dollar ranges, dates with a day
        ("Single fares will rise from $4.50 to $5.05 on March 9, the board said.", ["$4.50 to $5.05", "March 9"]),
        # British style: pounds with an attached unit, counts with their noun, "per cent"
        (
            "Two councillors voted against the £3.2m plan, and waiting times rose 3 to 5 per cent.",
            ["Two councillors", "£3.2m", "3 to 5 per cent"],
        ),
        ("Officials expect between 1,200 and 1,500 new homes by 2030.", ["between 1,200 and 1,500 new homes", "2030"]),
        ("Support fell from 52% to 47% between 2019 and 2023.", ["52% to 47%", "between 2019 and 2023"]),
        ("About 4 in 10 riders said the fare rose 40 percent to $5.", ["About 4 in 10 riders", "40 percent", "$5"]),
    ],
)
def test_whole_figures(nlp: Language, text: str, expected: list[str]) -> None:
    found = bold(nlp, text)
    assert found == expected
    assert all(p in text for p in found)


def test_relative_dates_are_not_figures(nlp: Language) -> None:
    assert bold(nlp, "The ferry will stop running next year, the operator said last week.") == []


def test_phrases_are_in_order_and_never_overlap(nlp: Language) -> None:
    text = "The port cut 1,200 jobs in 2026 after volumes fell 18% and then 12%, to about 40,000 boxes a week."
    found = bold(nlp, text)
    places = [text.index(p) for p in found]
    assert places == sorted(places)
    for (a, p), (b, _) in zip(zip(places, found, strict=True), zip(places[1:], found[1:], strict=True), strict=False):
        assert a + len(p) <= b
    assert "1,200 jobs" in found and "18%" in found and "about 40,000 boxes" in found


def test_the_pipeline_fills_emphasis_from_the_claims_own_text(analyzer: Analyzer) -> None:
    text = (
        "SALTREACH — Fares on the Saltreach harbour ferry will rise from £4.50 to £5.05 in March, the "
        "operator confirmed on Monday.\n\nTwo councillors voted against the increase at a meeting on "
        "February 12, saying 3 in 10 riders already paid more than £200 a year."
    )
    analysis = analyzer.analyze(Article(text=text, source=Source(kind="text")))
    fares = next(c for c in analysis.claims if "£4.50" in c.text)
    assert "£4.50 to £5.05" in fares.emphasis
    assert fares.numbers  # kept as it was, for the code that reads it
    votes = next(c for c in analysis.claims if "councillors" in c.text)
    assert "Two councillors" in votes.emphasis
    for claim in analysis.claims:
        assert all(p in claim.text for p in claim.emphasis)
