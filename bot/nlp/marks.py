"""Quotation marks in English copy, in every house style: where each quotation starts and ends.

House styles differ in which mark opens the outer quotation and which the quotation within it:

- US style: “…” (or straight "…") outside, ‘…’ (or straight '…') inside;
- British style: ‘…’ (or straight '…') outside, “…” inside;
- typewriter and wire copy: ``…'' and ''…'';
- continental marks met in English copy: «…» and „…“ (or „…”).

The outer quotation is whatever opens first outside any quotation; marks of the other family inside it
belong to the quotation within the quotation and never close the outer one.

Single marks double as apostrophes (’ and ' both), so each is read by its position. A mark between two
letters or digits is an apostrophe ("don’t", "O’Brien"); a right mark before a word is an elision
("’90s", "rock ’n’ roll"), as is a left or straight mark before a known elided word ("'em", "'til").
Otherwise a mark after a space opens and a mark after a word or punctuation closes. A closing mark
after a word and before a space ("the Smiths’ house") is weak: it may be a plural possessive or an
elision ("goin’ home"), so it closes only when no stronger closing mark (after punctuation, or before
punctuation or the end of the paragraph) follows before the next quotation opens.

Quotations stay within a paragraph, except that a paragraph which opens a quotation without closing
it continues into the next when that one opens with a mark of the same family: the newsroom
convention for a quote running over several paragraphs. A quotation left open otherwise is dropped,
unless it opened the paragraph, in which case it runs to the paragraph's end.

Everything here is one pass over the text (and one pass back over each paragraph's marks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile("''|``|[\"“”„«»‘’'\n]")
#: Double marks that only open a quotation.
DOUBLE_OPEN = ("“", "„", "«", "``")
#: Double marks that only close one.
DOUBLE_CLOSE = ("”", "»")
#: Marks that open or close, told apart by position: the straight double quote and its typewriter stand-in,
#: two apostrophes.
DOUBLE_EITHER = ('"', "''")
#: Characters a quotation's opening mark may be: used to skip marks when looking for the words around one.
OPENERS = ('"', "“", "„", "«", "‘", "`", "'")
_SINGLE = ("‘", "’", "'")
#: Words that begin with an elision mark, which a left or straight mark before them does not open:
#: "'90s", "'em", "rock 'n' roll", "'til", "'cause", "'tis".
_ELIDED = re.compile(r"(?:\d\d(?:s\b|\b)|em\b|n['’]|til\b|tis\b|twas\b|cause\b|cos\b|bout\b)", re.IGNORECASE)
#: What may stand before an opening mark besides a space: brackets, dashes, a slash, another opening mark.
_BEFORE_OPENING = "([{—–-/“‘\"'„«`"

Part = tuple[int, int]


@dataclass
class _Open:
    """The outer quotation open in the current paragraph."""

    double: bool
    start: int
    mark: str


def _looks_closing(text: str, pos: int, after: int) -> bool:
    """Whether a straight quotation mark at ``pos`` sits like a closing one: after a word, before a space."""
    before_space = pos == 0 or text[pos - 1].isspace() or text[pos - 1] in "([{—"
    after_word = after < len(text) and not text[after].isspace()
    return not (before_space and after_word)


def _single_role(text: str, pos: int, lo: int, hi: int) -> tuple[str | None, bool]:
    """What a single mark at ``pos`` in the paragraph [lo, hi) does: ("open" | "close" | None, strong).

    None is an apostrophe. ``strong`` says a closing mark is certain: after punctuation, or before
    punctuation or the paragraph's end.
    """
    mark = text[pos]
    before = text[pos - 1] if pos > lo else " "
    after = text[pos + 1] if pos + 1 < hi else ""
    if before.isalnum() and after.isalnum():
        return None, False
    at_opening = (before.isspace() or before in _BEFORE_OPENING) and after != "" and not after.isspace()
    if at_opening:
        if mark == "’" or _ELIDED.match(text, pos + 1, hi):
            return None, False
        return "open", False
    if before.isspace():
        return None, False
    # after a word or punctuation a mark closes, even a left mark typed for a right one ("review‘ of")
    return "close", not before.isalnum() or not after or not after.isspace()


def _sentence_start(text: str, lo: int, start: int) -> bool:
    """Whether a quotation whose words begin at ``start`` opens its paragraph (from ``lo``) or a sentence in it."""
    before = text[lo:start].rstrip(" \t\"“„«`'‘")
    if not before or before[-1] in ".!?:…":
        return True
    return before[-1] in "”’\"'»" and before[:-1].rstrip()[-1:] in (".", "!", "?", ",")


def _next_visible(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _reopens(text: str, pos: int, double: bool) -> bool:
    """Whether the paragraph starting at ``pos`` opens with a mark of the family a quotation was opened with."""
    if pos >= len(text):
        return False
    if double:
        return text[pos] in '"“„«' or text.startswith(("``", "''"), pos)
    end = text.find("\n", pos)
    return (
        text[pos] in "‘'"
        and not text.startswith("''", pos)
        and _single_role(text, pos, pos, len(text) if end < 0 else end)[0] == "open"
    )


def _paragraphs(text: str) -> list[Part]:
    spans, lo = [], 0
    for match in re.finditer("\n", text + "\n"):
        if text[lo : match.start()].strip():
            spans.append((lo, match.start()))
        lo = match.end()
    return spans


def scan_marks(text: str) -> list[list[Part]]:
    """Character spans of quoted text (inside the marks), each quotation as a list of its parts."""
    found: list[list[Part]] = []
    pending: list[Part] = []

    def emit(parts: list[Part]) -> None:
        cleaned = []
        for start, end in parts:
            while start < end and text[start].isspace():
                start += 1
            while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
                end -= 1
            if end > start:
                cleaned.append((start, end))
        if cleaned:
            found.append(cleaned)

    for lo, hi in _paragraphs(text):
        marks = [(m.start(), m.end(), m.group()) for m in _MARK.finditer(text, lo, hi)]
        roles = [_single_role(text, pos, lo, hi) if mark in _SINGLE else (None, False) for pos, _, mark in marks]
        # whether a strong closing single mark follows mark n before the next opening single mark
        strong_ahead = [False] * len(marks)
        ahead = False
        for n in range(len(marks) - 1, -1, -1):
            strong_ahead[n] = ahead
            role, strong = roles[n]
            if role == "open":
                ahead = False
            elif role == "close" and strong:
                ahead = True
        outer: _Open | None = None
        nested = False

        def close(pos: int) -> None:
            nonlocal outer, pending, nested
            assert outer is not None
            emit([*pending, (outer.start, pos)])
            pending, outer, nested = [], None, False

        for n, (pos, after, mark) in enumerate(marks):
            if mark in DOUBLE_EITHER:
                opening = not _looks_closing(text, pos, after)
                if outer is None:
                    if opening:
                        outer = _Open(True, after, mark)
                elif outer.double:
                    if opening:
                        # a clear opener while one is open: the earlier mark was stray, a quotation starts here
                        outer = _Open(True, after, mark)
                    else:
                        close(pos)
                else:
                    nested = opening
            elif mark in DOUBLE_OPEN:
                if outer is None:
                    outer = _Open(True, after, mark)
                elif outer.double:
                    if mark == "“" and outer.mark == "„":
                        close(pos)
                else:
                    nested = True
            elif mark in DOUBLE_CLOSE:
                if outer is not None and outer.double:
                    close(pos)
                elif outer is None and pos == lo:
                    # a right mark typed for a left one at the head of a paragraph ("” … they are not like him,”")
                    outer = _Open(True, after, mark)
                else:
                    nested = False
            else:
                role, strong = roles[n]
                if role == "open":
                    if outer is None or (not outer.double and not nested):
                        outer = _Open(False, after, mark)
                elif role == "close" and outer is not None and not outer.double and (strong or not strong_ahead[n]):
                    close(pos)
        if outer is None:
            if pending:
                emit(pending)
                pending = []
        elif _reopens(text, _next_visible(text, hi), outer.double):
            pending.append((outer.start, hi))
        elif _sentence_start(text, lo, outer.start):
            # a quotation that opens a sentence and is never closed ends with its paragraph
            emit([*pending, (outer.start, hi)])
            pending = []
        elif pending:
            emit(pending)
            pending = []
    if pending:
        emit(pending)
    return found


_DOUBLE_PAIRS = (("“", "”"), ("«", "»"))


def balanced(text: str) -> bool:
    """Whether every quotation mark in ``text`` has its partner (apostrophes and straight singles aside)."""
    if "``" in text:  # typewriter marks: `` opens and '' closes
        if text.count("``") != text.count("''"):
            return False
        text = text.replace("``", "").replace("''", "")
    elif text.count("''") % 2:  # ''…'' wire copy
        return False
    text = text.replace("''", "")
    if text.count('"') % 2 or any(text.count(left) != text.count(right) for left, right in _DOUBLE_PAIRS):
        return False
    opened = 0
    for i, char in enumerate(text):
        if char == "‘" and not (i > 0 and text[i - 1].isalnum()):
            opened += 1
        elif char == "’" and opened and not (i + 1 < len(text) and text[i + 1].isalnum()):
            opened -= 1
    return opened == 0


#: What a stretch of text may lose at its edges to pair its marks: quotation marks and the space beside them.
_EDGE = frozenset("\"“”‘’'`«» \n")


def paired_stretch(text: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Offsets of ``text[start:end]`` with its quotation marks paired: as it is, else without the stray marks
    (the other half of a quotation that runs on past it) at its start, at its end, or at both, tried in that
    order so as few of its words as can be are lost; None when a stray mark stands inside it."""
    end = len(text) if end is None else end
    if balanced(text[start:end]):
        return start, end
    lo, hi = start, end
    while lo < hi and text[lo] in _EDGE:
        lo += 1
    while hi > lo and text[hi - 1] in _EDGE:
        hi -= 1
    for a, b in ((lo, end), (start, hi), (lo, hi)):
        if a < b and balanced(text[a:b]):
            return a, b
    return None
