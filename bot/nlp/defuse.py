"""Defusing text built to be slow, before normalisation and the tokenizer see it.

spaCy's tokenizer peels prefix and suffix punctuation off a whitespace-free chunk one character at a
time and searches the rest again after each: a chunk of 40,000 ``(`` or ``$`` takes minutes. No story
is written that way, so a run of more than :data:`MAX_PUNCT_RUN` punctuation characters (anything
neither a letter, a digit nor a space) keeps only its first :data:`KEEP` characters. Runs of blank
space (spaces, zero-width characters, newlines) longer than :data:`MAX_BLANK_RUN` become one paragraph
break (or one space), as normalisation would make them, but in one linear pass over the raw text.

Both patterns only start at the beginning of a run (a look-behind) and match it possessively, so the
regex engine reads each character once whatever the input. Text without such runs comes back unchanged;
what was collapsed is said in the analysis notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Longest run of punctuation kept as it is ("?!?!", "* * *", "-----" rules are far shorter).
MAX_PUNCT_RUN = 32
#: Characters of a longer run that are kept.
KEEP = 3
#: Longest run of blank space kept as it is.
MAX_BLANK_RUN = 200

_BLANK = r"\s\u200b\u200c\u200d\u2060\ufeff"
_PUNCT_RUN = re.compile(rf"(?<![^\w{_BLANK}])[^\w{_BLANK}]{{{MAX_PUNCT_RUN + 1},}}+")
_BLANK_RUN = re.compile(rf"(?<![{_BLANK}])[{_BLANK}]{{{MAX_BLANK_RUN + 1},}}+")


@dataclass(frozen=True)
class Defused:
    """Text safe to normalise and tokenize, and what was collapsed (for the analysis notes)."""

    text: str
    punct_runs: int = 0
    punct_chars: int = 0
    blank_runs: int = 0

    @property
    def notes(self) -> list[str]:
        """Sentences for the reader about what was taken out."""
        notes = []
        if self.punct_runs:
            notes.append(
                f"{self.punct_runs:,} run(s) of more than {MAX_PUNCT_RUN} punctuation characters in a row "
                f"({self.punct_chars:,} characters) were shortened to their first {KEEP} before analysis."
            )
        if self.blank_runs:
            notes.append(f"{self.blank_runs:,} long stretch(es) of blank lines or spaces were collapsed.")
        return notes


def defuse(text: str) -> Defused:
    """Shorten runs of punctuation and blank space that no story contains and that make parsing slow."""
    punct_runs = punct_chars = blank_runs = 0

    def shorten(match: re.Match[str]) -> str:
        nonlocal punct_runs, punct_chars
        punct_runs += 1
        punct_chars += len(match.group())
        return match.group()[:KEEP]

    def collapse(match: re.Match[str]) -> str:
        nonlocal blank_runs
        blank_runs += 1
        breaks = match.group().count("\n")
        return "\n\n" if breaks >= 2 else "\n" if breaks else " "

    text = _BLANK_RUN.sub(collapse, text)
    text = _PUNCT_RUN.sub(shorten, text)
    return Defused(text=text, punct_runs=punct_runs, punct_chars=punct_chars, blank_runs=blank_runs)
