"""The key claims of news stories against those an editor would check first, written down beforehand.

    python bench/news_claims.py [--stories bench/data/news_claims.json] [--top 5]

For each story of ``bench/data/news_claims.json`` (the sample story and the claim fixtures, in several house
styles) it prints the top claims with their scores and reasons, and counts how many of the editor's
expected claims are in the top three and the top ``--top``, and where the sentences an editor would not
check (a short evaluative sentence, colour) rank. The totals at the end are the figures to keep.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.models import Article, Source
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

ROOT = Path(__file__).resolve().parents[1]
STORIES = ROOT / "bench" / "data" / "news_claims.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=Path, default=STORIES)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    args = parser.parse_args(argv)

    stories = json.loads(args.stories.read_text(encoding="utf-8"))["stories"]
    analyzer = Analyzer(args.model or default_spacy_model())
    expected_total = at_three = at_top = unworthy_total = unworthy_out = 0
    for story in stories:
        text = (ROOT / story["path"]).read_text(encoding="utf-8")
        claims = analyzer.analyze(Article(text=text, source=Source(kind="text"))).claims
        print(f"\n{story['path']}")
        for rank, claim in enumerate(claims[: args.top], 1):
            mark = "*" if any(claim.text.startswith(e) for e in story["expected"]) else " "
            print(f" {mark}{rank}. {claim.score:.2f} {claim.text[:80]!r}\n       {', '.join(claim.reasons)}")
        ranks = {e: next((i for i, c in enumerate(claims, 1) if c.text.startswith(e)), None) for e in story["expected"]}
        for expected, rank in ranks.items():
            if rank is None or rank > args.top:
                print(f"  expected, ranked {rank or 'nowhere'}: {expected[:70]!r}")
        for text_ in story.get("unworthy", []):
            rank = next((i for i, c in enumerate(claims, 1) if c.text == text_), None)
            print(f"  not worth checking, ranked {rank or '-'} of {len(claims)}: {text_!r}")
            unworthy_total += 1
            unworthy_out += rank is None or rank > args.top
        expected_total += len(ranks)
        at_three += sum(r is not None and r <= 3 for r in ranks.values())
        at_top += sum(r is not None and r <= args.top for r in ranks.values())
    print(
        f"\nexpected claims in the top 3: {at_three}/{expected_total};"
        f" in the top {args.top}: {at_top}/{expected_total};"
        f" sentences not worth checking kept out of the top {args.top}: {unworthy_out}/{unworthy_total}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
