"""Score nutgraf's claim ranking on a labelled sentence file (one sentence a line, JSONL), debate by debate.

    python bench/eval_claims.py GOLD.jsonl OUT.jsonl SCORER.py [--compare OLD.jsonl] [--model NAME] [--limit N]

Each sentence is read as its own pasted text, as the pipeline reads it (normalised; refused or not English:
no claims). Its score is its best claim's score (0 when it has none) and its label whether any claim is
check-worthy; the predictions are written to OUT and handed to the given scorer script, whose report is
printed. The scores are those :func:`bot.nlp.claims.extract_claims` gives (which ignores quotes when it
scores); the first sentences are checked against ``Analyzer`` end to end.

Then, since a rule that fits a few debates does not generalise, two tables grouped by the gold file's
``doc`` field (one debate or speech each):

- average precision per debate (beside OLD.jsonl's, the predictions of an earlier run, with ``--compare``);
- an ablation: for each criterion, the mean AP over debates without it (its weight set to zero) and in how
  many debates it helps, hurts or changes nothing. A criterion that helps a few debates a lot and hurts most
  of them fits those few; it is kept only when it helps most debates and the project's own sentences
  (``bench/fit_claims.py``). Nothing here is fitted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus import article_of, average_precision, sentence_score

from bot.errors import InputError
from bot.nlp import claims
from bot.nlp.language import detect_language
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

#: How many sentences are also run through ``Analyzer`` to check that the scores here are the pipeline's.
CHECKED = 200


def clause_features(analyzer: Analyzer, rows: list[dict[str, Any]]) -> Iterator[list[dict[str, float]]]:
    """For each row, the criteria of each clause the pipeline would score (none when it refuses the text)."""
    texts: list[str] = []
    english: list[bool] = []
    for row in rows:
        try:
            norm, _ = analyzer.prepare(article_of(row)[1])
        except InputError:
            english.append(False)
            texts.append("")
            continue
        english.append(detect_language(norm.text) == "en")
        texts.append(norm.text)
    for ok, doc in zip(english, analyzer.nlp.pipe(texts, batch_size=256), strict=True):
        yield [c.features.values for c in claims.candidates(doc)] if ok else []


def best(clauses: list[dict[str, float]], weights: dict[str, float] | None = None) -> float:
    """A sentence's score, as the pipeline rounds it: its best clause's."""
    scores = [claims.Features(values).logit(weights) for values in clauses]
    return round(claims.squash(max(scores)), 4) if scores else 0.0


def per_debate(rows: list[dict[str, Any]], scores: list[float]) -> dict[str, float]:
    """Average precision of the ranking within each debate that has a check-worthy sentence."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[str(row.get("doc", ""))].append(i)
    found = {
        d: average_precision([scores[i] for i in idx], [int(rows[i]["label"]) for i in idx])
        for d, idx in groups.items()
    }
    return {d: ap for d, ap in found.items() if ap is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("scorer", type=Path)
    parser.add_argument("--compare", type=Path, default=None, help="an earlier run's OUT, shown beside per debate")
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N sentences")
    args = parser.parse_args(argv)

    with args.gold.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for n, line in enumerate(fh) if args.limit is None or n < args.limit]
    analyzer = Analyzer(args.model or default_spacy_model())
    began = time.perf_counter()
    features = list(clause_features(analyzer, rows))
    scores = [best(f) for f in features]
    elapsed = time.perf_counter() - began
    print(f"analysed {len(rows)} sentences in {elapsed:.1f}s ({len(rows) / elapsed:.0f}/s)", file=sys.stderr)

    checked = [sentence_score(r) for r in analyzer.analyze_many(article_of(row) for row in rows[:CHECKED])]
    if checked != scores[: len(checked)]:
        raise SystemExit("the scores here differ from the pipeline's: fix clause_features")

    with args.out.open("w", encoding="utf-8") as out:
        for row, clause_list, value in zip(rows, features, scores, strict=True):
            label = int(any(claims.Features(v).probability >= claims.THRESHOLD for v in clause_list))
            out.write(json.dumps({"id": row["id"], "score": value, "label": label}) + "\n")
    status = subprocess.call([sys.executable, str(args.scorer), str(args.out), str(args.gold)])

    shipped = per_debate(rows, scores)
    old: dict[str, float] = {}
    if args.compare is not None:
        with args.compare.open(encoding="utf-8") as fh:
            earlier = {r["id"]: float(r["score"]) for r in map(json.loads, fh)}
        old = per_debate(rows, [earlier.get(row["id"], 0.0) for row in rows])
    print(f"\n{'debate':<28} {'sents':>5} {'pos':>4} {'AP':>6}" + (f" {'before':>7}" if old else ""))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        counts[str(row.get("doc", ""))][0] += 1
        counts[str(row.get("doc", ""))][1] += int(row["label"])
    for debate, ap in shipped.items():
        n, pos = counts[debate]
        line = f"{debate:<28} {n:>5} {pos:>4} {ap:>6.3f}"
        print(line + (f" {old[debate]:>7.3f}" if debate in old else ""))
    mean = sum(shipped.values()) / len(shipped)
    print(f"{'MAP':<39} {mean:>6.3f}" + (f" {sum(old.values()) / len(old):>7.3f}" if old else ""))
    print(
        f"lowest debate AP {min(shipped.values()):.3f}; debates below 0.05: {sum(ap < 0.05 for ap in shipped.values())}"
    )

    print(f"\n{'criterion (weight)':<32} {'MAP without':>11} {'change':>7} {'helps':>6} {'hurts':>6} {'same':>5}")
    for criterion in claims.CRITERIA:
        weight = claims.WEIGHTS.get(criterion.name, 0.0)
        if not weight:
            print(f"{criterion.name + ' (0)':<32} {'':>11} {'unused':>7}")
            continue
        without = per_debate(rows, [best(f, {**claims.WEIGHTS, criterion.name: 0.0}) for f in features])
        helps = sum(shipped[d] > without[d] + 1e-9 for d in shipped)
        hurts = sum(shipped[d] < without[d] - 1e-9 for d in shipped)
        map_without = sum(without.values()) / len(without)
        print(
            f"{f'{criterion.name} ({weight:+.2f})':<32} {map_without:>11.3f} {mean - map_without:>+7.3f} "
            f"{helps:>6} {hurts:>6} {len(shipped) - helps - hurts:>5}"
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
