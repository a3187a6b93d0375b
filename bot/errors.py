"""Errors that carry a message fit to show a reporter, in Slack or on the command line."""

from __future__ import annotations


class NutgrafError(Exception):
    """Base class: ``str(error)`` is a sentence a reporter can read."""

    #: A short machine-readable code, stable across releases (used in logs and JSON output).
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(NutgrafError):
    """The text given to analyse cannot be analysed (empty, binary, too long ...)."""

    code = "bad_input"


class ConfigError(NutgrafError):
    """A setting is missing or holds a placeholder."""

    code = "config"
