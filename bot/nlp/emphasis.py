"""The figures a claim sets in bold, as whole phrases an editor reads as one figure.

:func:`bot.nlp.numbers.figures` finds the quantities and dates of a clause; a reply bolds more than their
bare numerals: the currency sign and unit ("$4.50", "£3.2m", "5 per cent"), both ends of a range ("$4.50 to
$5.05", "3 to 5 per cent", "between 1,200 and 1,500"), a count with the noun it counts ("two councillors",
"about 40,000 passengers") and dates that name a day, month or year ("March 9", "between 2019 and 2023").
Relative dates without a numeral ("last year", "next week") are not figures and stay plain.

Each phrase is an exact piece of the claim's text, so a surface that edits a claim around its figures
("But" dropped, "[Pike]" for "He") still finds them by their words.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from bot.nlp.numbers import figures

#: Bump when what :func:`phrases` returns changes: cached analyses are keyed on it.
VERSION = "1"

#: Words and signs after a numeral that belong to its figure ("40 percent", "$85 million").
_UNITS = frozenset({"%", "million", "billion", "trillion", "percent", "pc"})
#: Abbreviations that belong to a numeral written against them ("£3.2m", "1.4bn"), not after a space ("3 m").
_ATTACHED_UNITS = frozenset({"m", "bn", "b", "k", "mn", "tn"})
#: Words between two figures that make them one range.
_RANGE_WORDS = frozenset({"to", "-", "–", "—", "through", "and", "or"})
#: Dependencies by which words stand between a numeral and the noun it counts ("three *new* schools").
_NOUN_MODIFIERS = frozenset({"amod", "compound", "nmod"})
#: How many words may stand between a numeral and the noun it counts.
_MAX_MODIFIERS = 2
#: Words between two numerals that make them one proportion ("4 in 10", "one out of five").
_SHARES = frozenset({"in", "out of", "of every"})
_TWO_WORD_UNITS = frozenset({("per", "cent"), ("percentage", "point"), ("percentage", "points")})
_DETERMINERS = frozenset({"the", "a", "an"})


def _is_currency(token: Token) -> bool:
    return token.is_currency or token.tag_ == "$" or token.text.upper() in ("A$", "C$", "NZ$", "US$", "HK$")


def _extend(doc: Doc, start: int, end: int, limit: tuple[int, int]) -> tuple[int, int]:
    """A quantity's range grown to its currency sign before and its unit after."""
    low, high = limit
    while start > low and _is_currency(doc[start - 1]):
        start -= 1
    while end < high:
        token = doc[end]
        if token.lower_ in _UNITS or (token.lower_ in _ATTACHED_UNITS and not doc[end - 1].whitespace_):
            end += 1
        elif end + 1 < high and (token.lower_, doc[end + 1].lower_) in _TWO_WORD_UNITS:
            end += 2
        else:
            break
    return start, end


def _counted_noun(doc: Doc, start: int, end: int, limit: int) -> int:
    """The end of a count grown to the noun it counts ("two councillors", "three new schools")."""
    numeral = next((t for t in reversed(doc[start:end]) if t.like_num), None)
    if numeral is None or any(_is_currency(t) or t.lower_ in _UNITS or t.lower_ == "cent" for t in doc[start:end]):
        return end
    noun = numeral.head
    while start <= noun.i < end and noun.head.i != noun.i:  # "between 1,200 and 1,500 homes"
        noun = noun.head
    if noun.pos_ not in ("NOUN", "PROPN") or not end <= noun.i < min(limit, end + _MAX_MODIFIERS + 1):
        return end
    between = doc[end : noun.i]
    if all(t.head.i == noun.i and t.dep_ in _NOUN_MODIFIERS and not t.is_punct for t in between):
        return noun.i + 1
    return end


def _unit(piece: Span) -> str | None:
    if any(_is_currency(t) for t in piece):
        return "money"
    if any(t.lower_ in ("%", "percent", "pc", "cent", "points") for t in piece):
        return "percent"
    return None


def _ranges(doc: Doc, pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Pieces joined into ranges: "$4.50" "to" "$5.05" is one figure, as are "between 3 and 5" and "4 in 10".

    The two ends have the same unit, or the first none ("3 to 5 per cent"): "40 percent to $5" is two figures.
    """
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in pieces:
        if merged:
            prev_start, prev_end, prev_kind = merged[-1]
            gap = doc[prev_end:start]
            first, second = _unit(doc[prev_start:prev_end]), _unit(doc[start:end])
            words = " ".join(t.lower_ for t in gap)
            joined = kind == prev_kind and first in (None, second) and (words in _RANGE_WORDS or words in _SHARES)
            if joined and gap[0].lower_ in ("and", "or"):
                # "and" joins a range only after "between" ("between 3 and 5"), not a list ("3 and 5 lanes")
                joined = doc[prev_start].lower_ == "between" or (
                    prev_start > 0 and doc[prev_start - 1].lower_ == "between"
                )
            if joined:
                merged[-1] = (prev_start, end, kind)
                continue
        merged.append((start, end, kind))
    return merged


def phrases(doc: Doc, start_char: int, end_char: int, text: str) -> list[str]:
    """The figures to bold in the claim ``text`` found at ``start_char``..``end_char`` of ``doc``.

    Whole phrases in text order, none overlapping another, each an exact substring of ``text``.
    """
    span: Span | None = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None or not len(span):
        return []
    limit = (span.start, span.end)
    pieces: list[tuple[int, int, str]] = []
    for figure in figures(span):
        start, end = figure.span.start, figure.span.end
        while end - start > 1 and (doc[end - 1].lower_ in _RANGE_WORDS or doc[end - 1].is_punct):
            end -= 1  # the recogniser's "52% to" before "47%"
        if figure.kind == "date":
            if not any(t.like_num for t in figure.span):
                continue  # "last year", "next week": no figure to bold
            while start < end - 1 and doc[start].lower_ in _DETERMINERS:
                start += 1
        else:
            start, end = _extend(doc, start, end, limit)
        if pieces and start < pieces[-1][1]:
            continue
        pieces.append((start, end, figure.kind))
    found: list[str] = []
    position = 0
    for start, end, kind in _ranges(doc, pieces):
        if kind == "quantity":
            end = _counted_noun(doc, start, end, span.end)
        phrase = doc.text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]
        at = text.find(phrase, position)
        if at == -1 or phrase in found:
            continue
        found.append(phrase)
        position = at + len(phrase)
    return found
