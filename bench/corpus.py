"""Reading an evaluation corpus (one JSON object a line, with "id" and "text") as articles for the pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from bot.models import Article, Source


def read_articles(path: Path, limit: int | None = None) -> Iterator[tuple[str, Article]]:
    """(id, article) for the first ``limit`` lines of ``path`` (all when None), as pasted text."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                return
            row = json.loads(line)
            yield row["id"], Article(text=row["text"], source=Source(kind="text"))
