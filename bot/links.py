"""Picking what to analyse out of a Slack message: its links, else its text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import courlan

from bot.nlp.normalize import MIN_TEXT_WORDS, unslack

_SLACK_URL = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
_BARE_URL = re.compile(r"(?<![<|\w])https?://[^\s<>|\"']+", re.IGNORECASE)
_MARKUP = re.compile(r"<[@!#][^>]*>")
_TRAILING = ".,;:!?)]}'\"”’"


@dataclass(frozen=True)
class Item:
    """One thing to analyse: a URL or a piece of text."""

    url: str | None = None
    text: str | None = None

    @property
    def label(self) -> str:
        """How a progress message names it."""
        if self.url:
            return self.url
        words = (self.text or "").split()
        return "the text" if len(words) <= 8 else "the text “" + " ".join(words[:8]) + "…”"


def find_links(text: str) -> list[str]:
    """http(s) links in Slack message text (``<url|label>`` markup or bare), in order, without repeats."""
    found: list[str] = []
    for match in _SLACK_URL.finditer(text):
        found.append(match.group(1))
    for match in _BARE_URL.finditer(_SLACK_URL.sub(" ", text)):
        found.append(match.group(0).rstrip(_TRAILING))
    return list(dict.fromkeys(found))


def items_in(text: str, *, max_links: int) -> tuple[list[Item], int]:
    """What a message asks to analyse: up to ``max_links`` links, else its text; and how many links were skipped."""
    links = find_links(text)
    if links:
        return [Item(url=url) for url in links[:max_links]], max(0, len(links) - max_links)
    plain = unslack(_MARKUP.sub(" ", text)).strip()
    if len(plain.split()) >= MIN_TEXT_WORDS:
        return [Item(text=plain)], 0
    return [], 0


def canonicalize_url(url: str) -> str:
    """A stable form of ``url`` for caching: lower-case host, no default port, tracking parameters or fragment."""
    normalized = courlan.normalize_url(url.strip(), strict=False)
    parts = urlsplit(normalized)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
