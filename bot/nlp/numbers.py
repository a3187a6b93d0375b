"""Quantities and dates as written in a sentence, and their values, for claims and consistency checks.

spaCy's NER finds most of them; this module merges the pieces an editor reads as one figure ("January and
February", "more than 11,000"), picks up bare numerals the NER missed, and reads a numeric value with its
bounds so that "more than 11,000" and "12,000" are not taken to disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

QUANTITY_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
DATE_LABELS = frozenset({"DATE", "TIME"})

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
    "half": 0.5,
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6}
_SCALES |= {"bn": 1e9, "mn": 1e6, "tn": 1e12, "dozens": 12, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6}
_NUMERAL = re.compile(r"^[$€£¥]?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(k|m|bn|mn|tn)?%?$", re.IGNORECASE)

#: Words before a figure that bound it: value is a floor, a ceiling, or approximate.
_FLOOR = ("more than", "over", "at least", "upward of", "upwards of", "in excess of", "no fewer than", "above")
_CEILING = ("fewer than", "less than", "up to", "under", "nearly", "almost", "below", "as many as", "no more than")
_ABOUT = ("about", "around", "roughly", "approximately", "some", "an estimated", "estimated", "close to")
_PHRASES = sorted({tuple(p.split()) for p in _FLOOR + _CEILING + _ABOUT}, key=len, reverse=True)
_MODIFIERS = frozenset(w for phrase in _PHRASES for w in phrase)
#: Words that make a date expression without digits or names a real date ("next year", "last spring").
_DATE_WORDS = frozenset(
    """year years month months week weeks day days decade decades century quarter half spring summer autumn
    fall winter ago last next early late weekend""".split()
)
#: Entity types whose numerals are part of a name ("Local 14", "Apollo 11"), not a quantity.
NAME_LABELS = frozenset({"ORG", "FAC", "PRODUCT", "LAW", "EVENT", "WORK_OF_ART", "PERSON", "GPE", "LOC"})
_JOINERS = frozenset({"and", "or", "to", "through", "-", "–", "—", "until", "till"})


@dataclass(frozen=True)
class Figure:
    """A quantity or date in the text: the words as written and, for quantities, the value and what it counts."""

    span: Span
    kind: str  # "quantity" or "date"
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    unit_text: str | None = None

    @property
    def text(self) -> str:
        """The figure as written, whitespace collapsed."""
        return " ".join(self.span.text.split())


def parse_number(words: list[str]) -> float | None:
    """Value of a numeral written with digits, words or both ("11,000", "2.5 million", "three"), else None."""
    total = 0.0
    current: float | None = None
    seen = False
    for raw in words:
        word = raw.lower().strip(" ,")
        if not word or word in ("a", "an", "and", "-"):
            continue
        match = _NUMERAL.match(word)
        if match and seen:
            return None  # two numerals in a row: a score or a range ("7-2"), not one value
        if match:
            whole = float(match.group(1).replace(",", ""))
            value = whole + (float("0." + match.group(2)) if match.group(2) else 0.0)
            if match.group(3):
                value *= _SCALES[match.group(3).lower()]
            current = (current or 0.0) + value
            seen = True
            continue
        parts = word.split("-")
        if all(p in _UNITS for p in parts):
            current = (current or 0.0) + sum(_UNITS[p] for p in parts)
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current if current is not None else 1.0) * scale
            if scale >= 1e3:
                total, current = total + current, None
            seen = True
        elif seen:
            break
    if not seen:
        return None
    return total + (current or 0.0)


def _bounds(span: Span, value: float) -> tuple[float, float]:
    before = " ".join(t.lower_ for t in span.doc[max(span.sent.start, span.start - 3) : span.start + 3])
    if any(re.search(rf"\b{p}\b", before) for p in _FLOOR):
        return value, value * 10 + 1
    if any(re.search(rf"\b{p}\b", before) for p in _CEILING):
        return value * 0.5, value
    if any(re.search(rf"\b{p}\b", before) for p in _ABOUT):
        return value * 0.9, value * 1.1
    return value, value


def is_label(ent: Span) -> bool:
    """A numeral that names rather than counts: "Local 14", "Apollo 11", or the pronoun "one"."""
    root = ent.root
    if len(ent) == 1 and root.lower_ == "one" and root.dep_ != "nummod":
        return True
    return root.dep_ == "nummod" and root.head.pos_ == "PROPN" and root.head.i < root.i


def _counted_noun(span: Span) -> Token | None:
    """The noun a quantity counts: "troops" in "3,000 troops", "%" for percentages."""
    root = span.root
    if root.dep_ == "nummod" and root.head.pos_ in ("NOUN", "PROPN") and root.head.i >= span.end:
        return root.head
    for token in reversed(span):
        if token.pos_ == "NOUN" and not token.like_num and token.lower_ not in _SCALES:
            return token
    if root.dep_ in ("pobj",) and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN":
        return root.head.head
    return None


def _extend_left(span: Span) -> Span:
    """Include a bounding phrase before a figure ("more than", "nearly") that the NER left out."""
    doc = span.doc
    if span.start == span.sent.start or doc[span.start - 1].lower_ not in _MODIFIERS:
        return span
    for phrase in _PHRASES:
        start = span.start - len(phrase)
        if start >= span.sent.start and tuple(t.lower_ for t in doc[start : span.start]) == phrase:
            return doc[start : span.end]
    return span


def _merge(spans: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """Join dates split by a conjunction or range word ("January and February", "2019 to 2021")."""
    merged: list[tuple[Span, str]] = []
    for span, kind in spans:
        if merged:
            prev, prev_kind = merged[-1]
            gap = span.doc[prev.end : span.start]
            joined = len(gap) <= 1 and all(t.lower_ in _JOINERS for t in gap)
            hyphenated = len(gap) == 1 and gap[0].text in "-–" and not prev.text_with_ws.endswith(" ")
            if (kind == prev_kind == "date" and joined) or (kind == prev_kind == "quantity" and hyphenated):
                merged[-1] = (span.doc[prev.start : span.end], kind)
                continue
        merged.append((span, kind))
    return merged


def ents_by_sentence(doc: Doc) -> dict[int, list[Span]]:
    """The entities of each sentence, keyed by the sentence's first token, in one pass over the doc.

    ``Span.ents`` scans every entity of the document on each call; over all sentences that is quadratic.
    """
    found: dict[int, list[Span]] = {}
    ents = doc.ents
    i = 0
    for sent in doc.sents:
        while i < len(ents) and ents[i].start < sent.start:
            i += 1
        own: list[Span] = []
        while i < len(ents) and ents[i].end <= sent.end:
            own.append(ents[i])
            i += 1
        found[sent.start] = own
    return found


def figures(sent: Span, ents: Sequence[Span] | None = None) -> list[Figure]:
    """The quantities and dates of a sentence (or any span), in order, as written.

    ``ents`` are the span's entities when the caller has them (see :func:`ents_by_sentence`).
    """
    spans: list[tuple[Span, str]] = []
    covered: set[int] = set()
    for ent in sent.ents if ents is None else ents:
        covered.update(range(ent.start, ent.end))
        if ent.label_ in DATE_LABELS:
            if not any(t.like_num or t.pos_ == "PROPN" or t.lower_ in _DATE_WORDS for t in ent):
                continue
            spans.append((ent, "date"))
        elif ent.label_ in QUANTITY_LABELS:
            if ent.label_ == "CARDINAL" and is_label(ent):
                continue
            spans.append((_extend_left(ent), "quantity"))
    for token in sent:
        if (
            token.i not in covered
            and token.tag_ == "CD"
            and token.ent_type_ not in NAME_LABELS
            and any(ch.isdigit() for ch in token.text)
        ):
            spans.append((_extend_left(sent.doc[token.i : token.i + 1]), "quantity"))
    spans.sort(key=lambda s: s[0].start)
    result: list[Figure] = []
    for span, kind in _merge(spans):
        if kind == "date":
            result.append(Figure(span=span, kind=kind))
            continue
        value = parse_number([t.text for t in span if t.lower_ not in _MODIFIERS])
        noun = _counted_noun(span)
        unit = "%" if any(t.text == "%" or t.lower_ in ("percent", "per") for t in span) else None
        if unit is None and noun is not None:
            unit = noun.lemma_.lower()
        low, high = _bounds(span, value) if value is not None else (None, None)
        result.append(
            Figure(
                span=span,
                kind=kind,
                value=value,
                low=low,
                high=high,
                unit=unit,
                unit_text=noun.text if noun is not None else None,
            )
        )
    return result
