"""Reply quality: the main reply read as an editor reads it, before and after nutgraf chose what it shows.

Analyses articles (a corpus, one JSON object a line with "id" and "text", and/or the project's fixture
stories) once each, then builds each main reply two ways from the same analysis:

  before   the first five claims by score and the first five quotes, as they were extracted
  after    what ``blocks.analysis_message`` shows: the items of ``bot.reply.plan`` that fit in the message

and counts, per 100 shown items and as a share of replies with at least one:

  repeats           an item whose words are ≥ 80% inside the summary or another shown item   goal ≤ 5 per 100
  openings          shown claims opening with a conjunction or an unresolved pronoun          goal ≤ 2% of claims
  unbalanced        shown items whose quotation marks do not pair                              goal 0
  fragments         shown paraphrases of fewer than four words                                 goal 0
  non-verbatim      shown direct or mixed quotes not found word for word in the analysed text  goal 0
  no speaker        shown quotes with no speaker

With ``--pasted clutter,wrap72,british,slack`` each article is also measured as pasted those other ways
(the copies ``bench/robustness.py`` makes): the reply must stay as clean, and show the same items (an item
of the story's reply counts as kept when one of the copy's has content-token F1 >= 0.5 with it).

usage: python bench/reply_quality.py [CORPUS.jsonl ...] [--fixtures] [--limit N] [--examples N] [--pasted NAMES]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import read_articles  # noqa: E402
from bench.robustness import token_f1, transformations  # noqa: E402
from bot.blocks import analysis_message, ranked_claims, ranked_quotes  # noqa: E402
from bot.errors import InputError  # noqa: E402
from bot.models import Analysis, Article, Source  # noqa: E402
from bot.nlp.context import FIRST_PERSON, UNRESOLVED, is_dummy_it  # noqa: E402
from bot.nlp.marks import balanced  # noqa: E402
from bot.nlp.pipeline import Analyzer  # noqa: E402
from bot.nlp.quotes import JOIN  # noqa: E402
from bot.reply import MIN_PARAPHRASE_WORDS, plan, repeats, words  # noqa: E402
from bot.settings import Settings  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
_CONJUNCTIONS = frozenset({"and", "but", "or", "yet", "so", "nor", "however"})
_OPENING_PRONOUNS = UNRESOLVED | {"he", "she"}


@dataclass
class Item:
    kind: str  # "claim", "direct", "mixed", "indirect"
    text: str  # as shown
    speaker: str | None = None
    attribution: str | None = None  # a claim's


@dataclass
class Tally:
    replies: int = 0
    items: int = 0
    claims: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    replies_with: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, found: dict[str, list[str]], items: int, claims: int) -> None:
        self.replies += 1
        self.items += items
        self.claims += claims
        for measure, hits in found.items():
            self.counts[measure] = self.counts.get(measure, 0) + len(hits)
            self.replies_with[measure] = self.replies_with.get(measure, 0) + bool(hits)
            self.examples.setdefault(measure, []).extend(hits)


MEASURES = ("repeats", "openings", "unbalanced", "fragments", "non-verbatim", "no speaker")


def before_items(analysis: Analysis) -> list[Item]:
    """The reply as it was chosen before: top claims by score, then quotes as extracted."""
    items = [Item("claim", c.text, attribution=c.attribution) for c in ranked_claims(analysis.claims)[:5]]
    statements = [q for q in ranked_quotes(analysis.quotes) if q.is_statement][:5]
    return items + [Item(q.kind, q.content, q.speaker) for q in statements]


def _lines_shown(message: dict[str, Any], block_id: str) -> int:
    """How many items a list of the message shows (its sections' lines, less the title)."""
    texts = [
        block["text"]["text"]
        for block in message["blocks"]
        if str(block.get("block_id", "")).startswith(f"{block_id}-") and block["type"] == "section"
    ]
    return max(sum(text.count("\n") + 1 for text in texts) - 1, 0)


def after_items(analysis: Analysis) -> list[Item]:
    """What the reply shows now: the items chosen, as many as the message built from them holds."""
    message = analysis_message(analysis, key="bench")
    chosen = plan(analysis)
    claims = chosen.claims[: _lines_shown(message, "claims")]
    quotes = chosen.quotes[: _lines_shown(message, "quotes")]
    items = [Item("claim", c.text, attribution=c.claim.attribution) for c in claims]
    return items + [Item(q.quote.kind, q.content, q.speaker) for q in quotes]


def opens_out_of_context(nlp, item: Item) -> bool:  # type: ignore[no-untyped-def]
    """A claim opening with a conjunction or a pronoun standing for someone or something named before it.

    A bracketed subject is resolved; "it" that stands for nothing ("It is unclear whether …") needs nothing,
    nor does "I" or "we" in a sentence that names its speaker ("I think …, Ruiz said").
    """
    if item.text.startswith("["):
        return False
    doc = nlp(item.text[:200])
    first = next((t for t in doc if not (t.is_punct or t.is_space)), None)
    if first is None:
        return False
    if first.lower_ in _CONJUNCTIONS and (first.pos_ == "CCONJ" or first.dep_ in ("cc", "advmod")):
        return True
    if item.attribution and (first.lower_ in FIRST_PERSON or first.i > 0):
        return False  # the speaker's own words, in a sentence that names the speaker
    return first.lower_ in _OPENING_PRONOUNS and first.pos_ == "PRON" and not is_dummy_it(first)


def shown(item: Item) -> str:
    """The item as it reads in the reply (a direct quote between marks)."""
    return f"“{item.text}”" if item.kind == "direct" else item.text


def measure(nlp, analysis: Analysis, text: str, items: list[Item]) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    summary = " ".join(analysis.summary)
    found: dict[str, list[str]] = {m: [] for m in MEASURES}
    for n, item in enumerate(items):
        others = [summary, *(o.text for k, o in enumerate(items) if k != n)]
        if repeats(item.text, others):
            found["repeats"].append(item.text)
        if item.kind == "claim" and opens_out_of_context(nlp, item):
            found["openings"].append(item.text)
        if not balanced(shown(item)):
            found["unbalanced"].append(shown(item))
        if item.kind == "indirect" and len(words(item.text)) < MIN_PARAPHRASE_WORDS:
            found["fragments"].append(item.text)
        if item.kind in ("direct", "mixed") and not all(piece in text for piece in item.text.split(JOIN)):
            found["non-verbatim"].append(item.text)
        if item.kind != "claim" and not (item.speaker or "").strip():
            found["no speaker"].append(item.text)
    return found


def fixtures() -> Iterator[tuple[str, Article]]:
    for path in sorted(FIXTURES.glob("*.txt")):
        yield path.stem, Article(text=path.read_text(encoding="utf-8"), source=Source(kind="text"))


def _pasted(article: Article, text: str) -> Article:
    return article.model_copy(update={"text": text})


def report(title: str, tallies: dict[str, Tally], examples: int) -> None:
    print(f"\n{title}")
    before, after = tallies["before"], tallies["after"]
    print(f"  {before.replies} replies; items shown: before {before.items}, after {after.items}")
    print(f"  {'measure':<14}{'before /100':>12}{'after /100':>12}{'before replies':>16}{'after replies':>15}")
    for m in MEASURES:
        cells = []
        for tally in (before, after):
            base = tally.claims if m == "openings" else tally.items
            cells.append(f"{100 * tally.counts.get(m, 0) / max(base, 1):.1f}")
        shares = [f"{100 * t.replies_with.get(m, 0) / max(t.replies, 1):.0f}%" for t in (before, after)]
        unit = " (per 100 claims)" if m == "openings" else ""
        print(f"  {m:<14}{cells[0]:>12}{cells[1]:>12}{shares[0]:>16}{shares[1]:>15}{unit}")
    for m in MEASURES:
        for text in after.examples.get(m, [])[:examples]:
            print(f"    after, {m}: {text[:160]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", type=Path)
    parser.add_argument("--fixtures", action="store_true", help="also read the project's fixture stories")
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles of each corpus")
    parser.add_argument("--examples", type=int, default=3, help="print N examples of each problem left")
    parser.add_argument("--model", default=None)
    parser.add_argument("--pasted", default="", help="also measure copies pasted these ways (comma-separated)")
    args = parser.parse_args()
    ways = transformations()
    pasted = [name for name in args.pasted.split(",") if name]
    if unknown := set(pasted) - set(ways):
        parser.error(f"unknown ways of pasting: {', '.join(sorted(unknown))}")
    analyzer = Analyzer(args.model or Settings().spacy_model)
    sources: list[tuple[str, list[tuple[str, Article]]]] = [
        (str(path), list(read_articles(path, args.limit))) for path in args.corpus
    ]
    if args.fixtures or not args.corpus:
        sources.append(("fixture stories", list(fixtures())))
    copies = [
        (f"{title}, pasted {name}", [(id_, _pasted(article, ways[name](id_, article.text))) for id_, article in pairs])
        for title, pairs in sources
        for name in pasted
    ]
    #: the reply's items for each article as given, to compare the copies' replies with
    shown: dict[str, list[Item]] = {}
    for title, pairs in sources + copies:
        tallies = {"before": Tally(), "after": Tally()}
        kept = compared = 0
        results = analyzer.analyze_many(pairs)
        for (id_, article), result in zip(pairs, results, strict=True):
            if isinstance(result, InputError):
                continue
            text = analyzer.prepare(article)[0].text
            for name, build in (("before", before_items), ("after", after_items)):
                items = build(result)
                claims = sum(item.kind == "claim" for item in items)
                tallies[name].add(measure(analyzer.nlp, result, text, items), len(items), claims)
            # ``items`` is now the reply as shown ("after", built last)
            if ", pasted " not in title:
                shown[f"{title}|{id_}"] = items
            elif (original := shown.get(f"{title.split(', pasted ')[0]}|{id_}")) is not None:
                compared += len(original)
                kept += sum(any(token_f1(o.text, i.text) >= 0.5 for i in items) for o in original)
        report(title, tallies, args.examples)
        if compared:
            print(f"  the same reply: {100 * kept / compared:.1f}% of the items shown for the story as given are shown")


if __name__ == "__main__":
    main()
