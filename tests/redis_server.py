"""Real Redis for tests, never an imitation.

``redis_url`` is the shared server on 127.0.0.1:6379 when it answers, using a dedicated database (13, or
``TEST_REDIS_DB``) that ``redis_client`` flushes before and after each test; otherwise (or when that server
has no database of that number) a private ``redis-server`` started for the session. ``private_redis`` is a
server of the test's own on a free port, which the test may stop and restart to play a Redis outage.
``second_store`` is another process's view of the test database, and :func:`run_together` races actions
against each other."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import pytest
import redis

from bot.store import RedisStore

T = TypeVar("T")

HOST = "127.0.0.1"
SHARED_PORT = 6379
DEFAULT_TEST_DB = 13

INSTALL_HINT = (
    "These tests need a real Redis: start one on 127.0.0.1:6379, or install redis-server so the tests "
    "can start their own (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)."
)


def redis_test_db() -> int:
    """The database number tests may flush on the shared server (never 0)."""
    db = int(os.environ.get("TEST_REDIS_DB", DEFAULT_TEST_DB))
    if db == 0:
        raise ValueError("TEST_REDIS_DB must not be 0: tests flush that database.")
    return db


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def answers(port: int, db: int = 0, timeout: float = 0.5) -> bool:
    """Whether a Redis server answers PING on loopback ``port``."""
    client = redis.Redis(host=HOST, port=port, db=db, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


class RedisServer:
    """A private redis-server on loopback, without persistence, that can be stopped and restarted."""

    def __init__(self, port: int | None = None, directory: Path | None = None) -> None:
        if shutil.which("redis-server") is None:
            pytest.fail(INSTALL_HINT, pytrace=False)
        self.port = port or free_port()
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if directory is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="nutgraf-redis-")
            directory = Path(self._tempdir.name)
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's URL (database 0)."""
        return f"redis://{HOST}:{self.port}/0"

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it answers PING."""
        if self.running:
            return
        log = self.directory / "redis.log"
        # fmt: off
        command = [
            "redis-server", "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
            "--dir", str(self.directory), "--logfile", str(log), "--databases", str(max(16, redis_test_db() + 1)),
        ]
        # fmt: on
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not answers(self.port, timeout=0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                output = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                pytest.fail(f"redis-server did not start on port {self.port}:\n{output}", pytrace=False)
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server (its data is lost: there is no persistence)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Stop the server and start a fresh one on the same port."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """URL of a real Redis database the tests own: the shared server's test database, else a private server
    (also when the shared server has no database of that number)."""
    if answers(SHARED_PORT, redis_test_db()):
        yield f"redis://{HOST}:{SHARED_PORT}/{redis_test_db()}"
        return
    with RedisServer() as server:
        yield f"redis://{HOST}:{server.port}/{redis_test_db()}"


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    """A plain client (bytes replies, as rq wants) on the test database, flushed before and after the test."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def redis_store(redis_url: str, redis_client: redis.Redis) -> Iterator[RedisStore]:
    """A :class:`RedisStore` on the flushed test database."""
    store = RedisStore.from_url(redis_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def second_store(redis_url: str, redis_store: RedisStore) -> Iterator[RedisStore]:
    """Another process's view of the test database (its own connections and lease token)."""
    store = RedisStore.from_url(redis_url)
    try:
        yield store
    finally:
        store.close()


def run_together(count: int, action: Callable[[int], T], timeout: float = 30.0) -> list[T]:
    """Run ``action(i)`` in ``count`` threads released at the same moment; their results in thread order.

    Fails if an action raised, or if a thread is still running ``timeout`` seconds after it was joined.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = action(i)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads), f"a thread was still running after {timeout}s"
    return results


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, on a free port; the test may ``stop()`` and ``restart()`` it."""
    with RedisServer(directory=tmp_path) as server:
        yield server
