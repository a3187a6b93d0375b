"""The summary: the lede without its dateline, then the sentences carrying the top claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from bot.nlp.claims import extract_claims
from bot.nlp.normalize import normalize
from bot.nlp.summary import MAX_CHARS, strip_dateline, summarize

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles"


def run(nlp: Language, raw: str) -> list[str]:
    norm = normalize(raw, slack=False)
    doc = nlp(norm.text)
    return summarize(doc, extract_claims(doc), headline=norm.headline)


def test_known_best_summary(nlp: Language) -> None:
    summary = run(nlp, (ARTICLES / "claims_troops.txt").read_text(encoding="utf-8"))
    assert summary == [
        "More than 11,000 North Korean troops have been sent to fight in Russia's Kursk region, and about 3,000 of "
        "them may have been killed or wounded, U.S. officials estimate.",
        "Pyongyang sent the first 3,000 troops in early 2023, according to South Korea's intelligence service.",
        "The 3,000 troops arrived in January and February, a Ukrainian commander said.",
    ]


def test_beats_lead_three_on_a_cluttered_page(nlp: Language) -> None:
    raw = (
        "Storm closes every school in the county\n"
        "Storm closes every school in the county.\n"
        "Photo: Getty Images\n"
        "WASHINGTON (AP) — Every public school in Fairfax County will close on Friday as a storm brings up to "
        "30 centimetres of snow, officials said.\n"
        "The county has closed schools for snow only twice since 2010.\n"
        "Parents should check the district website for updates.\n"
        "Forecasters expect the snow to stop by Saturday morning.\n"
    )
    summary = run(nlp, raw)
    assert summary[0].startswith("Every public school in Fairfax County will close on Friday")
    assert "The county has closed schools for snow only twice since 2010." in summary
    assert not any("Getty" in s or "Storm closes" in s or "WASHINGTON" in s for s in summary)
    assert 2 <= len(summary) <= 3


def test_limits_hold_for_long_sentences(nlp: Language) -> None:
    long = "The committee said that " + ", ".join(f"item {i} cost {i * 10} dollars" for i in range(80)) + "."
    summary = run(nlp, long + " The vote is on Monday, officials said. " + long)
    assert 1 <= len(summary) <= 3
    assert sum(len(s) for s in summary) <= MAX_CHARS + len(summary)
    assert all(len(s) <= MAX_CHARS for s in summary)
    assert summary[0].endswith("…")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KYIV, Ukraine — Russia said on Tuesday.", "Russia said on Tuesday."),
        ("WASHINGTON (Reuters) - The Senate voted.", "The Senate voted."),
        ("NEW YORK -- Stocks fell.", "Stocks fell."),
        ("SPRINGFIELD — The council met.", "The council met."),
        ("I — and only I — decide.", "I — and only I — decide."),
        ("The vote — 7-2 — was close.", "The vote — 7-2 — was close."),
    ],
)
def test_strip_dateline(text: str, expected: str) -> None:
    assert strip_dateline(text) == expected


def test_empty_body_gives_no_summary(nlp: Language) -> None:
    assert summarize(nlp("Subscribe now. Click here.")) == []


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(st.text(max_size=30), st.sampled_from(["LONDON — ", "By Ann Lee\n", " said ", "3,000", ". ", "\n"])),
        max_size=40,
    ).map("".join),
    st.one_of(st.none(), st.text(max_size=40)),
)
def test_odd_text_never_raises(nlp: Language, text: str, headline: str | None) -> None:
    summary = summarize(nlp(text), (), headline=headline)
    assert len(summary) <= 3
    assert sum(len(s) for s in summary) <= MAX_CHARS + len(summary)
