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

from bot.models import LeftOut
from bot.nlp import clutter
from bot.nlp.clutter import count_words

#: Changes whenever normalisation changes what the analysis reads (part of the pipeline version).
VERSION = "2"

_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|<>\s]+)(?:\|([^<>]*))?>")
_SLACK_MENTION = re.compile(r"<[@!][^|<>]*(?:\|([^<>]*))?>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^<>]*))?>")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
#: Line and paragraph separators other than "\n".
_BREAKS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"})
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


@dataclass(frozen=True)
class _Line:
    text: str
    indented: bool
    #: The line's length and that of its first word as a wrapper saw them: before spaces were squashed,
    #: and with a no-break space inside a word.
    length: int
    first: int


def _clean_lines(text: str) -> list[_Line]:
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").translate(_BREAKS))
    lines = []
    for raw in text.split("\n"):
        line = _SPACES.sub(" ", raw)
        bare = raw.strip()
        first = _FIRST_WORD.match(bare)
        indented = line[:2] == "  " or raw[:1] == "\t"
        lines.append(_Line(line.strip(), indented, len(bare), first.end() if first else 0))
    return lines


def _closed(line: str) -> bool:
    return bool(_CLOSED.search(line[-4:]))


def wrap_width(text: str) -> int | None:
    """The width ``text`` was hard-wrapped at, or None when each of its lines is a paragraph of its own."""
    return _wrap_width(_clean_lines(text))


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
        return text[0].islower() and not _closed(before) and clutter.kind_of(before) is None
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
    lines = _clean_lines(text)
    plain = [line.text for line in lines]
    width = _wrap_width(lines)
    indented = sum(line.indented for line in lines if line.text)
    # an indented first line marks a paragraph when most lines are flush left
    indents_mark = width is not None and 0 < indented < sum(1 for line in plain if line) // 2
    gap = 2 if width is not None and _DOUBLE_SPACED.search(text) else 1
    out: list[str] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if not line.text:
            if current:
                out.append(_join(current))
                current = []
            continue
        if current and not (indents_mark and line.indented) and _continues(lines[i - 1], current[0], line, width, gap):
            current.append(line.text)
            continue
        if current:
            out.append(_join(current))
        current = [line.text]
    if current:
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


def _mark_link_lists(paras: Sequence[str], kinds: list[clutter.ClutterKind | None]) -> None:
    """Mark the headlines under a heading such as "Related stories" as clutter: the short lines that are
    not sentences, up to the story's next sentence."""
    i, n = 0, len(paras)
    while i < n:
        if kinds[i] is None or not clutter.opens_list(paras[i]):
            i += 1
            continue
        j = i + 1
        while j < n and j - i <= LISTED_LINKS:
            if kinds[j] is None:
                if clutter.is_sentence(paras[j]) or count_words(paras[j]) > clutter.MAX_HEADLINE_WORDS:
                    break
                kinds[j] = "promo"
            j += 1
        i = j


def _front_matter(body: Sequence[str]) -> set[int]:
    """The short lines above the story's first sentence that belong to the page: the outlet, a name, a
    section label, "Live" (a line of a few words that is not a sentence, up to the first sentence)."""
    front: set[int] = set()
    for i, para in enumerate(body[:FRONT_MATTER]):
        if clutter.is_sentence(para):
            return front
        if count_words(para) <= FRONT_MATTER_WORDS:
            front.add(i)
    return set()


def normalize(raw: str, *, slack: bool = True) -> Normalized:
    """Normalise pasted or fetched text; ``slack`` undoes Slack's escapes and link markup first."""
    text = unslack(raw) if slack else raw
    paras = paragraphs(text)
    kinds = [clutter.kind_of(p) for p in paras]
    _mark_link_lists(paras, kinds)
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
