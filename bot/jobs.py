"""Background work: RQ job functions (JSON arguments only) and the dispatcher handlers submit to.

``NUTGRAF_JOBS=inline`` runs jobs on a small thread pool in the web process; ``rq`` enqueues them for
``nutgraf worker``. Either way the handler has already acknowledged Slack, and the analysis itself runs
in an analysis worker process under its deadline and memory bound (:mod:`bot.analysis`). In ``rq`` mode
a job that raises is retried with backoff; when the last attempt fails, :func:`report_failure` puts the
error in the thread. If Redis is unreachable the dispatcher runs the job inline instead of losing it.

A worker that dies mid-job (SIGKILL, a lost machine) leaves its job in rq's started registry. rq takes it
back once the registry entry expires, which happens :data:`JOB_MONITORING_INTERVAL` + 60 s after the dead
worker's last heartbeat, at the next maintenance pass of a live worker; an idle worker runs one at most
every ``WORKER_TTL - 15`` s (its blocking dequeue's timeout) and :data:`MAINTENANCE_INTERVAL`. The pass
also takes over the dead worker's scheduler lock (it lapses 61 s after its last refresh), and the
scheduler queues the job again after the first retry interval. rq's defaults (a 405 s dequeue timeout,
maintenance every 10 minutes) made that 14 minutes; with the values here it is at most
70 + 20 + 10 = 100 s, plus the job's own time, after a live worker is up.

A job's arguments can hold the text a reporter pasted, and rq keeps jobs in Redis after they end. So a
job that succeeds is deleted at once (``result_ttl=0``: nothing reads a result), and one that fails for
good keeps its ids for :data:`FAILED_JOB_TTL` (to be inspected) but not its text, which is taken out of
its arguments before rq files it as failed. Only a job still waiting to run (or to be retried) holds text.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import redis
from rq import Callback, Queue, Retry
from rq.job import Job

from bot import metrics
from bot.corrections import CorrectionRequest
from bot.forget import ForgetRequest
from bot.service import AnalysisRequest, ButtonRequest, DigestRequest, Request, Service
from bot.settings import Settings

logger = logging.getLogger(__name__)

QUEUE_NAME = "nutgraf"
#: Seconds before each retry of a failed job (transient Slack, network or Redis trouble).
RETRY_INTERVALS = [10, 60, 300]
JOB_TIMEOUT = 180
#: Seconds between a running job's heartbeats; a dead worker's job is abandoned this + 60 s after the last.
JOB_MONITORING_INTERVAL = 10
#: A worker's registration lapses after this + 60 s without a heartbeat; idle, it wakes every this - 15 s.
WORKER_TTL = 35
#: Seconds between a worker's maintenance passes (abandoned jobs, the scheduler lock), when it is idle.
MAINTENANCE_INTERVAL = 15
#: Seconds a job that failed for good stays in rq's failed registry (ids only: its text is taken out).
FAILED_JOB_TTL = 86400
#: Fields of a request's arguments that can hold a story's words.
TEXT_FIELDS = ("text", "content", "speaker")

_service: Service | None = None
_service_lock = threading.Lock()


def set_service(service: Service | None) -> None:
    """The service jobs use in this process (the worker sets it once, before forking work horses)."""
    global _service
    _service = service


def current_service() -> Service:
    """The process's service, built from the environment on first use (e.g. under a plain ``rq worker``)."""
    global _service
    with _service_lock:
        if _service is None:
            from bot.app import build_service
            from bot.settings import get_settings

            _service = build_service(get_settings())
        return _service


# -- job functions: arguments are plain JSON ----------------------------------------------------------------


def run_analysis(payload: dict[str, Any]) -> None:
    """Job: answer an analysis request."""
    service = current_service()
    try:
        service.handle(AnalysisRequest.model_validate(payload))
    finally:
        service.analyzer.close()  # a work horse's analysis worker ends with its job


def run_button(payload: dict[str, Any]) -> None:
    """Job: act on a button click."""
    service = current_service()
    try:
        service.button(ButtonRequest.model_validate(payload))
    finally:
        service.analyzer.close()


def run_digest(payload: dict[str, Any]) -> None:
    """Job: post a channel's digest now."""
    current_service().digest(DigestRequest.model_validate(payload))


def run_forget(payload: dict[str, Any]) -> None:
    """Job: forget a story."""
    current_service().run(ForgetRequest.model_validate(payload))


def run_correction(payload: dict[str, Any]) -> None:
    """Job: file a correction from the desk."""
    current_service().run(CorrectionRequest.model_validate(payload))


JOBS: dict[type[Request], Callable[[dict[str, Any]], None]] = {
    AnalysisRequest: run_analysis,
    ButtonRequest: run_button,
    DigestRequest: run_digest,
    ForgetRequest: run_forget,
    CorrectionRequest: run_correction,
}
_REQUEST_OF_JOB = {func.__name__: kind for kind, func in JOBS.items()}


def report_failure(job: Job, connection: Any, exc_type: Any, exc: BaseException, traceback: Any) -> None:
    """RQ failure callback: once no retry is left, show the error where the answer was to go."""
    if job.retries_left:
        logger.warning("job %s failed (%s: %s); %s retries left", job.id, exc_type.__name__, exc, job.retries_left)
        return
    logger.error("job %s failed for good: %s: %s", job.id, exc_type.__name__, exc)
    kind = _REQUEST_OF_JOB.get((job.func_name or "").rsplit(".", 1)[-1])
    if kind is not None and job.args:
        payload = job.args[0]
        job.args = (without_text(payload),)  # rq files the job as failed next: with ids, not the story's words
        current_service().report_failure(kind.model_validate(payload))


def without_text(payload: Any) -> Any:
    """A job's request without the fields that can hold a story's words."""
    if not isinstance(payload, dict):
        return payload
    return {name: None if name in TEXT_FIELDS else value for name, value in payload.items()}


def run_worker(settings: Settings, service: Service, *, name: str | None = None, burst: bool = False) -> None:
    """Run rq's Heroku worker on the ``nutgraf`` queue (with its scheduler), timed so that a dead worker's job
    is taken up again within the bound in this module's docstring."""
    from rq.worker import HerokuWorker

    set_service(service)
    connection = redis.Redis.from_url(settings.redis_url)
    worker = HerokuWorker(
        [Queue(QUEUE_NAME, connection=connection)],
        connection=connection,
        name=name,
        worker_ttl=WORKER_TTL,
        maintenance_interval=MAINTENANCE_INTERVAL,
        job_monitoring_interval=JOB_MONITORING_INTERVAL,
    )
    worker.work(with_scheduler=True, burst=burst, logging_level=settings.log_level.upper())


# -- dispatching ----------------------------------------------------------------------------------------------


class Dispatcher:
    """Runs requests after the ack: on a thread pool (inline) or through RQ."""

    def __init__(self, settings: Settings, service: Service, *, max_workers: int = 4) -> None:
        self.settings = settings
        self.service = service
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="nutgraf-job")
        self._queue: Queue | None = None
        if settings.jobs == "rq":
            connection = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
            self._queue = Queue(QUEUE_NAME, connection=connection, default_timeout=JOB_TIMEOUT)

    def submit(self, request: Request) -> Future[None] | Job:
        """Start the work for a request; never raises for Redis trouble (falls back to inline)."""
        func = JOBS[type(request)]
        if self._queue is not None:
            try:
                return self._queue.enqueue(
                    func,
                    request.model_dump(mode="json"),
                    retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                    on_failure=Callback(report_failure),
                    description=f"{func.__name__} {request.key}",
                    result_ttl=0,
                    failure_ttl=FAILED_JOB_TTL,
                )
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                logger.warning("could not queue %s (Redis: %s); running it here instead", request.key, exc)
        metrics.INLINE_JOBS.inc()
        return self._pool.submit(self._run_inline, request)

    def _run_inline(self, request: Request) -> None:
        try:
            self.service.run(request)
        except Exception:
            logger.exception("request %s failed", request.key)
            self.service.report_failure(request)
        finally:
            metrics.INLINE_JOBS.dec()

    def queue_depths(self) -> dict[str, int]:
        """Jobs waiting in rq's queue (``nutgraf_queue_depth``); empty in inline mode."""
        return {} if self._queue is None else {QUEUE_NAME: self._queue.count}

    def shutdown(self, wait: bool = True) -> None:
        """Finish (or abandon) inline work; called at process exit."""
        self._pool.shutdown(wait=wait)
