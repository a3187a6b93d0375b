"""Fit the claim scorer's weights on the project's own labelled sentences, and measure it there.

    python bench/fit_claims.py [--data bench/data/checkworthy.jsonl] [--l2 1.0] [--folds 5] [--drop NAME ...]
                               [--ablation] [--write]

``bench/data/checkworthy.jsonl`` holds sentences written for this project (invented people, places and
figures) in four registers (debate, speech, interview, news), each labelled 1 when a fact-checker would
want to verify it. ``class`` names the kind of sentence (the hard cases: figures in hypotheticals,
promises and predictions, a moderator's figures, personal stories, what someone else said, opinion,
short evaluative news sentences; and check-worthy claims with no figure: comparisons, causes, what a law
does, named actors, sourced statistics, how many people are affected). ``split`` sets a quarter of every
class aside: weights are fitted on the ``fit`` rows only and judged on the ``held-out`` ones.

The fit is a logistic regression over the criteria of :mod:`bot.nlp.claims` (a sentence's criteria as
one span) with an L2 penalty, each weight held to its criterion's direction: a raising criterion whose
weight comes out negative, or a lowering one positive, is set to zero and the rest refitted. The
cross-validation keeps each class of sentence in one fold, so a weight that only fits one kind of
sentence gains nothing; on it, AP rises as the penalty falls from 4 to 1 and barely moves below, hence
the default of 1. It prints
the average precision of the shipped scorer (``Analyzer`` end to end: a sentence scores as its best
claim, 0 when it has none) overall, per register, per split and per class; the fitted weights beside the
shipped ones with cross-validated and held-out AP; with ``--ablation``, what leaving out each criterion
does to those; and with ``--write``, it writes the fitted weights and the threshold of best F1 into
``bot/nlp/claims.py``. Nothing else is fitted, and nothing is fitted on the shared evaluation files.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from corpus import article_of, average_precision, sentence_score

from bot.nlp import claims
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

DATA = Path(__file__).resolve().parent / "data" / "checkworthy.jsonl"
SOURCE = Path(claims.__file__)


def ap(scores: list[float] | np.ndarray, labels: list[int] | np.ndarray) -> float:
    return average_precision([float(s) for s in scores], [int(y) for y in labels]) or 0.0


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 40) -> np.ndarray:
    """Logistic-regression weights (bias first) by Newton's method with an L2 penalty on all but the bias."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    penalty = l2 * np.diag(np.r_[0.0, np.ones(x.shape[1])])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        gradient = xb.T @ (p - y) + penalty @ w
        hessian = xb.T @ (xb * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def fit_signed(x: np.ndarray, y: np.ndarray, l2: float, signs: np.ndarray) -> np.ndarray:
    """:func:`fit`, with each weight held to its sign (+1 raises, -1 lowers): one that points the other way is
    set to zero and the others refitted, until none does."""
    active = np.ones(x.shape[1], dtype=bool)
    while True:
        w = np.zeros(x.shape[1] + 1)
        w[np.r_[True, active]] = fit(x[:, active], y, l2)
        wrong = active & (w[1:] * signs < 0)
        if not wrong.any():
            return w
        active &= ~wrong


def grouped_folds(rows: list[dict[str, Any]], folds: int) -> np.ndarray:
    """A fold for each row such that the sentences of one class fall in one fold (the general ones spread
    over all): a weight that only fits one kind of sentence does not help the fold that holds it out."""
    names = sorted({r["class"] for r in rows if r["class"] != "general"})
    of_class = {name: i % folds for i, name in enumerate(names)}
    return np.array([of_class.get(r["class"], i % folds) for i, r in enumerate(rows)])


def cross_validated(x: np.ndarray, y: np.ndarray, l2: float, signs: np.ndarray, fold: np.ndarray) -> np.ndarray:
    """Each row's logit from weights fitted on the other folds."""
    folds = int(fold.max()) + 1
    out = np.zeros(len(y))
    for k in range(folds):
        w = fit_signed(x[fold != k], y[fold != k], l2, signs)
        out[fold == k] = w[0] + x[fold == k] @ w[1:]
    return out


def best_threshold(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The probability threshold of best F1 over the given logits, and that F1."""
    best = (0.5, 0.0)
    for t in np.arange(0.2, 0.81, 0.05):
        flagged = 1.0 / (1.0 + np.exp(-logits)) >= t
        tp = float((flagged & (y == 1)).sum())
        f1 = 2 * tp / (flagged.sum() + (y == 1).sum()) if tp else 0.0
        if f1 > best[1] + 1e-9:
            best = (round(float(t), 2), f1)
    return best


def write_weights(bias: float, weights: dict[str, float], threshold: float) -> None:
    """Rewrite the BIAS, WEIGHTS and THRESHOLD constants of bot/nlp/claims.py."""
    text = SOURCE.read_text(encoding="utf-8")
    body = "\n".join(f'    "{name}": {value:.2f},' for name, value in weights.items())
    text = re.sub(r"^BIAS = .*$", f"BIAS = {bias:.2f}", text, count=1, flags=re.M)
    text = re.sub(r"^THRESHOLD = .*$", f"THRESHOLD = {threshold}", text, count=1, flags=re.M)
    text = re.sub(
        r"^WEIGHTS: dict\[str, float\] = \{.*?^\}$",
        f"WEIGHTS: dict[str, float] = {{\n{body}\n}}",
        text,
        count=1,
        flags=re.M | re.S,
    )
    SOURCE.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--drop", nargs="*", default=[], help="criteria left out of the fit (weight 0)")
    parser.add_argument("--ablation", action="store_true", help="refit without each criterion in turn")
    parser.add_argument("--write", action="store_true", help="write the fitted weights into bot/nlp/claims.py")
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = [
        json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    labels = [int(r["label"]) for r in rows]
    analyzer = Analyzer(args.model or default_spacy_model())

    shipped = [sentence_score(result) for result in analyzer.analyze_many(article_of(r) for r in rows)]
    print(f"{len(rows)} sentences, {sum(labels)} check-worthy; shipped scorer (threshold {claims.THRESHOLD}):")
    print(f"  AP all {ap(shipped, labels):.3f}", end="")
    for key in ("register", "split"):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            groups[row[key]].append(i)
        for name, idx in sorted(groups.items()):
            print(f"   {name} {ap([shipped[i] for i in idx], [labels[i] for i in idx]):.3f}", end="")
    print()
    by_class: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_class[(row["class"], labels[i])].append(i)
    print(f"  {'class':<16} {'label':>5} {'n':>4} {'flagged':>8} {'mean score':>10}")
    for (name, label), idx in sorted(by_class.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        flagged = sum(shipped[i] >= claims.THRESHOLD for i in idx) / len(idx)
        mean = sum(shipped[i] for i in idx) / len(idx)
        print(f"  {name:<16} {label:>5} {len(idx):>4} {flagged:>8.0%} {mean:>10.3f}")

    names = [c.name for c in claims.CRITERIA if c.name not in args.drop]
    signs = np.array([1.0 if claims.CRITERIA_BY_NAME[n].raises else -1.0 for n in names])
    x = np.array(
        [[claims.features(doc[:]).values[n] for n in names] for doc in analyzer.nlp.pipe(r["text"] for r in rows)]
    )
    y = np.array(labels, dtype=float)
    train = np.array([r["split"] == "fit" for r in rows])
    held = ~train
    fold = grouped_folds([r for r in rows if r["split"] == "fit"], args.folds)

    def judge(columns: np.ndarray) -> tuple[float, float, np.ndarray]:
        logits = cross_validated(x[train][:, columns], y[train], args.l2, signs[columns], fold)
        w = fit_signed(x[train][:, columns], y[train], args.l2, signs[columns])
        held_logits = w[0] + x[held][:, columns] @ w[1:]
        return ap(logits, y[train]), ap(held_logits, y[held]), logits

    every = np.ones(len(names), dtype=bool)
    cv_ap, held_ap, cv_logits = judge(every)
    threshold, f1 = best_threshold(cv_logits, y[train])
    w = fit_signed(x[train], y[train], args.l2, signs)
    print(
        f"\nfitted on {train.sum()} rows (L2 {args.l2}): {args.folds}-fold AP {cv_ap:.3f} (folds by class), "
        f"held-out AP {held_ap:.3f}"
    )
    print(f"threshold of best F1 (cross-validated): {threshold} (F1 {f1:.3f})")
    print(
        f"{'criterion':<14} {'fitted':>7} {'shipped':>8} {'fires':>6}"
        + ("  drop: cv AP  held AP" if args.ablation else "")
    )
    print(f"{'(bias)':<14} {w[0]:>+7.2f} {claims.BIAS:>+8.2f}")
    for j, name in enumerate(names):
        line = f"{name:<14} {w[j + 1]:>+7.2f} {claims.WEIGHTS.get(name, 0.0):>+8.2f} {int(x[:, j].sum()):>6}"
        if args.ablation:
            without = every.copy()
            without[j] = False
            cv_without, held_without, _ = judge(without)
            line += f"  {cv_ap - cv_without:>+10.3f} {held_ap - held_without:>+8.3f}"
        print(line)

    if args.write:
        fitted = {name: round(float(w[j + 1]), 2) for j, name in enumerate(names)}
        write_weights(float(w[0]), {c.name: fitted.get(c.name, 0.0) for c in claims.CRITERIA}, threshold)
        print(f"\nwrote the weights and threshold into {SOURCE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
