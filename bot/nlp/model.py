"""Loading the spaCy pipeline: once per process, with only the components nutgraf uses."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from bot.errors import ConfigError
from bot.nlp.sentences import COMPONENT as SENTENCES

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

#: Components of the English pipelines that the analysis never reads (sentences come from the parser).
UNUSED_COMPONENTS = ("senter",)

_lock = threading.Lock()
_loaded: dict[str, Language] = {}


def load_model(name: str) -> Language:
    """Return the named spaCy pipeline, loading it on first use; later calls reuse the same object."""
    with _lock:
        nlp = _loaded.get(name)
        if nlp is None:
            import spacy

            logger.debug("loading spaCy model %s", name)
            try:
                nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
            except OSError as exc:
                raise ConfigError(
                    f"The spaCy model {name!r} is not installed. Install nutgraf with "
                    f'`pip install -e ".[dev]"` or set NUTGRAF_SPACY_MODEL to an installed English model.'
                ) from exc
            add_components(nlp)
            _loaded[name] = nlp
        return nlp


def add_components(nlp: Language) -> None:
    """Add nutgraf's own components: sentence boundaries at paragraphs and closing marks, before the parser
    (which keeps them) or, in a pipeline without one, before the sentence recogniser."""
    if SENTENCES in nlp.pipe_names:
        return
    before = next((c for c in ("parser", "senter") if c in nlp.pipe_names), None)
    if before is None:
        nlp.add_pipe(SENTENCES, first=True)
    else:
        nlp.add_pipe(SENTENCES, before=before)


def is_loaded(name: str) -> bool:
    """Whether the model has been loaded in this process (reported on /healthz)."""
    return name in _loaded
