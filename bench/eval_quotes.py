"""Score nutgraf's quote and attribution extraction on an annotated article file (one article a line, JSONL).

Each article (``{"id", "text", ...}``) is analysed as pasted text through the full pipeline
(``Analyzer.analyze_many``); its quotes are written to OUT as ``{"id", "quotes": [{"speaker",
"speaker_mention", "content", "kind"}]}`` and OUT is handed to the given scorer script. The table printed
at the end holds precision, recall and F1 over all quotes and over direct quotes, recall by kind and
speaker accuracy.

usage: python bench/eval_quotes.py GOLD.jsonl OUT.jsonl --scorer SCORER.py [--model NAME] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import read_articles

from bot.errors import InputError
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model


def _subset(gold: Path, limit: int, into: Path) -> Path:
    """The first ``limit`` gold articles, so that unscored articles do not count as misses."""
    with gold.open(encoding="utf-8") as src, into.open("w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= limit:
                break
            dst.write(line)
    return into


def _table(summary: dict[str, Any]) -> str:
    every, direct = summary["all"], summary["direct"]
    lines = [
        f"{'slice':<8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}",
        *(
            f"{name:<8} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['n_pred']:>6} {s['n_gold']:>6}"
            for name, s in (("all", every), ("direct", direct))
        ),
        "recall by kind: "
        + ", ".join(
            f"{kind} {v['recall']:.3f} ({v['matched']}/{v['gold']})" for kind, v in every["recall_by_kind"].items()
        ),
        f"speaker accuracy: {every['speaker_acc']:.3f} ({every['speaker_correct']}/{every['speaker_n']})",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scorer", type=Path, required=True, help="the scorer script to run on OUT")
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--dump-errors", type=int, default=0, help="have the scorer print N errors of each type")
    args = parser.parse_args(argv)

    analyzer = Analyzer(args.model or default_spacy_model())
    ids = [i for i, _ in read_articles(args.gold, args.limit)]
    began = time.perf_counter()
    failed = 0
    with args.out.open("w", encoding="utf-8") as out:
        results = analyzer.analyze_many(read_articles(args.gold, args.limit), batch_size=args.batch_size)
        for id_, result in zip(ids, results, strict=True):
            quotes = []
            if isinstance(result, InputError):
                failed += 1
            else:
                quotes = [
                    {"speaker": q.speaker, "speaker_mention": q.speaker_mention, "content": q.content, "kind": q.kind}
                    for q in result.quotes
                ]
            out.write(json.dumps({"id": id_, "quotes": quotes}) + "\n")
    elapsed = time.perf_counter() - began
    print(
        f"analysed {len(ids)} articles in {elapsed:.1f}s ({len(ids) / elapsed:.1f}/s), {failed} refused",
        file=sys.stderr,
    )

    with tempfile.TemporaryDirectory() as tmp:
        gold = args.gold if args.limit is None else _subset(args.gold, args.limit, Path(tmp) / "gold.jsonl")
        summary_path = Path(tmp) / "summary.json"
        command = [sys.executable, str(args.scorer), str(args.out), str(gold), "--json", str(summary_path)]
        if args.dump_errors:
            command += ["--dump-errors", str(args.dump_errors)]
        done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            return done.returncode
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    print(_table(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
