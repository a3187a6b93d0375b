"""Text normalisation before parsing: Slack markup, the headline line, bylines and trailing boilerplate.

Offsets in an :class:`~bot.models.Analysis` index :attr:`Normalized.text`, the text after these steps.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>")
_SLACK_MENTION = re.compile(r"<[@!](?:[^|>]*)(?:\|([^>]*))?>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^>]*))?>")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")

#: A line that ends the article: it and everything after it are dropped.
_CUTOFF = re.compile(
    r"^\s*(related (sources|stories|articles|coverage|content|reading)|read more|more (from|on|stories)\b"
    r"|see also|recommended( for you)?|you (may|might) also like|most (read|popular)|trending now"
    r"|comments?\s*\(\d+\)|\d+ comments?$|leave a comment|join the conversation)\b.*$",
    re.IGNORECASE,
)
#: A short line at the end of an article that is a share prompt, a sign-up box or a copyright line.
_TRAILER = re.compile(
    r"^\s*(share( this( article| story)?)?( on \w+)?|tweet|email|print|follow us\b.*|subscribe\b.*"
    r"|sign up\b.*|click here\b.*|advertisement|copyright\b.*|©.*|all rights reserved.*"
    r"|(facebook|twitter|linkedin|whatsapp|reddit|x)(\s*[|·,/]\s*(facebook|twitter|linkedin|whatsapp|reddit|x|email))*)"
    r"\s*[.:!]?\s*$",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w.'’-]+"
_BYLINE = re.compile(rf"^\s*(?:[Bb]y|BY)\s+({_NAME}(?:\s+(?:{_NAME}|and|&|de|van|von|al))*)\s*[,|·-]?.{{0,60}}$")
_FINAL_PUNCTUATION = tuple(".!?…:;\"'”’)")
MAX_HEADLINE_CHARS = 200
#: Fewest words worth analysing: the pipeline refuses shorter text, and shorter message text is not taken
#: as something to analyse.
MIN_TEXT_WORDS = 5


@dataclass(frozen=True)
class Normalized:
    """The text to analyse, and what normalisation took out of it."""

    text: str
    headline: str | None = None
    byline: str | None = None
    dropped_trailer: bool = False


def unslack(text: str) -> str:
    """Turn Slack's message markup into plain text: links to their labels, mentions removed, escapes undone."""
    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _SLACK_CHANNEL.sub(lambda m: "#" + m.group(1) if m.group(1) else "", text)
    text = _SLACK_MENTION.sub(lambda m: m.group(1) or "", text)
    return html.unescape(text) if "&" in text else text


def _clean_lines(text: str) -> list[str]:
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def _drop_trailer(lines: list[str]) -> tuple[list[str], bool]:
    dropped = False
    for i, line in enumerate(lines):
        if i > 0 and _CUTOFF.match(line) and len(line) < 120:
            lines, dropped = lines[:i], True
            break
    while lines and (not lines[-1] or (len(lines[-1]) < 80 and _TRAILER.match(lines[-1]))):
        dropped = dropped or bool(lines[-1])
        lines = lines[:-1]
    return lines, dropped


def _is_headline(line: str, rest: list[str]) -> bool:
    body = [ln for ln in rest if ln]
    return (
        0 < len(line) <= MAX_HEADLINE_CHARS
        and not line.endswith(_FINAL_PUNCTUATION)
        and len(line.split()) >= 2
        and sum(len(ln) for ln in body) > len(line)
    )


def normalize(raw: str, *, slack: bool = True) -> Normalized:
    """Normalise pasted or fetched text; ``slack`` undoes Slack's escapes and link markup first."""
    text = unslack(raw) if slack else raw
    lines, dropped = _drop_trailer(_clean_lines(text))
    while lines and not lines[0]:
        lines.pop(0)

    headline = byline = None
    if lines and _is_headline(lines[0], lines[1:]):
        headline, lines = lines[0], lines[1:]
    for i, line in enumerate(lines[:4]):
        match = _BYLINE.match(line) if line else None
        if match:
            byline = match.group(1).strip()
            del lines[i]
            break

    body = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return Normalized(text=body, headline=headline, byline=byline, dropped_trailer=dropped)
