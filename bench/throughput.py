"""Throughput: nutgraf's whole analysis against a bare ``nlp.pipe`` of the same spaCy model, in one process.

    python bench/throughput.py [--docs 200] [--jsonl FILE] [--repeat 3]

Texts are the project's sample and fixture articles (or the "text" fields of a JSON-lines file), as
pasted. nutgraf does not parse what it is given: it normalises it first (whitespace, boilerplate,
datelines), so it parses fewer tokens than bare spaCy does on the raw text. Two ratios come out of that,
and both are printed with the token counts behind them:

- on equal input: the same raw texts, input words per second (whitespace-split words of the raw
  text, the same count for both). This is the goal's ratio (at least 1.0): what a reporter waits for,
  with the parsing normalisation saves counted to nutgraf's credit.
- on the same text: bare ``nlp.pipe`` of nutgraf's normalised texts against nutgraf, tokens per
  second of those texts for both. This leaves normalisation's savings out and shows what the
  components nutgraf does not run save against what its extraction costs.

Rates are per second of CPU time of this process (``time.process_time``), so that other work on a
shared machine does not enter them (wall-clock times are printed beside them). Each figure is the best
of ``--repeat`` rounds, the passes interleaved and each leading a round in turn; the last line splits
nutgraf's time between parsing and everything else.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path

import spacy
from corpus import read_articles

from bot.models import Article
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

ROOT = Path(__file__).resolve().parents[1]
#: Documents per ``nlp.pipe`` batch, the same for every pass (nutgraf's own default).
BATCH = 16


def load_texts(jsonl: Path | None, docs: int) -> list[str]:
    if jsonl:
        texts = [article.text for _, article in read_articles(jsonl)]
    else:
        fixtures = sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.txt"))
        paths = [ROOT / "bot" / "samples" / "harbour.txt", *fixtures]
        texts = [p.read_text(encoding="utf-8") for p in paths]
    return list(islice(cycle(texts), docs))


def best(runs: list[float]) -> float:
    return min(runs)


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
    words = sum(len(t.split()) for t in texts)
    raw_tokens = sum(len(doc) for doc in bare.tokenizer.pipe(texts))
    parsed_tokens = sum(len(doc) for doc in bare.tokenizer.pipe(normalised))
    if parsed_tokens != sum(len(doc) for doc in analyzer.nlp.tokenizer.pipe(normalised)):
        raise SystemExit("throughput: nutgraf's tokenizer splits texts differently; token rates would not compare")
    passes: dict[str, Callable[[], object]] = {
        "bare raw": lambda: list(bare.pipe(texts, batch_size=BATCH)),
        "bare normalised": lambda: list(bare.pipe(normalised, batch_size=BATCH)),
        "nutgraf": lambda: list(analyzer.analyze_many(((None, Article(text=t)) for t in texts), batch_size=BATCH)),
        "nutgraf parse": lambda: list(analyzer.nlp.pipe(normalised, batch_size=BATCH)),
    }
    times: dict[str, list[float]] = {name: [] for name in passes}
    walls: dict[str, list[float]] = {name: [] for name in passes}
    names = list(passes)
    for round_ in range(args.repeat):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:  # each pass leads in turn
            start, wall = time.process_time(), time.perf_counter()
            passes[name]()
            times[name].append(time.process_time() - start)
            walls[name].append(time.perf_counter() - wall)
    results = list(analyzer.analyze_many((None, Article(text=t)) for t in texts))
    failed = sum(isinstance(r, Exception) for r in results)
    bare_raw, bare_norm, ours = best(times["bare raw"]), best(times["bare normalised"]), best(times["nutgraf"])

    print(f"model            {args.model} (bare components: {', '.join(bare.pipe_names)}; batches of {BATCH})")
    print(f"nutgraf runs     {', '.join(analyzer.nlp.pipe_names)}")
    print(f"documents        {len(texts)}{f' ({failed} refused)' if failed else ''}, {words:,} words as pasted")
    print(
        f"tokens           {raw_tokens:,} in the raw texts (bare spaCy parses these); {parsed_tokens:,} in "
        f"nutgraf's normalised texts ({parsed_tokens / raw_tokens - 1:+.1%})"
    )
    print(f"{'':17}{'CPU':>8}{'words/s':>11}{'tokens/s':>11}{'wall':>9}  (tokens of the text it parsed)")
    for name, key, tokens in (
        ("bare, raw text", "bare raw", raw_tokens),
        ("bare, normalised", "bare normalised", parsed_tokens),
        ("nutgraf analyze", "nutgraf", parsed_tokens),
    ):
        seconds = best(times[key])
        print(f"{name:17}{seconds:>7.2f}s{words / seconds:>11,.0f}{tokens / seconds:>11,.0f}{best(walls[key]):>8.2f}s")
    print(f"ratio on equal input    {bare_raw / ours:5.2f}  (words/s of the same raw texts, nutgraf / bare; goal >= 1)")
    print(f"ratio on the same text  {bare_norm / ours:5.2f}  (tokens/s of the same normalised texts, nutgraf / bare)")
    share = 1 - best(times["nutgraf parse"]) / ours
    print(
        f"of nutgraf's time, parsing the normalised text is {1 - share:.0%}; "
        f"normalisation, language check and extraction {share:.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
