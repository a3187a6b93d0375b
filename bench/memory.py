"""Desk memory: conflict-note precision and recall on story pairs, lookup latency and bytes per record.

1. Quality: each pair of ``bench/data/memory_pairs.jsonl`` (stories written for the project: the same event
   told by other outlets or on other days, true conflicts and look-alikes: rounding, other periods, other
   subjects, a figure and its share, a subtotal, a currency conversion, a forecast against an outcome) is
   analysed by the pipeline, the first story is remembered in a channel of its own, and the second is
   recalled against it. A "figure differs" note is right when it pairs the figures the pair's label names.
   Goals: precision ≥ 0.90, recall ≥ 0.80. Pairs of the set "first" were written before the rules and
   used while writing them; those of the sets "later", "fresh", "final" and "twenty" were each written once
   the rules of their time were settled, scored before any change, and are reported on their own, as the
   fairer figures.
2. Speed and size: ``--records`` synthetic figure records (100,000 by default) are remembered in one channel;
   then lookups by subject and measure are timed, against a bare Redis GET on the same connection as the
   baseline. Goal: lookup p99 ≤ 20 ms on loopback. Bytes per record come from Redis's ``MEMORY USAGE``
   over every key memory wrote (story hashes and indexes), divided by the records.
3. A real story: the sample article (``bot/samples/harbour.txt``) remembered in a channel of its own, with
   the bytes its figures, claims, indexes and first version take.

Everything is written under a private key prefix on the Redis given (loopback only) and deleted at the end.

usage: python bench/memory.py [--pairs FILE] [--records N] [--lookups N] [--redis-url URL] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cache_hit import loopback_only
from corpus import percentile

from bot.memory import RedisMemory, StoryRef, recall
from bot.models import Analysis, Article, FigureRecord, Period, Source
from bot.nlp.figures import index_keys
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model
from bot.store import RedisStore, story_id

PAIRS = Path(__file__).parent / "data" / "memory_pairs.jsonl"
GOALS = {"precision": 0.90, "recall": 0.80, "p99_ms": 20.0}


def analyse(analyzer: Analyzer, side: dict[str, Any]) -> Analysis:
    return analyzer.analyze(Article(text=side["text"], source=Source(kind="text", published=side["date"])))


def quality(analyzer: Analyzer, store: RedisStore, pairs: list[dict[str, Any]], verbose: bool) -> dict[str, float]:
    """Precision and recall of "figure differs" notes over the pairs, in all and by set; wrong notes by kind."""
    memory = RedisMemory(store, retention_days=3650)
    tp = fp = fn = 0
    by_set: dict[str, Counter[str]] = {}
    wrong: Counter[str] = Counter()
    for pair in pairs:
        counts = by_set.setdefault(pair.get("set", "-"), Counter())
        channel = f"B{pair['id']}"
        first, second = analyse(analyzer, pair["a"]), analyse(analyzer, pair["b"])
        refs = [
            StoryRef(
                id=story_id(f"{pair['id']}:{side}"),
                channel=channel,
                title=pair["id"],
                recorded_at=datetime.now(timezone.utc),
                published=date.fromisoformat(pair[side]["date"]),
            )
            for side in ("a", "b")
        ]
        memory.remember(first, refs[0])
        notes = [n for n in recall(memory, second, refs[1]).notes if n.kind == "figure_differs"]
        expected = [tuple(c) for c in pair["conflicts"]]
        matched: set[tuple[str, ...]] = set()
        for note in notes:
            assert note.earlier is not None and note.figure is not None
            hit = next((e for e in expected if e[0] in note.earlier.text and e[1] in note.figure.text), None)
            if hit is not None and hit not in matched:
                matched.add(hit)
                tp += 1
                counts["tp"] += 1
            else:
                fp += 1
                counts["fp"] += 1
                wrong[pair["kind"]] += 1
                if verbose:
                    print(f"  false note  {pair['id']}: '{note.earlier.text}' vs '{note.figure.text}'")
        missed = [e for e in expected if e not in matched]
        fn += len(missed)
        counts["fn"] += len(missed)
        if verbose:
            for e in missed:
                print(f"  missed      {pair['id']}: {e}")
        memory.forget_story(refs[0].id)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall_ = tp / (tp + fn) if tp + fn else 1.0
    print(f"conflict notes on {len(pairs)} pairs ({sum(len(p['conflicts']) for p in pairs)} labelled conflicts):")
    print(f"  precision {precision:.3f} (goal ≥ {GOALS['precision']}), recall {recall_:.3f} (goal ≥ {GOALS['recall']})")
    print(f"  true notes {tp}, false notes {fp}, missed {fn}; false notes by kind: {dict(wrong) or 'none'}")
    for name, counts in by_set.items():
        found, right = counts["tp"] + counts["fp"], counts["tp"] + counts["fn"]
        size = sum(p.get("set", "-") == name for p in pairs)
        print(
            f"  set {name!r}: precision {counts['tp'] / found if found else 1.0:.3f}, "
            f"recall {counts['tp'] / right if right else 1.0:.3f} ({size} pairs)"
        )
    return {"precision": precision, "recall": recall_}


def synthetic(n: int, rng: random.Random) -> FigureRecord:
    """A figure record shaped like the pipeline's, with a sentence of news length."""
    subject = f"Company {n % 2000}"
    family = ["jobs", "deaths", "homes", "passengers", "savings", "unemployment rate"][n % 6]
    unit = "money" if family == "savings" else "percent" if family == "unemployment rate" else "count"
    value = float(rng.randrange(10, 50_000))
    sentence = (
        f"{subject} said on Tuesday that it would report {int(value):,} {family} for the period, "
        "according to a statement published after the board met in the afternoon."
    )
    return FigureRecord(
        text=f"{int(value):,}",
        value=value,
        low=value * 0.98,
        high=value * 1.02,
        unit=unit,  # type: ignore[arg-type]
        currency="USD" if unit == "money" else None,
        subject=subject,
        subject_key=f"company {n % 2000}",
        measure=f"{family} cut",
        family=family,
        event="cut",
        counted=family,
        period=Period(text="last year", start=date(2025, 1, 1), end=date(2025, 12, 31)),
        reference=date(2026, 11, 12),
        asserted_by="Ann Example",
        sentence=sentence,
        sentence_start=0,
        start=60,
        end=66,
    )


def scale(store: RedisStore, records: int, lookups: int, per_story: int) -> dict[str, float]:
    """Remember ``records`` figures in one channel; time lookups against a bare GET; bytes per record."""
    memory = RedisMemory(store, retention_days=30)
    rng = random.Random(15)
    channel = "CSCALE"
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    keys: list[list[str]] = []
    stories = 0
    for first in range(0, records, per_story):
        figures = [synthetic(n, rng) for n in range(first, min(records, first + per_story))]
        analysis = Analysis(pipeline_version="bench", figures=figures)
        ref = StoryRef(
            id=story_id(f"scale:{first}"),
            channel=channel,
            title=f"Story {first}",
            url=f"https://news.example.org/story/{first}",
            permalink=f"https://example.slack.com/archives/{channel}/p{first}",
            recorded_at=now,
        )
        memory.remember(analysis, ref)
        keys += [index_keys(f) for f in figures]
        stories += 1
    filled = time.perf_counter() - started
    probe = store.prefix + "bench-probe"
    store.client.set(probe, "x")
    baseline, lookup = [], []
    found = 0
    for _ in range(lookups):
        key = rng.choice(keys)
        t0 = time.perf_counter()
        store.client.get(probe)
        t1 = time.perf_counter()
        found += len(memory.figures(channel, key))
        t2 = time.perf_counter()
        baseline.append((t1 - t0) * 1000)
        lookup.append((t2 - t1) * 1000)
    total_bytes = 0
    for key in store.client.scan_iter(match=store.prefix + "*", count=1000):
        total_bytes += store.client.memory_usage(key, samples=0) or 0
    p50, p99 = percentile(lookup, 50), percentile(lookup, 99)
    b50, b99 = percentile(baseline, 50), percentile(baseline, 99)
    print(f"{records:,} figure records in {stories:,} stories of one channel, remembered in {filled:.1f} s:")
    print(f"  lookup by subject and measure: p50 {p50:.2f} ms, p99 {p99:.2f} ms (goal ≤ {GOALS['p99_ms']} ms), ")
    print(f"    {found / lookups:.1f} records a lookup; bare GET p50 {b50:.2f} ms, p99 {b99:.2f} ms")
    print(f"  ratio lookup/GET: p50 {p50 / b50:.1f}x, p99 {p99 / b99:.1f}x")
    print(f"  Redis memory: {total_bytes / records:,.0f} bytes per record ({total_bytes / 1e6:.1f} MB in all)")
    return {"p99_ms": p99, "bytes_per_record": total_bytes / records}


def story_size(analyzer: Analyzer, store: RedisStore, sample: Path) -> float:
    """Bytes of Redis one real story takes in memory: figures, claims, their indexes, its first version."""
    analysis = analyzer.analyze(Article(text=sample.read_text(encoding="utf-8"), source=Source(kind="text")))
    memory = RedisMemory(store, retention_days=30)
    channel = "CSIZE"
    ref = StoryRef(
        id=story_id("size"),
        channel=channel,
        title=analysis.headline,
        url="https://news.example.org/harbour",
        recorded_at=datetime.now(timezone.utc),
    )
    memory.remember(analysis, ref)
    total = sum(
        store.client.memory_usage(key, samples=0) or 0
        for key in store.client.scan_iter(match=f"{store.prefix}m:{channel}:*", count=1000)
    )
    claims = sum(c.checkworthy for c in analysis.claims)
    print(f"a real story ({sample.name}: {len(analysis.figures)} figures, {claims} check-worthy claims):")
    print(f"  {total / 1000:.1f} KB of Redis in desk memory")
    return float(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS, help="story pairs (JSON lines)")
    parser.add_argument("--records", type=int, default=100_000, help="figure records stored for the timing")
    parser.add_argument("--per-story", type=int, default=20, help="figure records per synthetic story")
    parser.add_argument("--lookups", type=int, default=2_000, help="lookups timed")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="a Redis on loopback")
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    parser.add_argument("--verbose", action="store_true", help="print each false or missed note")
    args = parser.parse_args()

    store = RedisStore.from_url(loopback_only(args.redis_url), prefix=f"nutgraf:bench-{uuid.uuid4().hex[:8]}:")
    if not store.ping():
        raise SystemExit(f"memory: no Redis answers at {args.redis_url}")
    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    analyzer = Analyzer(args.model or default_spacy_model())
    try:
        quality(analyzer, store, pairs, args.verbose)
        story_size(analyzer, store, Path(__file__).parents[1] / "bot" / "samples" / "harbour.txt")
        if args.records > 0:
            scale(store, args.records, args.lookups, args.per_story)
    finally:
        for key in store.client.scan_iter(match=store.prefix + "*", count=1000):
            store.client.delete(key)
        store.close()


if __name__ == "__main__":
    main()
