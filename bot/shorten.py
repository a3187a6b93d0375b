"""Shortening text for display: never in the middle of a word, preferably at the end of a sentence.

Every surface that must shorten a text (the reply, the digest, App Home, a headline made from the first
sentence) goes through :func:`shorten`, so a reader never sees "have indic…": a shortened text is a prefix
of whole words followed by "…", and the surface that shortened it offers the full text a tap away.
"""

from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "…"
#: Characters that read as left hanging before the ellipsis ("the council, …", "a rise of (…"): dropped.
_DANGLING = frozenset(",;:–—-/([{“‘«")
#: A word ending one of these ends a sentence ("…in March.", "…she said.”"), a better place to stop.
_SENTENCE_END = (".", "!", "?", ".”", "!”", "?”", '."', '!"', '?"', ".’", ".'", ".)")
#: A sentence end is preferred to the last word that fits when it keeps at least this share of the text.
_SENTENCE_SHARE = 0.6


def _one(char: str) -> int:
    return 1


def shorten(text: str, limit: int, *, char_width: Callable[[str], int] = _one) -> str:
    """``text`` if it fits in ``limit``, else its longest prefix of whole words that fits with "…" after it.

    A prefix ending a sentence is chosen when it keeps most of what fits. Punctuation left hanging at
    the cut (a comma, an opening bracket) is dropped. ``char_width`` gives each character's width (the
    length of its escaped form, say), so the result measures at most ``limit`` that way. A first word too
    long to fit leaves only "…".
    """
    widths = [char_width(c) for c in text]
    if sum(widths) <= limit:
        return text
    if limit < len(ELLIPSIS):
        return ""
    budget = limit - len(ELLIPSIS)
    # Ends of words (exclusive index) whose prefix fits in the budget, found in one pass.
    best = 0
    sentence = 0
    used = 0
    for index, char in enumerate(text):
        used += widths[index]
        if used > budget:
            break
        ends_word = not char.isspace() and (index + 1 == len(text) or text[index + 1].isspace())
        if ends_word:
            best = index + 1
            if text.endswith(_SENTENCE_END, 0, index + 1):
                sentence = index + 1
    cut = sentence if sentence and sentence >= best * _SENTENCE_SHARE else best
    head = _trim(text[:cut])
    if head.endswith(_SENTENCE_END) and sum(widths[: len(head)]) + 1 <= budget:
        return head + " " + ELLIPSIS
    return head + ELLIPSIS


def _trim(head: str) -> str:
    """``head`` without trailing spaces and hanging punctuation."""
    end = len(head)
    while end and (head[end - 1].isspace() or head[end - 1] in _DANGLING):
        end -= 1
    return head[:end]
