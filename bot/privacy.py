"""Private mode: the one check every recorder consults before keeping anything of an answer.

In a channel in private mode (``/nutgraf private on``) nutgraf still answers, but keeps nothing: no cached
analysis, no story record, no digest record, no desk memory, no corrections, and log lines with ids only.
``NUTGRAF_PRIVATE_TEXT=true`` makes every pasted *text* private the same way, in every channel (links are
public pages, so their analyses are still kept). While Redis cannot say whether a channel is private,
it is taken to be.
"""

from __future__ import annotations

from bot.settings import Settings
from bot.store import Store

USAGE = "Usage: `/nutgraf private on`, `/nutgraf private off` or `/nutgraf private status`."


def is_private(store: Store, settings: Settings, channel: str, *, pasted_text: bool) -> bool:
    """Whether nothing of an answer in ``channel`` may be kept (``pasted_text``: it analyses pasted text)."""
    return (pasted_text and settings.private_text) or store.get_private(channel)


def private_command(store: Store, settings: Settings, channel: str, arg: str) -> str:
    """``/nutgraf private on|off|status``: change or report the channel's mode; the answer to show."""
    word = arg.strip().lower()
    if word in ("on", "off"):
        store.set_private(channel, word == "on")
        if not store.available:
            return "I couldn't save that: my database (Redis) is unreachable right now. Please try again shortly."
    elif word not in ("", "status"):
        return USAGE
    on = store.get_private(channel)
    if not store.available:
        return "I can't tell right now: my database (Redis) is unreachable, so I keep nothing until it is back."
    texts = " Pasted text is private in every channel (NUTGRAF_PRIVATE_TEXT)." if settings.private_text else ""
    if on:
        return (
            "Private mode is on in this channel: I still answer, but I keep nothing — no cache, no digest "
            "records, no corrections, and only ids in my logs." + texts
        )
    return (
        "Private mode is off in this channel: analyses are cached, recorded for digests and can be corrected; "
        "`/nutgraf forget <link>` removes a story." + texts
    )
