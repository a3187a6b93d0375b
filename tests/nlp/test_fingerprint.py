"""Text fingerprints: the same story read twice is known as one, small edits and clutter aside; others are not."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.nlp.fingerprint import MIN_SAMPLE, SIZE, containment, fingerprint, same_text, words

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles"
STORIES = sorted(ARTICLES.glob("digest_*.txt"))


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").partition("\n\n")[2]


def test_words_fold_case_accents_and_punctuation() -> None:
    assert words("Café owners’ “NEW” co-op — 4,200 jobs.") == ["cafe", "owners", "new", "co", "op", "4", "200", "jobs"]


def test_a_fingerprint_is_the_smallest_hashes_in_order() -> None:
    long = fingerprint(body(STORIES[0]))
    assert len(long) == SIZE and long == sorted(long) and len(set(long)) == SIZE
    assert fingerprint("") == [] and fingerprint(" … ") == []
    assert len(fingerprint("Ferry fares will rise by twelve percent in March")) == 5  # nine words, five runs


@pytest.mark.parametrize("path", STORIES, ids=lambda p: p.stem)
def test_the_same_story_pasted_with_clutter_and_edits_is_the_same_text(path: Path) -> None:
    text = body(path)
    paragraphs = text.split("\n\n")
    paragraphs.insert(2, "Advertisement\n\nSign up for the morning briefing")
    paragraphs.append("Photo: the harbour at dawn. Share this story: Facebook | X | Email")
    pasted = "\n\n".join(textwrap.fill(p, 60) for p in paragraphs).replace('"', "“")
    edited = pasted.replace(" the ", " a ", 3).replace("said", "told reporters", 1)
    share = containment(fingerprint(text), fingerprint(edited))
    assert share is not None and share >= 0.8
    assert same_text(fingerprint(text), fingerprint(edited))


def test_a_story_cut_to_its_first_half_is_still_the_story() -> None:
    text = body(STORIES[1])
    assert same_text(fingerprint(text), fingerprint(text[: len(text) // 2]))


def test_stories_about_the_same_people_and_places_are_different_texts() -> None:
    prints = [fingerprint(body(p)) for p in STORIES]
    shares = [containment(a, b) for i, a in enumerate(prints) for b in prints[i + 1 :]]
    assert all(share is not None and share < 0.1 for share in shares), shares
    assert not any(same_text(a, b) for i, a in enumerate(prints) for b in prints[i + 1 :])


def test_texts_too_short_to_compare_are_never_the_same() -> None:
    short = "The ferry will sail at dawn, the captain said on Monday."
    assert len(fingerprint(short)) < MIN_SAMPLE
    assert containment(fingerprint(short), fingerprint(short)) is None
    assert not same_text(fingerprint(short), fingerprint(short))
    assert not same_text([], fingerprint(body(STORIES[0])))
