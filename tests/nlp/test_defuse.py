"""Defusing text built to be slow: long punctuation runs and blank stretches collapse, stories stay as they are."""

from __future__ import annotations

import pytest

from bot.models import Article
from bot.nlp.defuse import KEEP, MAX_BLANK_RUN, MAX_PUNCT_RUN, defuse
from bot.nlp.pipeline import Analyzer

STORIES = [
    # house styles: straight and curly quotes, British single quotes, dashes, ellipses, section breaks
    'The mayor said: "We will fix every pothole by spring." Critics were unconvinced!?\n\n* * *\n\nMore later.',
    "‘It is a scandal,’ said Ines Varga — the opposition leader — on Tuesday… “Really?” she added.",
    "Fares rise 10% (from $2.50 to $2.75) on 1 May; see www.wexmoor-transit.example/fares?zone=1&day=2.",
    "-----Original Message-----\nFrom: the desk\n\n=============================\nPress release follows.",
    "Headline here\n\n\n\nBy Tom Arkwright\n\n\tThe council met on Monday.   It voted 7-2.\n",
]


@pytest.mark.parametrize("text", STORIES)
def test_stories_come_back_unchanged(text: str) -> None:
    defused = defuse(text)
    assert defused.text == text
    assert defused.notes == []


@pytest.mark.parametrize("char", ["(", "$", '"', "'", "“", "#", "*"])
def test_a_long_run_of_one_punctuation_character_keeps_its_first_characters(char: str) -> None:
    defused = defuse(f"The fee is {char * 39_000} and rising.")
    assert defused.text == f"The fee is {char * KEEP} and rising."
    assert (defused.punct_runs, defused.punct_chars) == (1, 39_000)
    assert defused.notes == [
        f"1 run(s) of more than {MAX_PUNCT_RUN} punctuation characters in a row (39,000 characters) "
        f"were shortened to their first {KEEP} before analysis."
    ]


def test_mixed_runs_are_cut_and_short_ones_kept() -> None:
    text = "a " + "($" * 500 + " b " + "!" * MAX_PUNCT_RUN + " c " + "?" * (MAX_PUNCT_RUN + 1)
    defused = defuse(text)
    assert defused.text == "a ($( b " + "!" * MAX_PUNCT_RUN + " c ???"
    assert defused.punct_runs == 2


def test_blank_stretches_become_one_paragraph_break() -> None:
    zero_width_lines = "\u200b\n" * 100_000
    defused = defuse("First paragraph." + "\n" * 2_000_000 + "Second." + zero_width_lines + "Third." + " " * 5000)
    assert defused.text == "First paragraph.\n\nSecond.\n\nThird. "
    assert defused.blank_runs == 3
    assert defused.notes == ["3 long stretch(es) of blank lines or spaces were collapsed."]
    assert defuse("a" + " " * MAX_BLANK_RUN + "b").text == "a" + " " * MAX_BLANK_RUN + "b"


@pytest.mark.slow
def test_the_analysis_of_a_defused_text_finds_the_claim_and_says_what_was_cut(analyzer: Analyzer) -> None:
    text = "The mayor said the budget will rise by 5 percent next year. " + "$" * 39_000 + " The council agreed."
    analysis = analyzer.analyze(Article(text=text))
    assert any("5 percent" in claim.text for claim in analysis.claims)
    assert any("39,000 characters" in note for note in analysis.notes)
    assert analysis.word_count < 30
