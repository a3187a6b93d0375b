"""Helpers the benchmarks share: reading an evaluation corpus (one JSON object a line, with "id" and "text")
as articles for the pipeline, scoring a sentence by its claims, average precision, a percentile, and a
loopback check."""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.errors import InputError
from bot.models import Analysis, Article, Source


def article_of(row: dict[str, Any]) -> tuple[str, Article]:
    """(id, article) of one corpus row, as pasted text."""
    return row["id"], Article(text=row["text"], source=Source(kind="text"))


def read_articles(path: Path, limit: int | None = None) -> Iterator[tuple[str, Article]]:
    """(id, article) for the first ``limit`` lines of ``path`` (all when None), as pasted text."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                return
            yield article_of(json.loads(line))


def sentence_score(result: Analysis | InputError) -> float:
    """A sentence's score as a check-worthiness ranking: its best claim's score, 0 when it was refused or
    has no claim."""
    if isinstance(result, InputError) or not result.claims:
        return 0.0
    return result.claims[0].score


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def loopback_only(url: str) -> str:
    """Refuse a Redis URL that is not on this machine's loopback interface."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        name = Path(sys.argv[0]).stem or "bench"
        raise SystemExit(f"{name}: {url} is not on loopback; this benchmark only talks to 127.0.0.1 or ::1")
    return url


def average_precision(scores: list[float], labels: list[int]) -> float | None:
    """Mean of the precision at each relevant item, items ranked by score (ties in input order); None when no
    item is relevant. The same measure as the shared evaluation files' scorer."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else None
