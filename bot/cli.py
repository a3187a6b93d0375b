"""The ``nutgraf`` command line: analyse without Slack, run the bot, workers and the digest clock."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from bot.errors import NutgrafError
from bot.models import Analysis, Article, Source
from bot.settings import Settings, get_settings
from bot.textio import decode_bytes, looks_like_html

logger = logging.getLogger("bot")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _read_source(source: str, settings: Settings) -> Article:
    if source.startswith(("http://", "https://")):
        from bot.fetch import fetch_article

        return fetch_article(source, settings)
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise NutgrafError(f"{source}: no such file (give a file, an http(s) URL, or - for standard input).")
        data = path.read_bytes()
    text = decode_bytes(data)
    if looks_like_html(text):
        from bot.fetch import article_from_html

        return article_from_html(text)
    return Article(text=text, source=Source(kind="text"))


def format_analysis(analysis: Analysis) -> str:
    """A plain-text rendering for terminals."""
    src = analysis.source
    lines = [analysis.headline, "=" * min(len(analysis.headline), 80)]
    meta = [x for x in (src.site, src.author, src.published, f"{analysis.word_count} words") if x]
    lines.append(" · ".join(meta))
    if src.url:
        lines.append(src.url)
    if analysis.summary:
        lines += ["", "Summary", *(f"  {s}" for s in analysis.summary)]
    if analysis.claims:
        lines += ["", "Key claims"]
        for n, claim in enumerate(analysis.claims[:5], 1):
            extra = [f"score {claim.score:.2f}"]
            if claim.reasons:
                extra.append(", ".join(claim.reasons))
            if claim.attribution:
                extra.append(f"per {claim.attribution}")
            if claim.hedged:
                extra.append("hedged: " + ", ".join(claim.hedges))
            lines.append(f"  {n}. {claim.text}  [{'; '.join(extra)}]")
    if analysis.quotes:
        lines += ["", "Quotes"]
        for quote in analysis.quotes:
            who = quote.speaker or quote.speaker_mention or "unattributed"
            if quote.speaker_role:
                who += f", {quote.speaker_role}"
            mark = '"' if quote.kind == "direct" else ""
            lines.append(f"  - {mark}{quote.content}{mark} — {who} ({quote.kind})")
    people = [e for e in analysis.entities if e.label in ("PERSON", "ORG")]
    if people:
        lines += ["", "People and organisations", "  " + ", ".join(f"{e.text} ({e.count})" for e in people[:12])]
    if analysis.notes:
        lines += ["", "Notes", *(f"  ! {n}" for n in analysis.notes)]
    return "\n".join(lines)


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlp.pipeline import Analyzer

    article = _read_source(args.source, settings)
    analysis = Analyzer(settings.spacy_model, max_chars=settings.max_text_chars).analyze(article)
    print(analysis.model_dump_json(indent=2) if args.json else format_analysis(analysis))
    return EXIT_OK


def _batch_items(lines: IO[str], settings: Settings, failures: list[str]) -> Iterator[tuple[str | None, Article]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a line must be a JSON object")
            id_ = None if record.get("id") is None else str(record["id"])
            if isinstance(record.get("text"), str):
                yield id_, Article(text=record["text"], source=Source(kind="text"))
            elif isinstance(record.get("url"), str):
                from bot.fetch import fetch_article

                # a link only: a file name or "-" (standard input, perhaps this very batch) is no URL
                yield id_, fetch_article(record["url"], settings)
            else:
                raise ValueError('a line needs "text" or "url"')
        except (ValueError, NutgrafError) as exc:
            failures.append(f"line {number}: {exc}")
            print(f"nutgraf batch: line {number} skipped: {exc}", file=sys.stderr)


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from bot.nlp.pipeline import Analyzer

    analyzer = Analyzer(settings.spacy_model, max_chars=settings.max_text_chars)
    failures: list[str] = []
    inp = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")  # noqa: SIM115
    out = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    ids: deque[str | None] = deque()  # of the items handed to the analyser and not yet answered

    def items() -> Iterator[tuple[str | None, Article]]:
        for id_, article in _batch_items(inp, settings, failures):
            ids.append(id_)
            yield id_, article

    try:
        with tqdm(desc="analysing", unit="doc", file=sys.stderr, disable=args.quiet) as bar:
            # One call for the whole input, so --processes starts spaCy's worker processes once.
            for result in analyzer.analyze_many(items(), n_process=args.processes):
                id_ = ids.popleft()  # results come in input order, one for each item
                if isinstance(result, NutgrafError):
                    failures.append(f"id {id_}: {result}")
                    print(f"nutgraf batch: id {id_} skipped: {result}", file=sys.stderr)
                else:
                    out.write(result.model_dump_json() + "\n")
                    out.flush()
                bar.update(1)
    finally:
        if inp is not sys.stdin:
            inp.close()
        if out is not sys.stdout:
            out.close()
    if failures:
        print(f"nutgraf batch: {len(failures)} item(s) failed", file=sys.stderr)
    return EXIT_FAILED if failures else EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """HTTP mode: gunicorn serving the Bolt app on ``PORT`` (``POST /slack/events``, ``GET /healthz``)."""
    settings.require("slack_bot_token", "slack_signing_secret")
    from gunicorn.app.base import BaseApplication

    from bot.app import build_runtime, wsgi_application

    rt = build_runtime(settings)
    application = wsgi_application(settings, rt=rt)
    if settings.jobs == "inline":
        rt.service.analyzer.nlp  # noqa: B018 - load the model before forking, so workers share it
    options = {
        "bind": f"{args.host}:{settings.port}",
        "workers": args.workers,
        "worker_class": "gthread",
        "threads": args.threads,
        "timeout": 60,
        "graceful_timeout": 25,
        "accesslog": "-" if args.verbose else None,
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()
    return EXIT_OK


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    """Socket Mode: no public URL needed; Slack delivers the same payloads over a WebSocket."""
    settings.require("slack_bot_token", "slack_app_token")
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app

    handler = SocketModeHandler(build_app(settings, socket_mode=True), settings.secret("slack_app_token"))
    handler.start()  # type: ignore[no-untyped-call]
    return EXIT_OK


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """An RQ worker for ``NUTGRAF_JOBS=rq``; stops gracefully on SIGTERM like rq's Heroku worker."""
    settings.require("slack_bot_token")
    import redis
    from rq import Queue
    from rq.worker import HerokuWorker

    from bot.app import build_service
    from bot.jobs import QUEUE_NAME, set_service

    service = build_service(settings)
    service.analyzer.nlp  # noqa: B018 - loaded once, shared by every forked work horse
    set_service(service)
    connection = redis.Redis.from_url(settings.redis_url)
    worker = HerokuWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection, name=args.name)
    worker.work(with_scheduler=True, burst=args.burst, logging_level=settings.log_level.upper())
    return EXIT_OK


def cmd_clock(args: argparse.Namespace, settings: Settings) -> int:
    """The digest scheduler: fires each channel's scheduled digest once, however many clocks run."""
    settings.require("slack_bot_token")
    from bot.digest import main_clock

    return main_clock(settings)


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    """Post a channel's digest now, as ``/nutgraf digest WINDOW`` would."""
    settings.require("slack_bot_token")
    from datetime import datetime, timezone

    from bot.digest import command_window, parse_digest_command, post_digest
    from bot.slack import web_client
    from bot.store import RedisStore

    command = parse_digest_command(args.window)
    if command.action != "now":
        raise NutgrafError("nutgraf digest posts a digest now: give a window (today, 24h, 7d), not a schedule.")
    store = RedisStore.from_url(settings.redis_url)
    try:
        since, until = command_window(command, store=store, channel=args.channel, now=datetime.now(timezone.utc))
        ts = post_digest(web_client(settings), store, args.channel, since, until)
    finally:
        store.close()
    print(f"posted the digest of {args.channel} for {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC (ts {ts})")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nutgraf", description="Structured summaries, key claims and attributed quotes for news stories."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("analyze", help="analyse a URL, a file, or - (stdin); no Slack or Redis needed")
    p.add_argument("source", help="an http(s) URL, a path to a text file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print the Analysis as JSON")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("batch", help='analyse JSON lines {"id", "text"} or {"id", "url"}, one Analysis per line')
    p.add_argument("input", help="input .jsonl file, or - for standard input")
    p.add_argument("-o", "--output", help="output .jsonl file (default: standard output)")
    p.add_argument("--processes", type=int, default=1, help="spaCy worker processes (default 1)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("serve", help="run the Slack app over HTTP (gunicorn, PORT): POST /slack/events, GET /healthz")
    p.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")  # noqa: S104
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")), help="processes")
    p.add_argument("--threads", type=int, default=8, help="threads per process")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("socket", help="run the Slack app in Socket Mode (SLACK_APP_TOKEN; no public URL)")
    p.set_defaults(func=cmd_socket)

    p = sub.add_parser("worker", help="run an RQ worker for NUTGRAF_JOBS=rq")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.add_argument("--name", help="worker name (default: rq's)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("clock", help="run the digest scheduler (one or more; each digest fires once)")
    p.set_defaults(func=cmd_clock)

    p = sub.add_parser("digest", help="post a channel's digest now")
    p.add_argument("channel", help="channel ID, e.g. C0123ABCD")
    p.add_argument("window", nargs="?", default="24h", help="today, 24h (default) or 7d")
    p.set_defaults(func=cmd_digest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nutgraf`` command and of ``python -m bot``."""
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as exc:
        print(f"nutgraf: invalid configuration: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args, settings))
    except NutgrafError as exc:
        print(f"nutgraf: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.code == "config" else EXIT_FAILED
    except KeyboardInterrupt:
        return 130
