"""Hostile input against ``nutgraf serve`` and the command line, each case measured while ordinary traffic flows.

Starts a private redis-server, the local Slack Web API emulator, a small hostile web site and
``nutgraf serve`` (gunicorn, inline jobs, analyses in worker processes) as a subprocess, all on loopback.
Each case sends one hostile request (a crafted message, a link to a crafted page, a malformed or oversized
POST) while a sender thread posts an ordinary signed event every 50 ms, and prints:

- status: the HTTP status of the hostile request, and for an analysis the answer put in its thread;
- seconds: from the request to that answer (or to the HTTP response);
- peak RSS: the largest single process of the serve tree, and the tree's total, sampled every 50 ms;
- ack p99: the 99th percentile of the ordinary events' ack latency during the case;
- log: how many bytes the case added to serve's log (at the default INFO level).

Then the command line: ``nutgraf analyze -`` on the crafted texts, with exit status, seconds, peak RSS
and the first line it printed on standard error, after a baseline run on a 100-word story (what starting
the analysis worker costs). ``story-90k`` is an ordinary long story, shown for comparison.

Goals (issue "bounded time, memory and logs"): every case answered or refused within 30 s with a clear
message; ordinary acks p99 <= 100 ms; no 5xx; log growth <= 10 KB per hostile request; RSS <= 1 GB for
any one process.

usage: python bench/hostile.py [--only NAME ...] [--skip-cli] [--workers 1] [--threads 8]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import percentile  # noqa: E402

from tests.redis_server import RedisServer, free_port  # noqa: E402
from tests.slack_api import BOT_USER_ID, TEAM_ID, SlackEmulator  # noqa: E402

SECRET = "bench-signing-secret"
GOAL_SECONDS, GOAL_ACK_P99_MS, GOAL_LOG_BYTES, GOAL_RSS_MB = 30.0, 100.0, 10 * 1024, 1024
STORY = (
    "The Port of Calloway will cut 1,200 jobs by the end of next year, the port authority said on Tuesday. "
    '"We have run out of ways to avoid this," said Dana Whitcombe, the authority\'s chief executive.\n\n'
    "Container traffic fell 18 percent in the first half of the year, and the authority said the cuts would "
    "save about $85 million a year. Tomas Reyes, president of Dockworkers Local 14, said the savings existed "
    "only on a slide.\n\nShipping analysts said the slump may have been caused by the closure of the Westbrook "
    "rail link in March, which diverted freight to ports further south. The authority expects to rehire some "
    "of the workers within three years, Ms Whitcombe said, though she gave no figure."
)
MB = 1024 * 1024
#: Cases that are ordinary stories, shown for comparison and not held to the 30 s goal.
REFERENCE = ("story-90k", "cli story-90k", "cli baseline")


# -- texts and pages built to be slow ---------------------------------------------------------------------


def texts() -> dict[str, str]:
    """The crafted texts, by case name (pasted into Slack, served as pages, piped to the CLI)."""
    return {
        "parens-40k": "The mayor said the budget will rise by 5 percent. " + "(" * 40_000 + " The council agreed.",
        "dollars-39k": "The mayor said the budget will rise by 5 percent next year. "
        + "$" * 39_000
        + " The council agreed.",
        "quotes-40k": 'The mayor said "' + '"' * 20_000 + "“" * 20_000 + ' the budget will rise."',
        "mixed-punct-40k": "The budget will rise, the mayor said. " + "($'“" * 10_000,
        "newlines-2mb": "\n" * (2 * MB) + STORY,
        "zero-width-lines-4.8mb": "\u200b\n" * (4_800_000 // 4) + STORY,
        "story-90k": " ".join(f"The board said on day {n} that berth {n % 40} would reopen." for n in range(1500)),
    }


def pages() -> dict[str, tuple[int, dict[str, str], bytes]]:
    """path -> (status, headers, body) of the hostile site."""
    paragraphs = "".join(f"<p>Item {n}.</p>" for n in range(100_000))  # 100,000 paragraphs in 1.6 MB
    body = "".join(f"<p>{part}</p>" for part in STORY.split("\n\n"))
    article = f"<html><head><title>Harbour jobs</title></head><body><article>{body}</article></body></html>"
    binary = bytes(b for b in random.Random(17).randbytes(200_000) if b)
    return {
        "/paragraphs-100k.html": (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            f"<html><body>{paragraphs}</body></html>".encode(),
        ),
        "/newlines-2mb.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, texts()["newlines-2mb"].encode()),
        "/zero-width-4.8mb.txt": (
            200,
            {"Content-Type": "text/plain; charset=utf-8"},
            texts()["zero-width-lines-4.8mb"].encode(),
        ),
        "/charset-base64.html": (200, {"Content-Type": "text/html; charset=base64"}, article.encode("cp1252")),
        "/meta-rot13.html": (
            200,
            {"Content-Type": "text/html"},
            article.replace("<head>", '<head><meta charset="rot13">').encode(),
        ),
        "/utf16-bom.html": (200, {"Content-Type": "text/html"}, article.encode("utf-16")),
        "/octets.bin": (200, {"Content-Type": "application/octet-stream"}, binary),
        "/to-nowhere": (302, {"Location": "https:x"}, b""),
        "/to-colon-host": (302, {"Location": "http:127.0.0.1:18081/a"}, b""),
    }


class Site:
    """The hostile web site on 127.0.0.1."""

    def __init__(self) -> None:
        routes = pages()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = routes.get(self.path, (404, {}, b"not here"))
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.host = f"127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"


# -- the server and what it uses ---------------------------------------------------------------------------


def tree(pid: int) -> list[int]:
    """``pid`` and every process descended from it (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _sample(pid: int, started: Any, stop: Any, peak_one: Any, peak_total: Any) -> None:
    while not stop.is_set():
        sizes = [rss_mb(p) for p in tree(pid)]
        peak_one.value = max(peak_one.value, max(sizes, default=0.0))
        peak_total.value = max(peak_total.value, sum(sizes))
        started.set()
        stop.wait(0.05)


class Sampler:
    """Peak RSS of a process tree (largest process, total) while a case runs, sampled every 50 ms by a process
    of its own: walking /proc in this one would hold its GIL and delay the ordinary requests it times."""

    def __init__(self, pid: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._started = context.Event()
        self._stop = context.Event()
        self._one = context.Value("d", 0.0)
        self._total = context.Value("d", 0.0)
        self._process = context.Process(
            target=_sample, args=(pid, self._started, self._stop, self._one, self._total), daemon=True
        )

    @property
    def peak_one(self) -> float:
        return float(self._one.value)

    @property
    def peak_total(self) -> float:
        return float(self._total.value)

    def __enter__(self) -> Sampler:
        self._process.start()
        self._started.wait(60)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(10)


class Signer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.verifier = SignatureVerifier(SECRET)

    def headers(self, body: bytes, content_type: str = "application/json") -> dict[str, str]:
        stamp = str(int(time.time()))
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=stamp, body=body),
        }

    def event(self, event: dict[str, Any]) -> bytes:
        return json.dumps(
            {
                "token": "unused",
                "team_id": TEAM_ID,
                "api_app_id": "A0NUTGRAF",
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
                "event": event,
            }
        ).encode()


class Ordinary:
    """An ordinary signed event every 50 ms (a channel message nutgraf looks at and ignores); ack latencies."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        self.latencies: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.signer.url, timeout=30) as client:
            while not self._stop.is_set():
                event = {"type": "message", "channel": "C0ELSEWHERE", "user": "U0EDITOR", "text": "Coffee at 11?"}
                event["ts"] = f"{time.time():.6f}"
                body = self.signer.event(event)
                started = time.perf_counter()
                try:
                    ok = (
                        client.post("/slack/events", content=body, headers=self.signer.headers(body)).status_code == 200
                    )
                except httpx.HTTPError:
                    ok = False
                self.latencies.append(time.perf_counter() - started)
                self.failures += not ok
                self._stop.wait(0.05)

    def __enter__(self) -> Ordinary:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def start_server(
    args: argparse.Namespace, slack: SlackEmulator, redis_url: str, site: Site, workdir: Path
) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "NUTGRAF_", "REDIS_"))}
    env.update(
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.base_url,
        REDIS_URL=redis_url,
        PORT=str(port),
        NUTGRAF_FETCH_ALLOWED_PRIVATE_HOSTS=site.host,
        PYTHONPATH=str(ROOT),
    )
    log = workdir / "serve.log"
    command = [
        sys.executable,
        "-m",
        "bot",
        "serve",
        "--host",
        "127.0.0.1",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"nutgraf serve exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).json().get("model_loaded"):
                return process, url, log
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("nutgraf serve did not load its analysis workers within 180 s")


# -- cases -------------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    status: str
    seconds: float
    peak_one: float = 0.0
    peak_total: float = 0.0
    ack_p99: float | None = None
    acks: int = 0
    ack_failures: int = 0
    log_bytes: int = 0
    requests: int = 1
    fivexx: bool = False
    notes: list[str] = field(default_factory=list)


def answer_of(slack: SlackEmulator, channel: str, ts: str, timeout: float = 90) -> str:
    """The finished reply in a thread (or what it still says after ``timeout``)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        replies = [m for m in slack.thread(channel, ts) if m["ts"] != ts and m.get("user") == BOT_USER_ID]
        if replies:
            text = str(replies[-1].get("text") or "")
            if not text.startswith("Reading"):
                return text
        time.sleep(0.02)
    return f"(still) {text}" if text else "(no reply)"


def raw_post(url: str, head: dict[str, str], body: bytes) -> str:
    """POST by hand, for requests httpx would not send; the status line, or what happened to the socket."""
    host, port = url.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
            sock.sendall(f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\n{lines}\r\n".encode())
            try:
                sock.sendall(body)
            except OSError as exc:  # refused before the body was read, and the connection closed under us
                answer = sock.recv(200)
                return answer.split(b"\r\n", 1)[0].decode() or f"connection closed ({type(exc).__name__})"
            return sock.recv(200).split(b"\r\n", 1)[0].decode()
    except OSError as exc:
        return f"connection closed ({type(exc).__name__})"


def run_case(
    name: str, action: Callable[[], str], server: subprocess.Popen[bytes], log: Path, signer: Signer
) -> Result:
    before = log.stat().st_size
    with Sampler(server.pid) as sampler, Ordinary(signer) as ordinary:
        time.sleep(0.3)  # some ordinary traffic first
        started = time.monotonic()
        status = action()
        seconds = time.monotonic() - started
        time.sleep(0.3)
    time.sleep(0.5)  # let the log catch up
    ms = [x * 1000 for x in ordinary.latencies]
    return Result(
        name=name,
        status=status,
        seconds=seconds,
        peak_one=sampler.peak_one,
        peak_total=sampler.peak_total,
        ack_p99=percentile(ms, 99) if ms else None,
        acks=len(ms),
        ack_failures=ordinary.failures,
        log_bytes=log.stat().st_size - before,
        fivexx=status.startswith("5") or " 5" in status[:14],
    )


def slack_cases(url: str, slack: SlackEmulator, site: Site, signer: Signer) -> dict[str, Callable[[], str]]:
    http = httpx.Client(base_url=url, timeout=120)
    channel = slack.add_channel("hostile")

    def mention(text: str) -> Callable[[], str]:
        def go() -> str:
            message = f"<@{BOT_USER_ID}> {text}"
            ts = slack.add_message(channel, message, "U0REPORTER")
            event = {"type": "app_mention", "channel": channel, "user": "U0REPORTER", "text": message, "ts": ts}
            body = signer.event(event)
            code = http.post("/slack/events", content=body, headers=signer.headers(body)).status_code
            return f"{code}; reply: {answer_of(slack, channel, ts)[:110]}"

        return go

    def post(body: bytes, headers: dict[str, str]) -> Callable[[], str]:
        return lambda: str(http.post("/slack/events", content=body, headers=headers).status_code)

    nested = b"[" * 200_000 + b"]" * 200_000
    string_event = json.dumps({"type": "event_callback", "event_id": "EvX", "event": "app_mention " * 10}).encode()
    big = b"{" + b" " * (10 * MB) + b"}"
    cases: dict[str, Callable[[], str]] = {name: mention(text) for name, text in texts().items() if len(text) < 200_000}
    cases.update({f"link {path}": mention(f"<{site.url(path)}>") for path in pages()})
    cases.update(
        {
            "unsigned 10 MB": lambda: raw_post(
                url, {"Content-Type": "application/json", "Content-Length": str(len(big))}, big
            ),
            "unsigned 100 MB (announced)": lambda: raw_post(
                url, {"Content-Type": "application/json", "Content-Length": str(100 * MB)}, b"{"
            ),
            "unsigned timestamp abc": post(
                b'{"type": "event_callback"}',
                {"Content-Type": "application/json", "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
            ),
            "unsigned nested JSON": post(
                nested,
                {
                    "Content-Type": "application/json",
                    "X-Slack-Request-Timestamp": str(int(time.time())),
                    "X-Slack-Signature": "v0=00",
                },
            ),
            "signed nested JSON": lambda: post(nested, signer.headers(nested))(),
            "signed event is a string": lambda: post(string_event, signer.headers(string_event))(),
            "/nutgraf digest <!here>": lambda: digest_here(http, signer),
        }
    )
    return cases


def digest_here(http: httpx.Client, signer: Signer) -> str:
    """``/nutgraf digest <!here>``: the usage answer must quote the input escaped, never as a mention."""
    form = {
        "token": "unused",
        "team_id": TEAM_ID,
        "command": "/nutgraf",
        "text": "digest <!here>",
        "channel_id": "C0HOSTILE",
        "user_id": "U0REPORTER",
        "response_url": "http://127.0.0.1:9/unused",
        "trigger_id": "1.2",
    }
    body = urlencode(form).encode()
    response = http.post(
        "/slack/events", content=body, headers=signer.headers(body, "application/x-www-form-urlencoded")
    )
    text = response.text  # Bolt sends an ack of text alone as plain text
    escaped = "&lt;!here&gt;" in text and "<!here>" not in text
    return f"{response.status_code}; answer quotes the input {'escaped' if escaped else 'NOT ESCAPED'}"


def cli_case(name: str, text: str, workdir: Path) -> Result:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "NUTGRAF_"))}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "analyze", "-", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir,
        env=env,
    )
    with Sampler(process.pid) as sampler:
        out, err = process.communicate(text.encode(), timeout=300)
    seconds = time.monotonic() - started
    if process.returncode == 0:
        notes = json.loads(out)["notes"]
        status = f"exit 0; notes: {' | '.join(notes)[:110] or '-'}"
    else:
        status = f"exit {process.returncode}; {err.decode(errors='replace').strip().splitlines()[-1][:110]}"
    return Result(
        name=f"cli {name}", status=status, seconds=seconds, peak_one=sampler.peak_one, peak_total=sampler.peak_total
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="run only the cases whose names contain one of these")
    parser.add_argument("--skip-cli", action="store_true", help="leave out the command-line cases")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn processes (default 1)")
    parser.add_argument("--threads", type=int, default=8, help="threads per process (default 8)")
    args = parser.parse_args(argv)

    def wanted(name: str) -> bool:
        return not args.only or any(part in name for part in args.only)

    results: list[Result] = []
    with (
        tempfile.TemporaryDirectory(prefix="nutgraf-hostile-") as tmp,
        RedisServer() as redis_server,
        SlackEmulator() as slack,
    ):
        workdir = Path(tmp)
        site = Site()
        process, url, log = start_server(args, slack, redis_server.url, site, workdir)
        signer = Signer(url)
        try:
            for name, action in slack_cases(url, slack, site, signer).items():
                if wanted(name):
                    results.append(run_case(name, action, process, log, signer))
                    print_result(results[-1])
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        if not args.skip_cli:
            # What starting the analysis worker costs the command line (interpreter, model, warm-up).
            results.append(cli_case("baseline: a 100-word story", STORY, workdir))
            print_result(results[-1])
            for name, text in texts().items():
                if wanted(name):
                    results.append(cli_case(name, text, workdir))
                    print_result(results[-1])
    print_verdict(results)
    return 0


def print_result(r: Result) -> None:
    acks = (
        f"ack p99 {r.ack_p99:6.1f} ms ({r.acks}, {r.ack_failures} failed)" if r.ack_p99 is not None else "ack p99    -"
    )
    print(
        f"{r.name:34s} {r.seconds:6.2f} s  RSS {r.peak_one:5.0f}/{r.peak_total:5.0f} MB  {acks}  "
        f"log {r.log_bytes:6d} B  {r.status}",
        flush=True,
    )


def verdict(failed: list[str]) -> str:
    return "met" if not failed else "missed: " + ", ".join(failed)


def print_verdict(results: list[Result]) -> None:
    slow = [
        r.name
        for r in results
        if not r.name.startswith(REFERENCE)
        and (r.seconds > GOAL_SECONDS or "(still)" in r.status or "(no reply)" in r.status)
    ]
    worst_ack = max((r.ack_p99 for r in results if r.ack_p99 is not None), default=0.0)
    fivexx = [r.name for r in results if r.fivexx]
    logs = [r.name for r in results if r.log_bytes > GOAL_LOG_BYTES * r.requests]
    rss = [r.name for r in results if r.peak_one > GOAL_RSS_MB]
    most_log = max((r.log_bytes for r in results), default=0)
    most_rss = max((r.peak_one for r in results), default=0.0)
    print()
    print(f"answered or refused within {GOAL_SECONDS:g} s: {verdict(slow)}")
    acks_verdict = verdict([] if worst_ack <= GOAL_ACK_P99_MS else ["acks"])
    print(f"ordinary acks p99 <= {GOAL_ACK_P99_MS:g} ms: {acks_verdict} (worst case p99 {worst_ack:.1f} ms)")
    print(f"no 5xx: {verdict(fivexx)}")
    print(f"log growth <= {GOAL_LOG_BYTES // 1024} KB per hostile request: {verdict(logs)} (max {most_log} B)")
    print(f"RSS <= {GOAL_RSS_MB} MB for any one process: {verdict(rss)} (max {most_rss:.0f} MB)")


if __name__ == "__main__":
    sys.exit(main())
