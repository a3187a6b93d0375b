"""Routing the text of ``/nutgraf``: help, auto-watch, digests, desk memory, private mode, forgetting, or something
to analyse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.links import find_links, items_in

Kind = Literal["help", "auto", "digest", "memory", "private", "forget", "analyse"]

FORGET_USAGE = "Usage: `/nutgraf forget <link>` (or *Forget this story* on the menu of nutgraf's reply)."


@dataclass(frozen=True)
class Command:
    """What a ``/nutgraf`` invocation asks for; ``arg`` is the rest of the text."""

    kind: Kind
    arg: str = ""


def route(text: str) -> Command:
    """Classify the command text. Anything that is neither a subcommand nor analysable gets help."""
    text = text.strip()
    word, _, rest = text.partition(" ")
    word = word.lower()
    if word in ("", "help", "?", "-h", "--help"):
        return Command("help")
    if word == "auto" and rest.strip().lower() in ("on", "off"):
        return Command("auto", rest.strip().lower())
    if word == "digest":
        return Command("digest", rest.strip())
    if word == "private" and rest.strip().lower() in ("", "on", "off", "status"):
        return Command("private", rest.strip().lower())
    if word == "forget":
        links = find_links(rest)
        return Command("forget", links[0] if len(links) == 1 else "")
    if word == "memory":
        return Command("memory", rest.strip())
    if items_in(text, max_links=1)[0]:
        return Command("analyse", text)
    return Command("help")


def auto_reply(on: bool, saved: bool) -> str:
    """What ``/nutgraf auto on|off`` answers."""
    if not saved:
        return "I couldn't save that: my database (Redis) is unreachable right now. Please try again shortly."
    if on:
        return "Auto-watch is on: I'll analyse every link people post in this channel, in its thread."
    return "Auto-watch is off: I'll only answer when asked (mention, /nutgraf, the shortcut or the reaction)."
