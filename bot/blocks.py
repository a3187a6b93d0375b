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
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.models import (
    LOWERING_REASONS,
    AcrossStoriesItem,
    Analysis,
    Claim,
    Correction,
    Digest,
    DigestClaim,
    DigestItem,
    DigestStory,
    Entity,
    Quote,
    QuotedSpeaker,
)
from bot.reply import plan, ranked_claims, ranked_quotes
from bot.shorten import shorten

if TYPE_CHECKING:
    from bot.desk import MemorySearch
    from bot.memory import MemoryHit, MemoryNote, Recall, StoryChanges, StoryRef
    from bot.models import FigureRecord

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

#: The reply's menu ("fix|{story}": the lists with correction menus; "forget|{story}").
ACTION_STORY_MENU = "nutgraf_story_menu"
#: A quote's menu in the full lists (values from :func:`menu_value`).
ACTION_QUOTE_MENU = "nutgraf_quote_menu"
#: "A quote is missing…" under the full lists (value: the story id).
ACTION_ADD_QUOTE = "nutgraf_add_quote"
#: Modals' callback ids and their inputs' block ids.
VIEW_FIX_SPEAKER = "nutgraf_fix_speaker"
VIEW_ADD_QUOTE = "nutgraf_add_quote_view"
INPUT_SPEAKER = "speaker"
INPUT_WORDS = "words"
INPUT_KIND = "kind"

MENU_CORRECT = "Correct a quote…"
MENU_FORGET = "Forget this story"
MENU_WRONG_SPEAKER = "Wrong speaker…"
MENU_NOT_A_QUOTE = "Not a quote"
BUTTON_ADD_QUOTE = "A quote is missing…"

Message = dict[str, Any]
QuoteMenuAction = Literal["speaker", "not_quote"]

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
# Desk memory's notes carry links to earlier threads: more room under *Worth checking* when there are some.
_MEMORY_NOTE_CHARS = 600
_MEMORY_NOTES_CHARS = 1800
_MEMORY_CLAIM_CHARS = 200
_LIST_CHARS = 3200
# A digest's claims are shorter than a reply's: each links to its story's thread for the rest.
_DIGEST_CLAIM_CHARS = 300
_DIGEST_STORY_REF_CHARS = 80
_ACROSS_LINE_CHARS = 900
# A claim or quote in the full lists: whole unless it alone would overflow a section.
_FULL_TEXT_CHARS = 2600
_MAX_BOLD = 8
_MAX_URL = 1500

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_URL_RE = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)
_CHANNEL_ID_RE = re.compile(r"[CGD][A-Z0-9]{2,30}\Z")
_BOLD_BEFORE = frozenset(" ([{\"'“‘—–/")
_BOLD_AFTER = frozenset(" .,;:!?)]}\"'”’-%—–/")


def escape_mrkdwn(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so article text can never form a link, a mention or ``<!channel>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _escaped_width(char: str) -> int:
    return len(_ESCAPES.get(char, char))


def _shorten(raw: str, limit: int) -> str:
    """Shorten raw text at a word or sentence boundary (ending it with "…") so that its escaped form fits ``limit``."""
    return shorten(raw, limit, char_width=_escaped_width)


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


def _bold_figures(raw: str, numbers: Iterable[str], *, once: bool = False) -> str:
    """Escape raw text, putting each figure in bold where it stands as a word of its own.

    With ``once``, each figure is bolded at its first free place only (a claim's emphasis phrases).
    Figures are tried longest first, so a phrase is never bolded inside another, or across one.
    """
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
                if once:
                    break
            start = raw.find(figure, start + 1)
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        out.append(escape_mrkdwn(raw[position:start]))
        out.append(f"*{escape_mrkdwn(raw[start:end])}*")
        position = end
    out.append(escape_mrkdwn(raw[position:]))
    return "".join(out)


def claim_line(claim: Claim, number: int | None = None, *, limit: int = _CLAIM_CHARS, reasons: bool = False) -> str:
    """One claim in mrkdwn: figures in bold, its attribution, a marker when it is hedged and, with
    ``reasons``, what raised or lowered its score.

    A claim longer than ``limit`` is shortened at a word boundary: the surface offers the full text.
    """
    head = _shorten(_squash(claim.text), limit - 2 * _MAX_BOLD)
    if claim.emphasis:
        bold = _bold_figures(head, [_squash(p) for p in claim.emphasis], once=True)
    else:  # analysed before claims had emphasis
        bold = _bold_figures(head, claim.numbers)
    parts = [bold or "_(empty claim)_"]
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


def quote_line(quote: Quote, *, limit: int = _QUOTE_CHARS) -> str:
    """One quote as a mrkdwn block quote; an unattributed quote says so and never borrows a speaker."""
    content = _fit(quote.content, limit)
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
    left_out = sum(item.words for item in analysis.left_out)
    if left_out > 0:
        parts.append(f"{_plural(left_out, 'word')} left out")
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
        items = [_fit(e.text, _ENTITY_CHARS) + (f" ({e.count})" if e.count_known else "") for e in chosen]
        header = f"*{title}*\n"
        fields.append(_md(header + _join_cut(items, ", ", _ENTITY_FIELD_CHARS - len(header))))
    return SectionBlock(fields=fields, block_id="entities") if fields else None


def _actions(key: str, *, show_all: bool, share: bool, story: str | None = None) -> ActionsBlock:
    value = action_value(key)
    buttons: list[ButtonElement | OverflowMenuElement] = []
    if show_all:
        buttons.append(_button(BUTTON_SHOW_ALL, ACTION_SHOW_ALL, value, "primary"))
    if share:
        buttons.append(_button(BUTTON_SHARE, ACTION_SHARE, value))
    buttons.append(_button(BUTTON_REANALYSE, ACTION_REANALYSE, value))
    if story is not None:
        buttons.append(story_menu(story))
    return ActionsBlock(elements=buttons, block_id="actions")


def story_menu(story: str) -> OverflowMenuElement:
    """The reply's menu: correct a quote (the full lists with a menu on each quote), forget the story."""
    options = [
        Option(text=PlainTextObject(text=MENU_CORRECT), value=f"fix|{story}"),
        Option(text=PlainTextObject(text=MENU_FORGET), value=f"forget|{story}"),
    ]
    return OverflowMenuElement(action_id=ACTION_STORY_MENU, options=options)


def parse_story_menu(value: str | None) -> tuple[str, str] | None:
    """("fix" or "forget", story id) from the reply menu's value."""
    action, _, story = (value or "").partition("|")
    return (action, story) if action in ("fix", "forget") and story else None


def _message(fallback: str, canvas: _Canvas) -> Message:
    return {"text": fallback, "blocks": canvas.blocks}


def _any_shortened(claims: Sequence[Claim], quotes: Sequence[Quote]) -> bool:
    """Whether a reply shortens any of these claims or quotes (so it must offer the full lists)."""
    return any(_squash(c.text) != _shorten(_squash(c.text), _CLAIM_CHARS - 2 * _MAX_BOLD) for c in claims) or any(
        _squash(q.content) != _shorten(_squash(q.content), _QUOTE_CHARS) for q in quotes
    )


def analysis_message(
    analysis: Analysis,
    *,
    cached: bool = False,
    max_claims: int = 5,
    max_quotes: int = 5,
    key: str | None = None,
    shareable: bool = True,
    story: str | None = None,
    memory: Recall | None = None,
) -> Message:
    """The threaded reply for one analysis: headline, summary, key claims, quotes, names and buttons.

    Buttons need ``key`` (the cache key); "All quotes & claims" only appears when a list or a text was cut, and
    ``shareable=False`` drops "Share in channel" (for a reply already posted in the channel). With
    ``story`` (its id) a menu offers to correct a quote or forget the story. ``memory`` is what the channel's
    earlier stories say about this one, added under *Worth checking*.
    """
    canvas = _Canvas()
    actions_size = len(BUTTON_SHOW_ALL + BUTTON_SHARE + BUTTON_REANALYSE + MENU_CORRECT + MENU_FORGET)
    if key is not None:
        canvas.reserve(1, actions_size)
    canvas.add(_section(_headline(analysis), "headline"))
    canvas.add(_context(_context_line(analysis, cached), "meta"))
    summary = " ".join(_squash(s) for s in analysis.summary if _squash(s))
    if summary:
        # the summary's figures in bold as the claims' are: the phrases the analysis found in its claims
        phrases = [_squash(p) for c in analysis.claims for p in c.emphasis]
        head = _shorten(_squash(summary), _SUMMARY_CHARS - 2 * _MAX_BOLD)
        canvas.add(_section(_bold_figures(head, phrases, once=True), "summary"))
    hint = f" · tap *{escape_mrkdwn(BUTTON_SHOW_ALL)}*" if key is not None else ""

    chosen = plan(analysis, max_claims=max_claims, max_quotes=max_quotes)
    claims = [c.claim.model_copy(update={"text": c.text, "attribution": c.attribution}) for c in chosen.claims]
    quotes = [
        q.quote.model_copy(update={"content": q.content, "speaker": q.speaker, "speaker_role": q.role})
        for q in chosen.quotes
    ]
    notes = [f":grey_question: {_fit(n, _NOTE_CHARS)}" for n in analysis.notes if _squash(n)]
    remembered = worth_checking_lines(memory)
    notes += remembered
    notes_cap = _NOTES_CHARS + (_MEMORY_NOTES_CHARS if remembered else 0)
    shown_claims, shown_quotes, _ = _add_lists(
        canvas,
        _List(
            "Key claims",
            (claim_line(c, i) for i, c in enumerate(claims, 1)),
            chosen.claims_total,
            "claims",
            "claims",
            hint,
            char_cap=_LIST_CHARS,
        ),
        _List(
            "Quotes",
            (quote_line(q) for q in quotes),
            chosen.quotes_total,
            "quotes",
            "quotes",
            hint,
            char_cap=_LIST_CHARS,
        ),
        _List("Worth checking", notes, len(notes), "notes", "notes", char_cap=notes_cap),
    )
    entities = _entities_block(analysis.entities)
    if entities is not None:
        canvas.add(entities)

    if key is not None:
        canvas.reserve(-1, -actions_size)
        # stances, repeats and what gave way are in the full lists
        stances = any(not q.is_statement for q in analysis.quotes)
        cut = shown_claims < chosen.claims_total or shown_quotes < chosen.quotes_total or stances
        cut = cut or _any_shortened(claims[:shown_claims], quotes[:shown_quotes])
        canvas.add(_actions(key, show_all=cut, share=shareable, story=story))
    return _message(_fallback(analysis.headline, summary), canvas)


def full_lists_message(analysis: Analysis, key: str | None = None, story: str | None = None) -> Message:
    """Every claim and quote of an analysis (the "All quotes & claims" button), cut only at Slack's limits.

    With ``key``, a "Share in channel" button lets whoever opened the lists share the analysis. With
    ``story`` (its id) each quote has a menu to correct it (*Wrong speaker…*, *Not a quote*), as many
    as the message has room for, and a button reports a missing quote.
    """
    canvas = _Canvas()
    end_size = (len(BUTTON_SHARE) if key is not None else 0) + (len(BUTTON_ADD_QUOTE) if story else 0)
    if end_size:
        canvas.reserve(1, end_size)
    canvas.add(_section(_headline(analysis), "headline"))
    claims = [
        claim_line(c.model_copy(update={"text": c.shown or c.text}), i, limit=_FULL_TEXT_CHARS, reasons=True)
        for i, c in enumerate(ranked_claims(analysis.claims), 1)
    ]
    ordered = [q for q in ranked_quotes(analysis.quotes) if q.is_statement]
    quotes = [quote_line(q, limit=_FULL_TEXT_CHARS) for q in ordered]
    stances = [quote_line(q, limit=_FULL_TEXT_CHARS) for q in ranked_quotes(analysis.quotes) if not q.is_statement]
    need_claims = sum(len(line) + 1 for line in claims)
    need_quotes = sum(len(line) + 1 for line in quotes + stances)
    if story is not None and ordered:
        need_quotes += len(ordered) * len(MENU_WRONG_SPEAKER + MENU_NOT_A_QUOTE)
    room = canvas.free_chars - 200
    claims_cap = max(room // 2, room - need_quotes) if need_claims + need_quotes > room else None
    quotes_title = f"All quotes ({len(quotes)})"
    stances_list = _List(f"Stances, not quotes ({len(stances)})", stances, len(stances), "stances", "stances")
    if story is None or not ordered:
        _add_lists(
            canvas,
            _List(f"All claims ({len(claims)})", claims, len(claims), "claims", "claims", char_cap=claims_cap),
            _List(quotes_title, quotes, len(quotes), "quotes", "quotes"),
            stances_list,
        )
    else:
        # Claims packed as usual, leaving at least a third of the blocks for quotes with their menus.
        canvas.reserve(min(len(ordered), MAX_BLOCKS // 3) + 2, 0)
        _add_lists(
            canvas,
            _List(f"All claims ({len(claims)})", claims, len(claims), "claims", "claims", char_cap=claims_cap),
        )
        canvas.reserve(-(min(len(ordered), MAX_BLOCKS // 3) + 2), 0)
        _add_quotes_with_menus(canvas, quotes_title, ordered, story)
        if stances:
            _add_list(canvas, stances_list)
    if not claims and not quotes and not stances:
        canvas.add(_section("_No claims or quotes were found in this text._", "empty"))
    if end_size:
        canvas.reserve(-1, -end_size)
        elements = []
        if story is not None:
            elements.append(_button(BUTTON_ADD_QUOTE, ACTION_ADD_QUOTE, story))
        if key is not None:
            elements.append(_button(BUTTON_SHARE, ACTION_SHARE, action_value(key)))
        canvas.add(ActionsBlock(elements=elements, block_id="list-actions"))
    fallback = f"{len(claims)} claims and {len(quotes)} quotes"
    return _message(_fallback(analysis.headline, fallback), canvas)


def menu_value(action: QuoteMenuAction, story: str, quote: Quote) -> str:
    """The value of a quote's menu option: what to do, the story, and the quote's offsets (well under 150 chars)."""
    return f"{action}|{story}|{quote.start}|{quote.end}"


def parse_menu_value(value: str | None) -> tuple[QuoteMenuAction, str, int, int] | None:
    """(action, story, start, end) from a quote menu's value; None if it is not one of ours."""
    parts = (value or "").split("|")
    if len(parts) != 4 or parts[0] not in ("speaker", "not_quote") or not parts[1]:
        return None
    try:
        start, end = int(parts[2]), int(parts[3])
    except ValueError:
        return None
    action: QuoteMenuAction = "speaker" if parts[0] == "speaker" else "not_quote"
    return action, parts[1], start, end


def quote_menu(story: str, quote: Quote) -> OverflowMenuElement:
    """A quote's correction menu: *Wrong speaker…* (a modal), *Not a quote*."""
    options = [
        Option(text=PlainTextObject(text=MENU_WRONG_SPEAKER), value=menu_value("speaker", story, quote)),
        Option(text=PlainTextObject(text=MENU_NOT_A_QUOTE), value=menu_value("not_quote", story, quote)),
    ]
    return OverflowMenuElement(action_id=ACTION_QUOTE_MENU, options=options)


def _add_quotes_with_menus(canvas: _Canvas, title: str, quotes: Sequence[Quote], story: str) -> None:
    """One section per quote with its menu while blocks last; the rest packed as lines, then "+N more"."""
    canvas.add(_section(f"*{title}*", "quotes-title"))
    menus = 0
    for index, quote in enumerate(quotes):
        rest = len(quotes) - index - 1
        if canvas.free_blocks < (2 if rest else 1):
            break
        block = SectionBlock(
            text=_md(quote_line(quote, limit=_FULL_TEXT_CHARS)),
            block_id=f"quote-{index}",
            accessory=quote_menu(story, quote),
        )
        if not canvas.add(block):
            break
        menus += 1
    left = quotes[menus:]
    if left:
        _add_list(
            canvas,
            _List(
                "More quotes", [quote_line(q, limit=_FULL_TEXT_CHARS) for q in left], len(left), "quotes", "quotes-rest"
            ),
        )


# -- desk memory ------------------------------------------------------------------------------------------


def _story_when(story: StoryRef) -> str:
    """An earlier story's date: its publication date when known, else when it was analysed."""
    if story.published is not None:
        return _day(story.published)
    return _slack_date(story.recorded_at, "{date_short}")


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _story_ref_link(story: StoryRef) -> str:
    """An earlier story's title, linked to the thread it was answered in (else to its page)."""
    target = story.permalink if _safe_url(story.permalink) else story.url
    return f"_{_link(target, story.title, _DIGEST_STORY_REF_CHARS)}_"


def _figure(record: FigureRecord) -> str:
    return f"*{_fit(record.text, 60)}*"


def _figure_about(record: FigureRecord) -> str:
    """What a figure measures and of whom: "Port of Calloway, jobs cut (last year)"."""
    about = ", ".join(_fit(part, 80) for part in (record.subject, record.measure) if _squash(part))
    if record.period is not None and _squash(record.period.text):
        about += f" ({_fit(record.period.text, 60)})"
    return about


def figure_differs_line(note: MemoryNote) -> str:
    """A figure that an earlier story of the channel gave otherwise, with that story's date and thread."""
    if note.figure is None or note.earlier is None or note.story is None:
        return ""
    return (
        f":bar_chart: *Figure differs* — {_figure_about(note.figure)}: {_figure(note.figure)} here, "
        f"{_figure(note.earlier)} in {_story_ref_link(note.story)} ({_story_when(note.story)})"
    )


def seen_before_line(note: MemoryNote, more: int = 0) -> str:
    """A claim an earlier story of the channel made in nearly the same words (and ``more`` other claims the
    same earlier story made: the same story pasted again, say)."""
    if note.claim is None or note.story is None:
        return ""
    claim = _fit(note.claim, _MEMORY_CLAIM_CHARS)
    others = f" and {_plural(more, 'other claim')}" if more else ""
    return (
        f":repeat: *Seen before* — “{claim}”{others} also in {_story_ref_link(note.story)} ({_story_when(note.story)})"
    )


def _speakers(quotes: Iterable[Quote]) -> str:
    names = sorted({_squash(q.speaker) for q in quotes if _squash(q.speaker)})
    return f" ({_join_cut([_fit(n, _SPEAKER_CHARS) for n in names], ', ', 200)})" if names else ""


def story_changes_line(changes: StoryChanges) -> str:
    """What changed in a story since its first analysis: figures, quotes and who is quoted."""
    parts = []
    for change in changes.figures_changed:
        parts.append(f"{_fit(change.after.measure, 60)} {_figure(change.before)} → {_figure(change.after)}")
    if changes.figures_added:
        added = _join_cut([_figure(f) for f in changes.figures_added], ", ", 200)
        parts.append(f"new {'figure' if len(changes.figures_added) == 1 else 'figures'} {added}")
    if changes.figures_removed:
        gone = _join_cut([_figure(f) for f in changes.figures_removed], ", ", 200)
        parts.append(f"{'figure' if len(changes.figures_removed) == 1 else 'figures'} {gone} no longer given")
    for quotes, what in (
        (changes.quotes_added, "added"),
        (changes.quotes_removed, "removed"),
        ([c.after for c in changes.quotes_reworded], "reworded"),
    ):
        if quotes:
            parts.append(f"{_plural(len(quotes), 'quote')} {what}{_speakers(quotes)}")
    for moved in changes.attributions_changed:
        words = _fit(moved.content, 80)
        before = _fit(moved.before, _SPEAKER_CHARS) if _squash(moved.before) else "no one"
        after = f"*{_fit(moved.after, _SPEAKER_CHARS)}*" if _squash(moved.after) else "_no one_"
        parts.append(f"“{words}” now {after} (was {before})")
    when = f" ({_slack_date(changes.first_analysed, '{date_short}')})" if changes.first_analysed else ""
    head = f":pencil2: *Changed since first analysed*{when}: "
    return head + _join_cut(parts, "; ", _MEMORY_NOTE_CHARS - len(head))


def worth_checking_lines(memory: Recall | None) -> list[str]:
    """Desk memory's notes for *Worth checking*: what changed in the story, figures that differ from an earlier
    story of the channel, and claims seen before, each with a link to the earlier story's thread."""
    if memory is None:
        return []
    lines = [story_changes_line(memory.changes)] if memory.changes is not None else []
    lines += [figure_differs_line(n) for n in memory.notes if n.kind == "figure_differs"]
    seen: dict[str, list[MemoryNote]] = {}
    for note in memory.notes:
        if note.kind == "seen_before" and note.story is not None:
            seen.setdefault(note.story.id, []).append(note)
    lines += [seen_before_line(notes[0], len(notes) - 1) for notes in seen.values()]
    return [line for line in lines if line]


def _hit_line(hit: MemoryHit) -> str:
    where = f"{_story_ref_link(hit.story)} · {_story_when(hit.story)}"
    if hit.figure is not None:
        return f"• {_figure(hit.figure)} — {_figure_about(hit.figure)} · {where}"
    if hit.claim is not None:
        attribution = f" _— {_fit(hit.claim.attribution, _ATTRIBUTION_CHARS)}_" if hit.claim.attribution else ""
        return f"• {_fit(hit.claim.text, _DIGEST_CLAIM_CHARS)}{attribution} · {where}"
    return ""


MEMORY_USAGE = (
    "`/nutgraf memory <words>` lists the figures and claims of this channel's earlier stories that have all "
    "those words, newest first, e.g. `/nutgraf memory calloway jobs`."
)


def memory_message(search: MemorySearch) -> Message:
    """The answer to ``/nutgraf memory <words>``, for the asker only: matching figures, then claims."""
    if not search.available:
        text = "Desk memory can't be read right now (Redis is unreachable). Try again in a minute."
        return _simple(f":warning: {text}", text, "memory-error")
    if not search.query:
        return _simple(escape_mrkdwn(MEMORY_USAGE), "Usage: /nutgraf memory &lt;words&gt;", "memory-usage")
    query = _fit(search.query, 200)
    if not search.hits:
        text = f"Nothing in this channel's desk memory has all of *{query}*."
        return _simple(text, f"Nothing in desk memory matches {query}", "memory-empty")
    canvas = _Canvas()
    count = _plural(len(search.hits), "match", "matches")
    where = _channel_ref(search.channel)
    canvas.add(_section(f"*Desk memory for “{query}”* in {where}: {count}, newest first", "memory"))
    figures = [line for h in search.hits if h.kind == "figure" and (line := _hit_line(h))]
    claims = [line for h in search.hits if h.kind == "claim" and (line := _hit_line(h))]
    _add_lists(
        canvas,
        _List("Figures", figures, len(figures), "figures", "memory-figures"),
        _List("Claims", claims, len(claims), "claims", "memory-claims"),
    )
    return _message(_fallback(f"Desk memory for {search.query}: {count}"), canvas)


def _conflict_line(note: MemoryNote) -> str:
    """A conflict for App Home: where, what, the earlier figure and story, the later figure and story."""
    if note.figure is None or note.earlier is None or note.story is None or note.found_in is None:
        return ""
    return (
        f"• {_channel_ref(note.found_in.channel)} · {_figure_about(note.figure)}: {_figure(note.earlier)} in "
        f"{_story_ref_link(note.story)} ({_story_when(note.story)}), {_figure(note.figure)} in "
        f"{_story_ref_link(note.found_in)} ({_story_when(note.found_in)})"
    )


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


def notice_message(text: str) -> Message:
    """A short answer to the person who asked (ephemeral): our own words, which may hold mrkdwn."""
    return _simple(text, _fallback(re.sub(r"[*_`]", "", text)), "notice")


def already_answered_message(permalink: str | None) -> Message:
    """The note to someone who asked again in a thread about a story nutgraf already answered there."""
    safe = _safe_url(permalink)
    where = f"<{safe}|see my answer>" if safe else "see my answer above"
    again = "To run it afresh, mention me with “re-analyse”."
    text = f"I've already analysed this story in this thread: {where}. {again}"
    return _simple(text, f"I've already analysed this story in this thread. {again}", "notice")


#: Why the message a request is about could not be read, by Slack's error code, and what to do about it.
_UNREADABLE = {
    "not_in_channel": "I'm not a member of this channel. Invite me with `/invite @nutgraf`, then ask again.",
    "channel_not_found": "this channel is private or shared and I haven't been added to it. "
    "Add me with `/invite @nutgraf`, then ask again.",
    "missing_scope": "nutgraf isn't allowed to read messages here (missing scope). Ask a workspace admin to "
    "reinstall it with its history scopes, or mention me with the link or text itself.",
    "thread_not_found": "it was deleted or is no longer available. Mention me with the link or text itself.",
    "message_not_found": "it was deleted or is no longer available. Mention me with the link or text itself.",
    "message_deleted": "it was deleted. Mention me with the link or text itself.",
}


def unreadable_message(error: str, *, thread: bool = True) -> Message:
    """One line on why the message to analyse (a thread's first message when ``thread``) could not be read."""
    what = "the first message of this thread" if thread else "that message"
    why = _UNREADABLE.get(error)
    if why is None:
        code = re.sub(r"[^a-z0-9_]", "", error.lower())[:60] or "unknown error"
        why = f"Slack answered `{code}`. Try again in a minute, or mention me with the link or text itself."
    return error_message(f"I can't read {what}: {why}")


def forgotten_message(user: str | None, when: datetime | None = None) -> Message:
    """What a reply that showed a forgotten story becomes (``user``: who forgot it, when known)."""
    moment = when or datetime.now(timezone.utc)
    by = ""
    if user:
        by = " by " + (f"<@{user}>" if re.fullmatch(r"[UW][A-Z0-9]{2,30}", user) else _fit(user, 80))
    text = f":wastebasket: This analysis was removed from nutgraf{by} on {_slack_date(moment)}."
    return _simple(text, "This analysis was removed from nutgraf.", "forgotten")


def forgotten_summary(removed: dict[str, int], edited: int) -> str:
    """What the person who forgot a story is told."""
    parts = [
        f"{_plural(removed.get('cache', 0), 'cached copy', 'cached copies')}",
        f"{_plural(removed.get('digests', 0), 'digest record')}",
        f"{_plural(removed.get('corrections', 0), 'set of corrections', 'sets of corrections')}",
    ]
    parts += [_plural(count, f"{name} record") for name, count in removed.items() if name not in _SUMMARISED]
    return (
        "Forgotten: nutgraf no longer keeps anything of this story ("
        + ", ".join(parts)
        + f" removed) and {_plural(edited, 'message')} that showed it now say so."
    )


_SUMMARISED = frozenset({"cache", "digests", "corrections", "replies", "record"})


def correction_thanks(correction: Correction) -> str:
    """What an editor is told once a correction is kept."""
    words = _fit(correction.content, 200)
    if correction.kind == "speaker":
        return f"Thanks: nutgraf now shows *{_fit(correction.speaker, _SPEAKER_CHARS)}* as the speaker of “{words}”."
    if correction.kind == "not_quote":
        return f"Thanks: nutgraf no longer lists “{words}” as a quote."
    who = _fit(correction.speaker, _SPEAKER_CHARS) or "an unnamed speaker"
    return f"Thanks: nutgraf now lists “{words}” as a quote by *{who}*."


def _modal(callback_id: str, title: str, metadata: str, blocks: list[Block]) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def speaker_modal(quote: Quote, metadata: str) -> dict[str, Any]:
    """The *Wrong speaker…* modal: the quote, and a field for the right speaker."""
    field = PlainTextInputElement(
        action_id=INPUT_SPEAKER,
        initial_value=_shorten(_squash(quote.speaker), 150) or None,
        placeholder=PlainTextObject(text="Who said it, e.g. Dana Whitcombe"),
        max_length=150,
    )
    return _modal(
        VIEW_FIX_SPEAKER,
        "Wrong speaker",
        metadata,
        [
            _section(quote_line(quote), "quote"),
            InputBlock(label=PlainTextObject(text="Right speaker"), element=field, block_id=INPUT_SPEAKER),
        ],
    )


def missing_quote_modal(metadata: str) -> dict[str, Any]:
    """The *A quote is missing…* modal: the words, the speaker and the kind of quote."""
    kinds = [
        Option(text=PlainTextObject(text="Direct (in quotation marks)"), value="direct"),
        Option(text=PlainTextObject(text="Mixed (partly quoted)"), value="mixed"),
        Option(text=PlainTextObject(text="Reported (paraphrase)"), value="indirect"),
    ]
    return _modal(
        VIEW_ADD_QUOTE,
        "A quote is missing",
        metadata,
        [
            InputBlock(
                label=PlainTextObject(text="The words, as in the story"),
                element=PlainTextInputElement(action_id=INPUT_WORDS, multiline=True, max_length=2000),
                block_id=INPUT_WORDS,
            ),
            InputBlock(
                label=PlainTextObject(text="Speaker"),
                element=PlainTextInputElement(action_id=INPUT_SPEAKER, max_length=150),
                block_id=INPUT_SPEAKER,
            ),
            InputBlock(
                label=PlainTextObject(text="Kind"),
                element=StaticSelectElement(action_id=INPUT_KIND, options=kinds, initial_option=kinds[0]),
                block_id=INPUT_KIND,
            ),
        ],
    )


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
        "• `/nutgraf private on|off|status`: answer here but keep nothing (no cache, digests or corrections)\n"
        "• `/nutgraf forget &lt;link&gt;`: remove a story nutgraf analysed, everywhere "
        "(or *Forget this story* on a reply's menu)\n"
        "• `/nutgraf memory &lt;words&gt;`: figures and claims of this channel's earlier stories (only you see it)\n"
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


def _speaker_line(speaker: QuotedSpeaker) -> str:
    who = f"*{_fit(speaker.name, _SPEAKER_CHARS)}*"
    if _squash(speaker.role):
        who += f", {_fit(speaker.role, _ROLE_CHARS)}"
    counts = _plural(speaker.quotes, "quote")
    if speaker.stories > 1:
        counts += f" in {_plural(speaker.stories, 'story', 'stories')}"
    return f"• {who} — {counts}"


def _unnamed_line(digest: Digest) -> str:
    """Quotes from people the stories do not name, grouped, and what was left out of *Most quoted*."""
    parts = []
    if digest.unnamed:
        groups = [f"{_fit(g.label, 40)} ({_plural(g.quotes, 'quote')})" for g in digest.unnamed]
        parts.append("Unnamed: " + _join_cut(groups, " · ", 600))
    if digest.uncounted_quotes:
        left = _plural(digest.uncounted_quotes, "quote")
        parts.append(f"not counted: {left} from documents, reports or no one named")
    text = " — ".join(parts)
    return f"_{text[:1].upper()}{text[1:]}_" if text else ""


def _digest_claim_line(item: DigestClaim, number: int) -> str:
    line = claim_line(item.claim, number, limit=_DIGEST_CLAIM_CHARS)
    return f"{line} · _{_link(item.link, item.story_title, _DIGEST_STORY_REF_CHARS)}_"


_ACROSS_KINDS = (("person", "People"), ("organisation", "Organisations"), ("place", "Places"))


def _across_text(items: Sequence[AcrossStoriesItem]) -> str:
    """*Across stories*: names found in two or more stories, by kind, each with its number of stories."""
    lines = ["*Across stories*"]
    for kind, title in _ACROSS_KINDS:
        names = [f"*{_fit(i.name, _ENTITY_CHARS)}* ({i.stories})" for i in items if i.kind == kind]
        if names:
            lines.append(f"{title}: " + _join_cut(names, " · ", _ACROSS_LINE_CHARS))
    return "\n".join(lines)


def _section_line(item: DigestItem) -> str:
    text = f"*{_link(item.link, item.text, _TITLE_CHARS)}*" if _squash(item.text) else "_(untitled)_"
    detail = _fit(item.detail, _NOTE_CHARS)
    return f"• {text}" + (f" — {detail}" if detail else "")


def digest_message(digest: Digest, channel_name: str | None = None, *, scheduled: bool = False) -> Message:
    """A channel's digest: its stories (each once, linked to its thread), top claims, who was quoted, the
    names found across stories, then any sections other capabilities added.

    An empty window is one line ("Nothing new …" for a scheduled digest).
    """
    canvas = _Canvas()
    where = _channel_ref(digest.channel, channel_name)
    plain_where = f"#{channel_name.lstrip('#')}" if channel_name else "this channel"
    if not digest.stories:
        nothing = "Nothing new analysed" if scheduled else "Nothing analysed"
        canvas.add(_section(f"{nothing} in {where} since {_slack_date(digest.since)}.", "empty"))
        return _message(_fallback(f"{nothing} in {plain_where} in this window."), canvas)
    title = f"Digest for #{channel_name.lstrip('#')}" if channel_name else "Channel digest"
    canvas.add(HeaderBlock(text=PlainTextObject(text=shorten(title, MAX_HEADER_TEXT), emoji=True), block_id="title"))
    window = f"{_slack_date(digest.since)} – {_slack_date(digest.until)}"
    count = _plural(len(digest.stories), "story", "stories")
    canvas.add(_context(f"{window} · {count}", "window"))
    stories, claims, speakers = digest.stories, digest.top_claims, digest.speakers
    unnamed = _unnamed_line(digest)
    across = _across_text(digest.across_stories) if digest.across_stories else ""
    # Room for the lines that follow the lists, so the lists never push them out.
    tail = [text for text in (unnamed, across) if text]
    sections = [s for s in digest.sections if s.items]
    notes = [_List(s.title, [], len(s.items), "items", "").note_size for s in sections]
    canvas.reserve(len(tail) + len(notes), sum(map(len, tail)) + sum(notes))
    _add_lists(
        canvas,
        _List("Stories", map(_story_line, stories), len(stories), "stories", "stories", char_cap=4500),
        _List(
            "Top claims",
            (_digest_claim_line(c, i) for i, c in enumerate(claims[:5], 1)),
            len(claims),
            "claims",
            "claims",
            char_cap=3000,
        ),
        _List("Most quoted", map(_speaker_line, speakers[:8]), len(speakers), "speakers", "speakers", char_cap=1500),
    )
    canvas.reserve(-len(tail), -sum(map(len, tail)))
    if unnamed:
        canvas.add(_context(unnamed, "unnamed"))
    if across:
        canvas.add(_section(across, "across"))
    canvas.reserve(-len(notes), -sum(notes))
    _add_lists(
        canvas,
        *(
            _List(
                _fit(s.title, 100) or "More",
                map(_section_line, s.items),
                len(s.items),
                "items",
                f"section{n}",
                char_cap=1500,
            )
            for n, s in enumerate(sections)
        ),
    )
    fallback = f"Digest: {count} analysed"
    return _message(_fallback(fallback, channel_name and f"in #{channel_name.lstrip('#')}"), canvas)


def home_view(
    stories: Sequence[DigestStory],
    *,
    max_stories: int = 20,
    reaction: str = "mag",
    conflicts: Sequence[MemoryNote] = (),
) -> dict[str, Any]:
    """The App Home tab (for ``views.publish``): what nutgraf does, the latest figure conflicts in the viewer's
    channels (``conflicts``) and the analyses given, in order."""
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
    differ = [line for note in conflicts if (line := _conflict_line(note))]
    if differ:
        _add_lists(canvas, _List("Figures that differ in your channels", differ, len(differ), "conflicts", "conflicts"))
        canvas.add(DividerBlock(block_id="divider-conflicts"))
    if stories:
        lines = (_story_line(s, channel=True) for s in stories[: max(max_stories, 0)])
        _add_lists(canvas, _List("Recent analyses", lines, len(stories), "stories", "recent"))
    else:
        canvas.add(_section("*Recent analyses*\n_Nothing analysed yet._", "recent-0"))
    return View(type="home", blocks=canvas.blocks).to_dict()
