"""Internal consistency: figures a story gives twice and that do not agree.

Two checks, both on counted quantities ("3,000 troops"), each tied to the verb that governs it and the
dates in its clause:

- the same figure for the same thing dated differently ("3,000 troops: 'early 2023' ... 'January and
  February'"), when the figure is large enough to be distinctive or goes with the same verb;
- different figures for the same thing and event ("killed 12 people" ... "killed 14 people") whose ranges
  do not overlap once bounds are read ("more than 11,000" agrees with "12,000").

The notes are prompts for an editor to check, never corrections.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from bot.nlp.numbers import Figure, ents_by_sentence, figures

MAX_NOTES = 5
#: Counts at least this large are specific enough that the same one twice means the same thing; smaller
#: ones ("two people") must also share their verb.
DISTINCTIVE = 100
#: Mentions of one thing compared pairwise at most; keeps the check linear on tables of figures.
MAX_GROUP = 12
#: Units that measure spans of time or repetition: "two years", "three times" differ without contradiction.
_DURATIONS = frozenset("second minute hour day night week month year decade century time percent point %".split()) - {
    "%"
}


@dataclass(frozen=True)
class Fact:
    """A counted quantity in context: the figure, the verb it depends on, the dates in its clause."""

    figure: Figure
    verb: str | None
    anchor: str | None
    dates: tuple[str, ...]
    paragraph: int
    subset: bool = False


def _governor(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return None


#: Modifiers that make a figure count part of a whole ("the first 3,000 troops", "another 500 people").
_PART_WORDS = frozenset("first last second third next additional another other remaining new more extra".split())


def _is_subset(figure: Figure) -> bool:
    head = figure.span.root.head
    words = [t.lower_ for t in head.children if t.i < head.i] + [t.lower_ for t in figure.span]
    return any(w in _PART_WORDS for w in words) or any(c.lower_ == "of" for c in figure.span.root.children)


def _anchor(verb: Token | None, figure: Figure) -> str | None:
    """What a percentage is of: the subject of its verb ("the unemployment rate fell to 4%")."""
    if verb is None or figure.unit != "%":
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject.lemma_.lower() if subject is not None else None


def _paragraphs(doc: Doc) -> list[int]:
    starts = [0]
    text = doc.text
    pos = text.find("\n")
    while pos != -1:
        if text[pos + 1 : pos + 2].strip() or pos + 1 == len(text):
            starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def facts(doc: Doc, starts: list[int]) -> list[Fact]:
    """Counted quantities of the document's sentences, each with its verb, anchor and dates."""
    found: list[Fact] = []
    sentence_ents = ents_by_sentence(doc)
    for sent in doc.sents:
        figs = figures(sent, sentence_ents.get(sent.start, []))
        dates = [(f, _governor(f.span.root)) for f in figs if f.kind == "date"]
        quantities = [f for f in figs if f.kind == "quantity" and f.value is not None and f.unit]
        for fig in quantities:
            if fig.unit in _DURATIONS or any(t.dep_ == "neg" for t in fig.span.root.head.children):
                continue
            verb = _governor(fig.span.root)
            own = tuple(d.text for d, v in dates if v is not None and v == verb)
            if not own and len(quantities) == 1:
                own = tuple(d.text for d, _ in dates)
            found.append(
                Fact(
                    figure=fig,
                    verb=verb.lemma_.lower() if verb is not None else None,
                    anchor=_anchor(verb, fig),
                    dates=own,
                    paragraph=bisect_right(starts, fig.span.start_char),  # numbered from 1
                    subset=_is_subset(fig),
                )
            )
    return found


def _norm(date: str) -> str:
    return " ".join(date.lower().replace("the ", "").split())


def _same_time(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return (not a and not b) or (bool(a) and bool(b) and not _dates_differ(a, b))


def _dates_differ(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b:
        return False
    na, nb = {_norm(d) for d in a}, {_norm(d) for d in b}
    return not any(x in y or y in x for x in na for y in nb)


def _overlap(a: Figure, b: Figure) -> bool:
    assert a.low is not None and a.high is not None and b.low is not None and b.high is not None
    return a.low <= b.high and b.low <= a.high


def _where(fact: Fact) -> str:
    return f"paragraph {fact.paragraph}"


def check(doc: Doc) -> list[str]:
    """Notes on figures that disagree within the text, in the order they occur."""
    starts = _paragraphs(doc)
    all_facts = facts(doc, starts)
    notes: list[str] = []
    seen: set[tuple[int, int]] = set()
    by_figure: dict[tuple[float, str], list[Fact]] = defaultdict(list)
    by_event: dict[tuple[str, str, str | None], list[Fact]] = defaultdict(list)
    for fact in all_facts:
        fig = fact.figure
        assert fig.value is not None and fig.unit is not None
        by_figure[(fig.value, fig.unit)].append(fact)
        if fact.verb is not None and (fig.unit != "%" or fact.anchor is not None):
            by_event[(fig.unit, fact.verb, fact.anchor)].append(fact)
    for a, b in _pairs(by_figure.values(), seen):
        if _dates_differ(a.dates, b.dates) and (a.verb == b.verb or (a.figure.value or 0) >= DISTINCTIVE):
            seen.add((a.figure.span.start, b.figure.span.start))
            what = f"{_bare(a.figure)} {a.figure.unit_text or a.figure.unit}".strip()
            notes.append(f"{what}: '{' and '.join(a.dates)}' in {_where(a)}, '{' and '.join(b.dates)}' in {_where(b)}.")
    for a, b in _pairs(by_event.values(), seen):
        if _same_time(a.dates, b.dates) and not (a.subset or b.subset or _overlap(a.figure, b.figure)):
            seen.add((a.figure.span.start, b.figure.span.start))
            notes.append(
                f"Two figures for {a.figure.unit_text or a.figure.unit} ({a.verb}): "
                f"'{a.figure.text}' in {_where(a)}, '{b.figure.text}' in {_where(b)}."
            )
    return notes[:MAX_NOTES]


def _pairs(groups: Iterable[list[Fact]], seen: set[tuple[int, int]]) -> Iterator[tuple[Fact, Fact]]:
    """Pairs of facts within each group (its first MAX_GROUP), from different sentences, not yet reported."""
    for group in groups:
        group = group[:MAX_GROUP]
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a.figure.span.start, b.figure.span.start) not in seen and a.figure.span.sent != b.figure.span.sent:
                    yield a, b


def _bare(figure: Figure) -> str:
    """The figure without the noun it counts: "3,000" from "3,000 troops"."""
    words = [t.text for t in figure.span if t.text != figure.unit_text]
    return " ".join(words)
