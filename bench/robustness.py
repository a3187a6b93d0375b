"""Metamorphic robustness checks: the same story pasted other ways must give the same quotes.

Each article is analysed as pasted text, and so is each transformed copy of it:

- ``clutter``: page furniture injected between paragraphs, a mix of the kinds web pages carry (promos,
  ad markers, newsletter boxes, photo captions and credits, social-embed residue, share prompts), drawn
  from ``tests/fixtures/clutter.jsonl``;
- ``wrap72``: every line hard-wrapped at 72 columns, as an e-mail client or a terminal does;
- ``british``: British quotation style, ‘…’ outside and “…” inside, with ’ also the apostrophe;
- ``slack``: ``&``, ``<`` and ``>`` escaped as Slack sends message text.

Printed per transformation: how many quotes each run found, their agreement with the untransformed run
(quotes matched one to one on content token F1 >= 0.5: precision, recall, F1), speaker agreement among the
matched quotes (the same speaker, or none in both), the words of the untransformed text lost and the
words of the copy kept that the untransformed text does not have (for ``clutter``: furniture left in).

usage: python bench/robustness.py ARTICLES... [--limit N] [--only clutter,wrap72] [--show N] [--model NAME]

ARTICLES are JSON-lines files (``{"id", "text"}`` a line, such as the shared evaluation files) or text
files holding one story each (such as ``tests/fixtures/articles/*.txt``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import InputError
from bot.models import Analysis, Article, Quote, Source
from bot.nlp.normalize import normalize
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

CLUTTER = Path(__file__).parents[1] / "tests" / "fixtures" / "clutter.jsonl"
#: Content token F1 from which two quotes are the same quote (as the shared scorer matches them).
MATCH_F1 = 0.5
_TOKEN = re.compile(r"\w+(?:'\w+)*")


# --- transformations ---------------------------------------------------------------------------------


def clutter_blocks(path: Path = CLUTTER) -> list[list[str]]:
    """The furniture blocks to inject, each a list of lines."""
    return [json.loads(line)["lines"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def inject_clutter(text: str, blocks: list[list[str]], rng: random.Random) -> str:
    """``text`` with a furniture block between about one paragraph in three (at least one), set off the way
    the text sets off its paragraphs."""
    sep = "\n\n" if "\n\n" in text else "\n"
    paragraphs = text.split(sep)
    if len(paragraphs) < 2:
        return text
    slots = sorted(rng.sample(range(1, len(paragraphs)), k=max(1, min(len(paragraphs) - 1, len(paragraphs) // 3))))
    out: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if slots and slots[0] == i:
            slots.pop(0)
            out.append("\n".join(rng.choice(blocks)))
        out.append(paragraph)
    return sep.join(out)


def hard_wrap(text: str, width: int = 72) -> str:
    """Every line wrapped at ``width`` columns; long words (links) are left whole, as mail clients do."""
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False) if line.strip() else line for line in text.split("\n")
    )


_OPENS_AFTER = set(" \t\n([{—–-/")


def _straight_opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _OPENS_AFTER and not after.isspace()


def british_style(text: str) -> str:
    """``text`` with British quotation marks: ‘…’ for quotations and “…” for quotations inside them; every
    apostrophe is ’, so ’ both closes quotations and marks possessives, as in typeset British copy."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        outer = inner = False
        chars = list(paragraph)
        i = 0
        while i < len(chars):
            c = chars[i]
            two = paragraph[i : i + 2]
            if two in ("``", "''") and not (two == "''" and outer and inner):
                opens = two == "``" or (not outer and _straight_opens(paragraph, i))
                if opens and not outer:
                    out.append("‘")
                    outer = True
                elif outer:
                    out.append("’")
                    outer = inner = False
                else:
                    out.append("’’")
                i += 2
                continue
            if c in '“”"':
                opens = c == "“" or (c == '"' and not outer and _straight_opens(paragraph, i))
                if opens and not outer:
                    out.append("‘")
                    outer, inner = True, False
                elif outer:
                    out.append("’")
                    outer = inner = False
                else:
                    out.append("’")
            elif c in "‘'’" and outer:
                after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
                before = paragraph[i - 1] if i > 0 else " "
                if c != "’" and not inner and before in _OPENS_AFTER | {"‘", "“"} and after.isalnum():
                    out.append("“")
                    inner = True
                elif inner and not after.isalnum() and not before.isspace():
                    out.append("”")
                    inner = False
                else:
                    out.append("’")
            elif c in "'’":
                out.append("’")
            else:
                out.append(c)
            i += 1
        out.append("\n")
    return "".join(out)[:-1]


def slack_escape(text: str) -> str:
    """``text`` as Slack sends it in a message event: ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- comparison --------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def token_f1(a: str, b: str) -> float:
    """Token F1 of two contents (lower case, word tokens)."""
    ta, tb = Counter(_tokens(a)), Counter(_tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(tb.values()), common / sum(ta.values())
    return 2 * precision * recall / (precision + recall)


def match_quotes(base: list[Quote], other: list[Quote]) -> list[tuple[Quote, Quote]]:
    """Greedy one-to-one matching on content token F1 >= 0.5, best pairs first."""
    pairs = sorted(
        ((token_f1(a.content, b.content), i, j) for i, a in enumerate(base) for j, b in enumerate(other)),
        key=lambda p: -p[0],
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = []
    for f1, i, j in pairs:
        if f1 < MATCH_F1:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matched.append((base[i], other[j]))
    return matched


def _speaker(quote: Quote) -> str:
    return " ".join((quote.speaker or "").replace("’", "'").casefold().split())


def _words(article: Article) -> Counter[str]:
    norm = normalize(article.text, slack=True)
    text = " ".join(filter(None, (norm.headline, norm.byline, norm.text)))
    return Counter(_tokens(text))


@dataclass
class Tally:
    """Agreement of one transformation with the untransformed runs."""

    articles: int = 0
    base_quotes: int = 0
    quotes: int = 0
    matched: int = 0
    same_speaker: int = 0
    words_lost: int = 0
    words_added: int = 0
    articles_losing: int = 0
    changed: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def row(self, name: str) -> str:
        p = self.matched / self.quotes if self.quotes else 1.0
        r = self.matched / self.base_quotes if self.base_quotes else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        speakers = self.same_speaker / self.matched if self.matched else 1.0
        return (
            f"{name:<9} {self.articles:>8} {self.base_quotes:>7} {self.quotes:>7} {p:>6.3f} {r:>6.3f} {f1:>6.3f}"
            f" {speakers:>8.3f} {self.words_lost:>6} {self.articles_losing:>5} {self.words_added:>6}"
            f" {len(self.changed):>7}"
        )


HEADER = (
    f"{'copy':<9} {'articles':>8} {'quotes':>7} {'copy':>7} {'P':>6} {'R':>6} {'F1':>6} {'speaker':>8}"
    f" {'lost':>6} {'in':>5} {'added':>6} {'changed':>7}"
)


def compare(tally: Tally, id_: str, base: Analysis, other: Analysis, lost: int, added: int, show: int) -> None:
    """Add one article's comparison to ``tally``."""
    matched = match_quotes(base.quotes, other.quotes)
    tally.articles += 1
    tally.base_quotes += len(base.quotes)
    tally.quotes += len(other.quotes)
    tally.matched += len(matched)
    tally.same_speaker += sum(_speaker(a) == _speaker(b) for a, b in matched)
    tally.words_lost += lost
    tally.words_added += added
    tally.articles_losing += lost > 0
    differs = len(matched) != len(base.quotes) or len(matched) != len(other.quotes)
    differs = differs or any(_speaker(a) != _speaker(b) for a, b in matched)
    if differs:
        tally.changed.append(id_)
        if len(tally.examples) < show:
            got = {q.content for _, q in matched}
            had = {q.content for q, _ in matched}
            lines = [f"  {id_}"]
            lines += [f"    - {q.speaker} | {q.content[:110]}" for q in base.quotes if q.content not in had]
            lines += [f"    + {q.speaker} | {q.content[:110]}" for q in other.quotes if q.content not in got]
            lines += [
                f"    ~ {a.speaker} -> {b.speaker} | {a.content[:90]}" for a, b in matched if _speaker(a) != _speaker(b)
            ]
            tally.examples.append("\n".join(lines))


# --- running -----------------------------------------------------------------------------------------


def read_articles(paths: list[Path], limit: int | None) -> list[tuple[str, str]]:
    """(id, text) of the articles in ``paths``: JSON-lines files, or text files of one story each."""
    found: list[tuple[str, str]] = []
    for path in paths:
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        row = json.loads(line)
                        found.append((str(row["id"]), row["text"]))
        else:
            found.append((path.name, path.read_text(encoding="utf-8")))
    return found[:limit] if limit is not None else found


def _analyses(analyzer: Analyzer, items: list[tuple[str, str]]) -> Iterator[Analysis | InputError]:
    articles = ((id_, Article(text=text, source=Source(kind="text"))) for id_, text in items)
    return analyzer.analyze_many(articles)


def transformations(seed: int = 12) -> dict[str, Callable[[str, str], str]]:
    """The ways of pasting a story, each a function of (article id, text): clutter goes where the id and
    ``seed`` put it, so a run can be repeated."""
    blocks = clutter_blocks()
    return {
        "clutter": lambda id_, text: inject_clutter(text, blocks, random.Random(f"{seed}:{id_}")),
        "wrap72": lambda _id, text: hard_wrap(text, 72),
        "british": lambda _id, text: british_style(text),
        "slack": lambda _id, text: slack_escape(text),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path, nargs="+")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--only", default=None, help="comma-separated transformations to run")
    parser.add_argument("--show", type=int, default=0, help="print N articles whose quotes changed, per copy")
    parser.add_argument("--seed", type=int, default=12, help="seed for where clutter goes")
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    args = parser.parse_args(argv)

    transforms = transformations(args.seed)
    if args.only:
        unknown = set(args.only.split(",")) - set(transforms)
        if unknown:
            parser.error(f"unknown transformation(s): {', '.join(sorted(unknown))}")
        transforms = {k: v for k, v in transforms.items() if k in args.only.split(",")}

    analyzer = Analyzer(args.model or default_spacy_model())
    items = read_articles(args.articles, args.limit)
    began = time.perf_counter()
    base = dict(zip((i for i, _ in items), _analyses(analyzer, items), strict=True))
    base_words = {id_: _words(Article(text=text)) for id_, text in items}
    print(f"analysed {len(items)} articles in {time.perf_counter() - began:.1f}s", file=sys.stderr)

    tallies: dict[str, Tally] = {}
    for name, transform in transforms.items():
        began = time.perf_counter()
        copies = [(id_, transform(id_, text)) for id_, text in items]
        tally = tallies[name] = Tally()
        for (id_, text), result in zip(copies, _analyses(analyzer, copies), strict=True):
            original = base[id_]
            if isinstance(original, InputError) or isinstance(result, InputError):
                continue
            words = _words(Article(text=text))
            lost = sum((base_words[id_] - words).values())
            added = sum((words - base_words[id_]).values())
            compare(tally, id_, original, result, lost, added, args.show)
        print(f"{name}: {time.perf_counter() - began:.1f}s", file=sys.stderr)

    print(HEADER)
    for name, tally in tallies.items():
        print(tally.row(name))
    print(
        "quotes: found in the untransformed run / in the copy; P, R, F1: quotes of the copy matched one to one "
        "(content token F1 >= 0.5); speaker: matched quotes with the same speaker; lost: words of the story "
        "missing from the copy, in N articles; added: words in the copy the story does not have; changed: "
        "articles whose quotes differ"
    )
    for name, tally in tallies.items():
        if tally.examples:
            print(f"\n{name}: articles whose quotes changed")
            print("\n".join(tally.examples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
