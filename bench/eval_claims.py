"""Score nutgraf's claim ranking on a labelled sentence file (one sentence a line, JSONL).

Each sentence is analysed as its own document through the full pipeline; its score is the best claim's
score (0 when no claim is found) and its label is whether any claim is check-worthy. The predictions are
written to OUT and handed to the given scorer script, whose report is printed.

usage: python bench/eval_claims.py GOLD.jsonl OUT.jsonl SCORER.py [--model NAME] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from corpus import read_articles, sentence_score

from bot.errors import InputError
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("scorer", type=Path)
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N sentences")
    args = parser.parse_args(argv)

    analyzer = Analyzer(args.model or default_spacy_model())
    articles = list(read_articles(args.gold, args.limit))
    ids = [i for i, _ in articles]
    began = time.perf_counter()
    with args.out.open("w", encoding="utf-8") as out:
        results = analyzer.analyze_many(articles, batch_size=256)
        for id_, result in zip(ids, results, strict=True):
            label = 0 if isinstance(result, InputError) else int(any(c.checkworthy for c in result.claims))
            out.write(json.dumps({"id": id_, "score": sentence_score(result), "label": label}) + "\n")
    elapsed = time.perf_counter() - began
    print(f"analysed {len(ids)} sentences in {elapsed:.1f}s ({len(ids) / elapsed:.0f}/s)", file=sys.stderr)
    return subprocess.call([sys.executable, str(args.scorer), str(args.out), str(args.gold)])


if __name__ == "__main__":
    raise SystemExit(main())
