"""Text normalisation before parsing: Slack markup, paragraphs, the headline, the byline and page clutter.

The text handed to spaCy (:attr:`Normalized.text`) is the story alone, one paragraph a line with a blank
line between paragraphs; offsets in an :class:`~bot.models.Analysis` index it. On the way:

1. Slack's markup is undone for message text (links to their labels, mentions removed, ``&amp;`` escapes).
2. Lines are cleaned: line endings unified, invisible characters dropped, runs of spaces squashed.
3. Paragraphs are rebuilt (:func:`paragraphs`). A blank line always ends one, and so does a list item, a
   heading or a transcript line ("WALLACE: …"). A single line break is a paragraph break in text whose
   every line is a paragraph (web pages, most Slack pastes) and a soft wrap in hard-wrapped text (e-mail,
   PDF copy, a terminal at 72-80 columns), told apart by line-length statistics and line endings.
4. Page clutter is removed as whole paragraphs and the page's footer cut (:mod:`bot.nlp.clutter`).
5. The headline (a first line in a headline's shape) and the byline (near the top, in a byline's shape)
   are taken out: they become the source's title and author.

Nothing is dropped silently: the words of every removed line are counted in :attr:`Normalized.left_out`,
and the pipeline turns that into a note for the reader. Every pass is linear in the length of the input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from bot.models import LeftOut
from bot.nlp import clutter
from bot.nlp.clutter import count_words

#: Changes whenever normalisation changes what the analysis reads (part of the pipeline version).
VERSION = "2"

_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|<>\s]+)(?:\|([^<>]*))?>")
_SLACK_MENTION = re.compile(r"<[@!][^|<>]*(?:\|([^<>]*))?>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^<>]*))?>")
#: Characters that take no room: zero-width spaces and joiners, soft hyphens, direction marks, the BOM.
_INVISIBLE = tuple(
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff"
)
#: Two or more line breaks with nothing but spaces between them: one blank line.
_BLANK_RUN = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
#: Line and paragraph separators other than "\n", in the order they are replaced.
_BREAKS = (
    ("\r\n", "\n"),
    ("\r", "\n"),
    ("\v", "\n"),
    ("\f", "\n"),
    ("\x85", "\n"),
    ("\u2028", "\n"),
    ("\u2029", "\n\n"),
)
_FIRST_WORD = re.compile(r"[^ \t]*")
_FINAL_PUNCTUATION = tuple(".!?…:;\"'”’)")
#: How a line ends when it closes a sentence (or a clause before a list).
_STOPS = (".", "!", "?", '."', ".”", "?”", "!”", '?"', '!"')
#: Two spaces after a full stop, as some typists put them.
_DOUBLE_SPACED = re.compile(r"[.!?][\"”’)]? {2}[A-Z\"“]")
_SUSPENDED = re.compile(r"(?:and|or|nor|to)(?=\s|$)")
_CLOSED = re.compile(r"(?:[.!?…:;]|[.!?…][\"'”’)\]»]+)$")
_BULLET = re.compile(r"^[•▪◦●○■□►▸‣⁃∙·*]\s*\S")
_LIST_ITEM = re.compile(r"^(?:[-–—]\s+\S|\(?(?:\d{1,3}|[a-z])[.)]\s+\S|\([A-Za-z]\)\s+\S)")
#: A transcript line: a speaker's name in capitals, or "Q:"/"A:", then a colon ("WALLACE: …").
_SPEAKER_LINE = re.compile(r"^(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}|Q|A)\s*:\s")
#: A speaker named in ordinary case ("Chris Wallace: …"), taken as a turn only after a closed line.
_NAMED_LINE = re.compile(r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,2}\s*:\s")

_INITIALS = r"(?:[A-Z]\.){1,3}"
_NAME_WORD = rf"(?:{_INITIALS}|[A-Z][a-z]?[A-Za-z'’]*(?:-[A-Z]?[A-Za-z'’]+)*)"
_PARTICLE = r"(?:de|da|del|della|di|du|la|le|van|von|der|den|ter|al|el|bin|ibn|ben|dos|das|mac)"
_PERSON = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_WORD}){{0,3}}"
_BYLINE = re.compile(
    rf"^(?:(?:written|story|words|reporting|text)\s+)?(?:by|By|BY)\s*:?\s+(?P<names>(?:(?:the|The|THE)\s+)?{_PERSON}"
    rf"(?:(?:\s*,\s*{_PERSON}){{0,3}}\s*,?\s+(?:and|AND|&)\s+{_PERSON})?)"
    rf"(?P<tail>\s*(?:[,|·•/–—-]|\bin\b|\bfor\b|\bwith\b|(?=\s(?:The|THE)\s)).{{0,100}})?$"
)
#: First words of "By …" that begin a sentence, not a name ("By Monday, you will have …").
_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december spring summer autumn fall winter christmas easter thanksgiving
    halloween ramadan diwali hanukkah eid passover then now noon midnight tonight today tomorrow yesterday
    law contrast comparison design default far way most some many this that these those next last early
    late mid end dawn dusk nightfall sunrise sunset morning afternoon evening night day week month year
    election all every each one two three four five six seven eight nine ten no not nearly about around
    almost more less over under comparison definition""".split()
)
#: Words that make the rest of a "By …" line a clause, not an outlet or a date.
_CLAUSE_WORDS = frozenset(
    """i you he she it we they will would can could should must may might shall has have had is are was were
    be been being do does did am not there this that these those its their our my your his her""".split()
)
MAX_HEADLINE_CHARS = 200
#: Fewest words worth analysing: the pipeline refuses shorter text, and shorter message text is not taken
#: as something to analyse.
MIN_TEXT_WORDS = 5
#: Most headlines taken as a list of links under a heading such as "Related stories".
LISTED_LINKS = 10
_LINKING = frozenset("of the and for by in at on from with to & de da van von".split())
#: Lines above the story's first sentence looked at as the page's front matter, and the most words one has.
FRONT_MATTER = 5
FRONT_MATTER_WORDS = 6
#: A byline is looked for in this many paragraphs after the headline.
BYLINE_PARAGRAPHS = 4
#: A line whose next word would have fitted in this share of the wrap width ends its paragraph.
SHORT_LINE = 1.0
#: Hard-wrapped text: most lines that go on to another line are at least this share of the wrap width...
FULL_LINE = 0.75
#: ... and almost no line with a space in it is longer than the wrap width by more than this share.
LONG_LINE = 1.15


@dataclass(frozen=True)
class Removed:
    """A paragraph normalisation took out of the story, and why."""

    kind: clutter.ClutterKind
    text: str


@dataclass(frozen=True)
class Normalized:
    """The text to analyse, and what normalisation took out of it."""

    text: str
    headline: str | None = None
    byline: str | None = None
    #: Words left out of ``text`` (the headline and byline aside), by kind.
    left_out: tuple[LeftOut, ...] = ()
    #: The paragraphs removed, in text order (``kind`` "footer" for every paragraph of the footer).
    removed: tuple[Removed, ...] = ()


def unslack(text: str) -> str:
    """Turn Slack's message markup into plain text: links to their labels, mentions removed, escapes undone."""
    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _SLACK_CHANNEL.sub(lambda m: "#" + m.group(1) if m.group(1) else "", text)
    text = _SLACK_MENTION.sub(lambda m: m.group(1) or "", text)
    return html.unescape(text) if "&" in text else text


class _Line(NamedTuple):
    #: The line with its spaces squashed and stripped.
    text: str
    #: The line as written, which a wrapper measured: before spaces were squashed, with a no-break space
    #: inside a word.
    raw: str

    @property
    def length(self) -> int:
        return len(self.raw.strip())

    @property
    def first(self) -> int:
        """Length of the first word, as a wrapper saw it."""
        match = _FIRST_WORD.match(self.raw.strip())
        return match.end() if match else 0

    @property
    def indented(self) -> bool:
        return self.raw[:2] in ("  ", " \t") or self.raw[:1] == "\t"


def _clean_text(text: str) -> str:
    """Line breaks unified, invisible characters dropped, runs of blank lines made one blank line.

    Each step is one pass of a string method, and only for characters the text holds: a text of millions
    of zero-width spaces or line separators is cleaned at the speed of ``str.replace``.
    """
    for old, new in _BREAKS:
        if old in text:
            text = text.replace(old, new)
    for invisible in _INVISIBLE:
        if invisible in text:
            text = text.replace(invisible, "")
    return _BLANK_RUN.sub("\n\n", text)


def _clean_lines(text: str) -> list[_Line]:
    """The lines of cleaned text: each pass over the whole text at once, then one small step a line."""
    raws = text.split("\n")
    squashed = _SPACES.sub(" ", text).split("\n")
    return [_Line(line.strip(), raw) for line, raw in zip(squashed, raws, strict=True)]


def _closed(line: str) -> bool:
    return bool(_CLOSED.search(line[-4:]))


def wrap_width(text: str) -> int | None:
    """The width ``text`` was hard-wrapped at, or None when each of its lines is a paragraph of its own."""
    return _wrap_width(_clean_lines(_clean_text(text)))


def _wrap_width(lines: Sequence[_Line]) -> int | None:
    """Hard-wrapped text has lines of about the same length that run on into the next line: most lines
    followed by another are near the wrap width and do not end a sentence, and hardly any line with a
    space in it is longer than the width (a long link cannot be wrapped). The width is the longest such
    line, leaving out the longest 2% (a line someone typed past the margin).
    """
    firsts = [a for a, b in pairwise(lines) if a.text and b.text and " " in a.text]
    if not firsts:
        return None
    lengths = sorted(a.length for a in firsts)
    width = lengths[max(0, -(-49 * len(lengths) // 50) - 1)]
    if width < 30:
        return None
    full = sum(n >= FULL_LINE * width for n in lengths)
    running = sum(not _closed(a.text) for a in firsts)
    spaced = [line for line in lines if " " in line.text]
    long = sum(line.length > LONG_LINE * width + 5 for line in spaced)
    if 2 * full < len(firsts) or 2 * running < len(firsts) or long > 0.02 * len(spaced):
        return None
    return width


def _starts_paragraph(line: str, before: str, opener: str, short: bool) -> bool:
    """Whether ``line`` opens a paragraph of its own after ``before``, even without a blank line.

    ``opener`` is the first line of the paragraph ``before`` belongs to; ``short``: the first word of
    ``line`` would have fitted on ``before`` (hard-wrapped text only).
    """
    if _BULLET.match(line):
        return True
    if _LIST_ITEM.match(line):
        # "24. The request …" after "… on Jan." is a wrapped sentence, not a numbered list
        listed = bool(_BULLET.match(opener) or _LIST_ITEM.match(opener)) and _closed(before)
        return short or before.endswith(":") or listed
    if _NAMED_LINE.match(line) and not _SPEAKER_LINE.match(line):
        return short and _closed(before)
    if not (short or _closed(before)):
        return False
    if _SPEAKER_LINE.match(line) or byline_of(line) is not None:
        return True
    if _is_heading(line) and _closed(before) and not _closed(line):
        return True
    # a paragraph's last few words ("Listen.") can look like furniture: a clutter line is a line of its own
    # only where the line above had room for its first word
    return short and clutter.kind_of(line) is not None


def _is_heading(line: str) -> bool:
    """A short line in capitals ("BACKGROUND", "WHAT HAPPENS NEXT")."""
    return len(line) <= 80 and not any(c.islower() for c in line) and sum(c.isupper() for c in line) >= 3


def _continues(above: _Line, opener: str, line: _Line, width: int | None, gap: int = 1) -> bool:
    """Whether ``line`` goes on the paragraph that ``above`` (the line above it) and ``opener`` begin.

    ``gap`` is the number of spaces the text puts after a full stop (some typists still put two).
    """
    text, before = line.text, above.text
    if width is None:
        # every line is a paragraph, unless it plainly runs on: "the mayor said\nthat taxes …"
        return text[0].islower() and not _closed(before)
    room = above.length + (gap if before.endswith(_STOPS) else 1) + line.first
    short = room <= SHORT_LINE * width
    if _starts_paragraph(text, before, opener, short):
        return False
    if short and not text[0].islower() and clutter.kind_of(before) is not None:
        return False
    if not short or text[0].islower():
        return True
    # the next word would have fitted on the line above: that line ended its paragraph, if it ended a
    # sentence or is much shorter than the rest (a heading, an address line)
    return not (_closed(before) or room <= 0.6 * width)


def _join(parts: list[str]) -> str:
    out = [parts[0]]
    for before, part in pairwise(parts):
        # a word the wrapper broke at its hyphen ("well-\nknown") is joined without a space, a suspended
        # hyphen ("third-\nand fourth-most") with one
        glue = " "
        if len(before) > 1 and before[-1] == "-" and before[-2].isalpha() and part[0].isalpha():
            glue = " " if _SUSPENDED.match(part) else ""
        out.append(glue)
        out.append(part)
    return "".join(out)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text``, each on one line: hard-wrapped lines re-flowed, blank lines dropped."""
    return [para.text for para in _paragraphs(_clean_text(text))]


class _Paragraph(NamedTuple):
    text: str
    #: Whether a blank line sets it off from the paragraph before.
    after_blank: bool


def _paragraphs(text: str) -> list[_Paragraph]:
    lines = _clean_lines(text)
    width = _wrap_width(lines)
    indented = sum(line.indented for line in lines if line.text)
    # an indented first line marks a paragraph when most lines are flush left
    indents_mark = width is not None and 0 < indented < sum(1 for line in lines if line.text) // 2
    gap = 2 if width is not None and _DOUBLE_SPACED.search(text) else 1
    out: list[_Paragraph] = []
    start = 0
    for end in range(len(lines) + 1):
        if end < len(lines) and lines[end].text:
            continue
        if end > start:
            block = lines[start:end]
            first = len(out)
            out.extend(_Paragraph(p, False) for p in _block_paragraphs(block, width, gap, indents_mark))
            out[first] = _Paragraph(out[first].text, start > 0)
        start = end + 1
    return out


def _block_paragraphs(block: Sequence[_Line], width: int | None, gap: int, indents_mark: bool) -> list[str]:
    """The paragraphs of a block of lines between blank lines."""
    if width is not None and not _closed(block[-1].text):
        # in hard-wrapped text, a block that does not end a sentence is not running text: a headline with its
        # standfirst and byline, an address, a list of links. Each line stands alone unless it plainly runs
        # on, but a caption or promo wrapped over lines is one piece of furniture.
        whole = _split_block(block, width, gap, indents_mark)
        if len(whole) == 1 and clutter.kind_of(whole[0]) is not None:
            return whole
        width = None
    return _split_block(block, width, gap, indents_mark)


def _split_block(block: Sequence[_Line], width: int | None, gap: int, indents_mark: bool) -> list[str]:
    out: list[str] = []
    current = [block[0].text]
    for above, line in pairwise(block):
        if not (indents_mark and line.indented) and _continues(above, current[0], line, width, gap):
            current.append(line.text)
        else:
            out.append(_join(current))
            current = [line.text]
    out.append(_join(current))
    return out


def _is_headline(line: str, rest_chars: int) -> bool:
    return (
        0 < len(line) <= MAX_HEADLINE_CHARS
        and not line.endswith(_FINAL_PUNCTUATION)
        and len(line.split()) >= 2
        and rest_chars > len(line)
    )


#: A name followed by a newsroom role, as some sites print a byline without "By"
#: ("Rhys Morgan North of England correspondent", "Mara Ellison, Political Reporter").
_ROLE_BYLINE = re.compile(
    rf"^(?P<names>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}?)\s*[,|·–—-]?\s+(?:[\w.'’&-]+\s+){{0,5}}"
    r"(?i:correspondent|editor|reporter|writer|columnist|journalist|contributor|critic|analyst)$"
)


def byline_of(line: str) -> str | None:
    """The names in a byline ("By Ana Ruiz and Tom Wu, The Herald" gives "Ana Ruiz and Tom Wu"), or None.

    A byline is a whole line: "By", names, then at most an outlet, a role, a place or a date. A sentence that
    starts with "By" ("By Monday, you will have …") is never one.
    """
    if len(line) > 200 or not line[:2].isalpha():
        return None
    match = _BYLINE.match(line)
    if match is None:
        role = _ROLE_BYLINE.match(line)
        return role.group("names") if role is not None and line[0].isupper() else None
    names = match.group("names")
    first = names.split()[0].lower()
    if first in ("the",):
        first = names.split()[1].lower() if len(names.split()) > 1 else first
    if first.rstrip("'’s") in _NOT_NAMES or first in _NOT_NAMES:
        return None
    tail = match.group("tail") or ""
    tail_words = [w.strip(",.;:!?()[]\"'“”‘’").lower() for w in tail.split()]
    if any(w in _CLAUSE_WORDS for w in tail_words) or len(tail_words) > 16:
        return None
    last = line.split()[-1]
    if last.endswith((".", "!", "?")) and not last.endswith(("..", "…")) and re.search(r"[a-z]{3,}[.!?]$", last):
        return None  # a sentence's end ("… will be ready.")
    return names.strip()


def _mark_link_lists(paras: Sequence[_Paragraph], kinds: list[clutter.ClutterKind | None], blocks: bool) -> None:
    """Mark the headlines under a heading such as "Related stories" as clutter: the short lines that are
    not sentences, up to the story's next sentence, and (``blocks``: the text sets off its paragraphs with
    blank lines) within the heading's block of lines."""
    i, n = 0, len(paras)
    while i < n:
        if kinds[i] not in ("promo", "footer") or not clutter.opens_list(paras[i].text):
            i += 1
            continue
        j = i + 1
        while j < n and j - i <= LISTED_LINKS and not (blocks and paras[j].after_blank):
            line = paras[j].text
            if kinds[j] is None:
                if clutter.is_sentence(line) or line.endswith(":") or count_words(line) > clutter.MAX_HEADLINE_WORDS:
                    break
                kinds[j] = "promo"
            j += 1
        i = j


def _name_shaped(line: str) -> bool:
    """Whether every word of the line is capitalised, or a short linking word ("Press Trust of India")."""
    return all(w[:1].isupper() or not w[:1].isalpha() or w in _LINKING for w in line.split())


def _front_matter(body: Sequence[str]) -> set[int]:
    """The short lines above the story's first sentence that belong to the page: the outlet, a name, a
    section label, "Live" (a few words, each capitalised, that are not a sentence)."""
    front: set[int] = set()
    for i, para in enumerate(body[:FRONT_MATTER]):
        if clutter.is_sentence(para):
            return front
        if count_words(para) <= FRONT_MATTER_WORDS and _name_shaped(para):
            front.add(i)
    return set()


def normalize(raw: str, *, slack: bool = True, max_chars: int | None = None) -> Normalized:
    """Normalise pasted or fetched text; ``slack`` undoes Slack's escapes and link markup first.

    ``max_chars`` bounds the work on huge input: only that many characters of the cleaned text (blank runs
    and invisible characters gone) are read, at a line break, and the words after them are counted as left
    out (``LeftOut`` of kind "length").
    """
    text = _clean_text(unslack(raw) if slack else raw)
    rest = ""
    if max_chars is not None and len(text) > max_chars:
        cut = text.rfind("\n", 0, max_chars)
        cut = cut if cut > max_chars // 2 else max_chars
        text, rest = text[:cut], text[cut:]
    found = _paragraphs(text)
    paras = [para.text for para in found]
    kinds = [clutter.kind_of(p) for p in paras]
    # paragraphs set off by blank lines: a list of links is one block of lines
    blocks = sum(para.after_blank for para in found) * 2 >= len(found)
    _mark_link_lists(found, kinds, blocks)
    footer = clutter.footer_start(paras, kinds)
    for i in range(footer, len(paras)):
        kinds[i] = "footer"

    # the top: a headline, a byline, and the page's front matter among the lines left
    kept = [i for i in range(footer) if kinds[i] is None]
    headline = byline = None
    if kept and _is_headline(paras[kept[0]], sum(len(paras[i]) for i in kept[1:])):
        headline, kept = paras[kept[0]], kept[1:]
    for n, i in enumerate(kept[:BYLINE_PARAGRAPHS]):
        byline = byline_of(paras[i])
        if byline is not None:
            del kept[n]
            break
        if count_words(paras[i]) > 60:
            break
    for i in _front_matter([paras[i] for i in kept]):
        kinds[kept[i]] = "furniture"

    body = [paras[i] for i in kept if kinds[i] is None]
    removed = tuple(Removed(kind, para) for para, kind in zip(paras, kinds, strict=True) if kind is not None)
    left_out = []
    in_story = [paras[i] for i in range(footer) if kinds[i] is not None]
    if in_story:
        words = sum(count_words(p) for p in in_story)
        left_out.append(LeftOut(kind="clutter", words=words, lines=len(in_story)))
    if footer < len(paras):
        words = sum(count_words(p) for p in paras[footer:])
        left_out.append(LeftOut(kind="footer", words=words, lines=len(paras) - footer))
    if rest.strip():
        lines = sum(1 for line in rest.split("\n") if line.strip())
        left_out.append(LeftOut(kind="length", words=count_words(rest), lines=lines))
    return Normalized(
        text="\n\n".join(body),
        headline=headline,
        byline=byline,
        left_out=tuple(left_out),
        removed=removed,
    )


def describe_left_out(left_out: Sequence[LeftOut], *, max_chars: int | None = None) -> str | None:
    """A note for the reader on the words left out ("12 words of page clutter (2 lines) and a 40-word page
    footer were left out."), or None when nothing was."""
    parts = []
    for item in left_out:
        if item.kind == "clutter":
            lines = "1 line" if item.lines == 1 else f"{item.lines:,} lines"
            parts.append(f"{_words(item.words)} of page clutter ({lines})")
        elif item.kind == "footer":
            parts.append(f"a {item.words:,}-word page footer")
        else:
            limit = f"the first {max_chars:,} characters" if max_chars else "the length limit"
            parts.append(f"{_words(item.words)} after {limit}")
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "was" if len(parts) == 1 and (listed.startswith("a ") or listed.startswith("1 word ")) else "were"
    return f"{listed[0].upper()}{listed[1:]} {verb} left out."


def _words(n: int) -> str:
    return "1 word" if n == 1 else f"{n:,} words"
