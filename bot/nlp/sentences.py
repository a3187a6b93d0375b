"""Sentence boundaries the parser must respect: paragraphs, and closing quotation marks.

The parser finds sentence boundaries as it parses, and it keeps any boundary set before it runs
(``Token.is_sent_start`` True or False). :func:`paragraph_sentences` runs before it and sets two kinds:

- a sentence starts after every line break: the normalised text has one paragraph a line, so no sentence
  crosses a paragraph (or a list item, a heading, a transcript line);
- a closing mark never starts a sentence. In ``… he said."\\n\\nWinnipeg …`` the parser would otherwise end
  the sentence at the full stop and start the next one with the quotation mark, gluing it to the next
  paragraph; the mark belongs to the sentence it closes. The same holds for a closing bracket, and for
  the line break itself;
- an opening mark written against the word it opens, after a full stop, question or exclamation mark and a
  space, starts a sentence (``… said Grace Okafor. ''Close it …``): the parser may otherwise end the
  sentence after the mark.

All three are decided from the characters alone, in one pass over the tokens.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token

from bot.nlp.marks import OPENERS

COMPONENT = "paragraph_sentences"

#: Marks that close what they follow when written against it (no space before).
_CLOSERS = frozenset({'"', "''", "”", "’", "'", "»", "›", ")", "]", "}"})
#: Marks that close in any position.
_ALWAYS_CLOSING = frozenset({"”", "»", ")", "]", "}"})
#: Marks that may open a quotation, as tokens ("``" is two tokens, each "`"; "''" is one).
_OPENERS = frozenset({*OPENERS, "''"})
_SENTENCE_END = frozenset({".", "!", "?"})


def _closes(token: Token) -> bool:
    """Whether ``token`` is a closing mark attached to the word or mark before it."""
    if token.text not in _CLOSERS or token.i == 0:
        return False
    before = token.doc[token.i - 1]
    if before.whitespace_ or before.is_space:
        return False
    if token.text in _ALWAYS_CLOSING:
        return True
    # a straight or single mark against the word before it closes unless a word follows it at once
    # ('said:"We …' opens)
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return bool(token.whitespace_) or after is None or after.is_punct or after.is_space


def _opens_sentence(token: Token) -> bool:
    """Whether ``token`` opens a quotation right after the end of a sentence."""
    if token.text not in _OPENERS or token.whitespace_ or token.i < 1 or token.i + 1 >= len(token.doc):
        return False
    before, after = token.doc[token.i - 1], token.doc[token.i + 1]
    return bool(before.whitespace_) and before.text in _SENTENCE_END and not (after.is_space or after.is_punct)


@Language.component(COMPONENT)
def paragraph_sentences(doc: Doc) -> Doc:
    """Set sentence starts after line breaks, and forbid them on closing marks and on the breaks."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if token.is_space:
            token.is_sent_start = False
        elif before.is_space and "\n" in before.text:
            token.is_sent_start = True
        elif _closes(token):
            token.is_sent_start = False
        elif _opens_sentence(token):
            token.is_sent_start = True
            inside = token.i + 1  # the rest of the mark and the word it opens stay in its sentence
            while inside < len(doc) and doc[inside - 1].text in _OPENERS and not doc[inside - 1].whitespace_:
                doc[inside].is_sent_start = False
                inside += 1
    return doc
