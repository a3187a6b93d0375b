"""The analysis pipeline: an :class:`~bot.models.Article` in, a validated :class:`~bot.models.Analysis` out.

Every surface (Slack replies, digests, the CLI) goes through :class:`Analyzer`, so they agree.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from bot import __version__
from bot.errors import InputError
from bot.models import Analysis, Article, Claim, FigureRecord, LeftOut, Quote
from bot.nlp import claims, consistency, context, emphasis, entities, figures, normalize, quotes
from bot.nlp.clutter import count_words
from bot.nlp.defuse import defuse
from bot.nlp.fingerprint import fingerprint
from bot.nlp.language import detect_language
from bot.nlp.model import load_model
from bot.nlp.normalize import MIN_TEXT_WORDS, Normalized, describe_left_out
from bot.nlp.summary import summarize
from bot.textio import BINARY_MESSAGE

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

#: How much more cleaned input than ``max_chars`` normalisation reads: clutter and footers it removes make the
#: text shorter, and reading all of a huge input would only be to throw it away.
READ_FACTOR = 4
#: Share of control characters above which input is taken for binary data.
MAX_CONTROL_SHARE = 0.01


def pipeline_version(model_name: str) -> str:
    """Identifies everything that shapes an Analysis; cache keys include it, so upgrades never serve stale work."""
    return (
        f"{__version__}+q{quotes.VERSION}.c{claims.VERSION}.n{normalize.VERSION}.f{figures.VERSION}"
        f".x{context.VERSION}.e{entities.VERSION}.b{emphasis.VERSION}.{model_name}"
    )


def check_text(raw: str) -> None:
    """Raise :class:`InputError` for input that is not text worth analysing."""
    sample = raw[:20_000]
    if "\x00" in sample or (
        sample and sum(ord(c) < 32 and c not in "\n\r\t\f" for c in sample) / len(sample) > MAX_CONTROL_SHARE
    ):
        raise InputError(BINARY_MESSAGE)
    if sample.lstrip().startswith("%PDF-"):
        raise InputError("That is a PDF file. nutgraf reads web pages and plain text: paste the article's text.")
    if not raw.strip():
        raise InputError("There is no text to analyse.")


def _add(left_out: tuple[LeftOut, ...], more: LeftOut) -> tuple[LeftOut, ...]:
    """``left_out`` with ``more`` added to the item of its kind (or appended)."""
    same = next((item for item in left_out if item.kind == more.kind), None)
    if same is None:
        return (*left_out, more)
    merged = LeftOut(kind=more.kind, words=same.words + more.words, lines=same.lines + more.lines)
    return tuple(merged if item is same else item for item in left_out)


class Analyzer:
    """Runs nutgraf's analysis with one loaded spaCy model."""

    def __init__(self, model_name: str, *, max_chars: int = 100_000) -> None:
        self.model_name = model_name
        self.max_chars = max_chars
        self.version = pipeline_version(model_name)
        self._nlp: Language | None = None

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline, loaded on first use (once per process)."""
        if self._nlp is None:
            self._nlp = load_model(self.model_name)
            self._nlp.max_length = max(self._nlp.max_length, self.max_chars + 1000)
        return self._nlp

    def prepare(self, article: Article) -> tuple[Normalized, list[str]]:
        """Check and normalise an article's text; returns the text to parse and notes for the reader.

        Text past ``max_chars`` is cut at a paragraph break; what normalisation and the cut left out is in
        ``Normalized.left_out`` and described in a note.
        """
        check_text(article.text)
        defused = defuse(article.text)  # before anything reads the text character by character
        norm = normalize.normalize(
            defused.text, slack=article.source.kind == "text", max_chars=READ_FACTOR * self.max_chars
        )
        text = norm.text
        if len(text) > self.max_chars:
            cut = text.rfind("\n", 0, self.max_chars)
            cut = cut if cut > self.max_chars // 2 else self.max_chars
            rest = text[cut:]
            left = LeftOut(kind="length", words=count_words(rest), lines=rest.count("\n\n") + 1)
            norm = dataclasses.replace(norm, text=text[:cut].rstrip(), left_out=_add(norm.left_out, left))
        if len(norm.text.split()) < MIN_TEXT_WORDS:
            raise InputError(f"That is too short to analyse: give at least {MIN_TEXT_WORDS} words or a link.")
        note = describe_left_out(norm.left_out, max_chars=self.max_chars)
        return norm, [*defused.notes, note] if note else defused.notes

    def analyze(self, article: Article, *, id: str | None = None) -> Analysis:
        """Analyse one article; raises :class:`InputError` for input that cannot be analysed."""
        (result,) = self.analyze_many([(id, article)])
        if isinstance(result, InputError):
            raise result
        return result

    def analyze_many(
        self, items: Iterable[tuple[str | None, Article]], *, batch_size: int = 16, n_process: int = 1
    ) -> Iterator[Analysis | InputError]:
        """Analyse many articles in order through ``nlp.pipe``; bad input yields its error in place.

        Items are read and prepared only as ``nlp.pipe`` asks for texts, so any number of them can stream
        through one pipe (and one set of worker processes when ``n_process`` > 1).
        """
        # What was prepared, in input order, and not yet yielded: a refused item's error, or what its
        # result is built from when its doc comes out of the pipe.
        pending: deque[tuple[str | None, Article, Normalized, list[str], str] | InputError] = deque()

        def texts() -> Iterator[str]:
            for id_, article in items:
                try:
                    norm, notes = self.prepare(article)
                except InputError as exc:
                    pending.append(exc)
                    continue
                pending.append((id_, article, norm, notes, detect_language(norm.text)))
                yield norm.text

        for doc in self.nlp.pipe(texts(), batch_size=batch_size, n_process=n_process):
            item = pending.popleft()
            while isinstance(item, InputError):
                yield item
                item = pending.popleft()
            id_, article, norm, notes, language = item
            yield self._build(article, norm, notes, language, doc, id_)
        for item in pending:  # items refused after the last text
            if not isinstance(item, InputError):
                raise RuntimeError("nlp.pipe returned fewer docs than it was given texts")
            yield item

    def _build(
        self, article: Article, norm: Normalized, notes: list[str], language: str, doc: Doc, id_: str | None
    ) -> Analysis:
        source = article.source.model_copy()
        if not source.title and norm.headline:
            source.title = norm.headline
        if not source.author and norm.byline:
            source.author = norm.byline
        found_quotes: list[Quote] = []
        found_claims: list[Claim] = []
        found_figures: list[FigureRecord] = []
        analysed_at = datetime.now(timezone.utc)
        if language == "en":
            found_quotes = context.verbatim(doc.text, quotes.extract_quotes(doc))
            found_claims = [
                claim.model_copy(update={"emphasis": emphasis.phrases(doc, claim.start, claim.end, claim.text)})
                for claim in claims.extract_claims(doc, found_quotes)
            ]
            found_claims = context.standalone(doc, found_claims, found_quotes)
            reference = figures.story_date(source.published, analysed_at.date())
            found_figures = figures.extract(doc, found_quotes, found_claims, reference=reference)
            notes = notes + consistency.check(doc, found_figures)
        else:
            notes = [
                *notes,
                f"This text looks like it is not in English (detected: {language}); "
                "nutgraf only extracts claims and quotes from English.",
            ]
        return Analysis(
            id=id_,
            source=source,
            language=language,
            word_count=sum(not (t.is_punct or t.is_space) for t in doc),
            pipeline_version=self.version,
            summary=summarize(doc, found_claims, headline=source.title),
            quotes=found_quotes,
            claims=found_claims,
            entities=entities.extract_entities(doc) if language == "en" else [],
            figures=found_figures,
            notes=notes,
            left_out=list(norm.left_out),
            analysed_at=analysed_at,
            fingerprint=fingerprint(norm.text),
        )
