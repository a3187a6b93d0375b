"""``NUTGRAF_JOBS=rq`` end to end: handlers enqueue, workers (in-process and real ``nutgraf worker``
processes) answer, crashed workers' jobs are picked up again, and final failures reach the thread."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis
from rq import Queue, SimpleWorker, Worker
from rq.job import JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

import bot.jobs
from bot.jobs import QUEUE_NAME
from bot.nlp.pipeline import Analyzer
from tests.conftest import Bot, running_bot
from tests.fetch_server import PageServer, page
from tests.handlers.support import CHANNEL, all_text, bot_replies, mention
from tests.slack_api import BOT_USER_ID, SlackEmulator

pytestmark = [pytest.mark.slow, pytest.mark.redis]

FAILURE_TEXT = "something went wrong on nutgraf's side"
#: The issue's promise: a dead worker's job is done within 3 minutes of a live worker being up.
ABANDONED_JOB_BOUND = 180


@pytest.fixture
def rq_bot(
    slack_api: SlackEmulator, redis_url: str, redis_client: redis.Redis, analyzer: Analyzer, page_server: PageServer
) -> Iterator[Bot]:
    with running_bot(slack_api, redis_url, analyzer, page_server, jobs="rq") as bot:
        yield bot


@pytest.fixture
def queue(redis_client: redis.Redis) -> Queue:
    return Queue(QUEUE_NAME, connection=redis_client)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Retries without waiting, so a burst worker runs every attempt (the intervals travel with the job)."""
    intervals = [0, 0]
    monkeypatch.setattr(bot.jobs, "RETRY_INTERVALS", intervals)
    return intervals


def enqueue_event(bot: Bot, queue: Queue, event: dict[str, Any]) -> str:
    """Deliver an event; return the id of the job the handler queued (nothing runs in the web process)."""
    assert bot.server.event(event).status_code == 200
    job_ids = bot.slack.wait_for(queue.get_job_ids, timeout=10)
    assert len(job_ids) == 1
    assert not bot.slack.calls_to("chat.postMessage")
    return str(job_ids[0])


def burst(queue: Queue) -> None:
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


# -- in-process workers ------------------------------------------------------------------------------------------


def test_rq_mode_answers_through_a_worker(rq_bot: Bot, queue: Queue) -> None:
    event = mention(rq_bot, f"<@{BOT_USER_ID}> <{rq_bot.site.url('/article.html')}>")
    job_id = enqueue_event(rq_bot, queue, event)
    burst(queue)
    (reply,) = bot_replies(rq_bot, event["ts"])
    assert "flood barrier" in all_text(reply)
    assert len(rq_bot.slack.calls_to("chat.postMessage")) == 1
    assert queue.fetch_job(job_id) is None  # deleted once it succeeded: its arguments held the message's text


def test_transient_slack_failure_is_retried_by_rq(rq_bot: Bot, queue: Queue, quick_retries: list[int]) -> None:
    handler = next(h for h in rq_bot.runtime.service.client.retry_handlers if isinstance(h, ServerErrorRetryHandler))
    # Enough 500s to exhaust the client's own retries once, so the job itself fails and rq runs it again.
    rq_bot.slack.fail_next("chat.update", status=500, times=handler.max_retry_count + 1)
    event = mention(rq_bot, f"<@{BOT_USER_ID}> <{rq_bot.site.url('/article.html')}>")
    job_id = enqueue_event(rq_bot, queue, event)
    burst(queue)
    assert queue.fetch_job(job_id) is None  # the second attempt succeeded, and a finished job is not kept
    faulted = [c for c in rq_bot.slack.calls_to("chat.update") if c.fault is not None]
    assert len(faulted) == handler.max_retry_count + 1
    (reply,) = bot_replies(rq_bot, event["ts"])
    assert "flood barrier" in all_text(reply)
    assert len(rq_bot.slack.calls_to("chat.postMessage")) == 1
    assert rq_bot.site.hits["/article.html"] == 1  # the retry found the analysis in the cache


def test_final_failure_is_reported_in_the_thread(rq_bot: Bot, queue: Queue, quick_retries: list[int]) -> None:
    rq_bot.slack.fail_next("chat.update", status=500, times=1000)
    event = mention(rq_bot, f"<@{BOT_USER_ID}> <{rq_bot.site.url('/article.html')}>")
    job_id = enqueue_event(rq_bot, queue, event)
    burst(queue)
    assert job_id in FailedJobRegistry(queue=queue).get_job_ids()
    assert len({c.params["ts"] for c in rq_bot.slack.calls_to("chat.update")}) == 1
    assert len(rq_bot.slack.calls_to("chat.update")) >= len(quick_retries) + 1
    progress, failure = bot_replies(rq_bot, event["ts"])
    assert "Reading" in all_text(progress)
    assert FAILURE_TEXT in all_text(failure)


# -- real worker processes --------------------------------------------------------------------------------------


class HeldSite:
    """A loopback site whose first request for the article is held until :attr:`release` is set."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.hits = 0
        lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with lock:
                    site.hits += 1
                    first = site.hits == 1
                if first:
                    site.arrived.set()
                    site.release.wait(60)
                body = page("article.html", site.base).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the reader was killed while it waited

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.host = f"127.0.0.1:{self._server.server_address[1]}"
        self.base = f"http://{self.host}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def held_site() -> Iterator[HeldSite]:
    site = HeldSite()
    yield site
    site.close()


def start_worker(
    slack: SlackEmulator,
    redis_url: str,
    hosts: str,
    directory: Path,
    name: str,
    *,
    burst: bool = True,
    **settings: str,
) -> subprocess.Popen[bytes]:
    """``nutgraf worker [--burst]``, logging to ``{name}.log`` in ``directory``; ``settings`` go to its
    environment (``analysis_timeout="1"`` is ``NUTGRAF_ANALYSIS_TIMEOUT=1``)."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_API_URL": slack.base_url,
        "REDIS_URL": redis_url,
        "NUTGRAF_FETCH_ALLOWED_PRIVATE_HOSTS": hosts,
        **{f"NUTGRAF_{key.upper()}": value for key, value in settings.items()},
    }
    with open(directory / f"{name}.log", "wb") as log:
        command = [sys.executable, "-m", "bot", "worker", "--name", name, *(["--burst"] if burst else [])]
        return subprocess.Popen(command, cwd=directory, env=env, stdout=log, stderr=subprocess.STDOUT)


def _proc_stat(pid: int) -> list[str] | None:
    """State, parent pid, ... of a process from Linux's /proc (None once it is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def child_pids(pid: int) -> list[int]:
    """The processes ``pid`` forked (an rq worker's work horse)."""
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return [child for child in pids if (stat := _proc_stat(child)) is not None and int(stat[1]) == pid]


def kill_now(pid: int) -> None:
    """SIGKILL ``pid`` and wait until it is dead (gone, or a zombie nobody has reaped yet)."""
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while (stat := _proc_stat(pid)) is not None and stat[0] != "Z":
        assert time.monotonic() < deadline, f"process {pid} survived SIGKILL"
        time.sleep(0.01)


def worker_log(directory: Path, name: str) -> str:
    return (directory / f"{name}.log").read_text(errors="replace")[-3000:]


def test_job_of_a_killed_worker_completes_on_another_within_the_bound_with_one_reply(
    slack_api: SlackEmulator,
    redis_url: str,
    analyzer: Analyzer,
    page_server: PageServer,
    held_site: HeldSite,
    queue: Queue,
    tmp_path: Path,
) -> None:
    with running_bot(
        slack_api, redis_url, analyzer, page_server, jobs="rq", fetch_allowed_private_hosts=[held_site.host]
    ) as rq_bot:
        event = mention(rq_bot, f"<@{BOT_USER_ID}> <{held_site.base}/article.html>")
        job_id = enqueue_event(rq_bot, queue, event)

    first = start_worker(slack_api, redis_url, held_site.host, tmp_path, "first")
    try:
        assert held_site.arrived.wait(120), worker_log(tmp_path, "first")
        # The progress message is out and the work horse is reading the page: the machine dies, with the
        # worker, its work horse and its scheduler.
        (progress_post,) = slack_api.calls_to("chat.postMessage")
        assert "Reading" in str(progress_post.params["text"])
        children = child_pids(first.pid)
        assert children, worker_log(tmp_path, "first")
        kill_now(first.pid)
        for child in children:
            kill_now(child)
    finally:
        first.kill()
        first.wait(30)
    held_site.release.set()
    assert job_id in StartedJobRegistry(queue=queue).get_job_ids()  # nobody has cleaned up after it

    second = start_worker(slack_api, redis_url, held_site.host, tmp_path, "second", burst=False)
    try:
        slack_api.wait_for(lambda: any(w.name == "second" for w in Worker.all(queue=queue)), timeout=120)
        up = time.monotonic()
        try:
            slack_api.wait_for(
                lambda: (job := queue.fetch_job(job_id)) is None or job.get_status() == JobStatus.FINISHED,
                timeout=ABANDONED_JOB_BOUND,
                interval=0.5,
            )
        except AssertionError:
            pytest.fail(
                f"not finished {ABANDONED_JOB_BOUND} s after a worker was up:\n{worker_log(tmp_path, 'second')}"
            )
        print(f"the abandoned job finished {time.monotonic() - up:.0f} s after a live worker was up")
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(60)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait(30)

    assert queue.fetch_job(job_id) is None, worker_log(tmp_path, "second")  # finished, and so deleted
    assert held_site.hits == 2  # the second worker read the page afresh: nothing was left half-done
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    (reply,) = [m for m in slack_api.thread(CHANNEL, event["ts"]) if m["ts"] != event["ts"]]
    assert reply["ts"] == progress_post.response["ts"]  # type: ignore[index]
    assert "flood barrier" in all_text(reply)


#: About 90,000 characters of ordinary sentences: parsing them takes far longer than a second.
LONG = " ".join(f"The board said on day {n} that berth {n % 40} would reopen after repairs." for n in range(1200))


def test_a_worker_refuses_a_text_past_the_deadline_once_without_retrying(
    rq_bot: Bot, queue: Queue, slack_api: SlackEmulator, redis_url: str, tmp_path: Path
) -> None:
    event = mention(rq_bot, f"<@{BOT_USER_ID}> {LONG}")
    job_id = enqueue_event(rq_bot, queue, event)
    worker = start_worker(slack_api, redis_url, rq_bot.site.host, tmp_path, "strict", analysis_timeout="1")
    try:
        assert worker.wait(300) == 0, worker_log(tmp_path, "strict")
    finally:
        worker.kill()
        worker.wait(30)
    # An answer, not a failure: the job finished (and finished jobs are deleted at once); a failed one would
    # still be kept, waiting in the scheduled registry for its retry or filed as failed.
    assert queue.fetch_job(job_id) is None, worker_log(tmp_path, "strict")
    (reply,) = bot_replies(rq_bot, event["ts"])
    assert "This text took too long to analyse (more than 1 second)" in all_text(reply)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert "its worker was replaced" in worker_log(tmp_path, "strict")
