"""Pronoun speakers: he/she agree with what the text says of a person, and look back only so far."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.models import Quote
from bot.nlp.quotes import extract_quotes

#: A sentence that names no one and has no plural subject: it puts distance between a name and a pronoun.
FILLER = "The ferry timetable for the winter season was printed on blue paper again this year."


def quote_of(nlp: Language, text: str) -> Quote:
    (quote,) = extract_quotes(nlp(text))
    return quote


# --- he/she agree with honorifics and gendered titles ---------------------------------------------------


@pytest.mark.parametrize(
    ("her", "him"),
    [("Mrs.", "Mr."), ("Ms", "Mr"), ("Congresswoman", "Sir"), ("Dame", "Lord")],
    ids=["US honorifics", "British honorifics", "titles", "British titles"],
)
def test_she_skips_the_more_recent_man(nlp: Language, her: str, him: str) -> None:
    text = (
        f"{her} Ana Ruiz opened the hearing. {him} Tom Becker answered the questions. "
        '"We will publish the figures," she said.'
    )
    quote = quote_of(nlp, text)
    assert (quote.speaker_mention, quote.speaker, quote.kind) == ("she", "Ana Ruiz", "direct")


@pytest.mark.parametrize(("her", "him"), [("Mrs.", "Mr."), ("Ms", "Mr"), ("Congresswoman", "Sir")])
def test_he_skips_the_more_recent_woman(nlp: Language, her: str, him: str) -> None:
    text = (
        f"{him} Tom Becker opened the hearing. {her} Ana Ruiz answered the questions. "
        "He said the figures would be published."
    )
    quote = quote_of(nlp, text)
    assert (quote.speaker_mention, quote.speaker, quote.kind) == ("He", "Tom Becker", "indirect")


def test_he_and_she_in_one_story_each_find_their_own(nlp: Language) -> None:
    text = "Mrs. Ana Ruiz spoke first. Mr. Tom Becker spoke next. She said the budget was balanced. He said it was not."
    found = [(q.speaker_mention, q.speaker, q.content) for q in extract_quotes(nlp(text))]
    assert found == [("She", "Ana Ruiz", "the budget was balanced"), ("He", "Tom Becker", "it was not")]


# --- the windows: a pronoun looks back a few paragraphs, not the whole story ----------------------------


@pytest.mark.parametrize(
    ("opening", "pronoun", "sentences_between", "speaker"),
    [
        ("Mr. Tom Becker spoke first.", "He", 3, "Tom Becker"),
        ("Mr. Tom Becker spoke first.", "He", 60, None),
        ("Dockworkers walked out on Monday.", "They", 1, "Dockworkers"),
        ("Dockworkers walked out on Monday.", "They", 12, None),
    ],
    ids=["he, 3 sentences on", "he, 60 sentences on", "they, 1 sentence on", "they, 12 sentences on"],
)
def test_a_pronoun_looks_back_a_few_paragraphs_not_the_whole_story(
    nlp: Language, opening: str, pronoun: str, sentences_between: int, speaker: str | None
) -> None:
    text = f"{opening} {' '.join([FILLER] * sentences_between)} {pronoun} said the fares would rise."
    quote = quote_of(nlp, text)
    assert (quote.speaker_mention, quote.speaker, quote.kind) == (pronoun, speaker, "indirect")
