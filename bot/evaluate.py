"""Scoring extracted quotes against annotated ones: what ``nutgraf eval FILE.jsonl`` prints.

A file holds one story a line, ``{"id", "text", "quotes": [{"speaker", "content", "kind"}]}`` (the format
``nutgraf corrections export`` writes). The matching rules are those of the evaluation files this project
is measured on, so the figures agree with them:

- a predicted quote matches an annotated one when the F1 of their contents' word tokens (lower-cased
  ``\\w+`` runs, counted with repeats) is at least 0.5; pairs are taken one-to-one, best first;
- a matched quote's speaker is right when the two names share a word other than an article, an honorific
  or a short preposition (the prediction's ``speaker_mention``, the words that named the speaker, counts
  too); annotated quotes without a speaker are left out of speaker accuracy;
- *direct* matches direct predictions with direct annotations only; recall by kind comes from the
  matching of all quotes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

THRESHOLD = 0.5

_WORD = re.compile(r"\w+")
#: Words two speaker names may share without naming the same person.
_NOT_NAMES = frozenset({"the", "a", "an", "of", "and", "to", "in", "for", "on", "at", "s", "mr", "mrs", "ms", "dr"})

Row = Mapping[str, Any]


def words(text: str | None) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall((text or "").lower())


def token_f1(a: Sequence[str], b: Sequence[str]) -> float:
    """F1 of two token multisets."""
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def same_speaker(predicted: str | None, annotated: str | None) -> bool:
    """Whether two speaker strings share a name word."""
    return bool((set(words(predicted)) - _NOT_NAMES) & (set(words(annotated)) - _NOT_NAMES))


def pair_up(predicted: Sequence[Row], annotated: Sequence[Row], threshold: float = THRESHOLD) -> list[tuple[int, int]]:
    """One-to-one (predicted, annotated) index pairs whose contents match, best pairs first."""
    pred_words = [words(q.get("content")) for q in predicted]
    gold_words = [words(q.get("content")) for q in annotated]
    candidates = sorted(
        (-score, i, j)
        for i, a in enumerate(pred_words)
        for j, b in enumerate(gold_words)
        if (score := token_f1(a, b)) >= threshold
    )
    taken_pred: set[int] = set()
    taken_gold: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in taken_pred and j not in taken_gold:
            taken_pred.add(i)
            taken_gold.add(j)
            pairs.append((i, j))
    return pairs


@dataclass
class Slice:
    """Counts for one slice of the evaluation (all quotes, or direct quotes only)."""

    predicted: int = 0
    annotated: int = 0
    matched: int = 0
    speaker_checked: int = 0
    speaker_right: int = 0
    no_speaker: int = 0
    matched_by_kind: Counter[str] = field(default_factory=Counter)
    annotated_by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.annotated if self.annotated else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float | None:
        return self.speaker_right / self.speaker_checked if self.speaker_checked else None

    def summary(self) -> dict[str, Any]:
        """The figures, rounded to four places, under the names the evaluation files' scorer uses."""
        accuracy = self.speaker_accuracy
        return {
            "n_gold": self.annotated,
            "n_pred": self.predicted,
            "n_matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "speaker_acc": None if accuracy is None else round(accuracy, 4),
            "speaker_n": self.speaker_checked,
            "speaker_correct": self.speaker_right,
            "recall_by_kind": {
                kind: {
                    "recall": round(self.matched_by_kind[kind] / total, 4),
                    "matched": self.matched_by_kind[kind],
                    "gold": total,
                }
                for kind, total in sorted(self.annotated_by_kind.items())
            },
        }


def score_slice(
    predictions: Mapping[str, Sequence[Row]], gold: Mapping[str, Sequence[Row]], kind: str | None = None
) -> Slice:
    """Count one slice over every annotated story (a story with no prediction predicted nothing)."""
    counts = Slice()
    for story, annotated_all in gold.items():
        annotated = [q for q in annotated_all if kind is None or q.get("kind") == kind]
        predicted = [q for q in predictions.get(story, ()) if kind is None or q.get("kind", "unknown") == kind]
        counts.predicted += len(predicted)
        counts.annotated += len(annotated)
        counts.annotated_by_kind.update(str(q.get("kind", "unknown")) for q in annotated)
        for i, j in pair_up(predicted, annotated):
            counts.matched += 1
            gold_quote, pred_quote = annotated[j], predicted[i]
            counts.matched_by_kind[str(gold_quote.get("kind", "unknown"))] += 1
            if not str(gold_quote.get("speaker") or "").strip():
                counts.no_speaker += 1
                continue
            counts.speaker_checked += 1
            counts.speaker_right += any(
                same_speaker(pred_quote.get(name), gold_quote.get("speaker")) for name in ("speaker", "speaker_mention")
            )
    return counts


def score(predictions: Mapping[str, Sequence[Row]], gold: Mapping[str, Sequence[Row]]) -> dict[str, Any]:
    """The figures for all quotes and for direct quotes."""
    every = score_slice(predictions, gold).summary()
    direct = score_slice(predictions, gold, "direct").summary()
    del direct["recall_by_kind"]
    return {"n_articles": len(gold), "all": every, "direct": direct}


def table(summary: Mapping[str, Any]) -> str:
    """The figures as a terminal table."""
    every, direct = summary["all"], summary["direct"]
    lines = [f"{'slice':<8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}"]
    for name, s in (("all", every), ("direct", direct)):
        lines.append(
            f"{name:<8} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['n_pred']:>6} {s['n_gold']:>6}"
        )
    kinds = ", ".join(
        f"{kind} {v['recall']:.3f} ({v['matched']}/{v['gold']})" for kind, v in every["recall_by_kind"].items()
    )
    lines.append(f"recall by kind: {kinds or '-'}")
    accuracy = every["speaker_acc"]
    shown = "-" if accuracy is None else f"{accuracy:.3f}"
    lines.append(f"speaker accuracy: {shown} ({every['speaker_correct']}/{every['speaker_n']})")
    return "\n".join(lines)


def quotes_of(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Story id -> its quotes, from rows of the evaluation format."""
    return {str(row["id"]): list(row.get("quotes") or []) for row in rows}
