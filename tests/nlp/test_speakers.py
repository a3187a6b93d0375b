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


def test_he_finds_a_person_a_few_sentences_back(nlp: Language) -> None:
    text = f"Mr. Tom Becker spoke first. {FILLER} {FILLER} {FILLER} He said the fares would rise."
    assert quote_of(nlp, text).speaker == "Tom Becker"


def test_he_does_not_reach_a_person_sixty_sentences_back(nlp: Language) -> None:
    text = f"Mr. Tom Becker spoke first. {' '.join([FILLER] * 60)} He said the fares would rise."
    quote = quote_of(nlp, text)
    assert (quote.speaker_mention, quote.speaker, quote.kind) == ("He", None, "indirect")


def test_they_finds_a_group_in_the_sentence_before(nlp: Language) -> None:
    text = f"Dockworkers walked out on Monday. {FILLER} They said the fares would rise."
    assert quote_of(nlp, text).speaker == "Dockworkers"


def test_they_does_not_reach_a_group_a_dozen_sentences_back(nlp: Language) -> None:
    text = f"Dockworkers walked out on Monday. {' '.join([FILLER] * 12)} They said the fares would rise."
    quote = quote_of(nlp, text)
    assert (quote.speaker_mention, quote.speaker) == ("They", None)
