"""Score nutgraf's quote and attribution extraction on an annotated article file (one article a line, JSONL).

Each article (``{"id", "text", ...}``) is analysed as pasted text through the full pipeline
(``Analyzer.analyze_many``); its quotes are written to OUT as ``{"id", "quotes": [{"speaker",
"speaker_mention", "content", "kind"}]}`` and OUT is handed to the given scorer script. The table printed
at the end holds precision, recall and F1 over all quotes and over direct quotes, recall by kind and
speaker accuracy.

``--pred-kinds direct,mixed,indirect`` scores only quotes of those kinds (here: leaving out stances, which
the development corpus annotates but a newsroom does not call quotes).

usage: python bench/eval_quotes.py GOLD.jsonl OUT.jsonl --scorer SCORER.py [--model NAME] [--limit N]
       [--pred-kinds KINDS]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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
    parser.add_argument(
        "--pred-kinds", default=None, help="comma-separated kinds: score only predictions of these kinds"
    )
    args = parser.parse_args(argv)

    analyzer = Analyzer(args.model or default_spacy_model())
    articles = list(read_articles(args.gold, args.limit))
    ids = [i for i, _ in articles]
    began = time.perf_counter()
    failed = 0
    with args.out.open("w", encoding="utf-8") as out:
        results = analyzer.analyze_many(articles, batch_size=args.batch_size)
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
        summary = _score(args.scorer, args.out, gold, Path(tmp) / "summary.json", args.dump_errors, args.pred_kinds)
        if summary is None:
            return 1
        print(_table(summary))
        # Some publishers type two apostrophes ('') for a double quotation mark. A corpus whose "direct" kind
        # counts only the '"' character labels their quotes as reported speech, while nutgraf reads them as
        # the direct quotes they are; the direct slice without those articles shows what that costs.
        plain = _subset_where(gold, lambda row: "''" not in row["text"], Path(tmp) / "plain.jsonl")
        if plain is not None:
            rest = _score(args.scorer, args.out, plain[0], Path(tmp) / "plain.json", 0, args.pred_kinds)
            if rest is not None:
                d = rest["direct"]
                print(
                    f"direct, the {plain[1]} articles without '' marks: "
                    f"P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f}"
                )
    return 0


def _subset_where(gold: Path, keep: Callable[[dict[str, Any]], bool], into: Path) -> tuple[Path, int] | None:
    """The gold articles ``keep`` accepts, and how many; None when it accepts all of them or none."""
    rows = [line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [line for line in rows if keep(json.loads(line))]
    if not kept or len(kept) == len(rows):
        return None
    into.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return into, len(kept)


def _score(
    scorer: Path, out: Path, gold: Path, summary_path: Path, dump_errors: int, pred_kinds: str | None = None
) -> dict[str, Any] | None:
    """Run the scorer on OUT against ``gold``; its summary, or None if it failed."""
    command = [sys.executable, str(scorer), str(out), str(gold), "--json", str(summary_path)]
    if dump_errors:
        command += ["--dump-errors", str(dump_errors)]
    if pred_kinds:
        command += ["--pred-kinds", pred_kinds]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        return None
    summary: dict[str, Any] = json.loads(summary_path.read_text(encoding="utf-8"))
    return summary


if __name__ == "__main__":
    raise SystemExit(main())
