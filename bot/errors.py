"""Errors that carry a message fit to show a reporter, in Slack or on the command line."""

from __future__ import annotations


class NutgrafError(Exception):
    """Base class: ``str(error)`` is a sentence a reporter can read."""

    #: A short machine-readable code, stable across releases (used in logs and JSON output).
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:
        # Analyses run in worker processes and their errors come back pickled; subclasses whose
        # constructors take other arguments (a status, a source) are rebuilt from their state instead.
        return (_restore, (type(self), self.message, self.__dict__))


def _restore(cls: type[NutgrafError], message: str, state: dict[str, object]) -> NutgrafError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InputError(NutgrafError):
    """The text given to analyse cannot be analysed (empty, binary, too long ...)."""

    code = "bad_input"


class ConfigError(NutgrafError):
    """A setting is missing or holds a placeholder."""

    code = "config"
