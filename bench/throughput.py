"""Throughput: nutgraf's whole analysis against a bare ``nlp.pipe`` of the same spaCy model, in one process.

    python bench/throughput.py [--docs 200] [--jsonl FILE] [--repeat 3]

Texts are the project's sample and fixture articles (or the "text" fields of a JSON-lines file). Both
runs see the same texts; tokens are counted once, by the bare run, so the two figures compare like with
like. The goal is a ratio of at least 1.0: the extra work must be paid for by the components nutgraf
does not run, and by the whitespace and boilerplate normalisation removes before parsing. Prints tokens/s of
each, the ratio (best of ``--repeat`` runs each, interleaved) and how nutgraf's time splits between parsing
and everything else.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from itertools import cycle, islice
from pathlib import Path

import spacy
from corpus import read_articles

from bot.models import Article
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

ROOT = Path(__file__).resolve().parents[1]


def load_texts(jsonl: Path | None, docs: int) -> list[str]:
    if jsonl:
        texts = [article.text for _, article in read_articles(jsonl)]
    else:
        fixtures = sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.txt"))
        paths = [ROOT / "bot" / "samples" / "harbour.txt", *fixtures]
        texts = [p.read_text(encoding="utf-8") for p in paths]
    return list(islice(cycle(texts), docs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--jsonl", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=default_spacy_model())
    args = parser.parse_args()

    texts = load_texts(args.jsonl, args.docs)
    bare = spacy.load(args.model)
    analyzer = Analyzer(args.model)
    list(bare.pipe(texts[:20]))  # warm-up of both pipelines
    list(analyzer.analyze_many((None, Article(text=t)) for t in texts[:20]))

    normalised = [analyzer.prepare(Article(text=t))[0].text for t in texts]
    bare_times, ours_times, parse_times = [], [], []
    tokens = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in bare.pipe(texts))
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        results = list(analyzer.analyze_many((None, Article(text=t)) for t in texts))
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        parsed = sum(len(doc) for doc in analyzer.nlp.pipe(normalised, batch_size=16))
        parse_times.append(time.perf_counter() - start)
    failed = sum(isinstance(r, Exception) for r in results)

    bare_rate, ours_rate = tokens / min(bare_times), tokens / min(ours_times)
    print(f"model            {args.model} (bare components: {', '.join(bare.pipe_names)})")
    print(f"nutgraf runs     {', '.join(analyzer.nlp.pipe_names)}")
    print(f"documents        {len(texts)} ({tokens:,} tokens{f', {failed} refused' if failed else ''})")
    print(f"bare nlp.pipe    {bare_rate:10,.0f} tokens/s  (median {statistics.median(bare_times):.2f} s)")
    print(f"nutgraf analyze  {ours_rate:10,.0f} tokens/s  (median {statistics.median(ours_times):.2f} s)")
    print(f"ratio            {ours_rate / bare_rate:10.2f}  (goal >= 1.00)")
    share = 1 - min(parse_times) / min(ours_times)
    print(
        f"of which          parsing the normalised text ({parsed:,} tokens) is {1 - share:.0%}; "
        f"normalisation, language check and extraction {share:.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
