"""Quantities and dates as written in a sentence, and their values, for claims, consistency and desk memory.

spaCy's NER finds most of them; this module merges the pieces an editor reads as one figure ("January and
February", "more than 11,000"), picks up bare numerals the NER missed, and reads a numeric value with its
bounds so that "more than 11,000" and "12,000" are not taken to disagree.

The readers below work on words as spaCy tokenises them: :func:`parse_number` for numerals in digits,
words or both ("1.2 million", "$85m", "1.4bn"), :func:`parse_share` for proportions written as words ("a
third", "four in ten", "half"), :func:`currency` for the currency of an amount, :func:`rounding` and
:func:`bounds` for the range a figure allows once its rounding and its approximation ("about", "more than",
"nearly") are read. Numerals are read here rather than by a quantity library: quantulum3, the one that
reads units, takes newsroom abbreviations for units ("$85m" as dollar-metres, "1.4bn" as barn-newtons)
unless its scikit-learn classifier is installed, and runs a tokeniser of its own beside spaCy's. Currency
symbols and codes are recognised by price-parser, which knows far more of them than a hand-kept table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from price_parser import Price
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
#: Words that put a figure just below the value written: "nearly 300" is a little under 300.
_NEAR = ("nearly", "almost", "close to", "just under", "just short of", "just below")
_PHRASES = sorted({tuple(p.split()) for p in _FLOOR + _CEILING + _ABOUT + _NEAR}, key=len, reverse=True)
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


#: Denominators of fractions written as words ("a third", "two-fifths", "three quarters").
FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "sevenths": 7,
    "eighth": 8,
    "eighths": 8,
    "ninth": 9,
    "ninths": 9,
    "tenth": 10,
    "tenths": 10,
}
#: Relative width of a proportion written in words: "a third" stands for about 30 to 37 percent.
SHARE_TOLERANCE = 0.1
#: Widest relative rounding read into a round number: "2,000" allows 1,900 to 2,100, not 1,500 to 2,500.
MAX_ROUNDING = 0.05

#: Words for a currency, and what price-parser's symbols mean, as ISO 4217 codes. "$" alone is read as the
#: US dollar, as most wire copy means it; outlets that mean another dollar write "A$", "C$" or "NZ$".
CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "euro": "EUR",
    "euros": "EUR",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "rupees": "INR",
    "franc": "CHF",
    "francs": "CHF",
    "rand": "ZAR",
    "peso": "MXN",
    "pesos": "MXN",
}
_SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "€": "EUR",
    "eur": "EUR",
    "¥": "JPY",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "r$": "BRL",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
}


def parse_share(words: Sequence[str]) -> float | None:
    """A proportion written in words, in percent: "a third" 33.3, "two-thirds" 66.7, "four in ten" 40, "half" 50.

    None when the words are not one ("the third", "a third term", "half-time").
    """
    parts = [p for w in words for p in w.lower().replace("-", " ").split()]
    while parts and parts[-1] == "of":
        parts.pop()
    if parts in (["half"], ["one", "half"], ["a", "half"]):
        return 50.0
    for joiner in (("in",), ("out", "of")):
        n = len(joiner)
        for i in range(1, len(parts) - n):
            if tuple(parts[i : i + n]) == joiner:
                top, bottom = parse_number(parts[:i]), parse_number(parts[i + n :])
                if top is not None and bottom and 0 < top <= bottom and len(parts) - i - n == 1:
                    return 100.0 * top / bottom
                return None
    if len(parts) == 2 and parts[1] in FRACTIONS:
        top = 1.0 if parts[0] in ("a", "an", "one") else parse_number(parts[:1])
        if top is not None and 0 < top < FRACTIONS[parts[1]] and (top == 1) == (not parts[1].endswith("s")):
            return 100.0 * top / FRACTIONS[parts[1]]
    return None


def currency(text: str) -> str | None:
    """The currency of an amount as written ("$85m", "85 million dollars", "£3.5 billion"): an ISO 4217 code.

    A symbol or code that price-parser finds and this module does not map is returned upper-cased as found.
    """
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in CURRENCY_WORDS:
            return CURRENCY_WORDS[word]
    found = Price.fromstring(text).currency
    if not found:
        return None
    return _SYMBOLS.get(found.lower().replace(" ", ""), found.upper())


def rounding(value: float) -> float:
    """Half the place of a value's last significant digit, at most :data:`MAX_ROUNDING` of it.

    What a writer may have rounded away: "1,200" allows 1,150 to 1,250, "4.2" allows 4.15 to 4.25, "1,450"
    allows 1,445 to 1,455.
    """
    if value == 0 or not math.isfinite(value):
        return 0.0
    magnitude = abs(value)
    place = 10.0 ** math.floor(math.log10(magnitude))
    while place > 1e-6 and not math.isclose(round(magnitude / place) * place, magnitude, rel_tol=1e-9):
        place /= 10
    return min(place / 2, magnitude * MAX_ROUNDING)


def approximation(words: Sequence[str]) -> str | None:
    """The phrase that bounds a figure ("more than", "about", "nearly"), found among the words before it."""
    lowered = [w.lower() for w in words]
    for phrase in _PHRASES:
        n = len(phrase)
        for i in range(len(lowered) - n + 1):
            if tuple(lowered[i : i + n]) == phrase:
                return " ".join(phrase)
    return None


def bounds(value: float, approx: str | None, spread: float = 0.0) -> tuple[float, float]:
    """The range a figure allows: ``value`` ± ``spread`` (its rounding), widened by its approximation word."""
    low, high = value - spread, value + spread
    if approx is None:
        return low, high
    if approx in _FLOOR:
        return value, value * 10 + 1
    if approx in _NEAR:
        return value * 0.9, high
    if approx in _CEILING:
        return 0.0, high
    return min(low, value * 0.9), max(high, value * 1.1)
