"""The claim scorer on the project's own labelled sentences, and what weights fitted on them would look like.

    python bench/fit_claims.py [--data bench/data/checkworthy.jsonl] [--l2 3.0] [--folds 5]

``bench/data/checkworthy.jsonl`` holds sentences written for this project (invented people, places and
figures) in four registers (debate, speech, interview, news), each labelled 1 when a fact-checker would
want to verify it. The script prints the average precision of the shipped scorer (``Analyzer`` end to end:
a sentence scores as its best claim, 0 when it has none) overall and per register; then the average
precision of a logistic regression over the same features, fitted with L2 penalty ``--l2`` and measured by
``--folds``-fold cross-validation; then the weights fitted on all of it beside the shipped ones.

The shipped weights are set by hand (see :mod:`bot.nlp.claims`); this is how to check them, or refit them,
on data the project owns.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from corpus import article_of, sentence_score

from bot.nlp import claims
from bot.nlp.hedges import find_hedges
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

DATA = Path(__file__).resolve().parent / "data" / "checkworthy.jsonl"


def average_precision(scores: list[float], labels: list[int]) -> float:
    """Mean of the precision at each relevant item, items ranked by score (ties in input order)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 50) -> np.ndarray:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--l2", type=float, default=3.0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    args = parser.parse_args(argv)

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [int(r["label"]) for r in rows]
    analyzer = Analyzer(args.model or default_spacy_model())

    shipped = [sentence_score(result) for result in analyzer.analyze_many(article_of(r) for r in rows)]
    by_register: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_register[row["register"]].append(i)
    print(f"{len(rows)} sentences, {sum(labels)} check-worthy")
    print(f"shipped scorer     AP {average_precision(shipped, labels):.3f}", end="")
    for register, idx in sorted(by_register.items()):
        ap = average_precision([shipped[i] for i in idx], [labels[i] for i in idx])
        print(f"   {register} {ap:.3f}", end="")
    print()

    names = list(claims.WEIGHTS)
    x = np.array(
        [
            [claims.features(doc[:], hedged=bool(find_hedges(doc[:]))).values[n] for n in names]
            for doc in analyzer.nlp.pipe(r["text"] for r in rows)
        ]
    )
    y = np.array(labels, dtype=float)
    folds = np.arange(len(rows)) % args.folds
    held_out = np.zeros(len(rows))
    for k in range(args.folds):
        w = fit(x[folds != k], y[folds != k], args.l2)
        held_out[folds == k] = w[0] + x[folds == k] @ w[1:]
    print(f"fitted, {args.folds}-fold  AP {average_precision(held_out.tolist(), labels):.3f}  (L2 {args.l2})")

    w = fit(x, y, args.l2)
    print(f"{'feature':<18} {'fitted':>7} {'shipped':>8}")
    print(f"{'(bias)':<18} {w[0]:>+7.2f} {claims.BIAS:>+8.2f}")
    for name, value in zip(names, w[1:], strict=True):
        print(f"{name:<18} {value:>+7.2f} {claims.WEIGHTS[name]:>+8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
