"""Where analyses run: in worker processes with a deadline and a memory bound, never in a web process.

Reading a fetched page (decoding, trafilatura's extraction) and analysing its text (normalisation,
spaCy's parse, extraction) are the CPU- and memory-hungry steps, and the ones a crafted message or page
can make slow. :class:`PooledRunner` runs each of them as a task in a small :class:`~bot.pool.WorkerPool`:
the spaCy model is loaded once per worker process, every task has ``NUTGRAF_ANALYSIS_TIMEOUT`` seconds and
``NUTGRAF_ANALYSIS_MAX_MEMORY`` MB of address space, and a worker past either is stopped and replaced
while the reporter is told why (:class:`AnalysisTooSlow`, :class:`AnalysisTooLarge`). Fetching, Redis and
Slack calls stay in the calling thread.

Every surface uses it: ``nutgraf serve`` and ``socket`` (inline jobs; workers come from a forkserver, since
a web process runs threads), ``nutgraf worker`` (rq: each work horse forks its worker from the model the
worker loaded) and ``nutgraf analyze``/``batch`` (workers forked from the command, which has spaCy imported).
:class:`InProcessRunner` runs the same steps in the calling thread, with no deadline; tests and
benchmarks that already hold a loaded :class:`~bot.nlp.pipeline.Analyzer` use it.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import sys
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from bot import pool
from bot.errors import InputError, NutgrafError
from bot.fetch import Page, read_page
from bot.models import Analysis, Article
from bot.nlp.model import is_loaded
from bot.nlp.pipeline import Analyzer, pipeline_version
from bot.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Modules a forkserver imports once, so each new worker starts with them loaded.
PRELOAD = ("bot.analysis",)
#: What each new worker analyses before its first task.
WARM_UP = 'The council said on Monday that it would spend $4 million on roads, and the mayor said: "We agree."'


class AnalysisTooSlow(InputError):  # noqa: N818 (read as "the analysis was too slow")
    """Reading or analysing the text took longer than ``NUTGRAF_ANALYSIS_TIMEOUT``."""

    code = "too_slow"


class AnalysisTooLarge(InputError):  # noqa: N818
    """Reading or analysing the text needed more memory than ``NUTGRAF_ANALYSIS_MAX_MEMORY``."""

    code = "too_much_memory"


class AnalysisCrashed(NutgrafError):  # noqa: N818
    """The process analysing the text ended without an answer (killed from outside, or crashed)."""

    code = "analysis_crashed"


class Runner(Protocol):
    """Reads pages and analyses articles for :class:`~bot.service.Service` and the command line."""

    version: str

    def read(self, page: Page) -> Article: ...

    def analyze(self, article: Article) -> Analysis: ...

    def model_loaded(self) -> bool: ...

    def close(self) -> None: ...


class InProcessRunner:
    """The analysis in the calling thread, with no deadline (tests, benchmarks, an already loaded model)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.version = analyzer.version

    def read(self, page: Page) -> Article:
        return read_page(page)

    def analyze(self, article: Article) -> Analysis:
        return self.analyzer.analyze(article)

    def model_loaded(self) -> bool:
        return is_loaded(self.analyzer.model_name)

    def close(self) -> None:
        pass


# -- what runs in a worker process -----------------------------------------------------------------------

_analyzer: Analyzer | None = None


def _die_with_parent() -> None:
    """Linux: end this worker when the process that started it dies (a SIGKILLed rq work horse, say)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _start(model_name: str, max_chars: int, loaded: Analyzer | None) -> None:
    """Worker initializer: the analyzer (inherited through fork when ``loaded``), with its model loaded."""
    global _analyzer
    _die_with_parent()
    _analyzer = loaded or Analyzer(model_name, max_chars=max_chars)
    # Load the model and everything loaded on first use (language identifier, lookups) now, not in the
    # first task's time.
    _analyzer.analyze(Article(text=WARM_UP))


def _read_task(page: Page) -> Article:
    return read_page(page)


def _analyze_task(article: Article) -> Analysis:
    assert _analyzer is not None, "the worker was not initialised"
    return _analyzer.analyze(article)


# -- the caller's side -----------------------------------------------------------------------------------


class PooledRunner:
    """Reads and analyses in a pool of worker processes, each task under a deadline and a memory bound."""

    def __init__(
        self,
        settings: Settings,
        *,
        workers: int | None = None,
        start_method: str = "forkserver",
        analyzer: Analyzer | None = None,
    ) -> None:
        """``analyzer``: one already loaded in this process for workers to inherit (``start_method="fork"``)."""
        self.model_name = settings.spacy_model
        self.version = pipeline_version(settings.spacy_model)
        self.deadline = settings.analysis_timeout
        self.max_memory_mb = settings.analysis_max_memory
        self.pool = pool.WorkerPool(
            workers=workers or settings.analysis_workers,
            deadline=settings.analysis_timeout,
            max_memory=settings.analysis_max_memory * 1024 * 1024 or None,
            initializer=_start,
            initargs=(settings.spacy_model, settings.max_text_chars, analyzer if start_method == "fork" else None),
            start_method=start_method,
            preload=PRELOAD,
        )

    def read(self, page: Page) -> Article:
        """Decode a page and extract its article (trafilatura) in a worker."""
        return self._run(_read_task, page, doing="read", what="That page")

    def analyze(self, article: Article) -> Analysis:
        """Analyse an article in a worker."""
        return self._run(_analyze_task, article, doing="analyse", what="This text")

    def _run(self, task: Callable[[Any], T], arg: object, *, doing: str, what: str) -> T:
        try:
            return self.pool.run(task, arg)
        except pool.DeadlineExceeded as error:
            logger.warning("a task to %s ran past %g s; its worker was replaced", doing, self.deadline)
            seconds = f"{self.deadline:g} second{'' if self.deadline == 1 else 's'}"
            raise AnalysisTooSlow(
                f"{what} took too long to {doing} (more than {seconds}), so I stopped. "
                "It may be built in an unusual way; if it is a real story, paste its text."
            ) from error
        except pool.MemoryExceeded as error:
            logger.warning("a task to %s needed more than %d MB; its worker was replaced", doing, self.max_memory_mb)
            raise AnalysisTooLarge(
                f"{what} needed more memory to {doing} than I allow ({self.max_memory_mb:,} MB), so I stopped. "
                "Try a shorter extract."
            ) from error
        except pool.WorkerDied as error:
            logger.error("the worker that was to %s a text died: %s", doing, error)
            raise AnalysisCrashed(
                f"The process that was to {doing} this ended unexpectedly, so there is no result. Try again in a "
                "minute; if it happens again, the text may be the cause."
            ) from error

    def model_loaded(self) -> bool:
        """Whether an analysis worker of this process is up, with the model loaded (after :meth:`start`)."""
        return self.pool.ready

    def start(self) -> None:
        """Start the workers now, so the first request does not wait for the model to load."""
        self.pool.start()

    def close(self) -> None:
        """Stop this process's workers."""
        self.pool.close()
