"""Block Kit builders: every message and view nutgraf shows in Slack, always within Slack's limits.

This is the only module that knows those limits. Article-derived text goes through
:func:`escape_mrkdwn` after it has been cut, and lists are cut at whole items, so a truncation never
splits an entity (``&amp;``) or a link, and a long list ends with "+N more". Builders are pure: they
return ``{"text": fallback, "blocks": [...]}`` (or a view) and never call Slack.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.models import LOWERING_REASONS, Analysis, Claim, Digest, DigestStory, Entity, Quote

# Slack's limits (see Slack's Block Kit reference).
MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_VALUE = 2000
# Ours: total text across blocks (Slack has refused ~13,000) and the notification fallback.
MAX_TOTAL_TEXT = 11_000
MAX_FALLBACK_TEXT = 1_000

ACTION_SHOW_ALL = "nutgraf_show_all"
ACTION_SHARE = "nutgraf_share"
ACTION_REANALYSE = "nutgraf_reanalyse"

BUTTON_SHOW_ALL = "All quotes & claims"
BUTTON_SHARE = "Share in channel"
BUTTON_REANALYSE = "Re-analyse"

Message = dict[str, Any]

# Sizes of the pieces of a reply, in escaped characters; chosen so that a full reply with five
# claims and five quotes stays well under MAX_TOTAL_TEXT.
_HEADLINE_CHARS = 300
_SUMMARY_CHARS = 2000
_CLAIM_CHARS = 480
_ATTRIBUTION_CHARS = 120
_HEDGE_CHARS = 100
_REASONS_CHARS = 160
_QUOTE_CHARS = 480
_SPEAKER_CHARS = 80
_ROLE_CHARS = 100
_TITLE_CHARS = 200
_ENTITY_CHARS = 80
_ENTITY_FIELD_CHARS = 600
_NOTE_CHARS = 300
_NOTES_CHARS = 1000
_LIST_CHARS = 3200
_MAX_BOLD = 8
_MAX_URL = 1500

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_URL_RE = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)
_CHANNEL_ID_RE = re.compile(r"[CGD][A-Z0-9]{2,30}\Z")
_BOLD_BEFORE = frozenset(" ([{\"'“‘")
_BOLD_AFTER = frozenset(" .,;:!?)]}\"'”’-%")


def escape_mrkdwn(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so article text can never form a link, a mention or ``<!channel>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _shorten(raw: str, limit: int) -> str:
    """Cut raw text (ending it with "…") so that its escaped form is at most ``limit`` characters."""
    if len(raw) <= limit and len(escape_mrkdwn(raw)) <= limit:
        return raw
    if limit <= 1:
        return "…"[:limit]
    width = cut = 0
    for index, char in enumerate(raw):
        width += len(_ESCAPES.get(char, char))
        if width > limit - 1:
            break
        cut = index + 1
    head = raw[:cut]
    space = head.rfind(" ")
    if space > 0 and space >= cut * 3 // 4:
        head = head[:space]
    return head.rstrip() + "…"


def _fit(raw: str | None, limit: int) -> str:
    """Squash whitespace, cut and escape article text for mrkdwn."""
    return escape_mrkdwn(_shorten(_squash(raw), limit))


def _safe_url(url: str | None) -> str | None:
    """The URL ready to sit inside ``<…|…>``, or None when it is not a plain http(s) link."""
    url = (url or "").strip()
    if not _URL_RE.match(url):
        return None
    url = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    url = url.replace("&", "&amp;")
    return url if len(url) <= _MAX_URL else None


def _link(url: str | None, label: str, limit: int) -> str:
    """A mrkdwn link with an escaped label, or just the label when the URL is unusable."""
    label = _squash(label) or "link"
    safe = _safe_url(url)
    if safe is None:
        return _fit(label, limit)
    return f"<{safe}|{_fit(label, limit)}>"


def _slack_date(moment: datetime, pattern: str = "{date_short_pretty} {time}") -> str:
    """A date Slack shows in each reader's own time zone, with a UTC fallback."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    fallback = moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{pattern}|{fallback}>"


def _channel_ref(channel_id: str, channel_name: str | None = None) -> str:
    if channel_name:
        return "#" + _fit(channel_name.lstrip("#"), 80)
    if _CHANNEL_ID_RE.match(channel_id):
        return f"<#{channel_id}>"
    return _fit(channel_id, 80)


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {plural or noun + 's'}"


def _md(text: str) -> MarkdownTextObject:
    # verbatim: Slack must not turn bare "@channel", "#name" or URLs in article text into live ones.
    return MarkdownTextObject(text=text, verbatim=True)


def _section(text: str, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=_md(text), block_id=block_id)


def _context(text: str, block_id: str | None = None) -> ContextBlock:
    return ContextBlock(elements=[_md(text)], block_id=block_id)


def _text_size(obj: Any) -> int:
    """Characters of text a block carries, the way Slack's total-length check counts them."""
    if isinstance(obj, dict):
        return sum(
            len(value) if key == "text" and isinstance(value, str) else _text_size(value) for key, value in obj.items()
        )
    if isinstance(obj, list):
        return sum(_text_size(item) for item in obj)
    return 0


@dataclass
class _Canvas:
    """Blocks under construction, with the room left under the block and total-text limits."""

    max_blocks: int = MAX_BLOCKS
    max_chars: int = MAX_TOTAL_TEXT
    blocks: list[dict[str, Any]] = field(default_factory=list)
    chars: int = 0
    reserved_blocks: int = 0
    reserved_chars: int = 0

    @property
    def free_blocks(self) -> int:
        return self.max_blocks - self.reserved_blocks - len(self.blocks)

    @property
    def free_chars(self) -> int:
        return self.max_chars - self.reserved_chars - self.chars

    def add(self, block: Block) -> bool:
        """Append the block if it fits (``to_dict`` also checks the block's own limits)."""
        data = block.to_dict()
        size = _text_size(data)
        if self.free_blocks < 1 or size > self.free_chars:
            return False
        self.blocks.append(data)
        self.chars += size
        return True

    def reserve(self, blocks: int, chars: int) -> None:
        """Hold back room for blocks that must come later (a negative amount gives it back)."""
        self.reserved_blocks += blocks
        self.reserved_chars += chars


def _more(count: int, noun: str, hint: str = "") -> str:
    return f"_+{count} more {noun}_{hint}"


@dataclass
class _List:
    """A titled list of mrkdwn lines; ``total`` counts every item, shown or not."""

    title: str
    lines: Iterable[str]
    total: int
    noun: str
    block_id: str
    hint: str = ""
    char_cap: int | None = None

    @property
    def note_size(self) -> int:
        return len(_more(self.total, self.noun, self.hint))


def _add_lists(canvas: _Canvas, *lists: _List) -> list[int]:
    """Add lists in order, each packed into sections; returns how many lines of each were shown.

    Room for every later list's "+N more" note is held back first, so no list ever vanishes uncounted.
    """
    for item in lists:
        if item.total > 0:
            canvas.reserve(1, item.note_size)
    shown = []
    for item in lists:
        if item.total > 0:
            canvas.reserve(-1, -item.note_size)
        shown.append(_add_list(canvas, item))
    return shown


def _add_list(canvas: _Canvas, spec: _List) -> int:
    """Add as many whole lines as fit in the room left (and under the list's cap), then "+N more"."""
    total, noun, hint, block_id = spec.total, spec.noun, spec.hint, spec.block_id
    if total <= 0:
        return 0
    room = canvas.free_chars if spec.char_cap is None else min(canvas.free_chars, spec.char_cap)
    blocks_room = canvas.free_blocks
    chunks = [f"*{spec.title}*"]
    shown = 0
    for line in spec.lines:
        if len(chunks[-1]) + 1 + len(line) <= MAX_SECTION_TEXT:
            trial = [*chunks[:-1], chunks[-1] + "\n" + line]
        else:
            trial = [*chunks, line]
        cut = shown + 1 < total
        need_blocks = len(trial) + cut
        need_chars = sum(map(len, trial)) + (spec.note_size if cut else 0)
        if need_blocks > blocks_room or need_chars > room:
            break
        chunks = trial
        shown += 1
    if shown:
        for index, chunk in enumerate(chunks):
            canvas.add(_section(chunk, f"{block_id}-{index}"))
    if shown < total:
        canvas.add(_context(_more(total - shown, noun, hint), f"{block_id}-more"))
    return shown


def _join_cut(items: Sequence[str], sep: str, limit: int) -> str:
    """Join whole items within ``limit`` characters, ending with "+N more" when some are left out."""
    out: list[str] = []
    size = 0
    for index, item in enumerate(items):
        rest = len(items) - index - 1
        reserve = len(f" +{len(items)} more") if rest else 0
        grown = size + (len(sep) if out else 0) + len(item)
        if grown + reserve > limit:
            break
        out.append(item)
        size = grown
    text = sep.join(out)
    if len(out) < len(items):
        text = f"{text} +{len(items) - len(out)} more".strip()
    return text


def _bold_figures(raw: str, numbers: Iterable[str]) -> str:
    """Escape raw text, putting each figure in bold where it stands as a word of its own."""
    figures = sorted({n.strip() for n in numbers if n.strip() and "*" not in n}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    for figure in figures:
        start = raw.find(figure)
        while start != -1 and len(spans) < _MAX_BOLD:
            end = start + len(figure)
            free = all(end <= a or start >= b for a, b in spans)
            before_ok = start == 0 or raw[start - 1] in _BOLD_BEFORE
            after_ok = end == len(raw) or raw[end] in _BOLD_AFTER
            if free and before_ok and after_ok:
                spans.append((start, end))
            start = raw.find(figure, start + 1)
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        out.append(escape_mrkdwn(raw[position:start]))
        out.append(f"*{escape_mrkdwn(raw[start:end])}*")
        position = end
    out.append(escape_mrkdwn(raw[position:]))
    return "".join(out)


def claim_line(claim: Claim, number: int | None = None, *, reasons: bool = False) -> str:
    """One claim in mrkdwn: figures in bold, its attribution, a marker when it is hedged and, with
    ``reasons``, what raised or lowered its score."""
    head = _shorten(_squash(claim.text), _CLAIM_CHARS - 2 * _MAX_BOLD)
    parts = [_bold_figures(head, claim.numbers) or "_(empty claim)_"]
    if number is not None:
        parts.insert(0, f"{number}.")
    attribution = _squash(claim.attribution)
    if attribution:
        parts.append(f"_— {_fit(attribution, _ATTRIBUTION_CHARS)}_")
    hedges = ", ".join(h for h in (_squash(h) for h in claim.hedges) if h)
    if claim.hedged or hedges:
        parts.append(":warning: _hedged" + (f": {_fit(hedges, _HEDGE_CHARS)}_" if hedges else "_"))
    why = _reasons_text(claim.reasons) if reasons else ""
    if why:
        parts.append(f"· _{_fit(why, _REASONS_CHARS)}_")
    return " ".join(parts)


def _reasons_text(reasons: Sequence[str]) -> str:
    """A claim's reasons as a reader takes them in: "figure, comparison; lowered by: prediction"."""
    labels = [label for label in (_squash(r) for r in reasons) if label]
    raised = ", ".join(r for r in labels if r not in LOWERING_REASONS)
    lowered = ", ".join(r for r in labels if r in LOWERING_REASONS)
    if lowered:
        return f"{raised}; lowered by: {lowered}" if raised else f"lowered by: {lowered}"
    return raised


def quote_line(quote: Quote) -> str:
    """One quote as a mrkdwn block quote; an unattributed quote says so and never borrows a speaker."""
    content = _fit(quote.content, _QUOTE_CHARS)
    body = f"“{content}”" if quote.kind == "direct" else content
    speaker = _squash(quote.speaker)
    if speaker:
        who = f"*{_fit(speaker, _SPEAKER_CHARS)}*"
        role = _squash(quote.speaker_role)
        if role:
            who += f", {_fit(role, _ROLE_CHARS)}"
    else:
        who = "_unattributed_"
    if quote.kind == "indirect":
        who += " _(paraphrase)_"
    return f"> {body} — {who}"


def ranked_claims(claims: Sequence[Claim]) -> list[Claim]:
    """Claims in the order a reply shows them: check-worthy first, then by score."""
    return sorted(claims, key=lambda c: (not c.checkworthy, -c.score))


def ranked_quotes(quotes: Sequence[Quote]) -> list[Quote]:
    """Quotes in the order a reply shows them: attributed direct quotes first, then text order."""
    return sorted(quotes, key=lambda q: (not _squash(q.speaker), q.kind == "indirect", q.start))


def action_value(key: str) -> str:
    """The compact JSON a button carries to name the cached analysis it acts on."""
    value = json.dumps({"key": key}, separators=(",", ":"), ensure_ascii=False)
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError("cache key too long for a Slack button value")
    return value


def parse_action_value(value: str | None) -> str | None:
    """The cache key from a button's value, or None when the value is not one of ours."""
    try:
        data = json.loads(value or "")
    except ValueError:
        return None
    key = data.get("key") if isinstance(data, dict) else None
    return key if isinstance(key, str) and key else None


def _button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value, style=style)


def _published(value: str | None) -> str:
    value = _squash(value)
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _fit(value, 40)
    return f"{moment.day} {moment:%b %Y}"


def _context_line(analysis: Analysis, cached: bool) -> str:
    source = analysis.source
    parts = [_fit(source.site, 80), _fit(source.author, 120), _published(source.published)]
    if source.kind == "text" and not source.site:
        parts.insert(0, "pasted text")
    if analysis.word_count > 0:
        parts.append(_plural(analysis.word_count, "word"))
    if cached:
        parts.append("cached")
    return " · ".join(p for p in parts if p) or "nutgraf"


def _headline(analysis: Analysis) -> str:
    source = analysis.source
    url = next((u for u in (source.url, source.canonical_url) if _safe_url(u)), None)
    return f"*{_link(url, analysis.headline, _HEADLINE_CHARS)}*"


def _fallback(*raw_parts: str | None) -> str:
    text = " — ".join(p for p in (_squash(p) for p in raw_parts) if p)
    return escape_mrkdwn(_shorten(text, MAX_FALLBACK_TEXT)) or "nutgraf"


def _entities_block(entities: Sequence[Entity]) -> SectionBlock | None:
    fields = []
    for title, labels in (("People", {"PERSON", "PER"}), ("Organisations", {"ORG"})):
        chosen = sorted((e for e in entities if e.label in labels), key=lambda e: -e.count)
        if not chosen:
            continue
        items = [f"{_fit(e.text, _ENTITY_CHARS)} ({e.count})" for e in chosen]
        header = f"*{title}*\n"
        fields.append(_md(header + _join_cut(items, ", ", _ENTITY_FIELD_CHARS - len(header))))
    return SectionBlock(fields=fields, block_id="entities") if fields else None


def _actions(key: str, *, show_all: bool, share: bool) -> ActionsBlock:
    value = action_value(key)
    buttons = []
    if show_all:
        buttons.append(_button(BUTTON_SHOW_ALL, ACTION_SHOW_ALL, value, "primary"))
    if share:
        buttons.append(_button(BUTTON_SHARE, ACTION_SHARE, value))
    buttons.append(_button(BUTTON_REANALYSE, ACTION_REANALYSE, value))
    return ActionsBlock(elements=buttons, block_id="actions")


def _message(fallback: str, canvas: _Canvas) -> Message:
    return {"text": fallback, "blocks": canvas.blocks}


def analysis_message(
    analysis: Analysis,
    *,
    cached: bool = False,
    max_claims: int = 5,
    max_quotes: int = 5,
    key: str | None = None,
    shareable: bool = True,
) -> Message:
    """The threaded reply for one analysis: headline, summary, key claims, quotes, names and buttons.

    Buttons need ``key`` (the cache key); "All quotes & claims" only appears when a list was cut, and
    ``shareable=False`` drops "Share in channel" (for a reply already posted in the channel).
    """
    canvas = _Canvas()
    actions_size = len(BUTTON_SHOW_ALL + BUTTON_SHARE + BUTTON_REANALYSE)
    if key is not None:
        canvas.reserve(1, actions_size)
    canvas.add(_section(_headline(analysis), "headline"))
    canvas.add(_context(_context_line(analysis, cached), "meta"))
    summary = " ".join(_squash(s) for s in analysis.summary if _squash(s))
    if summary:
        canvas.add(_section(_fit(summary, _SUMMARY_CHARS), "summary"))
    hint = f" · tap *{escape_mrkdwn(BUTTON_SHOW_ALL)}*" if key is not None else ""

    claims = ranked_claims(analysis.claims)
    quotes = ranked_quotes(analysis.quotes)
    notes = [f":grey_question: {_fit(n, _NOTE_CHARS)}" for n in analysis.notes if _squash(n)]
    shown_claims, shown_quotes, _ = _add_lists(
        canvas,
        _List(
            "Key claims",
            (claim_line(c, i) for i, c in enumerate(claims[: max(max_claims, 0)], 1)),
            len(claims),
            "claims",
            "claims",
            hint,
            char_cap=_LIST_CHARS,
        ),
        _List(
            "Quotes",
            (quote_line(q) for q in quotes[: max(max_quotes, 0)]),
            len(quotes),
            "quotes",
            "quotes",
            hint,
            char_cap=_LIST_CHARS,
        ),
        _List("Worth checking", notes, len(notes), "notes", "notes", char_cap=_NOTES_CHARS),
    )
    entities = _entities_block(analysis.entities)
    if entities is not None:
        canvas.add(entities)

    if key is not None:
        canvas.reserve(-1, -actions_size)
        cut = shown_claims < len(claims) or shown_quotes < len(quotes)
        canvas.add(_actions(key, show_all=cut, share=shareable))
    return _message(_fallback(analysis.headline, summary), canvas)


def full_lists_message(analysis: Analysis, key: str | None = None) -> Message:
    """Every claim and quote of an analysis (the "All quotes & claims" button), cut only at Slack's limits.

    With ``key``, a "Share in channel" button lets whoever opened the lists share the analysis.
    """
    canvas = _Canvas()
    if key is not None:
        canvas.reserve(1, len(BUTTON_SHARE))
    canvas.add(_section(_headline(analysis), "headline"))
    claims = [claim_line(c, i, reasons=True) for i, c in enumerate(ranked_claims(analysis.claims), 1)]
    quotes = [quote_line(q) for q in ranked_quotes(analysis.quotes)]
    need_claims = sum(len(line) + 1 for line in claims)
    need_quotes = sum(len(line) + 1 for line in quotes)
    room = canvas.free_chars - 200
    claims_cap = max(room // 2, room - need_quotes) if need_claims + need_quotes > room else None
    _add_lists(
        canvas,
        _List(f"All claims ({len(claims)})", claims, len(claims), "claims", "claims", char_cap=claims_cap),
        _List(f"All quotes ({len(quotes)})", quotes, len(quotes), "quotes", "quotes"),
    )
    if not claims and not quotes:
        canvas.add(_section("_No claims or quotes were found in this text._", "empty"))
    if key is not None:
        canvas.reserve(-1, -len(BUTTON_SHARE))
        canvas.add(ActionsBlock(elements=[_button(BUTTON_SHARE, ACTION_SHARE, action_value(key))]))
    fallback = f"{len(claims)} claims and {len(quotes)} quotes"
    return _message(_fallback(analysis.headline, fallback), canvas)


def _simple(text: str, fallback: str, block_id: str) -> Message:
    canvas = _Canvas()
    canvas.add(_section(text, block_id))
    return _message(fallback, canvas)


def progress_message(label: str) -> Message:
    """The placeholder posted at once ("Reading <link>…"), later replaced by the result."""
    what = _link(label, label, 600) if _safe_url(label) else _fit(label, 600)
    text = f"Reading {what}…"
    return _simple(f":hourglass_flowing_sand: {text}", text, "progress")


def error_message(message: str) -> Message:
    """A failure, in the reporter-readable words of the error, where the result would have gone."""
    text = _fit(message, 2000) or "Something went wrong."
    return _simple(f":warning: {text}", text, "error")


def skipped_links_message(skipped: int, analysed: int = 3) -> Message:
    """Says that a message held more links than nutgraf analyses at once, and how to get the rest."""
    text = (
        f"I analyse at most {_plural(analysed, 'link')} per message, so I skipped {skipped} more. "
        "Post the others separately, or mention me with one link."
    )
    return _simple(f":information_source: {text}", text, "skipped")


def _emoji(name: str) -> str:
    return ":" + (re.sub(r"[^a-z0-9_+\-]", "", name.lower()) or "mag") + ":"


def help_message(reaction: str = "mag") -> Message:
    """How to ask nutgraf for an analysis or a digest (``/nutgraf help`` and unknown input).

    ``reaction`` is the trigger emoji's name (``NUTGRAF_TRIGGER_REACTION``).
    """
    lines = [
        "*nutgraf* reads a story and replies in its thread with the headline, a summary, "
        "the key claims (figures, hedges, attribution) and who said what.",
        "*Ask for an analysis*\n"
        "• `/nutgraf &lt;link or text&gt;`: analyse a link or pasted text\n"
        "• Mention the app with a link or text; a bare mention in a thread analyses its first message\n"
        f"• React with {_emoji(reaction)} to any message\n"
        "• Message shortcut: open a message's *More actions* menu → *Analyse with nutgraf*",
        "*In this channel*\n"
        "• `/nutgraf auto on` or `/nutgraf auto off`: analyse every link posted here\n"
        "• `/nutgraf digest [today|24h|7d]`: post a digest of what was analysed\n"
        "• `/nutgraf digest daily HH:MM Area/City [weekdays]`, "
        "e.g. `/nutgraf digest daily 17:30 Europe/London weekdays`\n"
        "• `/nutgraf digest off`, `/nutgraf digest status`\n"
        "• `/nutgraf help`: this message",
    ]
    canvas = _Canvas()
    for index, line in enumerate(lines):
        canvas.add(_section(line, f"help-{index}"))
    return _message("How to use nutgraf: /nutgraf &lt;link or text&gt;, mentions, reactions, digests", canvas)


def _story_line(story: DigestStory, *, channel: bool = False) -> str:
    target = story.permalink if _safe_url(story.permalink) else story.url
    parts = [f"• *{_link(target, story.title, _TITLE_CHARS)}*"]
    if story.site:
        parts.append(_fit(story.site, 80))
    if channel:
        parts.append(_channel_ref(story.channel))
        parts.append(_slack_date(story.recorded_at, "{date_short_pretty}"))
    return " · ".join(parts)


def _speaker_line(name: str, role: str | None, count: int) -> str:
    who = f"*{_fit(name, _SPEAKER_CHARS)}*"
    if _squash(role):
        who += f", {_fit(role, _ROLE_CHARS)}"
    return f"• {who} — {_plural(count, 'quote')}"


def digest_message(digest: Digest, channel_name: str | None = None) -> Message:
    """A channel's digest: stories with links to their threads, top claims, who was quoted, what recurs."""
    canvas = _Canvas()
    where = _channel_ref(digest.channel, channel_name)
    title = f"Digest for #{channel_name.lstrip('#')}" if channel_name else "Channel digest"
    canvas.add(HeaderBlock(text=PlainTextObject(text=title[:MAX_HEADER_TEXT], emoji=True), block_id="title"))
    window = f"{_slack_date(digest.since)} – {_slack_date(digest.until)}"
    if not digest.stories:
        canvas.add(_section(f"Nothing analysed in {where} since {_slack_date(digest.since)}.", "empty"))
        plain_where = f"#{channel_name.lstrip('#')}" if channel_name else "this channel"
        return _message(_fallback(f"Nothing analysed in {plain_where} in this window."), canvas)
    count = _plural(len(digest.stories), "story", "stories")
    canvas.add(_context(f"{window} · {count}", "window"))
    stories, claims, speakers = digest.stories, digest.top_claims, digest.speakers
    _add_lists(
        canvas,
        _List("Stories", map(_story_line, stories), len(stories), "stories", "stories", char_cap=4500),
        _List(
            "Top claims",
            (claim_line(c, i) for i, c in enumerate(claims[:5], 1)),
            len(claims),
            "claims",
            "claims",
            char_cap=3000,
        ),
        _List(
            "Most quoted",
            (_speaker_line(*s) for s in speakers[:8]),
            len(speakers),
            "speakers",
            "speakers",
            char_cap=1500,
        ),
    )
    if digest.recurring:
        items = [f"*{_fit(text, 80)}* ({times})" for text, times in digest.recurring]
        canvas.add(_section("*Recurring*\n" + _join_cut(items, " · ", 800), "recurring"))
    fallback = f"Digest: {count} analysed"
    return _message(_fallback(fallback, channel_name and f"in #{channel_name.lstrip('#')}"), canvas)


def home_view(stories: Sequence[DigestStory], *, max_stories: int = 20, reaction: str = "mag") -> dict[str, Any]:
    """The App Home tab (for ``views.publish``): what nutgraf does and the analyses given, in order."""
    canvas = _Canvas(max_blocks=MAX_VIEW_BLOCKS)
    canvas.add(HeaderBlock(text=PlainTextObject(text="nutgraf", emoji=True), block_id="title"))
    canvas.add(
        _section(
            f"Paste a link or text in a channel with `/nutgraf`, mention the app, react with {_emoji(reaction)}, "
            "or use the *Analyse with nutgraf* message shortcut: the reply in the thread gives the "
            "headline, a summary, the key claims and who said what. `/nutgraf help` lists everything.",
            "about",
        )
    )
    canvas.add(DividerBlock(block_id="divider"))
    if stories:
        lines = (_story_line(s, channel=True) for s in stories[: max(max_stories, 0)])
        _add_lists(canvas, _List("Recent analyses", lines, len(stories), "stories", "recent"))
    else:
        canvas.add(_section("*Recent analyses*\n_Nothing analysed yet._", "recent-0"))
    return View(type="home", blocks=canvas.blocks).to_dict()
