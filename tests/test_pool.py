"""The worker pool on its own: results, errors, deadlines, the memory bound and dead workers, with tiny tasks.

The tasks live in this module so that worker processes (started by a forkserver) can import them.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from bot.pool import DeadlineExceeded, MemoryExceeded, WorkerDied, WorkerPool

MB = 1024 * 1024


def double(x: int) -> int:
    return 2 * x


def pid() -> int:
    return os.getpid()


def fail(message: str) -> None:
    raise ValueError(message)


def spin(seconds: float) -> int:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return os.getpid()


def hog(megabytes: int) -> int:
    return len(bytearray(megabytes * MB))


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(workers=1, deadline=5.0, max_memory=512 * MB)
    yield workers
    workers.close()


def test_a_task_returns_its_result_from_another_process(pool: WorkerPool) -> None:
    assert not pool.started
    assert pool.run(double, 21) == 42
    assert pool.started
    assert pool.run(pid) != os.getpid()


def test_a_task_error_is_raised_in_the_caller(pool: WorkerPool) -> None:
    with pytest.raises(ValueError, match="no such story"):
        pool.run(fail, "no such story")
    assert pool.run(double, 2) == 4


def test_a_task_past_its_deadline_is_stopped_and_its_worker_replaced(pool: WorkerPool) -> None:
    before = pool.run(pid)
    with pytest.raises(DeadlineExceeded, match=r"longer than 0\.5 s"):
        pool.run(spin, 60.0, deadline=0.5)
    after = pool.run(pid)
    assert after != before
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)


def test_a_task_past_the_memory_bound_ends_its_worker(pool: WorkerPool) -> None:
    before = pool.run(pid)
    assert pool.run(hog, 64) == 64 * MB
    with pytest.raises(MemoryExceeded):
        pool.run(hog, 1024)
    assert pool.run(pid) != before
    assert pool.run(hog, 64) == 64 * MB


def test_a_worker_killed_mid_task_is_reported_and_replaced(pool: WorkerPool) -> None:
    with pytest.raises(WorkerDied, match=f"status {-signal.SIGKILL}"):
        pool.run(die)
    assert pool.run(double, 4) == 8


def test_close_stops_the_workers(pool: WorkerPool) -> None:
    worker = pool.run(pid)
    pool.close()
    assert not pool.started
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the worker outlived close()")
