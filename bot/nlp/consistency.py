"""Internal consistency: figures a story gives twice and that do not agree.

Two checks:

- the same figure for the same thing dated differently ("3,000 troops: 'early 2023' ... 'January and
  February'"), when the figure is large enough to be distinctive or goes with the same verb; this one works
  on counted quantities, each tied to the verb that governs it and the dates in its clause;
- different figures for the same measure of the same subject at the same time ("1,200 jobs" ... "the number
  of affected positions at 1,450"), found by the figure records of :mod:`bot.nlp.figures`, the machinery
  desk memory compares stories with: ranges that overlap once rounding and bounds are read ("more than
  11,000" and "12,000") agree, and a part of a total ("the first 3,000") is not a second count.

The notes are prompts for an editor to check, never corrections.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Token

from bot.models import FigureRecord
from bot.nlp import figures as figure_records
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
    dates: tuple[str, ...]
    paragraph: int


def _governor(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return None


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
    """Counted quantities of the document's sentences, each with its verb and dates."""
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
                    dates=own,
                    paragraph=bisect_right(starts, fig.span.start_char),  # numbered from 1
                )
            )
    return found


def _norm(date: str) -> str:
    return " ".join(date.lower().replace("the ", "").split())


def _dates_differ(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b:
        return False
    na, nb = {_norm(d) for d in a}, {_norm(d) for d in b}
    return not any(x in y or y in x for x in na for y in nb)


def _where(fact: Fact) -> str:
    return f"paragraph {fact.paragraph}"


def check(doc: Doc, records: Sequence[FigureRecord] | None = None) -> list[str]:
    """Notes on figures that disagree within the text, in the order they occur.

    ``records`` are the story's figure records when the caller has them (see :func:`bot.nlp.figures.extract`).
    """
    starts = _paragraphs(doc)
    if records is None:
        records = figure_records.extract(doc, reference=date.today())
    notes: list[str] = []
    seen: set[tuple[int, int]] = set()
    by_figure: dict[tuple[float, str], list[Fact]] = defaultdict(list)
    for fact in facts(doc, starts):
        fig = fact.figure
        assert fig.value is not None and fig.unit is not None
        by_figure[(fig.value, fig.unit)].append(fact)
    found: list[tuple[int, str]] = []
    for a, b in _pairs(by_figure.values(), seen):
        if _dates_differ(a.dates, b.dates) and (a.verb == b.verb or (a.figure.value or 0) >= DISTINCTIVE):
            seen.add((a.figure.span.start, b.figure.span.start))
            what = f"{_bare(a.figure)} {a.figure.unit_text or a.figure.unit}".strip()
            note = f"{what}: '{' and '.join(a.dates)}' in {_where(a)}, '{' and '.join(b.dates)}' in {_where(b)}."
            found.append((a.figure.span.start_char, note))
    for first, second in figure_records.conflicts_within(records):
        about = f" ({first.subject})" if first.subject else ""
        where = [bisect_right(starts, record.start) for record in (first, second)]
        note = (
            f"Two figures for {first.measure}{about}: '{first.text}' in paragraph {where[0]}, "
            f"'{second.text}' in paragraph {where[1]}."
        )
        found.append((first.start, note))
    notes = [note for _, note in sorted(found, key=lambda item: item[0])]
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
