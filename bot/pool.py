"""A few worker processes that run CPU-bound tasks with a deadline and a memory bound each.

This module imports nothing of nutgraf's core, so any layer may use it. Built on pebble's
``ProcessPool``, which times each task from the moment a worker takes it and terminates (SIGTERM, then
SIGKILL after 3 s) a worker still running at the deadline; a worker that dies is replaced. What this
module adds:

- a memory bound: each worker caps its own address space (``RLIMIT_AS``) before it starts, so an
  allocation past the bound fails inside the task instead of growing the machine into swap; the task's
  ``MemoryError`` ends that worker (a process that ran out of memory is not trusted with the next task);
- typed outcomes: :class:`DeadlineExceeded`, :class:`MemoryExceeded`, :class:`WorkerDied`;
- a pool per process: a pool object inherited through ``fork`` (an rq work horse, a gunicorn worker)
  starts its own workers on first use instead of talking to its parent's.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Exit status of a worker that ran out of memory in a task (pebble reports it as ``ProcessExpired``).
EXIT_OUT_OF_MEMORY = 75
#: Seconds a task may wait for a worker to start (interpreter, imports, model) before it counts.
STARTUP_GRACE = 120.0


class TaskFailed(Exception):  # noqa: N818 (the outcome, as pebble names its own)
    """A task did not finish in its worker."""


class DeadlineExceeded(TaskFailed):
    """The task ran past its deadline; its worker was stopped and replaced."""


class MemoryExceeded(TaskFailed):
    """The task needed more memory than a worker may have; its worker was replaced."""


class WorkerDied(TaskFailed):
    """The worker ended while running the task (killed from outside, or crashed)."""


def _limit_memory(max_bytes: int | None) -> None:
    if not max_bytes:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _start_worker(max_bytes: int | None, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    """Runs first in each worker: cap memory, then the caller's initializer (a failure there is logged; the
    task that needs what it prepared raises the error again)."""
    _limit_memory(max_bytes)
    if initializer is not None:
        try:
            initializer(*initargs)
        except Exception:
            logger.exception("worker initializer failed")


def _ready() -> bool:
    return True


def _call(function: Callable[..., T], args: tuple[Any, ...]) -> T:
    """Runs in the worker: a task that runs out of memory ends its worker with :data:`EXIT_OUT_OF_MEMORY`."""
    try:
        return function(*args)
    except MemoryError:
        os._exit(EXIT_OUT_OF_MEMORY)


class WorkerPool:
    """``workers`` processes, started on first use in each process that uses the pool.

    ``start_method`` is multiprocessing's: ``forkserver`` (or ``spawn``) for a process that runs threads,
    such as a web server; ``fork`` where the process is single-threaded and holds something costly to
    load that workers should inherit (an rq work horse with the model already loaded).
    """

    def __init__(
        self,
        *,
        workers: int,
        deadline: float,
        max_memory: int | None = None,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        start_method: str = "forkserver",
        preload: tuple[str, ...] = (),
    ) -> None:
        self.workers = workers
        self.deadline = deadline
        self.max_memory = max_memory
        self.start_method = start_method
        self._initializer = initializer
        self._initargs = initargs
        self._preload = preload
        self._pool: ProcessPool | None = None
        self._pid = 0
        self._probe: concurrent.futures.Future[bool] | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """Whether this process's workers have been started."""
        return self._pool is not None and self._pid == os.getpid()

    @property
    def ready(self) -> bool:
        """Whether a worker of this process's pool has finished starting (its initializer ran)."""
        probe = self._probe if self.started else None
        return probe is not None and probe.done() and not probe.cancelled() and probe.exception() is None

    def start(self) -> None:
        """Start this process's workers now rather than on the first task; :attr:`ready` tells when one is up."""
        self._get()

    def _get(self) -> ProcessPool:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                context = multiprocessing.get_context(self.start_method)
                if self._preload and self.start_method == "forkserver":
                    context.set_forkserver_preload(list(self._preload))
                self._pool = ProcessPool(
                    max_workers=self.workers,
                    initializer=_start_worker,
                    initargs=(self.max_memory, self._initializer, self._initargs),
                    context=context,
                )
                self._pid = os.getpid()
                self._probe = self._pool.schedule(_ready)
            return self._pool

    def run(self, function: Callable[..., T], *args: Any, deadline: float | None = None) -> T:
        """``function(*args)`` in a worker; its result, the exception it raised, or a :class:`TaskFailed`."""
        seconds = self.deadline if deadline is None else deadline
        future = self._get().schedule(_call, args=(function, args), timeout=seconds)
        try:
            # pebble times the task from when a worker takes it; this wait also bounds a pool whose workers
            # never come up (an initializer that kills them, say).
            return future.result(timeout=seconds + STARTUP_GRACE)  # type: ignore[no-any-return]
        except concurrent.futures.TimeoutError as error:
            future.cancel()  # type: ignore[no-untyped-call]
            raise DeadlineExceeded(f"the task ran longer than {seconds:g} s") from error
        except ProcessExpired as error:
            if error.exitcode == EXIT_OUT_OF_MEMORY:
                raise MemoryExceeded("the task ran out of memory") from error
            raise WorkerDied(f"the worker ended with status {error.exitcode}") from error
        except MemoryError as error:  # the result itself was too large to take back
            raise MemoryExceeded("the task ran out of memory") from error

    def close(self) -> None:
        """Stop this process's workers (running tasks are abandoned)."""
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None and self._pid == os.getpid():
                pool.stop()  # type: ignore[no-untyped-call]
                pool.join(timeout=10)
