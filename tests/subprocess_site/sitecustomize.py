"""Installs the loopback guard (``tests/loopback_guard.py``) in every Python process the tests start.

``conftest.py`` puts this folder on ``PYTHONPATH``; Python imports ``sitecustomize`` at start-up, before
the program runs. A ``sitecustomize`` that this one shadows is run afterwards.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> None:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_load("loopback_guard", _HERE.parent / "loopback_guard.py")
sys.modules["loopback_guard"].install()

_others = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
_shadowed = importlib.machinery.PathFinder.find_spec("sitecustomize", _others)
if _shadowed is not None and _shadowed.origin is not None:
    _load("sitecustomize", Path(_shadowed.origin))
