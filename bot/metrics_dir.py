"""Where multiprocess metrics go, chosen before :mod:`bot.metrics` (and ``prometheus_client``) is imported."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir() -> str:
    """Use ``PROMETHEUS_MULTIPROC_DIR`` if set (creating it), else a private directory removed at exit.

    Call it before :mod:`bot.metrics` is first imported in the process tree: the values class is chosen
    then. An operator's directory is never wiped (a web and a worker process on one host
    may share it, and a scrape of either then adds up both); clear it when the host starts.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        os.makedirs(given, exist_ok=True)
        return given
    path = tempfile.mkdtemp(prefix="nutgraf-metrics-")
    os.environ[MULTIPROC_ENV] = path
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # not in a forked child that exits
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(remove)
    return path
