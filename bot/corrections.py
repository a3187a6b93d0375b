"""Corrections from the desk: a quote's wrong speaker, a quote that is not one, a quote that was missed.

Editors correct quotes from the *All quotes & claims* list in Slack. Corrections are kept per workspace
with the story's text and its quotes as extracted (never for a channel in private mode), applied whenever
the story is shown again, and exported (``nutgraf corrections export``) in the evaluation file format
``{"id", "text", "quotes": [{"speaker", "content", "kind"}]}``, so that ``nutgraf eval`` measures the
pipeline on the desk's own stories. Forgetting a story removes its corrections.

A correction names the quote it corrects by its offsets in the analysed text (the same in every cached
copy of the story), falling back to its words.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from bot import audit, blocks, metrics
from bot.models import Analysis, CorrectedStory, Correction, CorrectionKind, Quote, QuoteKind
from bot.store import Store

if TYPE_CHECKING:
    from bot.service import Service

#: The workspace of requests that carry none (Slack always sends one; a CLI or test may not).
DEFAULT_TEAM = "default"


class CorrectionRequest(BaseModel):
    """One correction made in Slack, to be filed after the ack."""

    key: str
    kind: CorrectionKind
    story: str
    channel: str
    user: str
    team: str | None = None
    thread_ts: str | None = None
    start: int | None = None
    end: int | None = None
    speaker: str | None = None
    content: str | None = None
    quote_kind: QuoteKind | None = None
    received_at: float | None = None


# -- menu values ------------------------------------------------------------------------------------------


def modal_metadata(
    story: str, channel: str, thread_ts: str | None, start: int | None = None, end: int | None = None
) -> str:
    """A modal's ``private_metadata``: where the correction goes."""
    data: dict[str, Any] = {"s": story, "c": channel, "t": thread_ts}
    if start is not None:
        data.update(a=start, b=end)
    return json.dumps(data, separators=(",", ":"))


def parse_modal_metadata(value: str | None) -> dict[str, Any] | None:
    """The fields of :func:`modal_metadata`, or None if the metadata is not ours."""
    try:
        data = json.loads(value or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), str) or not isinstance(data.get("c"), str):
        return None
    return data


# -- applying ---------------------------------------------------------------------------------------------


def _same_quote(quote: Quote, correction: Correction) -> bool:
    if correction.start is not None and (quote.start, quote.end) == (correction.start, correction.end):
        return True
    return correction.start is None and bool(correction.content) and quote.content == correction.content


def apply(quotes: Iterable[Quote], corrections: Iterable[Correction], text: str | None = None) -> list[Quote]:
    """Quotes with the desk's corrections applied in order: speakers replaced, non-quotes dropped, missed
    quotes added (placed where their words are in ``text``, when it is known)."""
    result = list(quotes)
    for correction in corrections:
        if correction.kind == "missing" and correction.content:
            start = text.find(correction.content) if text else -1
            start = max(start, 0)
            result.append(
                Quote(
                    speaker=correction.speaker,
                    content=correction.content,
                    kind=correction.quote_kind or "direct",
                    start=start,
                    end=start + len(correction.content),
                )
            )
        elif correction.kind == "not_quote":
            result = [q for q in result if not _same_quote(q, correction)]
        elif correction.kind == "speaker":
            result = [
                q.model_copy(update={"speaker": correction.speaker, "speaker_mention": None, "speaker_role": None})
                if _same_quote(q, correction)
                else q
                for q in result
            ]
    return result


def corrected(analysis: Analysis, story: CorrectedStory | None) -> Analysis:
    """The analysis as the desk corrected it (unchanged without corrections)."""
    if story is None or not story.corrections:
        return analysis
    return analysis.model_copy(update={"quotes": apply(analysis.quotes, story.corrections, story.text)})


def find_quote(quotes: Iterable[Quote], start: int, end: int) -> Quote | None:
    """The quote at these offsets."""
    return next((q for q in quotes if (q.start, q.end) == (start, end)), None)


def shown_analysis(store: Store, version: str, story: str, team: str | None) -> tuple[Analysis, str] | None:
    """The cached analysis of a story as nutgraf shows it (corrections applied), with its cache key."""
    record = store.story(story)
    if record is None:
        return None
    for key in record.keys:
        cache_key = f"a:{version}:{key}"
        analysis = store.get_analysis(cache_key)
        if analysis is not None:
            return corrected(analysis, store.corrected_story(team or DEFAULT_TEAM, story)), cache_key
    return None


# -- export -----------------------------------------------------------------------------------------------


def export_line(story: CorrectedStory) -> dict[str, Any] | None:
    """A corrected story in the evaluation format, or None when its text was not kept."""
    if not story.text:
        return None
    quotes = apply(story.quotes, story.corrections, story.text)
    return {
        "id": f"{story.team}/{story.story}",
        "text": story.text,
        "quotes": [{"speaker": q.speaker or "", "content": q.content, "kind": q.kind} for q in quotes],
    }


def export_lines(stories: Iterable[CorrectedStory]) -> Iterator[dict[str, Any]]:
    """Every corrected story whose text is known, ordered by its id."""
    for story in sorted(stories, key=lambda s: (s.team, s.story)):
        line = export_line(story)
        if line is not None:
            yield line


def parse_export_id(value: str) -> tuple[str, str] | None:
    """(team, story) of an exported line's id."""
    team, _, story = value.partition("/")
    return (team, story) if team and story else None


# -- filing a correction ----------------------------------------------------------------------------------


def run(service: Service, request: CorrectionRequest) -> None:
    """File a correction made in Slack and tell the editor what nutgraf will show from now on."""
    began = request.received_at or time.time()
    team = request.team or DEFAULT_TEAM
    outcome, reply = _file(service, request, team)
    service.poster.ephemeral(request.channel, request.user, blocks.notice_message(reply), thread_ts=request.thread_ts)
    metrics.request_done("correction", outcome)
    audit.audit(
        "correction",
        team=request.team,
        channel=request.channel,
        user=request.user,
        story=request.story,
        outcome=outcome if outcome != "ok" else f"ok_{request.kind}",
        ms=(time.time() - began) * 1000,
    )


def _file(service: Service, request: CorrectionRequest, team: str) -> tuple[str, str]:
    store = service.store
    if store.get_private(request.channel):
        return "private", "This channel is private to nutgraf, so corrections made here are not kept."
    record = store.story(request.story)
    cached = None
    if record is not None:
        for key in record.keys:
            cache_key = f"a:{service.analyzer.version}:{key}"
            if (analysis := store.get_analysis(cache_key)) is not None:
                cached = analysis, cache_key
                break
    if record is None or cached is None:
        return "not_found", "That analysis is no longer kept, so it cannot be corrected: analyse the story again."
    analysis, cache_key = cached
    shown = corrected(analysis, store.corrected_story(team, request.story))
    target = None
    if request.kind != "missing":
        target = find_quote(shown.quotes, request.start or 0, request.end or 0)
        if target is None:
            return "not_found", "That quote is no longer in the analysis nutgraf keeps: nothing was changed."
    correction = Correction(
        kind=request.kind,
        start=target.start if target else None,
        end=target.end if target else None,
        content=target.content if target else request.content,
        speaker=request.speaker,
        quote_kind=request.quote_kind,
        user=request.user,
        at=datetime.now(timezone.utc),
    )
    snapshot = CorrectedStory(
        story=request.story,
        team=team,
        text=store.get_story_text(cache_key),
        title=analysis.headline,
        keys=record.keys,
        quotes=analysis.quotes,
    )
    if not store.add_correction(team, snapshot, correction):
        return "unavailable", "I couldn't save that: my database (Redis) is unreachable. Please try again shortly."
    return "ok", blocks.correction_thanks(correction)


# -- requests from Slack payloads (pure) --------------------------------------------------------------------


def _input(view: dict[str, Any], block: str) -> Any:
    """The state of one input block's element."""
    element = ((view.get("state") or {}).get("values") or {}).get(block) or {}
    return next(iter(element.values()), {}) if isinstance(element, dict) else {}


def _typed(view: dict[str, Any], block: str) -> str:
    return " ".join(str(_input(view, block).get("value") or "").split())


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id") or "")


def speaker_request(body: dict[str, Any], view: dict[str, Any]) -> tuple[CorrectionRequest | None, dict[str, str]]:
    """The *Wrong speaker…* modal submitted: a request, or the errors to show in the modal."""
    where = parse_modal_metadata(view.get("private_metadata"))
    speaker = _typed(view, blocks.INPUT_SPEAKER)
    if not speaker:
        return None, {blocks.INPUT_SPEAKER: "Type the name of the person who said it."}
    if where is None or not isinstance(where.get("a"), int) or not isinstance(where.get("b"), int):
        return None, {blocks.INPUT_SPEAKER: "This form is out of date: open the quote's menu again."}
    return (
        CorrectionRequest(
            key=f"correct:{view.get('id') or body.get('trigger_id')}",
            kind="speaker",
            story=where["s"],
            channel=where["c"],
            thread_ts=where.get("t"),
            user=_user(body),
            start=where["a"],
            end=where["b"],
            speaker=speaker,
        ),
        {},
    )


def missing_quote_request(
    body: dict[str, Any], view: dict[str, Any]
) -> tuple[CorrectionRequest | None, dict[str, str]]:
    """The *A quote is missing…* modal submitted: a request, or the errors to show in the modal."""
    where = parse_modal_metadata(view.get("private_metadata"))
    words = _typed(view, blocks.INPUT_WORDS).strip("\"“”'‘’ ")
    speaker = _typed(view, blocks.INPUT_SPEAKER)
    kind = str((_input(view, blocks.INPUT_KIND).get("selected_option") or {}).get("value") or "direct")
    errors = {}
    if len(words.split()) < 2:
        errors[blocks.INPUT_WORDS] = "Paste the words of the quote, as the story gives them."
    if not speaker:
        errors[blocks.INPUT_SPEAKER] = "Type the name of the person who said it."
    if where is None:
        errors[blocks.INPUT_WORDS] = "This form is out of date: use the button under the list again."
    if errors or where is None:
        return None, errors
    quote_kind: QuoteKind = "mixed" if kind == "mixed" else "indirect" if kind == "indirect" else "direct"
    return (
        CorrectionRequest(
            key=f"correct:{view.get('id') or body.get('trigger_id')}",
            kind="missing",
            story=where["s"],
            channel=where["c"],
            thread_ts=where.get("t"),
            user=_user(body),
            content=words,
            speaker=speaker,
            quote_kind=quote_kind,
        ),
        {},
    )


def not_quote_request(
    body: dict[str, Any], action: dict[str, Any], story: str, start: int, end: int
) -> CorrectionRequest:
    """*Not a quote* chosen in a quote's menu."""
    channel, thread = message_place(body)
    return CorrectionRequest(
        key=f"correct:{action.get('action_ts') or body.get('trigger_id')}",
        kind="not_quote",
        story=story,
        channel=channel,
        thread_ts=thread,
        user=_user(body),
        start=start,
        end=end,
    )


def message_place(body: dict[str, Any]) -> tuple[str, str | None]:
    """(channel, thread) of the message an interaction came from."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    thread = container.get("thread_ts") or message.get("thread_ts") or container.get("message_ts")
    return str(channel), thread


def speaker_modal_for(
    store: Store, version: str, team: str | None, story: str, start: int, end: int, body: dict[str, Any]
) -> dict[str, Any] | None:
    """The *Wrong speaker…* modal for a quote of a kept story; None when the story or quote is no longer kept."""
    shown = shown_analysis(store, version, story, team)
    quote = find_quote(shown[0].quotes, start, end) if shown else None
    if quote is None:
        return None
    channel, thread = message_place(body)
    return blocks.speaker_modal(quote, modal_metadata(story, channel, thread, start, end))
