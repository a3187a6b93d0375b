"""The ``nutgraf`` command line: analyse without Slack, run the bot, workers and the digest clock."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bot.errors import NutgrafError
from bot.models import Analysis, Article, Source
from bot.settings import Settings, get_settings
from bot.textio import decode_bytes, looks_like_html

if TYPE_CHECKING:
    from bot.analysis import Runner

logger = logging.getLogger("bot")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _runner(settings: Settings, workers: int = 1) -> Runner:
    """Analysis workers forked from this process, which has imported spaCy already, started now: before
    any other thread runs here, and while the input is being read."""
    from bot.analysis import PooledRunner

    runner = PooledRunner(settings, workers=workers, start_method="fork")
    runner.start()
    return runner


def _read_source(source: str, settings: Settings, runner: Runner) -> Article:
    """The article in a URL, a file or standard input; pages are read (trafilatura) by ``runner``."""
    from bot.fetch import Page, fetch_page

    if source.startswith(("http://", "https://")):
        return runner.read(fetch_page(source, settings))
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise NutgrafError(f"{source}: no such file (give a file, an http(s) URL, or - for standard input).")
        data = path.read_bytes()
    text = decode_bytes(data)
    if looks_like_html(text):
        return runner.read(Page(url=None, body=text.encode(), mime="text/html", charset="utf-8"))
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
        lines += [
            "",
            "People and organisations",
            "  " + ", ".join(e.text + (f" ({e.count})" if e.count_known else "") for e in people[:12]),
        ]
    if analysis.notes:
        lines += ["", "Notes", *(f"  ! {n}" for n in analysis.notes)]
    return "\n".join(lines)


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    """One document, read and analysed in a worker process under ``NUTGRAF_ANALYSIS_TIMEOUT``."""
    runner = _runner(settings)
    try:
        analysis = runner.analyze(_read_source(args.source, settings, runner))
    finally:
        runner.close()
    print(analysis.model_dump_json(indent=2) if args.json else format_analysis(analysis))
    return EXIT_OK


def _batch_items(
    lines: IO[str], settings: Settings, runner: Runner, failures: list[str]
) -> Iterator[tuple[str | None, Article]]:
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
                from bot.fetch import fetch_page

                # a link only: a file name or "-" (standard input, perhaps this very batch) is no URL
                yield id_, runner.read(fetch_page(record["url"], settings))
            else:
                raise ValueError('a line needs "text" or "url"')
        except (ValueError, NutgrafError) as exc:
            failures.append(f"line {number}: {exc}")
            print(f"nutgraf batch: line {number} skipped: {exc}", file=sys.stderr)


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    """Documents in order, ``--processes`` at a time, each under the analysis deadline: one that fails (a
    bad line, a dead link, a text too slow to analyse) is reported on standard error and the batch goes on."""
    from tqdm import tqdm

    workers = max(1, args.processes)
    runner = _runner(settings, workers)
    failures: list[str] = []
    inp = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")  # noqa: SIM115
    out = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    # Analyses in flight, in input order; a few more than the workers, so none waits for the next text.
    pending: deque[tuple[str | None, Future[Analysis]]] = deque()

    def finish(bar: tqdm[Any]) -> None:
        id_, future = pending.popleft()
        try:
            result = future.result()
        except NutgrafError as exc:
            failures.append(f"id {id_}: {exc}")
            print(f"nutgraf batch: id {id_} skipped: {exc}", file=sys.stderr)
        except Exception as exc:  # a defect shown by one document must not cost the others
            logger.exception("id %s: the analysis failed", id_)
            failures.append(f"id {id_}: {type(exc).__name__}")
            print(f"nutgraf batch: id {id_} skipped: internal error ({type(exc).__name__})", file=sys.stderr)
        else:
            out.write(result.model_copy(update={"id": id_}).model_dump_json() + "\n")
            out.flush()
        bar.update(1)

    try:
        with (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch") as threads,
            tqdm(desc="analysing", unit="doc", file=sys.stderr, disable=args.quiet) as bar,
        ):
            for id_, article in _batch_items(inp, settings, runner, failures):
                pending.append((id_, threads.submit(runner.analyze, article)))
                while len(pending) > 2 * workers:
                    finish(bar)
            while pending:
                finish(bar)
    finally:
        runner.close()
        if inp is not sys.stdin:
            inp.close()
        if out is not sys.stdout:
            out.close()
    if failures:
        print(f"nutgraf batch: {len(failures)} item(s) failed", file=sys.stderr)
    return EXIT_FAILED if failures else EXIT_OK


def _start_analysis_workers(runner: Runner, settings: Settings) -> None:
    """Start the analysis workers (they load the model) now rather than on the first request, where this
    process analyses (inline jobs)."""
    start = getattr(runner, "start", None)
    if settings.jobs == "inline" and start is not None:
        start()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """HTTP mode: gunicorn serving the Bolt app on ``PORT`` (``POST /slack/events``, ``GET /healthz``)."""
    settings.require("slack_bot_token", "slack_signing_secret")
    from gunicorn.app.base import BaseApplication

    _multiprocess_metrics()
    from bot.app import build_runtime, wsgi_application
    from bot.metrics import mark_process_dead

    rt = build_runtime(settings)
    application = wsgi_application(settings, rt=rt)

    def post_worker_init(worker: Any) -> None:
        _start_analysis_workers(rt.service.analyzer, settings)  # in each web process, after the fork

    options = {
        "bind": f"{args.host}:{settings.port}",
        "workers": args.workers,
        "worker_class": "gthread",
        "threads": args.threads,
        "timeout": 60,
        "graceful_timeout": 25,
        "accesslog": "-" if args.verbose else None,
        "post_worker_init": post_worker_init,
        "child_exit": lambda server, worker: mark_process_dead(worker.pid),
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

    from bot.app import build_app, build_runtime

    rt = build_runtime(settings)
    handler = SocketModeHandler(build_app(settings, rt, socket_mode=True), settings.secret("slack_app_token"))
    _start_analysis_workers(rt.service.analyzer, settings)
    handler.start()  # type: ignore[no-untyped-call]
    return EXIT_OK


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """An RQ worker for ``NUTGRAF_JOBS=rq``; stops gracefully on SIGTERM like rq's Heroku worker.

    The worker loads the model once; each job's work horse forks its analysis worker from it, so every
    analysis has the same deadline and memory bound as in the web process.
    """
    settings.require("slack_bot_token")
    port = args.metrics_port or settings.metrics_port
    if port or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _multiprocess_metrics()  # before anything imports bot.metrics
    from bot import metrics
    from bot.analysis import PooledRunner
    from bot.app import build_service
    from bot.jobs import QUEUE_NAME, run_worker
    from bot.nlp.pipeline import Analyzer

    analyzer = Analyzer(settings.spacy_model, max_chars=settings.max_text_chars)
    analyzer.nlp  # noqa: B018 - loaded once, inherited by every work horse and its analysis worker
    runner = PooledRunner(settings, workers=1, start_method="fork", analyzer=analyzer)
    metrics.share_files_with_sequential_children(os.getpid())
    if port:
        import redis
        from rq import Queue

        queue = Queue(QUEUE_NAME, connection=redis.Redis.from_url(settings.redis_url))
        metrics.serve_http(port, metrics.QueueDepthCollector(lambda: {QUEUE_NAME: queue.count}))
    run_worker(settings, build_service(settings, runner), name=args.name, burst=args.burst)
    return EXIT_OK


def cmd_clock(args: argparse.Namespace, settings: Settings) -> int:
    """The digest scheduler: fires each channel's scheduled digest once, however many clocks run."""
    settings.require("slack_bot_token")
    port = args.metrics_port or settings.metrics_port
    if port:
        _multiprocess_metrics()
        from bot import metrics

        metrics.serve_http(port)
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


def _multiprocess_metrics() -> None:
    """Put this process tree's metrics in ``PROMETHEUS_MULTIPROC_DIR`` (a private one unless set), before
    anything loads the metrics module, so that forked processes' figures add up in one scrape."""
    from bot.metrics_dir import prepare_multiprocess_dir

    prepare_multiprocess_dir()


def cmd_corrections(args: argparse.Namespace, settings: Settings) -> int:
    """``nutgraf corrections export -o FILE.jsonl``: the desk's corrected stories, in the evaluation format."""
    from bot.corrections import export_lines
    from bot.store import RedisStore

    store = RedisStore.from_url(settings.redis_url)
    try:
        stories = store.corrected_stories(args.team)
        if not store.available:
            raise NutgrafError(f"Redis at {settings.redis_url} is unreachable: nothing to export.")
    finally:
        store.close()
    out = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    count = 0
    try:
        for line in export_lines(stories):
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if out is not sys.stdout:
            out.close()
    skipped = len(stories) - count
    note = f" ({skipped} without their text skipped)" if skipped else ""
    print(f"nutgraf corrections: exported {count} corrected stories{note}", file=sys.stderr)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """``nutgraf eval FILE.jsonl``: score nutgraf's quotes against annotated (or desk-corrected) stories."""
    from bot import evaluate

    rows = []
    with open(args.input, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                    raise ValueError('a line needs "id" and "text"')
            except ValueError as exc:
                raise NutgrafError(f"{args.input}, line {number}: {exc}") from None
            rows.append(row)
    predictions = _eval_predictions(rows, settings, cached=args.cached)
    summary = evaluate.score(predictions, evaluate.quotes_of(rows))
    print(evaluate.table(summary))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return EXIT_OK


def _eval_predictions(rows: list[dict[str, Any]], settings: Settings, *, cached: bool) -> dict[str, list[Any]]:
    """Story id -> the quotes nutgraf gives: analysed afresh, or (``cached``) as it shows them from the cache."""
    from bot.errors import InputError
    from bot.nlp.pipeline import Analyzer

    def row_of(quotes: list[Any]) -> list[Any]:
        return [
            {"speaker": q.speaker, "speaker_mention": q.speaker_mention, "content": q.content, "kind": q.kind}
            for q in quotes
        ]

    analyzer = Analyzer(settings.spacy_model, max_chars=settings.max_text_chars)
    predictions: dict[str, list[Any]] = {}
    left = rows
    if cached:
        from bot.corrections import parse_export_id, shown_analysis
        from bot.store import RedisStore

        store = RedisStore.from_url(settings.redis_url)
        left = []
        try:
            for row in rows:
                where = parse_export_id(str(row["id"]))
                shown = shown_analysis(store, analyzer.version, where[1], where[0]) if where else None
                if shown is None:
                    left.append(row)
                else:
                    predictions[str(row["id"])] = row_of(shown[0].quotes)
        finally:
            store.close()
        print(f"nutgraf eval: {len(predictions)} from the cache, {len(left)} analysed afresh", file=sys.stderr)
    articles = [(str(row["id"]), Article(text=row["text"], source=Source(kind="text"))) for row in left]
    for (id_, _), result in zip(articles, analyzer.analyze_many(articles), strict=True):
        predictions[id_] = [] if isinstance(result, InputError) else row_of(result.quotes)
    return predictions


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
    p.add_argument("--metrics-port", type=int, help="serve Prometheus /metrics on this port (NUTGRAF_METRICS_PORT)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("clock", help="run the digest scheduler (one or more; each digest fires once)")
    p.add_argument("--metrics-port", type=int, help="serve Prometheus /metrics on this port (NUTGRAF_METRICS_PORT)")
    p.set_defaults(func=cmd_clock)

    p = sub.add_parser("digest", help="post a channel's digest now")
    p.add_argument("channel", help="channel ID, e.g. C0123ABCD")
    p.add_argument("window", nargs="?", default="24h", help="today, 24h (default) or 7d")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("corrections", help="the desk's corrections of quotes: export them for `nutgraf eval`")
    p.add_argument("action", choices=["export"], help="export: corrected stories as JSON lines {id, text, quotes}")
    p.add_argument("-o", "--output", help="output .jsonl file (default: standard output)")
    p.add_argument("--team", help="only this workspace's corrections (team id)")
    p.set_defaults(func=cmd_corrections)

    p = sub.add_parser("eval", help="score nutgraf's quotes on JSON lines {id, text, quotes}: P/R/F1, speakers")
    p.add_argument("input", help="annotated stories, e.g. from `nutgraf corrections export`")
    p.add_argument("--cached", action="store_true", help="score what nutgraf shows from its cache, corrections applied")
    p.add_argument("--json", help="also write the figures to this JSON file")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nutgraf`` command and of ``python -m bot``."""
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as exc:
        print(f"nutgraf: invalid configuration: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from bot.audit import configure_logging

    configure_logging(logging.DEBUG if args.verbose else settings.log_level.upper(), settings.log_format)
    try:
        return int(args.func(args, settings))
    except NutgrafError as exc:
        print(f"nutgraf: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.code == "config" else EXIT_FAILED
    except KeyboardInterrupt:
        return 130
